"""`gaoxin accounts unlock NAME`: lift an account's login lock (recorded in the audit log)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gaoxin.accounts import services
from gaoxin.accounts.models import User


class Command(BaseCommand):
    help = "Account operations: `unlock NAME` lifts the login lock of an account."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        unlock = sub.add_parser("unlock", help="Lift the login lock of an account.")
        unlock.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        name = services.normalise_name(options["username"])
        if not User.objects.filter(username=name).exists():
            raise CommandError(f"No account {name!r}.")
        services.unlock(name)
        self.stdout.write(self.style.SUCCESS(f"{name} may log in again."))
