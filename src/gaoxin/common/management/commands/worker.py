"""`gaoxin worker`: runs the background jobs (gaoxin.common.jobs).

With a broker (CELERY_BROKER_URL) it starts a Celery worker — start one per worker machine; without
one, the embedded worker, which takes the queued jobs from the database (what `make demo` and
`gaoxin serve` start by themselves). `--once` runs the queued jobs and stops (a cron line, a test).
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gaoxin.common import jobs


class Command(BaseCommand):
    help = "Run the background jobs: a Celery worker when a broker is set, else the embedded worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--embedded", action="store_true", help="The embedded worker even with a broker.")
        parser.add_argument("--once", action="store_true", help="Run the queued jobs, then stop.")
        parser.add_argument("--concurrency", type=int, default=2, help="Celery: jobs at a time.")

    def handle(self, *args: Any, **o: Any) -> None:
        if jobs.broker() and not o["embedded"] and not o["once"]:
            argv = [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "gaoxin.site.celery",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                str(o["concurrency"]),
                "--without-gossip",
                "--without-mingle",
            ]
            sys.stdout.flush()
            os.execv(argv[0], argv)
        stopping = []
        signal.signal(signal.SIGTERM, lambda *a: stopping.append(True))
        if not o["once"]:
            self.stdout.write("Embedded worker: running the queued jobs (Ctrl-C stops it).")
        try:
            done = jobs.work(once=o["once"], stop=lambda: bool(stopping))
        except KeyboardInterrupt:
            return
        if o["once"]:
            self.stdout.write(f"{done} jobs run.")
