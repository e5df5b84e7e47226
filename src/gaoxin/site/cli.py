"""The `gaoxin` command: Django's management commands under one name
(`gaoxin migrate`, `gaoxin import …`, `gaoxin export …`, `gaoxin demo`)."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gaoxin.site.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line([sys.argv[0], *sys.argv[1:]])


if __name__ == "__main__":
    main()
