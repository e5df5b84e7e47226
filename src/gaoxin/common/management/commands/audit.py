"""`gaoxin audit purge`: delete audit events older than GAOXIN_AUDIT_RETENTION_DAYS (≥ 180 days);
`gaoxin audit export --since YYYY-MM-DD -o FILE.csv`: a copy for the backup the rules ask for."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gaoxin.common.audit import purge_expired, record, retention_cutoff
from gaoxin.common.models import AuditEvent
from gaoxin.common.tabular import write_csv

COLUMNS = [
    "at",
    "actor_name",
    "action",
    "target_type",
    "target_id",
    "target_label",
    "outcome",
    "detail",
    "ip",
]


class Command(BaseCommand):
    help = "Audit log: `gaoxin audit purge` (older than the retention period) or `gaoxin audit export --since DATE -o FILE`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["purge", "export"])
        parser.add_argument("--since", help="export: first day (YYYY-MM-DD)")
        parser.add_argument("-o", "--output", help="export: the CSV file to write")

    def handle(self, *args: Any, **o: Any) -> None:
        if o["action"] == "purge":
            n = purge_expired()
            record(None, "purge", "audit", "", detail=f"{n} events older than {retention_cutoff():%Y-%m-%d}")
            self.stdout.write(f"{n} audit events older than {retention_cutoff():%Y-%m-%d} deleted.")
            return
        if not o["output"]:
            raise CommandError("export needs -o FILE.csv")
        qs = AuditEvent.objects.order_by("at", "pk")
        if o["since"]:
            try:
                qs = qs.filter(at__date__gte=dt.date.fromisoformat(o["since"]))
            except ValueError:
                raise CommandError("--since is YYYY-MM-DD") from None
        rows = [{c: getattr(e, c) for c in COLUMNS} for e in qs.iterator()]
        Path(o["output"]).write_bytes(write_csv(COLUMNS, rows))
        record(
            None,
            "export",
            "audit",
            "",
            label=Path(o["output"]).name[:120],
            detail=f"{len(rows)} events since {o['since'] or 'the start'}",
        )
        self.stdout.write(f"{len(rows)} audit events written to {o['output']}.")
