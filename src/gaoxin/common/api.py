"""The API's shared contract: one error shape and the statuses each operation documents.

Every error the JSON API answers has the shape :class:`ErrorOut` — a stable machine code in
``error`` and a sentence for people in ``detail`` (in the request's language) — and a rejected input
(HTTP 422) adds the field-by-field ``problems``. The handlers that produce them live in
``gaoxin.site.api``; the operations declare what they can answer with :func:`answers`, so the
OpenAPI document lists every status a client must handle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from ninja import Field, Schema
from ninja.errors import ValidationError
from pydantic import ConfigDict

if TYPE_CHECKING:
    from gaoxin.common.filters import FilterSet

F = TypeVar("F", bound="FilterSet")

# The statuses every authenticated operation can answer: not logged in (401), refused by a gate or
# the CSRF check (403), the installation cannot serve yet (503: no zone loaded, wrong data key).
ALWAYS = (401, 403, 503)
KNOWN = {400, 401, 403, 404, 409, 413, 422, 429, 503}


# An object's ID in a path, a query or a body: a positive 64-bit integer (what the databases store), so
# a number out of range is a 422, not an overflow deep in the database driver.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


class StrictIn(Schema):
    """A JSON body's schema: values of the declared type only (``true`` is no number, ``1`` no text)."""

    model_config = ConfigDict(strict=True)


class ErrorOut(Schema):
    error: str
    detail: str


class FieldProblemOut(Schema):
    field: str
    message: str


class InvalidOut(Schema):
    error: str
    detail: str
    problems: list[FieldProblemOut]


class JobOut(Schema):
    """A background job: poll ``status_url`` until ``finished``; then ``result_url`` (a page) and
    ``result`` (its data), or ``error``."""

    id: int
    kind: str
    status: str
    progress: float
    message: str
    finished: bool
    error: str
    result: dict[str, Any]
    status_url: str
    result_url: str | None


def answers(ok: dict[int, Any], *errors: int) -> dict[int, Any]:
    """The ``response`` of an operation: its successful answers ``ok`` ({status: schema}), the
    statuses of :data:`ALWAYS` and the operation's own ``errors`` (e.g. 404 for an object that is not
    there or not the caller's, 422 for input that fails validation, 400 for a request the domain
    refuses). An error status ``ok`` already describes (a richer 400) keeps its schema."""
    unknown = set(errors) - KNOWN
    if unknown:
        raise ValueError(f"undocumented error statuses: {sorted(unknown)}")
    out: dict[int, Any] = {
        status: (InvalidOut if status == 422 else ErrorOut) for status in (*ALWAYS, *errors)
    }
    return out | ok


def checked_filters(filters: F) -> F:
    """A list's filter set for the API. A page ignores a bad value in a hand-edited URL; the API refuses
    it (HTTP 422, per parameter), and a filter by an object that is not there (or not the zone's)
    matches nothing — a client filtering by a street that does not exist gets an empty list, never the
    whole one."""
    unknown = filters.unknown_references()
    refused = {name: messages for name, messages in filters.errors.items() if name not in unknown}
    if refused:
        raise ValidationError(
            [
                {"loc": ("query", name), "msg": " ".join(str(m) for m in messages), "type": "value_error"}
                for name, messages in refused.items()
            ]
        )
    filters.match_nothing = bool(unknown)
    return filters
