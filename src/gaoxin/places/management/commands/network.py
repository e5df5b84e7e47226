from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gaoxin.analysis.errors import AnalysisError
from gaoxin.analysis.osm import read_pbf
from gaoxin.places.analysis import network_for_zone, network_lines
from gaoxin.places.models import Zone
from gaoxin.places.services import replace_walk_network


class Command(BaseCommand):
    help = "Walking networks: `gaoxin network import FILE.osm.pbf --zone CODE` stores the walkable ways of an OSM extract for a zone; `gaoxin network info --zone CODE` summarises it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["import", "info"])
        parser.add_argument("path", nargs="?")
        parser.add_argument("--zone", required=True, help="zone code, e.g. 370871")

    def handle(self, *args: Any, **options: Any) -> None:
        zone = Zone.objects.filter(code=options["zone"]).first()
        if zone is None:
            raise CommandError(f"No zone with code {options['zone']}.")
        if options["action"] == "import":
            if not options["path"]:
                raise CommandError("Give the .osm.pbf file to import.")
            try:
                net = read_pbf(Path(options["path"]))
            except AnalysisError as exc:
                raise CommandError(exc.message) from None
            n = replace_walk_network(actor=None, zone=zone, lines=network_lines(net), highway="osm")
            self.stdout.write(
                self.style.SUCCESS(
                    f"Stored {n} edges ({net.edge_length_m.sum() / 1000:.1f} km) for {zone}; "
                    f"dropped {net.dropped_edges} edges in smaller components and {net.self_loops} self-loops."
                )
            )
        else:
            try:
                net = network_for_zone(zone)
            except AnalysisError as exc:
                raise CommandError(exc.message) from None
            self.stdout.write(
                f"{zone}: {net.n_nodes} nodes, {net.n_edges} edges, {net.edge_length_m.sum() / 1000:.1f} km "
                f"(largest component; {net.dropped_edges} edges elsewhere)."
            )
