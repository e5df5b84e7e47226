"""`gaoxin serve`: the production server — gunicorn (threaded workers) serving gaoxin.site.wsgi.

One command for an intranet server: `gaoxin serve --bind 0.0.0.0:8000` behind the HTTPS proxy of the
operator guide. Without a job broker it also starts the embedded job worker (gaoxin.common.jobs;
`--no-worker` when it runs elsewhere). Workers default to 2 × CPU + 1 (GAOXIN_WORKERS), each with
GAOXIN_THREADS threads; a request longer than GAOXIN_TIMEOUT seconds is cut (long work runs as a job, never in a request). The
static files are served (compressed) by WhiteNoise from `gaoxin collectstatic`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gaoxin.common import jobs
from gaoxin.common.env import env_int, env_str


def gunicorn_argv(bind: str, workers: int, threads: int, timeout: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "gaoxin.site.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread",
        "--timeout",
        str(timeout),
        "--graceful-timeout",
        "30",
        "--max-requests",
        "5000",  # a worker is renewed now and then (memory)
        "--max-requests-jitter",
        "500",
        "--forwarded-allow-ips",
        env_str("GAOXIN_FORWARDED_ALLOW_IPS", "127.0.0.1"),
        "--access-logfile",
        "-"
        if env_str("GAOXIN_ACCESS_LOG", "") == "gunicorn"
        else "/dev/null",  # requests are logged as JSON by the site
        "--error-logfile",
        "-",
    ]


class Command(BaseCommand):
    help = "Serve Gaoxin with the production server (gunicorn)."

    def add_arguments(self, parser: CommandParser) -> None:
        cores = os.cpu_count() or 1
        parser.add_argument("--bind", default=env_str("GAOXIN_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers", type=int, default=env_int("GAOXIN_WORKERS", 2 * cores + 1, minimum=1)
        )
        parser.add_argument("--threads", type=int, default=env_int("GAOXIN_THREADS", 4, minimum=1))
        parser.add_argument("--timeout", type=int, default=env_int("GAOXIN_TIMEOUT", 60, minimum=5))
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not start the embedded job worker (it runs elsewhere: `gaoxin worker`).",
        )
        parser.add_argument(
            "--print", action="store_true", help="Print the gunicorn command instead of running it."
        )

    def handle(self, *args: Any, **o: Any) -> None:
        argv = gunicorn_argv(o["bind"], o["workers"], o["threads"], o["timeout"])
        if o["print"]:
            self.stdout.write(" ".join(argv))
            return
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gaoxin.site.settings")
        if not jobs.broker() and not o["no_worker"]:
            # no Celery: the embedded worker runs the jobs beside the server (it ends with the server)
            worker = subprocess.Popen([sys.executable, "-m", "gaoxin.site.cli", "worker"])
            self.stdout.write(f"Embedded job worker started (pid {worker.pid}).")
            self.stdout.flush()
            server = subprocess.Popen(argv)

            def stop(signum: int, frame: Any) -> None:  # SIGTERM / Ctrl-C: both children end with us
                server.terminate()

            signal.signal(signal.SIGTERM, stop)
            signal.signal(signal.SIGINT, stop)
            try:
                server.wait()
            finally:
                server.terminate()
                worker.terminate()
                server.wait(timeout=60)
                worker.wait(timeout=60)
            return
        sys.stdout.flush()
        os.execv(argv[0], argv)  # gunicorn takes over the process (and its signals)
