"""Django settings for Gaoxin. Every value that differs between machines comes from the
environment through the typed helpers in `gaoxin.common.env`; `.env.example` lists them all."""

from __future__ import annotations

import importlib.util
import secrets
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from gaoxin.common.env import env_bool, env_int, env_list, env_str

# Generic Django classes (ModelAdmin[Model], Form fields …) subscriptable at run time, as typed.
django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # src/gaoxin
BASE_DIR = Path(env_str("GAOXIN_HOME", str(PACKAGE_DIR.parent.parent)))  # the checkout
VAR_DIR = BASE_DIR / "var"  # the data: the SQLite database, uploads
# Where `gaoxin backup` writes its archives (docs/operator-guide.md: copy them to another machine).
GAOXIN_BACKUP_DIR = Path(env_str("GAOXIN_BACKUP_DIR", str(VAR_DIR / "backups")))
VAR_DIR.mkdir(exist_ok=True)
# Keys are never kept in the data folder (a copy of the data must not carry its key): without the
# environment variables, a trial installation keeps random keys in GAOXIN_KEY_DIR (default keys/ beside
# var/), created once with mode 600. Production sets the variables (a deploy check says so).
KEY_DIR = Path(env_str("GAOXIN_KEY_DIR", str(BASE_DIR / "keys")))


def _key_from_env_or_file(name: str, filename: str) -> tuple[str, str]:
    """The key and where it came from: the environment variable, or a file of KEY_DIR."""
    key = env_str(name, "")
    if key:
        return key, "environment"
    KEY_DIR.mkdir(mode=0o700, exist_ok=True)
    path = KEY_DIR / filename
    legacy = VAR_DIR / filename  # releases before 0.2 kept the keys in var/
    if not path.exists() and legacy.exists():
        legacy.replace(path)
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip(), "file"


