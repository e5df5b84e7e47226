"""Candidate site lists on the kit's import pipeline (gaoxin.common.imports): a file of vacant
parcels or ground-floor 配套用房 (name, longitude and latitude or a Point geometry; optionally kind,
places, address and the land or premises cost in 万元) becomes a named list the siting models choose among."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gaoxin.common.imports import (
    Checked,
    Column,
    GeoFrame,
    Importer,
    Problem,
    RowReader,
    header_map,
    register,
)
from gaoxin.common.models import ImportBatch
from gaoxin.common.tabular import Row
from gaoxin.lifecircle import access
from gaoxin.lifecircle.choices import CandidateKind
from gaoxin.lifecircle.models import CandidateList, CandidateSite
from gaoxin.places.models import Zone

KIND = "lifecircle.candidates"
MAX_LAND_COST = Decimal("100000000")  # 万元: below the column's 10 integer digits

COLUMNS = [
    Column("name", "名称", True),
    Column("lon", "经度"),
    Column("lat", "纬度"),
    Column("kind", "类别"),
    Column("capacity", "名额"),
    Column("address", "地址"),
    Column("land_cost", "用地费用（万元）", aliases=("用地费用", "用地费用(万元)", "费用（万元）")),
]

# The Chinese words for the kinds, whatever the language of the user interface.
KIND_WORDS = {
    "空闲地块": CandidateKind.VACANT_LAND,
    "空地": CandidateKind.VACANT_LAND,
    "闲置地块": CandidateKind.VACANT_LAND,
    "配套用房": CandidateKind.ANCILLARY,
    "底商": CandidateKind.ANCILLARY,
    "其他": CandidateKind.OTHER,
}


class CandidatesImporter(Importer):
    """Options: ``zone_id``, ``name`` (of the new list), ``coordinate_system``."""

    kind = KIND
    formats = ("csv", "xlsx", "geojson")
    columns = COLUMNS

    def label(self) -> str:
        return str(gettext_lazy("Candidate sites"))

    def allowed(self, actor: Any) -> bool:
        return access.can_run(actor)

    def manages(self, actor: Any) -> bool:
        return access.can_run(actor)

    def check(self, rows: list[Row], *, actor: Any, options: dict[str, Any]) -> Checked:
        problems: list[Problem] = []
        if not str(options.get("name", "")).strip():
            problems.append(Problem(0, "name", _("Give the list a name.")))
        zone = Zone.objects.filter(pk=int(options.get("zone_id") or 0)).first()
        found, missing = header_map(COLUMNS, rows[0].cells)
        problems += missing
        geo = GeoFrame(
            boundary=zone.boundary if zone else None,
            zone_label=str(zone or ""),
            coordinate_system=options.get("coordinate_system") or "wgs84",
        )
        sites = []
        for row in rows:
            r = RowReader(row, found, geo)
            site = CandidateSite(
                name=r.text("name", required=True, max_length=120),
                kind=KIND_WORDS.get(r.text("kind")) or r.choice("kind", CandidateKind, CandidateKind.OTHER),
                capacity=r.integer("capacity", minimum=1, maximum=100_000),
                address=r.text("address", max_length=200),
                land_cost=r.decimal("land_cost", places="0.01"),
            )
            if site.land_cost is not None and site.land_cost >= MAX_LAND_COST:
                r.problem("land_cost", _("A land cost of 100 million 万元 or more is not plausible."))
                site.land_cost = None
            point = r.point("lon", "lat", required=True)
            if point is not None:
                site.lon, site.lat = point
            problems += r.problems
            sites.append(site)
        return Checked(rows=sites, problems=problems, summary={"sites": len(sites)})

    def write(
        self, checked: Checked, *, actor: Any, options: dict[str, Any], batch: ImportBatch
    ) -> dict[str, int]:
        candidate_list = CandidateList.objects.create(
            zone_id=options["zone_id"], name=str(options["name"]).strip()[:120], created_by=batch.created_by
        )
        for site in checked.rows:
            site.candidate_list = candidate_list
        CandidateSite.objects.bulk_create(checked.rows)
        return {"list_id": candidate_list.pk}


def register_all() -> None:
    register(CandidatesImporter())
