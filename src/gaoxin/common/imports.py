"""The one import pipeline: a file in, every row checked, all of it written or none of it.

Every import of the project (streets, communities, residential areas and facilities; the parks
departments' figures and the land file; candidate site lists; those still to come) is an
:class:`Importer` registered under a ``kind`` and runs through the same three functions:

- :func:`stage` reads and checks a file and keeps it as an :class:`ImportBatch` — *invalid* with every
  problem by row and field, or *validated* with a summary of what it would write (the preview);
- :func:`apply` writes a validated batch after the user confirmed it, checking it again first (the
  data may have changed since the upload), in one transaction;
- :func:`run` does both at once for the entry points without a preview (the API, the command line,
  an upload that writes as soon as it is clean): a file with any problem raises
  :class:`ImportRejected` and leaves nothing behind, not even a batch.

The gate is the importer's own (:meth:`Importer.allowed`, which calls the app's ``access.py``), asked
by every function here, so the page, the API and the command get the same answer. ``actor=None`` is
the operator at the command line. The size limit is ``settings.GAOXIN_IMPORT_MAX_BYTES`` everywhere.
"""

from __future__ import annotations

import datetime as dt
import json
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import shapely.geometry
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.prepared import prep

from gaoxin.analysis.errors import CoordinateError
from gaoxin.analysis.geo import check_lon_lat, gcj02_to_wgs84, parse_point, parse_polygon, transform_lon_lat
from gaoxin.common import audit
from gaoxin.common.choices import CoordinateSystem, ImportStatus
from gaoxin.common.errors import describe
from gaoxin.common.models import ImportBatch
from gaoxin.common.tabular import GEOMETRY_KEY, Row, TableError, format_for_filename, read_table

Actor = Any  # the acting user (each app's gate knows its own user type), or None for the operator

MAX_PROBLEMS_KEPT = 1000


# --- problems -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One problem of a file: the row a user sees (0 for the file as a whole, 1 for the header), the
    column (its code or its header as written) and a translated message."""

    row: int
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "message": self.message}


class ImportRejected(Exception):
    """The file has problems; nothing was written."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(_("%(n)s problem(s) found; nothing was imported.") % {"n": len(problems)})
        self.problems = list(problems)


