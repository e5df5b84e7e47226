"""Background jobs (gaoxin.common.jobs): queued by a request, run by the embedded worker or by a Celery
worker, with progress, a result, a reason when they fail (nothing changed), and cancellation."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from gaoxin.common import jobs
from gaoxin.common.choices import JobStatus
from gaoxin.common.models import Job


@pytest.fixture
def queued(settings):  # type: ignore[no-untyped-def]
    """Jobs wait in the queue, as in production (the suite otherwise runs them where submitted)."""
    settings.GAOXIN_JOBS_INLINE = False
    settings.CELERY_BROKER_URL = ""


@jobs.register("test.fail", label="fails", allowed=lambda user: True)
def _fails(job: Job, progress: jobs.Progress) -> dict[str, object]:
    progress(0.5, "half way")
    raise jobs.JobFailed("不能计算：缺少路网")


@jobs.register("test.crash", label="crashes", allowed=lambda user: True)
def _crashes(job: Job, progress: jobs.Progress) -> dict[str, object]:
    raise RuntimeError("a bug")


def test_a_queued_job_runs_on_the_embedded_worker_with_its_progress_and_result(queued, client_of, admin_user):  # type: ignore[no-untyped-def]
    job = jobs.submit("common.ping", actor=admin_user, params={"seconds": 0.3})
    assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED
    c = client_of(admin_user)
    page = c.get(reverse("job", args=[job.pk])).content.decode()
    assert 'id="job-progress"' in page and 'id="job-cancel"' in page
    assert jobs.work(once=True) == 1
    done = Job.objects.get(pk=job.pk)
    assert done.status == JobStatus.DONE and done.progress == 1.0 and done.result["worker"]
    state = c.get(reverse("job_status", args=[job.pk])).json()
    assert state["finished"] and state["status"] == "done"
    assert c.get(reverse("api:job", args=[job.pk])).json()["result"]["worker"] == done.result["worker"]


def test_a_failed_job_says_why_and_a_crash_says_it_was_logged(queued, admin_user, caplog):  # type: ignore[no-untyped-def]
    failing = jobs.submit("test.fail", actor=admin_user)
    crashing = jobs.submit("test.crash", actor=admin_user)
    jobs.work(once=True)
    failing.refresh_from_db()
    crashing.refresh_from_db()
    assert (
        failing.status == JobStatus.FAILED and failing.error == "不能计算：缺少路网" and failing.result == {}
    )
    assert crashing.status == JobStatus.FAILED
    assert "nothing was changed" in crashing.error or "未作任何修改" in crashing.error
    assert "a bug" in caplog.text  # the trace is in the log, not on the page


def test_a_job_is_cancelled_before_or_while_it_runs(queued, admin_user):  # type: ignore[no-untyped-def]
    waiting = jobs.submit("common.ping", actor=admin_user, params={"seconds": 0.1})
    jobs.cancel(admin_user, waiting)
    waiting.refresh_from_db()
    assert waiting.status == JobStatus.CANCELLED and jobs.work(once=True) == 0
    running = jobs.submit("common.ping", actor=admin_user, params={"seconds": 2})
    Job.objects.filter(pk=running.pk).update(cancel_requested=True)  # asked while it runs
    jobs.work(once=True)
    running.refresh_from_db()
    assert running.status == JobStatus.CANCELLED and running.progress < 1.0


def test_only_its_starter_sees_a_job_and_a_kind_has_its_gate(queued, client_of, admin_user, planner):  # type: ignore[no-untyped-def]
    job = jobs.submit("common.ping", actor=admin_user)
    other = client_of(planner)
    for name in ("job", "job_status", "api:job"):
        assert other.get(reverse(name, args=[job.pk])).status_code == 404, name
    assert other.post(reverse("job_cancel", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert not job.cancel_requested and job.status == JobStatus.QUEUED
    assert job.pk not in [j.pk for j, _label in other.get(reverse("jobs")).context["rows"]]
    with pytest.raises(jobs.PermissionDenied):
        jobs.submit("common.ping", actor=planner)  # the worker check is the administrators'


# ---------------------------------------------------------------- Celery with Redis, real processes


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def test_a_job_runs_on_a_separate_celery_worker_through_redis(tmp_path: Path) -> None:
    """A web process queues the job, a Celery worker process takes it through Redis and writes the result
    into the database; both processes are real (an installation of its own in tmp_path)."""
    if not _redis_up():
        if os.environ.get("CI"):
            pytest.fail("CI must have Redis on 127.0.0.1:6379")
        pytest.skip("no Redis on 127.0.0.1:6379")
    gaoxin = [str(Path(sys.executable).parent / "gaoxin")]
    env = {k: v for k, v in os.environ.items() if not k.startswith("GAOXIN_") and k != "DATABASE_URL"}
    env |= {
        "GAOXIN_HOME": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/jobs.sqlite3",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/9",
        "DJANGO_SETTINGS_MODULE": "gaoxin.site.settings",
    }
    done = subprocess.run(
        [*gaoxin, "migrate", "--no-input"], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    worker = subprocess.Popen(
        [*gaoxin, "worker", "--concurrency", "1"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    script = (
        "from gaoxin.accounts.models import User\n"
        "from gaoxin.common import jobs\n"
        "from gaoxin.common.models import Job\n"
        "import json, os, time\n"
        "root = User.objects.create_superuser('root', password='x-Long-enough-42')\n"
        "job = jobs.submit('common.ping', actor=root, params={'seconds': 0.5})\n"
        "for _ in range(600):\n"
        "    job.refresh_from_db()\n"
        "    if job.finished: break\n"
        "    time.sleep(0.1)\n"
        "print(json.dumps({'status': job.status, 'result': job.result, 'pid': os.getpid()}))\n"
    )
    try:
        web = subprocess.run(
            [*gaoxin, "shell", "-c", script], env=env, capture_output=True, text=True, timeout=120
        )
        assert web.returncode == 0, web.stderr
        outcome = json.loads(web.stdout.strip().splitlines()[-1])
        assert outcome["status"] == "done", outcome
        ran_on = outcome["result"]["worker"]
        assert not ran_on.endswith(f":{outcome['pid']}")  # another process took it: the Celery worker
    finally:
        worker.terminate()
        log = worker.communicate(timeout=60)[0].decode(errors="replace")
    assert "gaoxin.run_job" in log  # the task went through the broker
