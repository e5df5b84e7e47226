"""The departments' files on the kit's import pipeline (gaoxin.common.imports): the tax bureau,
statistics bureau, power company and ecology bureau figures (kind ``parks.<dataset>``) and the natural
resources bureau's land file (``parks.land``). Option: ``year``, the year of the figures.

All rows or nothing: a figure keeps the batch and the row it came from; a department's figure for an
enterprise, year and metric replaces the one imported before; the land uses of the parcels a land
file names are replaced by the file's.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from gaoxin.analysis.identifiers import IdentifierError, normalize_uscc
from gaoxin.common.errors import describe
from gaoxin.common.imports import Checked, Importer, Problem, header_map, register
from gaoxin.common.models import ImportBatch
from gaoxin.common.tabular import Row
from gaoxin.parks import access
from gaoxin.parks.choices import SIGNED_STORED_METRICS, LandRole
from gaoxin.parks.datasets import (
    DATASETS,
    LAND_COLUMNS,
    LAND_DATASET,
    LAND_LABEL,
    USCC,
    Dataset,
    parse_decimal,
)
from gaoxin.parks.models import Enterprise, Fact, LandParcel, LandUse

ROLE_WORDS = {
    "自有": LandRole.OWNER,
    "owner": LandRole.OWNER,
    "租赁": LandRole.TENANT,
    "tenant": LandRole.TENANT,
}


def kind_of(dataset: str) -> str:
    return f"parks.{dataset}"


def _enterprise_of(
    row: Row, header: str, enterprises: dict[str, Enterprise], problems: list[Problem]
) -> Enterprise | None:
    """The registry's enterprise named by the row's 统一社会信用代码, or a problem reported."""
    raw = row.cells.get(header)
    try:
        uscc = normalize_uscc(str(raw or ""))
    except IdentifierError as exc:
        problems.append(
            Problem(
                row.number,
                header,
                _("Not a valid unified social credit code: %(reason)s") % {"reason": describe(exc)},
            )
        )
        return None
    enterprise = enterprises.get(uscc)
    if enterprise is None:
        problems.append(
            Problem(
                row.number,
                header,
                _("No enterprise with the code %(code)s in the registry.") % {"code": uscc},
            )
        )
    return enterprise


class _ParksImporter(Importer):
    formats = ("csv", "xlsx")

    def allowed(self, actor: Any) -> bool:
        return access.can_manage(actor)

    def manages(self, actor: Any) -> bool:
        return access.can_manage(actor)

    @staticmethod
    def year_problems(options: dict[str, Any]) -> list[Problem]:
        year = options.get("year")
        if not isinstance(year, int) or not 2000 <= year <= 2100:
            return [Problem(0, "year", _("The data year lies between 2000 and 2100."))]
        return []


class DepartmentImporter(_ParksImporter):
    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.kind = kind_of(dataset.code)
        self.columns = (USCC, *dataset.columns)

    def label(self) -> str:
        return str(self.dataset.label)

    def check(self, rows: list[Row], *, actor: Any, options: dict[str, Any]) -> Checked:
        hmap, problems = header_map(self.columns, rows[0].cells)
        problems += self.year_problems(options)
        present = [c for c in self.dataset.columns if c.name in hmap]
        if not present:
            problems.append(
                Problem(
                    1,
                    "",
                    _("The file has none of the columns of this dataset: %(names)s")
                    % {"names": ", ".join(c.zh for c in self.dataset.columns)},
                )
            )
        if problems:
            return Checked(problems=problems)
        enterprises = {e.uscc: e for e in Enterprise.objects.all()}
        parsed: list[tuple[int, Enterprise, str, Decimal]] = []
        seen: dict[str, int] = {}
        for row in rows:
            enterprise = _enterprise_of(row, hmap[USCC.name], enterprises, problems)
            if enterprise is None:
                continue
            if enterprise.uscc in seen:
                problems.append(
                    Problem(
                        row.number,
                        hmap[USCC.name],
                        _("The enterprise is already on row %(row)s.") % {"row": seen[enterprise.uscc]},
                    )
                )
                continue
            seen[enterprise.uscc] = row.number
            values = 0
            for col in present:
                value = row.cells.get(hmap[col.name])
                unit = self.dataset.unit(col)
                signed = unit.metric in SIGNED_STORED_METRICS
                try:
                    number = parse_decimal(value, signed=signed)
                except ValueError:
                    problems.append(
                        Problem(
                            row.number,
                            hmap[col.name],
                            (
                                _("“%(value)s” is not a number.")
                                if signed
                                else _("“%(value)s” is not a non-negative number.")
                            )
                            % {"value": value},
                        )
                    )
                    continue
                if number is not None:
                    parsed.append((row.number, enterprise, unit.metric, number * unit.per_unit))
                    values += 1
            if values == 0 and not any(p.row == row.number for p in problems):
                problems.append(Problem(row.number, "", _("The row has no figure.")))
        return Checked(rows=parsed, problems=problems, summary={"figures": len(parsed)})

    def write(
        self, checked: Checked, *, actor: Any, options: dict[str, Any], batch: ImportBatch
    ) -> dict[str, int]:
        for number, enterprise, metric, value in checked.rows:
            Fact.objects.update_or_create(
                enterprise=enterprise,
                year=options["year"],
                metric=metric,
                source=self.dataset.source,
                defaults={"value": value, "batch": batch, "row": number},
            )
        return {"written": len(checked.rows)}


class LandImporter(_ParksImporter):
    kind = kind_of(LAND_DATASET)
    columns = LAND_COLUMNS

    def label(self) -> str:
        return str(LAND_LABEL)

    def check(self, rows: list[Row], *, actor: Any, options: dict[str, Any]) -> Checked:
        hmap, problems = header_map(self.columns, rows[0].cells)
        problems += self.year_problems(options)
        if problems:
            return Checked(problems=problems)
        uscc_h, parcel_h, area_h = hmap["uscc"], hmap["parcel"], hmap["area_m2"]
        role_h = hmap.get("role", "使用方式")
        enterprises = {e.uscc: e for e in Enterprise.objects.all()}
        parcels = {p.code: p for p in LandParcel.objects.all()}
        uses: list[LandUse] = []
        seen: dict[tuple[str, int], int] = {}
        for row in rows:
            enterprise = _enterprise_of(row, uscc_h, enterprises, problems)
            code = row.cells.get(parcel_h)
            parcel = parcels.get(str(code or "").strip())
            if parcel is None:
                problems.append(
                    Problem(row.number, parcel_h, _("No parcel with the code %(code)s.") % {"code": code})
                )
            raw_role = row.cells.get(role_h)
            role = (
                ROLE_WORDS.get(str(raw_role).strip().lower())
                if raw_role not in (None, "")
                else LandRole.OWNER
            )
            if role is None:
                problems.append(
                    Problem(
                        row.number,
                        role_h,
                        _("Write 自有 (owner) or 租赁 (tenant), not “%(value)s”.") % {"value": raw_role},
                    )
                )
            raw_area = row.cells.get(area_h)
            try:
                area = parse_decimal(raw_area)
                if area is None or area <= 0:
                    raise ValueError
            except ValueError:
                problems.append(
                    Problem(
                        row.number, area_h, _("“%(value)s” is not a positive area.") % {"value": raw_area}
                    )
                )
                continue
            if enterprise is None or parcel is None or role is None:
                continue
            key = (parcel.code, enterprise.pk)
            if key in seen:
                problems.append(
                    Problem(
                        row.number,
                        uscc_h,
                        _("The enterprise is already on row %(row)s.") % {"row": seen[key]},
                    )
                )
                continue
            seen[key] = row.number
            uses.append(LandUse(parcel=parcel, enterprise=enterprise, role=role, area_m2=area))
        by_parcel: dict[int, Decimal] = {}
        for u in uses:
            by_parcel[u.parcel.pk] = by_parcel.get(u.parcel.pk, Decimal(0)) + u.area_m2
        for u in uses:
            if by_parcel[u.parcel.pk] > u.parcel.area_m2:
                problems.append(
                    Problem(
                        seen[(u.parcel.code, u.enterprise.pk)],
                        area_h,
                        _("The uses of parcel %(code)s add up to more than its %(area)s m².")
                        % {"code": u.parcel.code, "area": u.parcel.area_m2},
                    )
                )
        return Checked(rows=uses, problems=problems, summary={"uses": len(uses)})

    def write(
        self, checked: Checked, *, actor: Any, options: dict[str, Any], batch: ImportBatch
    ) -> dict[str, int]:
        LandUse.objects.filter(parcel_id__in={u.parcel.pk for u in checked.rows}).delete()
        LandUse.objects.bulk_create(checked.rows)
        return {"written": len(checked.rows)}


def register_all() -> None:
    for dataset in DATASETS.values():
        register(DepartmentImporter(dataset))
    register(LandImporter())
