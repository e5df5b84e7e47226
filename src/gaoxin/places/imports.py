"""The places files on the kit's import pipeline (gaoxin.common.imports): streets, communities,
residential areas and facilities, each an importer of kind ``places.<dataset>``.

Checks, row by row: the file can be read; required columns; each cell; the model's own rules;
duplicate codes inside the file; and that the actor may change each row's street (for an update,
both the old and the new street). Re-importing updates by the stable ``code``.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.utils.translation import gettext as _

from gaoxin.common.choices import CoordinateSystem
from gaoxin.common.imports import Checked, Importer, Problem, header_map, model_problems, register
from gaoxin.common.models import ImportBatch
from gaoxin.common.tabular import Row
from gaoxin.places import access
from gaoxin.places.choices import ImportDataset
from gaoxin.places.datasets import COLUMNS, MODELS, ROW_PARSERS, Lookups, ParsedRow, PlaceRow
from gaoxin.places.queries import current_zone


def kind_of(dataset: str) -> str:
    return f"places.{dataset}"


class PlacesImporter(Importer):
    formats = ("csv", "xlsx", "geojson")

    def __init__(self, dataset: ImportDataset) -> None:
        self.dataset = dataset
        self.kind = kind_of(dataset)
        self.columns = COLUMNS[dataset]
        self.model = MODELS[dataset]

    def label(self) -> str:
        return str(self.dataset.label)

    def allowed(self, actor: Any) -> bool:
        return access.can_import(actor)

    def manages(self, actor: Any) -> bool:
        return access.is_zone_wide(actor)

    def check(self, rows: list[Row], *, actor: Any, options: dict[str, Any]) -> Checked:
        headers = sorted({h for row in rows for h in row.cells})
        hmap, problems = header_map(self.columns, headers)
        if problems:
            return Checked(problems=problems)
        lookups = Lookups(current_zone(), options.get("coordinate_system") or CoordinateSystem.WGS84)
        codes = [str(row.cells.get(hmap["code"], "")).strip() for row in rows]
        existing = {
            obj.code: obj for obj in self.model._default_manager.filter(code__in=[c for c in codes if c])
        }
        seen = Counter(c for c in codes if c)
        allowed = access.editable_street_ids(actor) if actor is not None else None
        parsed: list[ParsedRow] = []
        for row in rows:
            reader = PlaceRow(row, hmap, lookups)
            values = ROW_PARSERS[self.dataset](reader)
            here = reader.problems
            code = values.get("code", "")
            if code and seen[code] > 1:
                here.append(
                    Problem(
                        row.number,
                        "code",
                        _("The code %(code)s appears more than once in the file.") % {"code": code},
                    )
                )
            current = existing.get(code)
            if not here:
                # a fresh copy: validation must not change the object of the lookup above
                instance = (
                    self.model._default_manager.get(pk=current.pk) if current is not None else self.model()
                )
                for key, value in values.items():
                    setattr(instance, key, value)
                exclude = ["street"] if self.dataset == ImportDataset.AREAS else []
                here.extend(model_problems(row.number, instance, exclude))
            if allowed is not None:
                street = values.get("street")
                street_ids = {street.pk if street is not None else None}
                if current is not None and hasattr(current, "street_id"):
                    street_ids.add(current.street_id)
                zone_level = self.dataset in (ImportDataset.STREETS, ImportDataset.COMMUNITIES)
                if zone_level or not street_ids <= allowed:
                    here.append(
                        Problem(row.number, "street", _("You may only change data of your own street."))
                    )
            parsed.append(ParsedRow(row.number, values | {"_existing": current is not None}, here))
            problems.extend(here)
        return Checked(
            rows=parsed,
            problems=problems,
            summary={
                "create": sum(1 for p in parsed if not p.values["_existing"]),
                "update": sum(1 for p in parsed if p.values["_existing"]),
            },
        )

    def write(
        self, checked: Checked, *, actor: Any, options: dict[str, Any], batch: ImportBatch
    ) -> dict[str, int]:
        created = updated = 0
        for p in checked.rows:
            values = {k: v for k, v in p.values.items() if not k.startswith("_")}
            code = values.pop("code")
            if self.dataset == ImportDataset.AREAS:
                values.pop("street", None)  # derived from the community on save
            _obj, was_created = self.model._default_manager.update_or_create(code=code, defaults=values)
            created += was_created
            updated += not was_created
        return {"created": created, "updated": updated}


def register_all() -> None:
    for dataset in ImportDataset:
        register(PlacesImporter(dataset))
