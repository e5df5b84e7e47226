"""Evidence files: checked at the edge and stored as ``common.Attachment`` rows.

A file is accepted when it is no larger than ``settings.GAOXIN_ATTACHMENT_MAX_BYTES`` and its content is
one of the kinds below, recognised by its first bytes (its name's extension must agree): a claimed
``.pdf`` that is really an executable is refused, whatever the browser said its type was.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from gaoxin.common.models import Attachment


@dataclass(frozen=True)
class Kind:
    extensions: tuple[str, ...]
    content_type: str
    magic: bytes
    zip_member: str = ""  # an OOXML file is a zip holding this member


KINDS = (
    Kind((".pdf",), "application/pdf", b"%PDF-"),
    Kind((".jpg", ".jpeg"), "image/jpeg", b"\xff\xd8\xff"),
    Kind((".png",), "image/png", b"\x89PNG\r\n\x1a\n"),
    Kind(
        (".xlsx",),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        b"PK\x03\x04",
        "xl/workbook.xml",
    ),
    Kind(
        (".docx",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        b"PK\x03\x04",
        "word/document.xml",
    ),
)
ALLOWED = ", ".join(ext for kind in KINDS for ext in kind.extensions)


def _kind_of(name: str, head: bytes, data: bytes) -> Kind | None:
    ext = PurePath(name).suffix.lower()
    for kind in KINDS:
        if ext in kind.extensions and head.startswith(kind.magic):
            if kind.zip_member:
                try:
                    with zipfile.ZipFile(BytesIO(data)) as z:
                        if kind.zip_member not in z.namelist():
                            return None
                except zipfile.BadZipFile:
                    return None
            return kind
    return None


def check(upload: Any) -> tuple[str, str, bytes]:
    """The file's clean name, its content type and its bytes, or a ValidationError saying what is wrong."""
    limit = settings.GAOXIN_ATTACHMENT_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)}, code="too_large"
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)}, code="too_large"
        )
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    name = PurePath(str(upload.name or "file").replace("\\", "/")).name[:200] or "file"
    kind = _kind_of(name, data[:16], data)
    if kind is None:
        raise ValidationError(
            _("This kind of file is not accepted; accepted: %(kinds)s.") % {"kinds": ALLOWED}, code="type"
        )
    return name, kind.content_type, data


def store(upload: Any, user: Any) -> Attachment:
    """Check the upload and keep it (inside the caller's transaction)."""
    name, content_type, data = check(upload)
    return Attachment.objects.create(
        name=name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
    )
