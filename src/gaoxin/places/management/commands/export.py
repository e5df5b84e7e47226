import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gaoxin.places.choices import ImportDataset
from gaoxin.places.queries import export_file


class Command(BaseCommand):
    help = "Export streets, communities, residential areas or facilities to CSV, xlsx or GeoJSON (re-importable)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dataset", choices=ImportDataset.values)
        parser.add_argument("--format", choices=["csv", "xlsx", "geojson"], default="csv")
        parser.add_argument("-o", "--output", help="File to write; default: standard output.")

    def handle(self, *args: Any, **options: Any) -> None:
        data = export_file(options["dataset"], options["format"])
        if options["output"]:
            Path(options["output"]).write_bytes(data)
            self.stdout.write(self.style.SUCCESS(f"Wrote {options['output']} ({len(data)} bytes)."))
        else:
            sys.stdout.buffer.write(data)
