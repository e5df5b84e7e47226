"""Long work as a job with progress, never inside a request.

An app registers a kind of job — a function ``run(job, progress) -> result`` and who may start it — in
its ``tasks.py``; a view submits it (:func:`submit`) and sends the user to the job's page, which shows
the progress, the result (a link) and a cancel button. Where a job runs:

- with a broker (``CELERY_BROKER_URL``, Redis in production and CI) on Celery workers — a city adds
  worker machines (``gaoxin worker`` starts one);
- without one (the embedded default of ``make demo``) on the embedded worker, a process the demo and
  ``gaoxin serve`` start themselves, which takes the queued jobs from the database.

A job's progress, result and failure are in the database (:class:`gaoxin.common.models.Job`): a page
that polls it sees the same on any application server, and nothing is lost when a worker restarts. A
failed job shows its reason and changes nothing (the work of a job is one transaction, or read-only);
a cancelled job stops at its next progress report.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from gaoxin.analysis.errors import AnalysisError
from gaoxin.common.choices import JobStatus
from gaoxin.common.errors import describe
from gaoxin.common.models import Job, WorkerBeat

log = logging.getLogger("gaoxin.jobs")


class Cancelled(Exception):
    """The user cancelled the job; it stops where it reported progress last."""


class JobFailed(Exception):
    """A job's own refusal, shown to the user as its reason (a domain error, not a bug)."""


