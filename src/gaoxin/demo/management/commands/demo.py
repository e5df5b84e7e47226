from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from gaoxin.accounts.services import SECOND_FACTOR_ROLES
from gaoxin.demo.load import DEMO_PASSWORD, DEMO_USERS, is_loaded, load_demo


class Command(BaseCommand):
    help = "Load the deterministic 济宁高新区 demo zone (synthetic geometry) and the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Load only when no zone exists yet.")
        parser.add_argument("--logins", action="store_true", help="Only print the demo logins.")
        parser.add_argument("--seed", type=int, default=20261127)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["logins"]:
            self.stdout.write("Demo logins (password for all: %s):" % DEMO_PASSWORD)
            for username, display, roles, _street in DEMO_USERS:
                mark = " *" if settings.GAOXIN_REQUIRE_2FA and set(roles) & set(SECOND_FACTOR_ROLES) else ""
                self.stdout.write(
                    "  %-11s %s (%s)%s" % (username, display, ", ".join(r.value for r in roles), mark)
                )
            if settings.GAOXIN_REQUIRE_2FA:
                self.stdout.write(
                    "  * logs in with a second factor: at the first login, add the key the page shows (QR code"
                    " or text) to any TOTP authenticator app, then type its 6-digit code."
                )
            return
        if options["if_empty"] and is_loaded():
            self.stdout.write("A zone is already loaded; keeping it (run `gaoxin demo` to reload the demo).")
            return
        counts = load_demo(options["seed"])
        self.stdout.write(self.style.SUCCESS("Demo zone loaded (synthetic geometry): %s" % counts))
