"""Use cases of the accounts app: roles and users."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import time
import unicodedata

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_noop

from gaoxin.accounts.choices import Role
from gaoxin.accounts.models import RecoveryCode, SecondFactor, User
from gaoxin.analysis import otp
from gaoxin.common import audit, crypto
from gaoxin.common.models import AuditEvent

# Model permissions each role holds (object-level rules, e.g. "only their own street", live in access.py).
_PLACES_ALL = [
    f"places.{action}_{model}"
    for model in ("zone", "street", "community", "residentialarea", "facility", "facilitytype", "walkedge")
    for action in ("view", "add", "change", "delete")
]
_PLACES_VIEW = [p for p in _PLACES_ALL if p.startswith("places.view_")]
_PLACES_IMPORT = ["places.import_places"]
_LIFECIRCLE_VIEW = [
    "lifecircle.view_evaluation",
    "lifecircle.view_arearesult",
    "lifecircle.view_profile",
    "lifecircle.view_profileitem",
]
_LIFECIRCLE_RUN = [*_LIFECIRCLE_VIEW, "lifecircle.add_evaluation"]
_LIFECIRCLE_PROFILES = [
    "lifecircle.add_profile",
    "lifecircle.change_profile",
    "lifecircle.add_profileitem",
    "lifecircle.change_profileitem",
    "lifecircle.delete_profileitem",
]
_PARKS_MODELS = (
    "park",
    "parkyear",
    "enterprise",
    "landparcel",
    "landuse",
    "plant",
    "fact",
    "yearflag",
    "scheme",
    "evaluation",
    "result",
    "appeal",
    "policymeasure",
    "plantunit",
    "lease",
    "policy",
    "policymatch",
    "provider",
    "service",
    "servicerequest",
    "incubationcall",
    "application",
    "expertreview",
    "incubationmilestone",
    "financinground",
    "parkupgrade",
)
_PARKS_VIEW = [f"parks.view_{m}" for m in _PARKS_MODELS]
_PARKS_ALL = [f"parks.{a}_{m}" for m in _PARKS_MODELS for a in ("view", "add", "change", "delete")]
_PLANS_MODELS = (
    "unit",
    "target",
    "targetreport",
    "programme",
    "task",
    "node",
    "progressreport",
    "supervisionnotice",
    "project",
    "projectmonth",
    "milestone",
    "carefacility",
    "starassessment",
    "mealmonth",
)
# Elderly-care details are kept by the civil-affairs side of the 社会事业发展局 (the planner's desk).
_PLANS_CARE = [
    "plans.change_carefacility",
    "plans.add_carefacility",
    "plans.add_starassessment",
    "plans.add_mealmonth",
]
_PLANS_VIEW = [f"plans.view_{m}" for m in _PLANS_MODELS]
# The zone administration runs the targets and the tables and is the supervision office (督查室).
_PLANS_ALL = [f"plans.{a}_{m}" for m in _PLANS_MODELS for a in ("view", "add", "change")] + [
    "plans.supervise"
]
_EDUCATION_MODELS = [
    "development",
    "phase",
    "kindergarten",
    "schoolrecord",
    "catchmentplan",
    "profile",
    "childcount",
]
_EDUCATION_VIEW = [f"education.view_{m}" for m in _EDUCATION_MODELS]
# The education bureau keeps the registries and publishes the catchments; planners propose.
_EDUCATION_ALL = [f"education.{a}_{m}" for m in _EDUCATION_MODELS for a in ("view", "add", "change")]
_EDUCATION_PLAN = _EDUCATION_VIEW + ["education.add_catchmentplan"]
_GOVERNANCE_VIEW = ["governance.view_case", "governance.view_grid", "governance.view_department"]
# The zone's command centre (指挥中心) and the 12345 desk sit with the zone administration.
_GOVERNANCE_ALL = _GOVERNANCE_VIEW + [
    "governance.add_case",
    "governance.change_case",
    "governance.add_grid",
    "governance.change_grid",
    "governance.add_department",
    "governance.change_department",
    "governance.change_servicetype",
    "governance.add_apiclient",
    "governance.change_apiclient",
]
ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.ZONE_ADMIN: _PLACES_ALL
    + _PLACES_IMPORT
    + _LIFECIRCLE_RUN
    + _LIFECIRCLE_PROFILES
    + _PARKS_ALL
    + _PLANS_ALL
    + _GOVERNANCE_ALL
    + _EDUCATION_ALL,
    Role.PLANNER: _PLACES_ALL
    + _PLACES_IMPORT
    + _LIFECIRCLE_RUN
    + _PLANS_VIEW
    + _PLANS_CARE
    + _EDUCATION_PLAN,
    Role.STREET_STAFF: _PLACES_VIEW
    + [
        "places.add_residentialarea",
        "places.change_residentialarea",
        "places.add_facility",
        "places.change_facility",
        *_PLACES_IMPORT,
        *_LIFECIRCLE_VIEW,
        "education.view_kindergarten",  # their street's developments and kindergartens only
    ],
    Role.LEADERSHIP: _PLACES_VIEW
    + _LIFECIRCLE_VIEW
    + _PARKS_VIEW
    + _PLANS_VIEW
    + _GOVERNANCE_VIEW
    + _EDUCATION_VIEW,
    Role.PARK_STAFF: _PLACES_VIEW + _PARKS_ALL,
    Role.DOCTOR: ["places.view_facility", "places.view_facilitytype"],
    Role.RESIDENT: [],
    Role.ENTERPRISE: [],
    Role.AUDITOR: [],
    Role.EDUCATION: _PLACES_VIEW + _EDUCATION_ALL,
    # an expert sees only the applications assigned to them (parks.access), through no model permission
    Role.REVIEWER: [],
}


def ensure_roles() -> None:
    """Create the role groups and give each exactly its permissions (idempotent; run after migrate)."""
    # Keyed by "app_label.codename": the same codename exists in several apps (view_evaluation …).
    perms = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.filter(
            content_type__app_label__in=["places", "lifecircle", "parks", "plans", "governance", "education"]
        ).select_related("content_type")
    }
    with transaction.atomic():
        for role, codenames in ROLE_PERMISSIONS.items():
            group, _ = Group.objects.get_or_create(name=role.value)
            group.permissions.set([perms[c] for c in codenames if c in perms])


def has_acted(user: User) -> bool:
    """Whether the user appears in the audit log (logged in, read, wrote): then they are kept."""
    return (
        AuditEvent.objects.filter(actor_id=user.pk).exists()
        or AuditEvent.objects.filter(actor_name=user.username).exists()
    )


@transaction.atomic
def deactivate(user: User, *, actor: User | None = None) -> User:
    """Take away a user's access without deleting them (sessions end at their next request)."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit.record(actor, "deactivate", "user", user.username[:40], label=user.username)
    return user


