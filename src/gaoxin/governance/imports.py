"""The importer of grids (GeoJSON, CSV or xlsx): every row checked — code, name, the community by its
statistical code (of the zone), the outline (a polygon inside the zone; GCJ-02 converted when chosen), the
grid workers by their user names — then all written or none. Grids are matched by their code: a re-import
updates them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from gaoxin.common.imports import Checked, GeoFrame, Importer, Problem, RowReader, header_map, register
from gaoxin.common.models import ImportBatch
from gaoxin.common.tabular import Row
from gaoxin.governance import access
from gaoxin.governance.datasets import GRID_COLUMNS
from gaoxin.governance.models import Grid
from gaoxin.places.models import Community, Zone

KIND = "governance.grids"


class GridImporter(Importer):
    kind = KIND
    formats = ("geojson", "csv", "xlsx")
    columns = GRID_COLUMNS

    def label(self) -> str:
        return _("Grids (网格)")

    def allowed(self, actor: Any) -> bool:
        return access.is_centre(actor)

    def manages(self, actor: Any) -> bool:
        return access.is_centre(actor)

    def check(self, rows: list[Row], *, actor: Any, options: dict[str, Any]) -> Checked:
        if not rows:
            return Checked(problems=[Problem(0, "file", _("The file has no rows."))])
        zone_id = options.get("zone_id")
        zone = Zone.objects.filter(pk=zone_id).first() if isinstance(zone_id, int) else None
        hmap, problems = header_map(self.columns, rows[0].cells)
        if zone is None:
            problems.append(Problem(0, "zone", _("No zone is loaded.")))
        if problems:
            return Checked(problems=problems)
        assert zone is not None
        geo = GeoFrame(
            boundary=zone.boundary,
            zone_label=zone.name,
            coordinate_system=options.get("coordinate_system") or "wgs84",
        )
        communities = {c.code: c for c in Community.objects.filter(street__zone=zone)}
        users = {u.username: u for u in get_user_model().objects.filter(is_active=True)}
        existing = set(Grid.objects.values_list("code", flat=True))
        parsed = []
        seen: dict[str, int] = {}
        for row in rows:
            r = RowReader(row, hmap, geo)
            code = r.text("code", required=True, max_length=30)
            name = r.text("name", required=True, max_length=100)
            community_code = r.text("community", required=True, max_length=12)
            community = communities.get(community_code)
            if community_code and community is None:
                r.problem(
                    "community",
                    _("No community of the zone has the code %(code)s.") % {"code": community_code},
                )
            boundary = r.polygon("boundary")
            workers = []
            for username in [
                w.strip()
                for w in r.text("workers", max_length=500).replace("，", ",").split(",")
                if w.strip()
            ]:
                if username not in users:
                    r.problem("workers", _("No active user %(name)s.") % {"name": username})
                else:
                    workers.append(users[username])
            if code in seen:
                r.problem(
                    "code", _("Grid %(code)s is already on row %(row)s.") % {"code": code, "row": seen[code]}
                )
            seen.setdefault(code, row.number)
            problems += r.problems
            if not r.problems:
                parsed.append(
                    (code, name, community, boundary, r.text("party_branch", max_length=100), workers)
                )
        if problems:
            return Checked(problems=problems)
        return Checked(
            rows=parsed,
            summary={"grids": len(parsed), "new_grids": sum(p[0] not in existing for p in parsed)},
        )

    def write(
        self, checked: Checked, *, actor: Any, options: dict[str, Any], batch: ImportBatch
    ) -> dict[str, int]:
        for code, name, community, boundary, branch, workers in checked.rows:
            grid, _created = Grid.objects.update_or_create(
                code=code,
                defaults={"name": name, "community": community, "boundary": boundary, "party_branch": branch},
            )
            if workers:
                grid.workers.set(workers)
        return {}


def register_all() -> None:
    register(GridImporter())
