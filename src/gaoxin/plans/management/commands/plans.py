"""``gaoxin plans escalate [--today YYYY-MM-DD]``: issue the supervision notices (督办单) of the time nodes
past their date (run daily by the scheduler); ``gaoxin plans board [--year N]``: the year's targets as
text."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from gaoxin.places.queries import current_zone
from gaoxin.plans import queries, services


def _day(text: str | None) -> date:
    if not text:
        return timezone.localdate()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--today: not a date (YYYY-MM-DD): {text}") from None


class Command(BaseCommand):
    help = "Plans and targets: issue supervision notices for overdue time nodes, or print the targets board."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        esc = sub.add_parser("escalate", help="issue the supervision notices of overdue time nodes")
        esc.add_argument("--today", help="the day to judge by (default: today)")
        board = sub.add_parser("board", help="print the year's targets with their figures")
        board.add_argument("--year", type=int)
        board.add_argument("--today", help="the day to judge by (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        zone = current_zone()
        if zone is None:
            raise CommandError("No zone is loaded.")
        today = _day(options.get("today"))
        if options["action"] == "escalate":
            issued = services.escalate(None, zone, today)
            for notice in issued:
                self.stdout.write(
                    f"{notice.number}\t{notice.unit.name}\t{notice.node.title}\t{notice.days_late}"
                )
            self.stdout.write(f"{len(issued)} supervision notice(s) issued.")
            return
        year = options.get("year") or today.year
        for v in queries.board(None, zone, year, today):
            value = "—" if v.value is None else f"{v.value.normalize():f}"
            self.stdout.write(
                f"{v.target.code}\t{v.target.title}\t{value} / {v.target.goal.normalize():f}\t{v.state}"
            )
