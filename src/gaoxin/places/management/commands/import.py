from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gaoxin.common import imports
from gaoxin.common.choices import CoordinateSystem
from gaoxin.common.tabular import format_for_filename
from gaoxin.places.choices import ImportDataset
from gaoxin.places.imports import kind_of


class Command(BaseCommand):
    help = "Import streets, communities, residential areas or facilities from CSV, xlsx or GeoJSON. The whole file is checked first; with any problem nothing is written."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dataset", choices=ImportDataset.values)
        parser.add_argument("path")
        parser.add_argument(
            "--format", choices=["csv", "xlsx", "geojson"], help="Default: from the file name."
        )
        parser.add_argument(
            "--crs",
            choices=CoordinateSystem.values,
            default=CoordinateSystem.WGS84,
            help="Coordinate system of the file (gcj02 for Amap/Tencent coordinates).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        fmt = options["format"] or format_for_filename(path.name)
        if fmt is None:
            raise CommandError("Cannot tell the format from the file name; pass --format csv|xlsx|geojson.")
        try:
            batch = imports.run(
                kind_of(options["dataset"]),
                actor=None,
                filename=path.name,
                content=path.read_bytes(),
                file_format=fmt,
                options={"coordinate_system": options["crs"]},
            )
        except imports.ImportRejected as exc:
            for p in exc.problems:
                self.stderr.write(f"row {p.row}, {p.field}: {p.message}")
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {path.name}: {batch.summary['created']} created, {batch.summary['updated']} updated."
            )
        )
