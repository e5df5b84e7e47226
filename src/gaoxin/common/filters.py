"""One filter-set base for every list, shared by its page and its API endpoint.

A filter set is a form over the query string: each field filters the list when it has a valid value;
an invalid value is ignored (a list never fails on a hand-edited URL; the form shows the error).
``q`` searches ``search_fields``; a field named in ``lookups`` filters by that ORM lookup; a method
``filter_<field>(qs, value)`` does anything else. The API passes its query parameters to the same
filter set, so the page and the endpoint can never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar

from django import forms
from django.db.models import Model, Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

M = TypeVar("M", bound=Model)


class FilterSet(forms.Form):
    search_fields: ClassVar[tuple[str, ...]] = ()
    lookups: ClassVar[dict[str, str]] = {}
    match_nothing = False  # set by the API for a reference to an object that is not there

    def __init__(self, data: Mapping[str, Any] | None = None, **context: Any) -> None:
        """``context`` (the zone, the acting user …) is kept as ``self.context`` for :meth:`prepare`."""
        if data is not None and not isinstance(data, QueryDict):
            data = {k: v for k, v in data.items() if v is not None}  # an API's unset parameters
        super().__init__(data or None)
        self.context = context
        self.prepare()
        self.is_valid()

    def prepare(self) -> None:
        """Set what depends on the context (e.g. the zone's streets as choices) before validation."""

    def value(self, name: str) -> Any:
        return getattr(self, "cleaned_data", {}).get(name)

    def unknown_references(self) -> list[str]:
        """The fields naming an object that is not among the choices (not there, or not the zone's)."""
        return [
            name
            for name, errors in self.errors.as_data().items()
            if isinstance(self.fields.get(name), forms.ModelChoiceField)
            and all(e.code == "invalid_choice" for e in errors)
        ]

    def filter(self, qs: QuerySet[M]) -> QuerySet[M]:
        if self.match_nothing:
            return qs.none()
        for name in self.fields:
            value = self.value(name)
            if value in (None, "", [], ()):
                continue
            method = getattr(self, f"filter_{name}", None)
            if method is not None:
                qs = method(qs, value)
            elif name == "q":
                text = str(value).strip()
                condition = Q()
                for lookup in self.search_fields:
                    condition |= Q(**{lookup: text})
                qs = qs.filter(condition)
            else:
                qs = qs.filter(**{self.lookups.get(name, name): value})
        return qs


SEARCH_MAX_LENGTH = 100


class SearchField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Search"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", SEARCH_MAX_LENGTH)
        super().__init__(**kwargs)