SECRET_KEY, GAOXIN_SECRET_KEY_SOURCE = _key_from_env_or_file("GAOXIN_SECRET_KEY", "secret_key")
# Encrypts 身份证号 and phone numbers at rest and keys their lookup hash (gaoxin.common.crypto).
# Separate from SECRET_KEY so that rotating one does not lose the other; back it up with the database.
GAOXIN_DATA_KEY, GAOXIN_DATA_KEY_SOURCE = _key_from_env_or_file("GAOXIN_DATA_KEY", "data_key")
# During a key rotation (`gaoxin keys rotate`): the keys data may still be encrypted with.
GAOXIN_DATA_KEYS_PREVIOUS = env_list("GAOXIN_DATA_KEY_PREVIOUS", [])
DEBUG = env_bool("GAOXIN_DEBUG", True)
ALLOWED_HOSTS = env_list("GAOXIN_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

# HTTPS (docs/operator-guide.md): on by default in production (GAOXIN_DEBUG=false). Behind a reverse proxy
# that ends TLS, GAOXIN_PROXY_SSL_HEADER=true trusts its X-Forwarded-Proto (the proxy must set it, and
# strip it from clients); GAOXIN_CSRF_TRUSTED_ORIGINS lists the https:// origins users reach the site by.
GAOXIN_HTTPS = env_bool("GAOXIN_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = GAOXIN_HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = env_bool("GAOXIN_SSL_REDIRECT", GAOXIN_HTTPS)
SECURE_HSTS_SECONDS = env_int("GAOXIN_HSTS_SECONDS", 365 * 24 * 3600 if GAOXIN_HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("GAOXIN_HSTS_INCLUDE_SUBDOMAINS", GAOXIN_HTTPS)
# The preload directive is inert until someone submits the domain to the browsers' list.
SECURE_HSTS_PRELOAD = env_bool("GAOXIN_HSTS_PRELOAD", GAOXIN_HTTPS)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("GAOXIN_PROXY_SSL_HEADER", False) else None
)
CSRF_TRUSTED_ORIGINS = env_list("GAOXIN_CSRF_TRUSTED_ORIGINS", [])
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # serves Swagger UI from its own static files, not a CDN
    "gaoxin.common",
    "gaoxin.accounts",
    "gaoxin.places",
    "gaoxin.lifecircle",
    "gaoxin.parks",
    "gaoxin.plans",
    "gaoxin.governance",
    "gaoxin.education",
    "gaoxin.health",
    "gaoxin.site",
    "gaoxin.demo",
]

MIDDLEWARE = [
    "gaoxin.site.middleware.HealthMiddleware",
    "gaoxin.site.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "gaoxin.site.middleware.JsonGzipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "gaoxin.site.middleware.ChineseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gaoxin.site.middleware.IdleTimeoutMiddleware",
    "gaoxin.site.middleware.SecondFactorMiddleware",
    "gaoxin.site.middleware.AuditContextMiddleware",
    "gaoxin.places.web.ZoneMiddleware",
    "gaoxin.site.middleware.SecurityHeadersMiddleware",
    "gaoxin.site.middleware.DataKeyErrorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "gaoxin.site.urls"
WSGI_APPLICATION = "gaoxin.site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "gaoxin.site.context.site_context",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", "sqlite:///" + str(VAR_DIR / "gaoxin.sqlite3")),
        conn_max_age=env_int("GAOXIN_DB_CONN_MAX_AGE", 0, minimum=0),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env_int("GAOXIN_SESSION_SECONDS", 8 * 3600, minimum=300)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Inactivity: a session idle this long ends (等保 level 3: session timeout); 0 disables.
GAOXIN_IDLE_SECONDS = env_int("GAOXIN_IDLE_SECONDS", 30 * 60, minimum=0)
# Login limits (accounts.services): from this many failures of an account since its last login, it waits
# GAOXIN_LOGIN_LOCK_SECONDS after each failure, doubling (at most a day); the same per client address.
GAOXIN_LOGIN_MAX_FAILURES = env_int("GAOXIN_LOGIN_MAX_FAILURES", 5, minimum=1)
GAOXIN_LOGIN_MAX_FAILURES_PER_ADDRESS = env_int("GAOXIN_LOGIN_MAX_FAILURES_PER_ADDRESS", 20, minimum=1)
GAOXIN_LOGIN_LOCK_SECONDS = env_int("GAOXIN_LOGIN_LOCK_SECONDS", 15 * 60, minimum=60)
# Second factor (TOTP, RFC 6238) for administrators and the roles that see personal data (等保 level 3
# asks two factors of them): on by default, the demo included; off only by an explicit choice.
GAOXIN_REQUIRE_2FA = env_bool("GAOXIN_REQUIRE_2FA", True)
# A CJK TrueType font to embed in the PDFs ("path" or "path#index" of a .ttc); empty: a system font is looked
# for (Debian: fonts-wqy-zenhei), else the PDFs use Adobe's CID font STSong-Light, not embedded.
GAOXIN_PDF_FONT = env_str("GAOXIN_PDF_FONT", "")
# Breaking the glass (health): how long a doctor's emergency access to a resident outside their care lasts.
GAOXIN_BREAK_GLASS_HOURS = env_int("GAOXIN_BREAK_GLASS_HOURS", 12, minimum=1)
# Two-way referral (health): the hours a hospital has to answer a referral, and an urgent one; 0 keeps the
# value of standards/referral.toml.
GAOXIN_REFERRAL_ANSWER_HOURS = env_int("GAOXIN_REFERRAL_ANSWER_HOURS", 0, minimum=0)
GAOXIN_REFERRAL_URGENT_HOURS = env_int("GAOXIN_REFERRAL_URGENT_HOURS", 0, minimum=0)
# Online consultation: the hours a team has to answer a resident's question; 0 keeps standards/referral.toml.
GAOXIN_CONSULT_ANSWER_HOURS = env_int("GAOXIN_CONSULT_ANSWER_HOURS", 0, minimum=0)
# Trusted reverse proxies in front of the application (the client address comes from X-Forwarded-For).
GAOXIN_PROXY_COUNT = env_int("GAOXIN_PROXY_COUNT", 0, minimum=0)
# Audit events younger than this cannot be deleted (≥ 180 days; 网络安全法 Art. 21 asks ≥ 6 months).
GAOXIN_AUDIT_RETENTION_DAYS = env_int("GAOXIN_AUDIT_RETENTION_DAYS", 365, minimum=180)

# Chinese first: zh-hans is the default, English is available.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_ROOT.mkdir(
    exist_ok=True
)  # collectstatic fills it for production; WhiteNoise serves from the finders meanwhile
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # collectstatic writes a gzip copy of every file beside it; WhiteNoise serves it to browsers that accept it
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG  # production serves the collected (and compressed) files
WHITENOISE_MAX_AGE = 3600

