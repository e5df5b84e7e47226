"""`gaoxin health expire`: contracts past their end become expired (run daily from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gaoxin.health.services import expire_contracts


class Command(BaseCommand):
    help = "Health: `gaoxin health expire` marks contracts past their end as expired (daily)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["expire"])

    def handle(self, *args: Any, **o: Any) -> None:
        self.stdout.write(f"{expire_contracts()} contracts expired.")
