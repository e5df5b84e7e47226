"""A throw-away SQLite database with the demo zone loaded, for the benchmarks that need Django."""

from __future__ import annotations

import os
import tempfile


def demo_database() -> dict[str, int]:
    """Point Django at a new SQLite file, migrate, load the demo zone; returns the demo's counts."""
    home = tempfile.mkdtemp(prefix="gaoxin-bench-")
    os.environ["GAOXIN_HOME"] = home
    os.environ["DATABASE_URL"] = f"sqlite:///{home}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gaoxin.site.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from gaoxin.demo.load import load_demo

    call_command("migrate", verbosity=0)
    return load_demo()