# Background jobs (gaoxin.common.jobs): with a broker they run on Celery workers, without one on the
# embedded worker that `make demo` and `gaoxin serve` start.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
GAOXIN_JOBS_INLINE = False  # the test suite runs a job where it is submitted (never in production)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # a long job does not hold others back on one worker
CELERY_TASK_IGNORE_RESULT = True  # the job's result is in the database
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis (production, several application servers, Celery): the shared cache and the job broker.
GAOXIN_REDIS_URL = env_str("GAOXIN_REDIS_URL", "")
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": GAOXIN_REDIS_URL,
            "TIMEOUT": 3600,
        }
        if GAOXIN_REDIS_URL
        # one process's memory: right for the demo and a single server
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "TIMEOUT": 3600,
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    )
}


def _package_static(package: str) -> Path:
    """The static folder of an installed package, found without importing it (django-leaflet's
    __init__ pulls in GeoDjango, which needs GDAL; we only want its copy of Leaflet)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ImproperlyConfigured(f"package {package!r} is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


# Leaflet 1.9 ships inside the django-leaflet wheel: served locally, no CDN.
STATICFILES_DIRS = [_package_static("leaflet")]

# Maps draw the zone's own layers; a tile layer is used only when an intranet tile server is configured.
GAOXIN_MAP_TILE_URL = env_str("GAOXIN_MAP_TILE_URL", "")
GAOXIN_MAP_TILE_ATTRIBUTION = env_str("GAOXIN_MAP_TILE_ATTRIBUTION", "")
# Largest file accepted by the import page, in bytes.
# Each solve of a siting model stops after this many seconds and returns its best solution with its gap.
GAOXIN_SITING_TIME_LIMIT_S = env_int("GAOXIN_SITING_TIME_LIMIT_S", 120, minimum=1)
GAOXIN_IMPORT_MAX_BYTES = env_int("GAOXIN_IMPORT_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
GAOXIN_ATTACHMENT_MAX_BYTES = env_int("GAOXIN_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = GAOXIN_IMPORT_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = GAOXIN_IMPORT_MAX_BYTES + 1024 * 1024

# Logs on standard error: one JSON object per line in production (GAOXIN_LOG_FORMAT=json; `text` for
# people), the request and job lines at INFO (GAOXIN_REQUEST_LOG) — gaoxin.common.logs: nothing personal.
GAOXIN_LOG_FORMAT = env_str("GAOXIN_LOG_FORMAT", "text" if DEBUG else "json")
if GAOXIN_LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"GAOXIN_LOG_FORMAT is json or text, not {GAOXIN_LOG_FORMAT!r}")
GAOXIN_REQUEST_LOG = env_bool("GAOXIN_REQUEST_LOG", not DEBUG)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "gaoxin.common.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": GAOXIN_LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("GAOXIN_LOG_LEVEL", "WARNING")},
    "loggers": {
        "gaoxin.request": {"level": "INFO" if GAOXIN_REQUEST_LOG else "WARNING"},
        "gaoxin.jobs": {"level": "INFO"},
    },
}