class Progress:
    """What a job reports: ``progress(0.4, "…")`` — a fraction done and what it is doing. Written at
    most every half second (and at the end); raises :class:`Cancelled` once a cancel was asked."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self._written = 0.0

    def __call__(self, fraction: float, message: object = "") -> None:
        now = time.monotonic()
        if now - self._written < 0.5 and fraction < 1.0:
            return
        self._written = now
        fraction = min(max(float(fraction), 0.0), 1.0)
        Job.objects.filter(pk=self.job.pk).update(progress=fraction, message=str(message)[:200])
        if Job.objects.filter(pk=self.job.pk, cancel_requested=True).exists():
            raise Cancelled


@dataclass(frozen=True)
class Kind:
    name: str
    label: Any
    run: Callable[[Job, Progress], dict[str, Any]]
    allowed: Callable[[Any], bool]
    result_url: Callable[[Job], str | None]


REGISTRY: dict[str, Kind] = {}


def register(
    name: str,
    *,
    label: Any,
    allowed: Callable[[Any], bool],
    result_url: Callable[[Job], str | None] = lambda job: None,
) -> Callable[[Callable[[Job, Progress], dict[str, Any]]], Callable[[Job, Progress], dict[str, Any]]]:
    """Declare a kind of job: ``run(job, progress)`` returns what the result page needs (JSON)."""

    def decorate(fn: Callable[[Job, Progress], dict[str, Any]]) -> Callable[[Job, Progress], dict[str, Any]]:
        REGISTRY[name] = Kind(name, label, fn, allowed, result_url)
        return fn

    return decorate


def broker() -> str:
    return str(getattr(settings, "CELERY_BROKER_URL", "") or "")


def submit(kind: str, *, actor: Any, params: dict[str, Any] | None = None) -> Job:
    """Queue a job (after the gate of its kind); it starts once the transaction commits."""
    spec = REGISTRY.get(kind)
    if spec is None:
        raise ValueError(f"unknown kind of job {kind!r}")
    if actor is not None and not spec.allowed(actor):
        raise PermissionDenied
    job = Job.objects.create(kind=kind, params=params or {}, created_by=actor if actor is not None else None)
    if getattr(settings, "GAOXIN_JOBS_INLINE", False):  # the test suite: run it here and now
        return run(job.pk) or job
    if broker():
        from gaoxin.common.tasks import run_job

        transaction.on_commit(lambda: run_job.delay(job.pk))
    log.info("job queued", extra={"job": job.pk, "kind": kind})
    return job


def job_for(user: Any, pk: int) -> Job:
    """A job its starter may see (an administrator every job); 404 otherwise."""
    job = Job.objects.filter(pk=pk).select_related("created_by").first()
    if job is None or not (user.is_superuser or job.created_by_id == user.pk):
        raise Http404
    return job


def cancel(user: Any, job: Job) -> None:
    if job.created_by_id != user.pk and not user.is_superuser:
        raise PermissionDenied
    if job.finished:
        return
    Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
        status=JobStatus.CANCELLED, finished_at=timezone.now(), message=_("cancelled before it started")
    )
    Job.objects.filter(pk=job.pk).update(cancel_requested=True)


def _claim(pk: int) -> Job | None:
    """Take a queued job for this worker (one worker only, whatever the database)."""
    taken = Job.objects.filter(pk=pk, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING,
        started_at=timezone.now(),
        worker=worker_name(),
    )
    return Job.objects.get(pk=pk) if taken else None


def run(pk: int) -> Job | None:
    """Run a queued job to its end: done with its result, failed with its reason, or cancelled."""
    job = _claim(pk)
    if job is None:
        return None
    spec = REGISTRY.get(job.kind)
    started = time.monotonic()
    try:
        if spec is None:
            raise JobFailed(_("This kind of job is not known to this installation."))
        result = spec.run(job, Progress(job))
        status, error = JobStatus.DONE, ""
    except Cancelled:
        status, result, error = JobStatus.CANCELLED, {}, ""
    except (JobFailed, ValidationError, PermissionDenied) as exc:
        status, result, error = JobStatus.FAILED, {}, _describe(exc)
    except AnalysisError as exc:  # the core refused the input: its translated reason
        status, result, error = JobStatus.FAILED, {}, describe(exc)
    except Exception:  # a bug: logged with its trace; the user is told it failed and changed nothing
        log.exception("job failed", extra={"job": job.pk, "kind": job.kind})
        status, result, error = (
            JobStatus.FAILED,
            {},
            _("An unexpected error stopped the job; nothing was changed. The operator finds it in the log."),
        )
    done = {"progress": 1.0, "message": ""} if status == JobStatus.DONE else {}
    Job.objects.filter(pk=job.pk).update(
        status=status, result=result, error=error, finished_at=timezone.now(), **done
    )
    log.info(
        "job finished",
        extra={
            "job": job.pk,
            "kind": job.kind,
            "status": status,
            "seconds": round(time.monotonic() - started, 3),
        },
    )
    return Job.objects.get(pk=job.pk)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(str(m) for m in exc.messages)
    if isinstance(exc, PermissionDenied):
        return _("You may not do this.")
    return str(exc)


def next_queued() -> int | None:
    return (
        Job.objects.filter(status=JobStatus.QUEUED)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
        .first()
    )


BEAT_SECONDS = 10.0  # how often a worker says it is alive (WorkerBeat)
ALIVE_SECONDS = 60.0  # a worker not seen for this long is taken for gone


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def beat(kind: str) -> None:
    """Record that this worker process is alive (the health endpoint counts the live workers)."""
    now = timezone.now()
    WorkerBeat.objects.update_or_create(name=worker_name(), defaults={"kind": kind, "seen_at": now})
    WorkerBeat.objects.filter(seen_at__lt=now - dt.timedelta(days=1)).delete()  # workers long gone


def live_workers() -> list[WorkerBeat]:
    since = timezone.now() - dt.timedelta(seconds=ALIVE_SECONDS)
    return list(WorkerBeat.objects.filter(seen_at__gte=since).order_by("name"))


def oldest_waiting_seconds() -> float | None:
    """How long the oldest queued job has waited (None: none waits)."""
    first = (
        Job.objects.filter(status=JobStatus.QUEUED)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return None if first is None else (timezone.now() - first).total_seconds()


def work(*, once: bool = False, idle_seconds: float = 0.5, stop: Callable[[], bool] = lambda: False) -> int:
    """The embedded worker: run the queued jobs one after another (``once``: until none is left)."""
    done = 0
    last_beat = 0.0
    while not stop():
        if time.monotonic() - last_beat >= BEAT_SECONDS:
            beat("embedded")
            last_beat = time.monotonic()
        pk = next_queued()
        if pk is None:
            if once:
                break
            time.sleep(idle_seconds)
            continue
        if run(pk) is not None:
            done += 1
    return done


def state(job: Job) -> dict[str, Any]:
    """A job as the API and the job page report it."""
    from django.urls import reverse

    spec = REGISTRY.get(job.kind)
    return {
        "id": job.pk,
        "kind": job.kind,
        "status": job.status,
        "progress": round(job.progress, 3),
        "message": job.message,
        "finished": job.finished,
        "error": job.error,
        "result": job.result if job.status == JobStatus.DONE else {},
        "status_url": reverse("api:job", args=[job.pk]),
        "result_url": spec.result_url(job) if spec is not None and job.status == JobStatus.DONE else None,
    }
