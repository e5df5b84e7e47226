"""Form pieces every app shares."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from gaoxin.common.imports import size_problem


class UploadField(forms.FileField):
    """A file for the import pipeline: refused at the edge when larger than
    settings.GAOXIN_IMPORT_MAX_BYTES (the pipeline checks it again for the API and the command line)."""

    def clean(self, data: Any, initial: Any = None) -> UploadedFile | None:
        upload = super().clean(data, initial)
        if upload:
            too_large = size_problem(upload.size)
            if too_large is not None:
                raise forms.ValidationError(too_large.message, code="too_large")
        return upload  # type: ignore[no-any-return]  # FileField.clean is untyped in django-stubs