@transaction.atomic
def create_user(
    username: str,
    password: str,
    *,
    roles: list[Role],
    display_name: str = "",
    street_id: int | None = None,
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    """Create a user with the given roles. Street staff must name their street."""
    if Role.STREET_STAFF in roles and street_id is None:
        raise ValueError("street staff need a street")
    ensure_roles()
    user = User.objects.create_user(
        username=username,
        password=password,
        display_name=display_name,
        street_id=street_id,
        is_staff=is_staff,
        is_superuser=is_superuser,
    )
    user.groups.set(Group.objects.filter(name__in=[r.value for r in roles]))
    return user


@transaction.atomic
def upsert_user(
    username: str,
    password: str,
    *,
    roles: list[Role],
    display_name: str = "",
    street_id: int | None = None,
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    """The user with these settings: created, or the existing one set so (the demo reloads this way,
    so that its users — named on audit events — are kept, never deleted)."""
    user = User.objects.filter(username=username).first()
    if user is None:
        return create_user(
            username,
            password,
            roles=roles,
            display_name=display_name,
            street_id=street_id,
            is_staff=is_staff,
            is_superuser=is_superuser,
        )
    ensure_roles()
    user.display_name, user.street_id, user.is_staff, user.is_superuser = (
        display_name,
        street_id,
        is_staff,
        is_superuser,
    )
    user.is_active = True
    user.set_password(password)
    user.save()
    user.groups.set(Group.objects.filter(name__in=[r.value for r in roles]))
    return user


# --- login (等保 level 3: login-failure handling) ---------------------------------------------------
# Every attempt is an audit event, so every process and restart sees the same counts.
#
# - A name is counted as the login form reads it: Unicode-normalised (NFKC, as Django's UsernameField
#   does before authenticating), so ｌiuxing and liuxing are one account and share one count.
# - Per account: from the GAOXIN_LOGIN_MAX_FAILURES-th failure since its last successful login (or an
#   operator's unlock), the account waits GAOXIN_LOGIN_LOCK_SECONDS after each failure, doubling with
#   every further failure (at most a day).
# - Per address: from the GAOXIN_LOGIN_MAX_FAILURES_PER_ADDRESS-th failure of one client address in a
#   day, whatever the names, that address waits likewise.
# - A name that is no account is recorded as a keyed hash: a password typed into the name field never
#   reaches the log.

LOGIN_HORIZON = dt.timedelta(days=1)
MAX_DELAY_SECONDS = 24 * 3600


def normalise_name(username: str) -> str:
    return unicodedata.normalize("NFKC", username or "").strip()


def login_key(username: str) -> str:
    """What a name's attempts are recorded under: the account's user name, or a keyed hash of a name
    that is no account."""
    name = normalise_name(username)
    if User.objects.filter(username=name).exists():
        return name[:40]
    digest = hmac.new(settings.SECRET_KEY.encode(), name.casefold().encode(), hashlib.sha256).hexdigest()
    return "h:" + digest[:24]


def _wait(failures: list[dt.datetime], threshold: int, now: dt.datetime) -> dt.timedelta:
    """How long to wait after ``failures`` (newest first): nothing below the threshold, then the lock
    time after the last failure, doubling with each failure past the threshold."""
    if len(failures) < threshold:
        return dt.timedelta(0)
    doubling = min(len(failures) - threshold, 20)
    delay = min(settings.GAOXIN_LOGIN_LOCK_SECONDS * 2**doubling, MAX_DELAY_SECONDS)
    until = failures[0] + dt.timedelta(seconds=delay)
    return max(dt.timedelta(0), until - now)


def account_wait(username: str, now: dt.datetime | None = None) -> dt.timedelta:
    now = now or timezone.now()
    key = login_key(username)
    since = now - LOGIN_HORIZON
    reset = (
        AuditEvent.objects.filter(action__in=("login", "login_unlock"), target_id=key, at__gte=since)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    failures = list(
        AuditEvent.objects.filter(action="login_failed", target_id=key, at__gte=reset or since)
        .order_by("-at")
        .values_list("at", flat=True)
    )
    return _wait(failures, settings.GAOXIN_LOGIN_MAX_FAILURES, now)


def address_wait(address: str | None, now: dt.datetime | None = None) -> dt.timedelta:
    if not address:
        return dt.timedelta(0)
    now = now or timezone.now()
    failures = list(
        AuditEvent.objects.filter(action="login_failed", ip=address, at__gte=now - LOGIN_HORIZON)
        .order_by("-at")
        .values_list("at", flat=True)
    )
    return _wait(failures, settings.GAOXIN_LOGIN_MAX_FAILURES_PER_ADDRESS, now)


def login_wait(username: str, address: str | None) -> dt.timedelta:
    """How long this name from this address must wait before it may try again (0: it may now)."""
    return max(account_wait(username), address_wait(address))


def login_locked(username: str, address: str | None = None) -> bool:
    return login_wait(username, address) > dt.timedelta(0)


def record_login(user: object, username: str, *, request: HttpRequest | None = None) -> None:
    audit.record(user, "login", "user", login_key(username), request=request)


def record_login_failure(username: str, *, request: HttpRequest | None = None) -> None:
    key = login_key(username)
    label = key if not key.startswith("h:") else ""
    audit.record(None, "login_failed", "user", key, label=label, outcome="denied", request=request)


def record_locked_attempt(username: str, *, request: HttpRequest | None = None) -> None:
    audit.record(None, "login_locked", "user", login_key(username), outcome="denied", request=request)


def unlock(username: str, *, actor: User | None = None) -> None:
    """An operator lifts an account's lock (the failures before it no longer count)."""
    audit.record(
        actor,
        "login_unlock",
        "user",
        login_key(username),
        detail=audit.note(gettext_noop("unlocked by an operator")),
    )


# --- the second factor (TOTP, RFC 6238; 等保 level 3 asks two factors of administrators) ------------

SECOND_FACTOR_ROLES = (Role.ZONE_ADMIN, Role.DOCTOR, Role.AUDITOR)
VERIFIED = "gaoxin_second_factor"  # the session key set once the second factor was given
RECOVERY_CODES = 10


def needs_second_factor(user: User) -> bool:
    """Administrators and the roles that see personal data log in with a second factor, when the
    installation requires it (GAOXIN_REQUIRE_2FA)."""
    if not settings.GAOXIN_REQUIRE_2FA or not user.is_authenticated:
        return False
    return user.is_superuser or user.is_staff or user.has_role(*SECOND_FACTOR_ROLES)


def has_second_factor(user: User) -> bool:
    return SecondFactor.objects.filter(user=user).exists()


def _code_hash(code: str) -> str:
    normalised = code.replace("-", "").replace(" ", "").lower()
    return hmac.new(settings.SECRET_KEY.encode(), normalised.encode(), hashlib.sha256).hexdigest()


def _new_recovery_codes(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    RecoveryCode.objects.bulk_create([RecoveryCode(user=user, code_hash=_code_hash(c)) for c in codes])
    return codes


@transaction.atomic
def enrol_second_factor(
    user: User, secret: str, code: str, *, request: HttpRequest | None = None, now: float | None = None
) -> list[str] | None:
    """Confirm an authenticator by a code it shows: the secret is kept (encrypted) and ten recovery codes
    are returned, to be shown once. None when the code does not match."""
    step = otp.verify(secret, code, time.time() if now is None else now)
    if step is None:
        audit.record(
            user,
            "second_factor_failed",
            "user",
            login_key(user.username),
            outcome="denied",
            detail=audit.note(gettext_noop("setting up the second factor")),
            request=request,
        )
        return None
    SecondFactor.objects.update_or_create(
        user=user, defaults={"secret_cipher": crypto.encrypt(secret), "last_step": step}
    )
    audit.record(user, "second_factor_set", "user", login_key(user.username), request=request)
    return _new_recovery_codes(user)


@transaction.atomic
def check_second_factor(
    user: User, code: str, *, request: HttpRequest | None = None, now: float | None = None
) -> bool:
    """A code of the user's authenticator (each time step once) or an unused recovery code. A wrong code
    counts as a failed login (the same limits as the password)."""
    factor = SecondFactor.objects.select_for_update().filter(user=user).first()
    if factor is not None:
        step = otp.verify(
            crypto.decrypt(factor.secret_cipher),
            code,
            time.time() if now is None else now,
            after_step=factor.last_step,
        )
        if step is not None:
            factor.last_step = step
            factor.save(update_fields=["last_step"])
            return True
    spare = RecoveryCode.objects.filter(user=user, used_at__isnull=True, code_hash=_code_hash(code)).first()
    if spare is not None:
        spare.used_at = timezone.now()
        spare.save(update_fields=["used_at"])
        left = RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
        audit.record(
            user,
            "recovery_code_used",
            "user",
            login_key(user.username),
            detail=audit.note(gettext_noop("%(n)s recovery codes left"), n=left),
            request=request,
        )
        return True
    audit.record(
        None,
        "login_failed",
        "user",
        login_key(user.username),
        label=user.username,
        outcome="denied",
        detail=audit.note(gettext_noop("wrong second factor")),
        request=request,
    )
    return False


@transaction.atomic
def reset_second_factor(user: User, *, actor: User | None = None) -> None:
    """An administrator removes a user's authenticator (a lost phone): the next login enrols anew."""
    SecondFactor.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    audit.record(actor, "second_factor_reset", "user", login_key(user.username), label=user.username)


def authenticator_uri(user: User, secret: str) -> str:
    return otp.provisioning_uri(secret, user.username, "Gaoxin")
