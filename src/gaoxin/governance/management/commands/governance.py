"""``gaoxin governance escalate``: escalate the requests past their time limit (run every hour);
``gaoxin governance apikey NAME``: a client application's Open311 API key (printed once)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gaoxin.governance import services
from gaoxin.places.queries import current_zone


class Command(BaseCommand):
    help = "Grid governance: escalate overdue requests, or create an Open311 client's API key."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("escalate", help="escalate the requests past their time limit")
        key = sub.add_parser("apikey", help="create an Open311 client application and print its API key")
        key.add_argument("name")

    def handle(self, *args: Any, **options: Any) -> None:
        zone = current_zone()
        if zone is None:
            raise CommandError("No zone is loaded.")
        if options["action"] == "escalate":
            from django.utils import timezone

            late = services.escalate_overdue(None, zone)
            disputes = services.escalate_disputes(None, zone, timezone.localdate())
            self.stdout.write(f"{len(late)} request(s) and {len(disputes)} dispute(s) escalated.")
            return
        client, key = services.new_api_client(None, zone, options["name"])
        self.stdout.write(f"{client.name}: {key}")