def size_problem(size: int | None) -> Problem | None:
    """The problem of a file larger than the installation allows (GAOXIN_IMPORT_MAX_BYTES)."""
    limit = settings.GAOXIN_IMPORT_MAX_BYTES
    if size is not None and size > limit:
        return Problem(
            0, "file", _("The file is larger than %(n)s MB.") % {"n": max(1, limit // 1024 // 1024)}
        )
    return None


def read_rows(
    content: bytes, *, filename: str, formats: Sequence[str], file_format: str | None = None
) -> list[Row]:
    """The rows of an uploaded file in one of ``formats``, or :class:`ImportRejected` saying why not
    (too large, an unknown format, unreadable, empty)."""
    too_large = size_problem(len(content))
    if too_large is not None:
        raise ImportRejected([too_large])
    fmt = file_format or format_for_filename(filename)
    if fmt is None or fmt not in formats:
        names = ", ".join("." + f for f in formats)
        raise ImportRejected(
            [Problem(0, "file", _("Upload a file of one of these kinds: %(names)s.") % {"names": names})]
        )
    try:
        return read_table(content, fmt)
    except TableError as exc:
        raise ImportRejected([Problem(0, "file", str(exc))]) from None


# --- columns --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of an importable table: its code (what export writes), its Chinese header, whether it
    is required, and other headers accepted for it."""

    name: str
    zh: str
    required: bool = False
    aliases: tuple[str, ...] = ()

    def headers(self) -> tuple[str, ...]:
        return (self.name, self.zh, *self.aliases)


def header_map(columns: Iterable[Column], headers: Iterable[str]) -> tuple[dict[str, str], list[Problem]]:
    """Map each column's code to the file's header for it (the code, the Chinese header, an alias or
    the translated code, case-insensitive); report the required columns that are missing."""
    columns = list(columns)
    normalised = {str(h).strip().lower(): h for h in headers if h and h != GEOMETRY_KEY}
    found: dict[str, str] = {}
    for col in columns:
        for candidate in (*col.headers(), _(col.name)):
            if candidate.lower() in normalised:
                found[col.name] = normalised[candidate.lower()]
                break
    problems = [
        Problem(1, col.name, _("Missing column %(name)s (%(zh)s).") % {"name": col.name, "zh": col.zh})
        for col in columns
        if col.required and col.name not in found
    ]
    return found, problems


# --- coordinates ----------------------------------------------------------------------------------


def lon_lat_problem(lon: float, lat: float) -> str | None:
    """What is wrong with a longitude/latitude pair (translated), or None. The one coordinate check of
    the project: model validation, imports and forms all call it."""
    try:
        check_lon_lat(lon, lat)
    except CoordinateError as exc:
        hint = ""
        if -90 <= lon <= 90 and abs(lat) > 90:
            hint = " " + _("Longitude and latitude look swapped.")
        return describe(exc) + hint
    return None


@dataclass
class GeoFrame:
    """Where the points of a file must lie and in which system they are written: within
    ``margin_deg`` of the zone's boundary (facilities just across the border still serve the zone),
    in WGS-84 or in GCJ-02 (Amap, Tencent; converted to WGS-84 on reading)."""

    boundary: dict[str, Any] | None = None
    zone_label: str = ""
    coordinate_system: str = CoordinateSystem.WGS84
    margin_deg: float = 0.02  # about 2 km
    _area: Any = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.boundary:
            self._area = prep(shapely.geometry.shape(self.boundary).buffer(self.margin_deg))

    @property
    def gcj02(self) -> bool:
        return self.coordinate_system == CoordinateSystem.GCJ02

    def to_wgs84(self, lon: float, lat: float) -> tuple[float, float]:
        return gcj02_to_wgs84(lon, lat) if self.gcj02 else (lon, lat)

    def outside(self, lon: float, lat: float) -> str | None:
        """Why the point cannot be the zone's (translated), or None; says so when the two numbers
        swapped would lie inside."""
        if self._area is None or self._area.contains(shapely.geometry.Point(lon, lat)):
            return None
        message = _(
            "(%(lon)s, %(lat)s) lies outside the zone %(zone)s; check the coordinates and their system (WGS-84 or GCJ-02)."
        ) % {"lon": lon, "lat": lat, "zone": self.zone_label}
        if self._area.contains(shapely.geometry.Point(lat, lon)):
            message += " " + _("Longitude and latitude look swapped.")
        return message


# --- one row --------------------------------------------------------------------------------------


class RowReader:
    """Typed access to one row's cells; each failure is recorded as a :class:`Problem`, never raised."""

    def __init__(self, row: Row, header_map: dict[str, str], geo: GeoFrame | None = None) -> None:
        self.row = row
        self.header_map = header_map
        self.geo = geo or GeoFrame()
        self.problems: list[Problem] = []

    def raw(self, name: str) -> Any:
        header = self.header_map.get(name)
        if header is None:
            return ""
        value = self.row.cells.get(header, "")
        return "" if value is None else value

    def has(self, name: str) -> bool:
        value = self.raw(name)
        return not (isinstance(value, str) and value.strip() == "")

    def problem(self, name: str, message: str) -> None:
        self.problems.append(Problem(self.row.number, name, message))

    def text(self, name: str, *, required: bool = False, max_length: int = 200) -> str:
        value = self.raw(name)
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # Excel turns codes typed as numbers into floats
        value = str(value).strip()
        text: str = value
        if required and not text:
            self.problem(name, _("This field is required."))
        elif len(text) > max_length:
            self.problem(name, _("At most %(n)s characters.") % {"n": max_length})
        return text

    def integer(self, name: str, *, minimum: int = 0, maximum: int = 10**9) -> int | None:
        if not self.has(name):
            return None
        value = self.raw(name)
        try:
            number = Decimal(str(value).strip().replace(",", ""))
            if not number.is_finite() or number != number.to_integral_value():
                raise InvalidOperation
            result = int(number)
        except (InvalidOperation, ValueError):
            self.problem(name, _("%(value)s is not a whole number.") % {"value": value})
            return None
        if not minimum <= result <= maximum:
            self.problem(
                name,
                _("%(value)s is outside %(min)s..%(max)s.")
                % {"value": result, "min": minimum, "max": maximum},
            )
            return None
        return result

    def decimal(self, name: str, *, places: str = "0.1") -> Decimal | None:
        """A number ≥ 0, None for a blank cell."""
        if not self.has(name):
            return None
        value = self.raw(name)
        try:
            result = Decimal(str(value).strip().replace(",", ""))
        except InvalidOperation:
            self.problem(name, _("%(value)s is not a number.") % {"value": value})
            return None
        if not result.is_finite() or result < 0:
            self.problem(name, _("%(value)s must be a number ≥ 0.") % {"value": value})
            return None
        return result.quantize(Decimal(places))

    def floating(self, name: str) -> float | None:
        if not self.has(name):
            return None
        value = self.raw(name)
        try:
            number = float(str(value).strip())
        except ValueError:
            self.problem(name, _("%(value)s is not a number.") % {"value": value})
            return None
        return number

    def date(self, name: str) -> dt.date | None:
        if not self.has(name):
            return None
        value = self.raw(name)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = str(value).strip().replace("/", "-").replace(".", "-")
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            self.problem(name, _("%(value)s is not a date (use YYYY-MM-DD).") % {"value": value})
            return None

    def choice(
        self, name: str, choices: type[models.TextChoices], default: str, words: dict[str, str] | None = None
    ) -> str:
        """A choice by its code or its label in the current language; ``words`` maps further
        (Chinese) words to codes, accepted whatever the language of the user interface."""
        value = self.text(name)
        if not value:
            return default
        for member in choices:
            if value.lower() == member.value or value == str(member.label):
                return member.value
        if words and value in words and words[value] in choices.values:
            return words[value]
        allowed = ", ".join(f"{m.value} ({m.label})" for m in choices)
        self.problem(
            name,
            _("Unknown value %(value)s; use one of: %(allowed)s.") % {"value": value, "allowed": allowed},
        )
        return default

    # --- geometry -----------------------------------------------------------------------------

    def _placed(self, name: str, lon: float, lat: float) -> tuple[float, float] | None:
        lon, lat = self.geo.to_wgs84(lon, lat)
        outside = self.geo.outside(lon, lat)
        if outside:
            self.problem(name, outside)
            return None
        return lon, lat

    def point(self, lon_name: str, lat_name: str, *, required: bool) -> tuple[float, float] | None:
        """A point from two columns, or from a GeoJSON Point geometry when the columns are empty."""
        geometry = self.row.cells.get(GEOMETRY_KEY)
        if (
            not self.has(lon_name)
            and not self.has(lat_name)
            and lon_name in ("lon", "center_lon")
            and isinstance(geometry, dict)
            and geometry.get("type") == "Point"
        ):
            try:
                lon, lat = parse_point(geometry)
            except CoordinateError as exc:
                self.problem("geometry", describe(exc))
                return None
        else:
            if not self.has(lon_name) and not self.has(lat_name):
                if required:
                    self.problem(lon_name, _("A location is required (longitude and latitude)."))
                return None
            lon_v, lat_v = self.floating(lon_name), self.floating(lat_name)
            if lon_v is None or lat_v is None:
                if not self.problems or self.problems[-1].field not in (lon_name, lat_name):
                    self.problem(
                        lon_name if lon_v is None else lat_name, _("Both longitude and latitude are needed.")
                    )
                return None
            lon, lat = lon_v, lat_v
            wrong = lon_lat_problem(lon, lat)
            if wrong:
                self.problem(lon_name, wrong)
                return None
        return self._placed(lon_name, lon, lat)

    def polygon(self, name: str) -> dict[str, Any] | None:
        """A polygon from a GeoJSON feature geometry, or from a cell holding GeoJSON text."""
        geometry = self.row.cells.get(GEOMETRY_KEY)
        if isinstance(geometry, dict) and geometry.get("type") in ("Polygon", "MultiPolygon"):
            value: Any = geometry
            field_name = "geometry"
        elif self.has(name):
            field_name = name
            try:
                value = json.loads(str(self.raw(name)))
            except json.JSONDecodeError:
                self.problem(name, _("Not GeoJSON geometry text."))
                return None
        else:
            return None
        try:
            shape_ = parse_polygon(value)
        except CoordinateError as exc:
            self.problem(field_name, describe(exc))
            return None
        if self.geo.gcj02:
            shape_ = transform_lon_lat(shape_, gcj02_to_wgs84)
            value = json.loads(json.dumps(shapely.geometry.mapping(shape_)))  # tuples → lists
        c = shape_.representative_point()
        outside = self.geo.outside(c.x, c.y)
        if outside:
            self.problem(field_name, outside)
            return None
        return dict(value)

    def points(self, name: str) -> list[list[float]]:
        """Points (e.g. gates) as JSON ``[[lon, lat], …]`` or as ``lon,lat; lon,lat``."""
        if not self.has(name):
            return []
        raw = self.raw(name)
        pairs: Any
        if isinstance(raw, list):
            pairs = raw
        else:
            text = str(raw).strip()
            try:
                pairs = (
                    json.loads(text)
                    if text.startswith("[")
                    else [p.split(",") for p in text.replace("；", ";").split(";") if p.strip()]
                )
            except json.JSONDecodeError:
                self.problem(name, _("Gates must be [[lon, lat], …] or lon,lat; lon,lat."))
                return []
        result: list[list[float]] = []
        for pair in pairs if isinstance(pairs, list) else [pairs]:
            try:
                lon, lat = float(pair[0]), float(pair[1])
            except (TypeError, ValueError, IndexError, KeyError):
                lon = lat = float("nan")
            if lon != lon or lat != lat or lon_lat_problem(lon, lat):
                self.problem(
                    name, _("Gate %(pair)s is not a valid longitude,latitude pair.") % {"pair": pair}
                )
                return []
            placed = self._placed(name, lon, lat)
            if placed is None:
                return []
            result.append([round(placed[0], 7), round(placed[1], 7)])
        return result


def model_problems(row: int, instance: models.Model, exclude: Sequence[str] = ()) -> list[Problem]:
    """Run a model's own validation (field validators and clean()) and report it by field."""
    from django.core.exceptions import ValidationError

    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        return [
            Problem(row, "row" if name == "__all__" else name, str(message))
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return []


# --- importers and batches ------------------------------------------------------------------------


@dataclass
class Checked:
    """What an importer found in a file: the parsed rows (its own shape), every problem, and the
    summary a user sees before confirming (counts of rows, new and updated records …)."""

    rows: list[Any] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    summary: dict[str, int] = field(default_factory=dict)


class Importer(ABC):
    """One kind of file. Subclasses say what it holds and how it is checked and written."""

    kind: str  # "app.dataset", the key of the registry and of ImportBatch.kind
    formats: tuple[str, ...] = ("csv", "xlsx")
    columns: Sequence[Column] = ()

    @abstractmethod
    def label(self) -> str:
        """The name of the kind of file, translated."""

    @abstractmethod
    def allowed(self, actor: Actor) -> bool:
        """Whether ``actor`` may import this kind of file at all (None: the operator); row-level
        rules (only one's own street) belong in :meth:`check`."""

    def manages(self, actor: Actor) -> bool:
        """Whether ``actor`` sees every user's batches of this kind (not only their own)."""
        return False

    @abstractmethod
    def check(self, rows: list[Row], *, actor: Actor, options: dict[str, Any]) -> Checked:
        """Check every row without writing; report every problem by row and field."""

    @abstractmethod
    def write(
        self, checked: Checked, *, actor: Actor, options: dict[str, Any], batch: ImportBatch
    ) -> dict[str, int]:
        """Write the checked rows (called inside the transaction); return the counts written."""


REGISTRY: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    """Make an importer known by its kind (each app registers its importers in ``AppConfig.ready``)."""
    REGISTRY[importer.kind] = importer
    return importer


def importer_for(kind: str) -> Importer:
    try:
        return REGISTRY[kind]
    except KeyError:
        raise ImportRejected(
            [Problem(0, "dataset", _("Unknown kind of file %(name)s.") % {"name": kind})]
        ) from None


def _require(importer: Importer, actor: Actor) -> None:
    if actor is not None and not importer.allowed(actor):
        raise PermissionDenied


def _check(
    importer: Importer,
    *,
    actor: Actor,
    filename: str,
    content: bytes,
    file_format: str | None,
    options: dict[str, Any],
    rows: list[Row] | None = None,
) -> Checked:
    if rows is None:
        try:
            rows = read_rows(content, filename=filename, formats=importer.formats, file_format=file_format)
        except ImportRejected as exc:
            return Checked(problems=exc.problems)
    checked = importer.check(rows, actor=actor, options=options)
    checked.summary.setdefault("rows", len(rows))
    return checked


def _user(actor: Actor) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def stage(
    kind: str,
    *,
    actor: Actor,
    filename: str,
    content: bytes,
    options: dict[str, Any] | None = None,
    file_format: str | None = None,
) -> ImportBatch:
    """Check a file and keep it as a batch: invalid (its problems listed) or validated (its preview)."""
    importer = importer_for(kind)
    _require(importer, actor)
    options = dict(options or {})
    checked = _check(
        importer, actor=actor, filename=filename, content=content, file_format=file_format, options=options
    )
    fmt = file_format or format_for_filename(filename) or ""
    return ImportBatch.objects.create(
        kind=kind,
        filename=filename[:200],
        file_format=fmt[:10],
        content=content if not checked.problems else b"",
        options=options,
        status=ImportStatus.INVALID if checked.problems else ImportStatus.VALIDATED,
        problems=[p.as_dict() for p in checked.problems[:MAX_PROBLEMS_KEPT]],
        summary=checked.summary | {"problem_count": len(checked.problems)},
        created_by=_user(actor),
    )


def apply(batch: ImportBatch, *, actor: Actor) -> ImportBatch:
    """Write a validated batch. It is checked again first: the registry may have changed since the
    upload. On a problem the batch turns invalid, lists the problems and ImportRejected is raised."""
    importer = importer_for(batch.kind)
    _require(importer, actor)
    if batch.status != ImportStatus.VALIDATED:
        raise ImportRejected([Problem(0, "file", _("This upload is not waiting for confirmation."))])
    content = bytes(batch.content)
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status != ImportStatus.VALIDATED:
            raise ImportRejected([Problem(0, "file", _("This upload is not waiting for confirmation."))])
        checked = _check(
            importer,
            actor=actor,
            filename=batch.filename,
            content=content,
            file_format=batch.file_format or None,
            options=batch.options,
        )
        if not checked.problems:
            written = importer.write(checked, actor=actor, options=batch.options, batch=batch)
            batch.status = ImportStatus.APPLIED
            batch.applied_at = timezone.now()
            batch.summary = batch.summary | checked.summary | written
            batch.save(update_fields=["status", "applied_at", "summary", "updated_at"])
            _audit_import(actor, batch)
            return batch
    batch.status = ImportStatus.INVALID
    batch.problems = [p.as_dict() for p in checked.problems[:MAX_PROBLEMS_KEPT]]
    batch.summary = batch.summary | {"problem_count": len(checked.problems)}
    batch.save(update_fields=["status", "problems", "summary", "updated_at"])
    raise ImportRejected(checked.problems)


def rows_of_records(records: Sequence[Mapping[str, Any]]) -> list[Row]:
    """Records pushed as JSON (one object per row) as the rows of a file: every row with every key any
    record has (missing: empty), numbered from 2 as in a file whose header is row 1."""
    keys: dict[str, None] = {}
    for record in records:
        keys.update(dict.fromkeys(str(k) for k in record))
    return [
        Row(number=k + 2, cells={key: record.get(key) for key in keys}) for k, record in enumerate(records)
    ]


def run(
    kind: str,
    *,
    actor: Actor,
    filename: str,
    content: bytes,
    options: dict[str, Any] | None = None,
    file_format: str | None = None,
    rows: list[Row] | None = None,
) -> ImportBatch:
    """Check and write a file at once, all or nothing: with any problem, ImportRejected is raised and
    nothing is kept (no batch either). ``rows`` instead of a file: records pushed through an API
    (:func:`rows_of_records`), checked and written the same way (``filename`` names their source)."""
    importer = importer_for(kind)
    _require(importer, actor)
    options = dict(options or {})
    if rows is not None and not rows:
        raise ImportRejected([Problem(0, "rows", _("There is no row."))])
    with transaction.atomic():
        checked = _check(
            importer,
            actor=actor,
            filename=filename,
            content=content,
            file_format=file_format,
            options=options,
            rows=rows,
        )
        if checked.problems:
            raise ImportRejected(checked.problems)
        batch = ImportBatch.objects.create(
            kind=kind,
            filename=filename[:200],
            file_format=(file_format or format_for_filename(filename) or "")[:10],
            content=b"",  # written at once: nothing to confirm later
            options=options,
            status=ImportStatus.APPLIED,
            summary=checked.summary | {"problem_count": 0},
            created_by=_user(actor),
            applied_at=timezone.now(),
        )
        written = importer.write(checked, actor=actor, options=options, batch=batch)
        batch.summary = batch.summary | written
        batch.save(update_fields=["summary", "updated_at"])
        _audit_import(actor, batch)
    return batch


def _audit_import(actor: Actor, batch: ImportBatch) -> None:
    """Every import that wrote something is in the audit log (who wrote which file's rows)."""
    counts = ", ".join(f"{k}={v}" for k, v in sorted(batch.summary.items()) if isinstance(v, int))
    audit.record(actor, "import", batch.kind[:40], batch.pk, label=batch.filename[:120], detail=counts)


def batch_for(actor: Any, pk: int) -> ImportBatch:
    """A batch its uploader, or a user who manages its kind, may see (404 otherwise)."""
    from django.http import Http404

    batch = ImportBatch.objects.defer("content").filter(pk=pk).first()
    if batch is None:
        raise Http404
    importer = REGISTRY.get(batch.kind)
    if importer is None or not importer.allowed(actor):
        raise Http404
    if batch.created_by_id != getattr(actor, "pk", None) and not importer.manages(actor):
        raise Http404
    return batch


def described_problems(kind: str, problems: Iterable[Problem | dict[str, Any]]) -> list[dict[str, Any]]:
    """Problems as a person reads them: the column by its header (the Chinese header in Chinese, the
    code otherwise), not by the code the check used."""
    from django.utils.translation import get_language

    importer = REGISTRY.get(kind)
    chinese = (get_language() or "").startswith("zh")
    headers = {c.name: (c.zh if chinese else c.name) for c in (importer.columns if importer else ())}
    rows = [p.as_dict() if isinstance(p, Problem) else dict(p) for p in problems]
    return [p | {"column": headers.get(str(p.get("field", "")), p.get("field", ""))} for p in rows]


@dataclass(frozen=True)
class BatchRow:
    """A batch in a list, with the translated name of its kind of file."""

    batch: ImportBatch
    kind_label: str


def recent_batches(actor: Any, kinds: Iterable[str], *, limit: int = 20) -> list[BatchRow]:
    """The latest batches of these kinds the user may see (all of them for a user who manages every
    kind, else their own)."""
    kinds = list(kinds)
    qs = ImportBatch.objects.filter(kind__in=kinds).defer("content").select_related("created_by")
    if not all(REGISTRY[k].manages(actor) for k in kinds if k in REGISTRY):
        qs = qs.filter(created_by=actor)
    return [
        BatchRow(b, REGISTRY[b.kind].label() if b.kind in REGISTRY else b.kind)
        for b in qs.order_by("-created_at", "-pk")[:limit]
    ]
