"""Deployment checks of Gaoxin's own (`gaoxin check --deploy`), beside Django's security checks."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

MIN_KEY_LENGTH = 32


@register(Tags.security, deploy=True)
def keys_from_the_environment(app_configs: Any, **kwargs: Any) -> list[Any]:
    """In production the keys come from the environment, long enough, and apart from the data."""
    found: list[Any] = []
    key = settings.GAOXIN_DATA_KEY
    if len(key) < MIN_KEY_LENGTH:
        found.append(
            Error(
                f"GAOXIN_DATA_KEY has {len(key)} characters; it needs at least {MIN_KEY_LENGTH} "
                "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`).",
                id="gaoxin.E001",
            )
        )
    if settings.GAOXIN_DATA_KEY_SOURCE != "environment":
        found.append(
            Warning(
                "GAOXIN_DATA_KEY is read from a file beside the checkout; in production set it in the "
                "environment (from the secret store) and keep it apart from the database and its backups.",
                id="gaoxin.W001",
            )
        )
    if settings.GAOXIN_SECRET_KEY_SOURCE != "environment":
        found.append(
            Warning(
                "GAOXIN_SECRET_KEY is read from a file beside the checkout; set it in the environment.",
                id="gaoxin.W002",
            )
        )
    for name in settings.GAOXIN_DATA_KEYS_PREVIOUS:
        if len(name) < MIN_KEY_LENGTH:
            found.append(
                Error("A key of GAOXIN_DATA_KEY_PREVIOUS is shorter than 32 characters.", id="gaoxin.E002")
            )
    return found


@register(Tags.security, deploy=True)
def second_factor_required(app_configs: Any, **kwargs: Any) -> list[Any]:
    """等保 level 3 asks two factors of administrators: turning the requirement off is reported."""
    if settings.GAOXIN_REQUIRE_2FA:
        return []
    return [
        Warning(
            "GAOXIN_REQUIRE_2FA is off: administrators, doctors and auditors log in with a password only.",
            hint="Unset GAOXIN_REQUIRE_2FA (on by default) or set it to true.",
            id="gaoxin.W003",
        )
    ]


@register(Tags.compatibility, deploy=True)
def pdf_font_embedded(app_configs: Any, **kwargs: Any) -> list[Any]:
    """The PDFs embed a CJK font only when the installation has one."""
    from gaoxin.common.fonts import cjk_truetype_font

    if cjk_truetype_font() is not None:
        return []
    return [
        Warning(
            "No CJK TrueType font to embed in the PDFs: they use Adobe's CID font STSong-Light, which the "
            "reader must supply.",
            hint="Install fonts-wqy-zenhei (Debian) or set GAOXIN_PDF_FONT to a .ttf/.ttc file.",
            id="gaoxin.W004",
        )
    ]
