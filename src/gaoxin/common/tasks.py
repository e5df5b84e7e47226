"""The one Celery task — run a job of gaoxin.common.jobs by its id (the job's kind says what it does) —
and the kit's own kind of job, the worker check."""

from __future__ import annotations

import os
import socket
import threading
import time
from typing import Any

from celery import shared_task
from celery.signals import worker_ready
from django.utils.translation import gettext_lazy as _

from gaoxin.common import jobs
from gaoxin.common.models import Job


@shared_task(name="gaoxin.run_job", acks_late=True)  # type: ignore[untyped-decorator]  # celery ships no types
def run_job(job_id: int) -> str:
    job = jobs.run(job_id)
    return job.status if job is not None else "skipped"


def _beat_forever(kind: str) -> None:
    from django.db import close_old_connections

    while True:
        try:
            jobs.beat(kind)
        except Exception:  # noqa: BLE001 - a lost beat must not stop the worker; the health check will say
            jobs.log.warning("worker heartbeat not written", exc_info=True)
        finally:
            close_old_connections()
        time.sleep(jobs.BEAT_SECONDS)


@worker_ready.connect  # type: ignore[untyped-decorator]  # celery ships no types
def _start_heartbeat(**kwargs: Any) -> None:
    """Each Celery worker says it is alive every few seconds (the health endpoint)."""
    threading.Thread(target=_beat_forever, args=("celery",), daemon=True, name="gaoxin-heartbeat").start()


@jobs.register(
    "common.ping",
    label=_("Worker check"),
    allowed=lambda user: bool(user.is_superuser),
)
def ping(job: Job, progress: jobs.Progress) -> dict[str, Any]:
    """A job that only reports where it ran (the operator's check that the workers take jobs; the tests
    of the embedded worker and of Celery). Takes ``seconds`` (at most 60), reporting progress."""
    seconds = min(max(float(job.params.get("seconds", 0)), 0.0), 60.0)
    steps = max(int(seconds * 10), 1)
    for k in range(steps):
        time.sleep(seconds / steps)
        progress((k + 1) / steps, _("waiting a moment"))
    return {"worker": f"{socket.gethostname()}:{os.getpid()}"}
