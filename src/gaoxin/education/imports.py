"""The importers of the education registries: housing developments with their phases (one row per phase)
and housing kindergartens. Every row is checked (codes, the street, dates in order, the phase's dwellings,
the kindergarten named), all of it written or none of it; records are matched by their code within the
zone, so a re-import updates them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from gaoxin.analysis.errors import AnalysisError
from gaoxin.common.imports import Checked, GeoFrame, Importer, Problem, RowReader, header_map, register
from gaoxin.common.models import ImportBatch
from gaoxin.common.tabular import Row
from gaoxin.education import access, analysis
from gaoxin.education.choices import KindergartenStatus
from gaoxin.education.datasets import (
    BIRTH_COLUMNS,
    DEVELOPMENT_COLUMNS,
    KINDERGARTEN_COLUMNS,
    KINDERGARTEN_DATES,
    PHASE_DATES,
    STATUS_WORDS,
)
from gaoxin.education.models import ChildCount, Development, Kindergarten, Phase, Profile
from gaoxin.places.models import ResidentialArea, Street, Zone

DEVELOPMENTS = "education.developments"
BIRTHS = "education.births"
KINDERGARTENS = "education.kindergartens"
DATE_ORDER = (
    ("start_planned", "acceptance_planned"),
    ("acceptance_planned", "delivery_planned"),
    ("started_on", "accepted_on"),
    ("accepted_on", "delivered_on"),
)


def _zone(options: dict[str, Any]) -> Zone | None:
    zone_id = options.get("zone_id")
    return Zone.objects.filter(pk=zone_id).first() if isinstance(zone_id, int) else None


def _street(r: RowReader, streets: dict[str, Street]) -> Street | None:
    key = r.text("street", required=True, max_length=100)
    found = streets.get(key)
    if key and found is None:
        r.problem("street", _("No street of the zone is called or coded %(value)s.") % {"value": key})
    return found


def _dates(
    r: RowReader, names: Sequence[str], order: Sequence[tuple[str, str]] = DATE_ORDER
) -> dict[str, date | None]:
    got = {n: r.date(n) for n in names}
    for a, b in order:
        first, then = got.get(a), got.get(b)
        if first is not None and then is not None and then < first:
            r.problem(b, _("This date is before %(other)s.") % {"other": a})
    return got


def _streets(zone: Zone) -> dict[str, Street]:
    streets = list(Street.objects.filter(zone=zone))
    return {s.code: s for s in streets} | {s.name: s for s in streets}


@dataclass
class DevRow:
    row: int
    code: str
    values: dict[str, Any]
    phases: list[dict[str, Any]] = field(default_factory=list)


class ZoneImporter(Importer):
    """An education registry: imported by whoever manages the registries, into the zone of the request
    (``options["zone_id"]``)."""

    def allowed(self, actor: Any) -> bool:
        return access.can_manage(actor)

    def manages(self, actor: Any) -> bool:
        return access.can_manage(actor)

    def begin(
        self, rows: list[Row], options: dict[str, Any]
    ) -> tuple[Zone | None, dict[str, str], list[Problem]]:
        """The zone, the columns found and the problems of the file as a whole (no rows, a missing column,
        no zone)."""
        if not rows:
            return None, {}, [Problem(0, "file", _("The file has no rows."))]
        zone = _zone(options)
        hmap, problems = header_map(self.columns, rows[0].cells)
        if zone is None:
            problems.append(Problem(0, "zone", _("No zone is loaded.")))
        return zone, hmap, problems


class DevelopmentImporter(ZoneImporter):
    kind = DEVELOPMENTS
    formats = ("xlsx", "csv")
    columns = DEVELOPMENT_COLUMNS

    def label(self) -> str:
        return _("Housing developments and their phases")

    def check(self, rows: list[Row], *, actor: Any, options: dict[str, Any]) -> Checked:
        zone, hmap, problems = self.begin(rows, options)
        if zone is None or problems:
            return Checked(problems=problems)
        geo = GeoFrame(boundary=zone.boundary, zone_label=zone.name)
        streets = _streets(zone)
        kgs = {k.code: k for k in Kindergarten.objects.filter(zone=zone)}
        devs: dict[str, DevRow] = {}
        seen_phase: dict[tuple[str, int], int] = {}
        for row in rows:
            r = RowReader(row, hmap, geo)
            code = r.text("code", required=True, max_length=30)
            first = code not in devs
            number = r.integer("phase", minimum=1, maximum=99)
            if not r.has("phase"):
                r.problem("phase", _("This field is required."))
            dwellings = r.integer("dwellings", minimum=0, maximum=100000)
            if not r.has("dwellings"):
                r.problem("dwellings", _("This field is required."))
            dates = _dates(r, PHASE_DATES)
            if first:
                name = r.text("name", required=True, max_length=120)
                street = _street(r, streets)
                point = r.point("lon", "lat", required=True)
                kg_code = r.text("kindergarten", max_length=30)
                if kg_code and kg_code not in kgs:
                    r.problem(
                        "kindergarten",
                        _("No housing kindergarten has the code %(code)s; import the kindergartens first.")
                        % {"code": kg_code},
                    )
                devs[code] = DevRow(
                    row.number,
                    code,
                    {
                        "name": name,
                        "developer": r.text("developer", max_length=120),
                        "street": street,
                        "lon": point[0] if point else None,
                        "lat": point[1] if point else None,
                        "permit_on": r.date("permit_on"),
                        "kindergarten": kgs.get(kg_code),
                    },
                )
            if number is not None and code:
                if (code, number) in seen_phase:
                    r.problem(
                        "phase",
                        _("Phase %(n)s of %(code)s is already on row %(row)s.")
                        % {"n": number, "code": code, "row": seen_phase[(code, number)]},
                    )
                seen_phase.setdefault((code, number), row.number)
                devs[code].phases.append({"number": number, "dwellings": dwellings or 0, **dates})
            problems.extend(r.problems)
        if problems:
            return Checked(problems=problems)
        existing = set(Development.objects.filter(zone=zone).values_list("code", flat=True))
        parsed = list(devs.values())
        return Checked(
            rows=parsed,
            summary={
                "developments": len(parsed),
                "new_developments": sum(d.code not in existing for d in parsed),
                "phases": sum(len(d.phases) for d in parsed),
            },
        )

    def write(
        self, checked: Checked, *, actor: Any, options: dict[str, Any], batch: ImportBatch
    ) -> dict[str, int]:
        zone = Zone.objects.get(pk=options["zone_id"])
        written = 0
        for d in checked.rows:
            dev, _created = Development.objects.update_or_create(zone=zone, code=d.code, defaults=d.values)
            numbers = [ph["number"] for ph in d.phases]
            dev.phases.exclude(number__in=numbers).delete()
            for ph in d.phases:
                Phase.objects.update_or_create(development=dev, number=ph["number"], defaults=ph)
                written += 1
        return {"phases_written": written}


class KindergartenImporter(ZoneImporter):
    kind = KINDERGARTENS
    formats = ("xlsx", "csv")
    columns = KINDERGARTEN_COLUMNS

    def label(self) -> str:
        return _("Housing kindergartens (一园一案)")

    def check(self, rows: list[Row], *, actor: Any, options: dict[str, Any]) -> Checked:
        zone, hmap, problems = self.begin(rows, options)
        if zone is None or problems:
            return Checked(problems=problems)
        geo = GeoFrame(boundary=zone.boundary, zone_label=zone.name)
        streets = _streets(zone)
        parsed = []
        seen: dict[str, int] = {}
        order = [*DATE_ORDER, ("permit_on", "started_on")]
        for row in rows:
            r = RowReader(row, hmap, geo)
            code = r.text("code", required=True, max_length=30)
            if code in seen:
                r.problem(
                    "code", _("%(code)s is already on row %(row)s.") % {"code": code, "row": seen[code]}
                )
            seen.setdefault(code, row.number)
            point = r.point("lon", "lat", required=False)
            classes = r.integer("classes", minimum=0, maximum=60)
            if not r.has("classes"):
                r.problem("classes", _("This field is required."))
            values = {
                "name": r.text("name", required=True, max_length=120),
                "street": _street(r, streets),
                "lon": point[0] if point else None,
                "lat": point[1] if point else None,
                "classes": classes or 0,
                "places": r.integer("places", minimum=0, maximum=10000) or 0,
                "status": r.choice("status", KindergartenStatus, KindergartenStatus.PLANNED, STATUS_WORDS),
                **_dates(r, KINDERGARTEN_DATES, order),
            }
            parsed.append((code, values))
            problems.extend(r.problems)
        if problems:
            return Checked(problems=problems)
        existing = set(Kindergarten.objects.filter(zone=zone).values_list("code", flat=True))
        return Checked(
            rows=parsed,
            summary={
                "kindergartens": len(parsed),
                "new_kindergartens": sum(c not in existing for c, _v in parsed),
            },
        )

    def write(
        self, checked: Checked, *, actor: Any, options: dict[str, Any], batch: ImportBatch
    ) -> dict[str, int]:
        zone = Zone.objects.get(pk=options["zone_id"])
        for code, values in checked.rows:
            Kindergarten.objects.update_or_create(zone=zone, code=code, defaults=values)
        return {"kindergartens_written": len(checked.rows)}


class BirthImporter(ZoneImporter):
    """A register of children's birth dates per residential area (no names), counted by school age on the
    zone's cut-off day of the school year ``options["year"]``."""

    kind = BIRTHS
    formats = ("xlsx", "csv")
    columns = BIRTH_COLUMNS

    def label(self) -> str:
        return _("Children's birth dates by residential area")

    def check(self, rows: list[Row], *, actor: Any, options: dict[str, Any]) -> Checked:
        zone, hmap, problems = self.begin(rows, options)
        year = options.get("year")
        if not isinstance(year, int) or not 2000 <= year <= 2100:
            problems.append(Problem(0, "year", _("Choose the school year the register counts for.")))
        if zone is None or problems or not isinstance(year, int):
            return Checked(problems=problems)
        profile = Profile.objects.filter(zone=zone).first()
        cutoff = (profile.cutoff_month, profile.cutoff_day) if profile else (8, 31)
        areas = {a.code: a.pk for a in ResidentialArea.objects.filter(street__zone=zone)}
        counts: dict[int, list[int]] = {}
        outside = 0
        for row in rows:
            r = RowReader(row, hmap)
            code = r.text("area", required=True, max_length=40)
            area = areas.get(code)
            if code and area is None:
                r.problem(
                    "area", _("No residential area of the zone has the code %(code)s.") % {"code": code}
                )
            born = r.date("birth_date")
            if not r.has("birth_date"):
                r.problem("birth_date", _("This field is required."))
            elif born is not None and born.year > year:
                r.problem("birth_date", _("A birth after the school year %(year)s.") % {"year": year})
            n = r.integer("count", minimum=1, maximum=10000) if r.has("count") else 1
            problems.extend(r.problems)
            if r.problems or area is None or born is None or n is None:
                continue
            try:
                age = analysis.school_age(born, year, cutoff)
            except AnalysisError:
                problems.append(
                    Problem(row.number, "birth_date", _("The cut-off day is not a day of the year."))
                )
                continue
            if 0 <= age <= analysis.MAX_AGE:
                counts.setdefault(area, [0] * (analysis.MAX_AGE + 1))[age] += n
            else:
                outside += n
        if problems:
            return Checked(problems=problems)
        return Checked(
            rows=list(counts.items()),
            summary={
                "areas": len(counts),
                "children": sum(sum(v) for v in counts.values()),
                "other_ages": outside,
            },
        )

    def write(
        self, checked: Checked, *, actor: Any, options: dict[str, Any], batch: ImportBatch
    ) -> dict[str, int]:
        year = options["year"]
        ChildCount.objects.filter(area_id__in=[a for a, _v in checked.rows], year=year).delete()
        ChildCount.objects.bulk_create(
            ChildCount(area_id=area, year=year, age=age, children=n)
            for area, ages in checked.rows
            for age, n in enumerate(ages)
            if n
        )
        return {"counts_written": sum(1 for _a, ages in checked.rows for n in ages if n)}


def register_all() -> None:
    register(DevelopmentImporter())
    register(KindergartenImporter())
    register(BirthImporter())
