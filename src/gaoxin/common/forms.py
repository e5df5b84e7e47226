"""Form pieces every app shares."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet

from gaoxin.common.imports import size_problem


class UploadField(forms.FileField):
    """A file for the import pipeline: refused at the edge when larger than
    settings.GAOXIN_IMPORT_MAX_BYTES (the pipeline checks it again for the API and the command line)."""

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload:
            too_large = size_problem(upload.size)
            if too_large is not None:
                raise forms.ValidationError(too_large.message, code="too_large")
        return upload


class EvidenceField(forms.FileField):
    """An evidence file (gaoxin.common.attachments): refused at the edge when too large or not of an
    accepted kind, recognised by its content; the service stores it."""

    def clean(self, data: Any, initial: Any = None) -> Any:
        from gaoxin.common import attachments

        upload = super().clean(data, initial)
        if upload:
            attachments.check(upload)
            upload.seek(0)
        return upload


def limit_choices(form: forms.BaseForm, name: str, queryset: QuerySet[Any]) -> None:
    """Offer only ``queryset`` in the model choice field ``name`` (e.g. the zone's streets)."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{name} is not a model choice field")
    field.queryset = queryset


def set_choices(form: forms.BaseForm, name: str, choices: Iterable[tuple[Any, Any]]) -> None:
    """Offer ``choices`` in the choice field ``name`` (known only when the form is made)."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{name} is not a choice field")
    field.choices = list(choices)


class DateInput(forms.DateInput):
    """The browser's date picker; its value is ISO 8601 whatever the language (a localised 2026/12/01
    is no value for ``<input type="date">``)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class ChoiceForm(forms.Form):
    """One choice of a query string or a POST (``?format=xlsx``, ``action=month``): :meth:`chosen` is the
    value when it is one of ``allowed``, else "" — a hand-edited value never reaches the view."""

    def __init__(self, data: Any, *, name: str, allowed: Iterable[str]) -> None:
        super().__init__(data or None)
        self.name = name
        self.fields[name] = forms.ChoiceField(choices=[(a, a) for a in allowed], required=False)

    def chosen(self) -> str:
        return str(self.cleaned_data.get(self.name) or "") if self.is_valid() else ""
