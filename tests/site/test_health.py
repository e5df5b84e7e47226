"""The health endpoint for the load balancer, and the structured logs (nothing personal in them)."""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest
from django.db import connection
from django.utils import timezone

from gaoxin.common import health, jobs, logs
from gaoxin.common.models import Job, WorkerBeat


def test_healthz_answers_the_balancer_without_a_login_host_or_https(client, db, settings):  # type: ignore[no-untyped-def]
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["gaoxin.example"]
    answer = client.get("/healthz", HTTP_HOST="10.0.0.7")  # probed by address, over plain HTTP
    body = answer.json()
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store"
    assert body["checks"]["database"]["ok"] and body["checks"]["cache"]["ok"]
    assert body["checks"]["broker"] == {
        "ok": True,
        "ms": body["checks"]["broker"]["ms"],
        "detail": "embedded",
    }
    assert body["status"] == "degraded" and not body["checks"]["workers"]["ok"]  # no worker has said so yet
    jobs.beat("embedded")
    assert client.get("/healthz/").json() | {"checks": None} == {"status": "ok", "checks": None}


def test_workers_that_are_gone_or_stalled_degrade_the_answer(db):  # type: ignore[no-untyped-def]
    WorkerBeat.objects.create(name="old:1", kind="celery", seen_at=timezone.now() - dt.timedelta(minutes=5))
    status, body = health.report()
    assert status == 200 and body["checks"]["workers"]["detail"] == "no worker seen in the last minute"
    jobs.beat("embedded")
    workers = health.report()[1]["checks"]["workers"]
    assert workers["ok"] and workers["detail"] == {"count": 1}
    job = Job.objects.create(kind="common.ping")
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(minutes=10))
    assert "has waited" in health.report()[1]["checks"]["workers"]["detail"]


def test_a_database_that_does_not_answer_takes_the_server_out(db, monkeypatch):  # type: ignore[no-untyped-def]
    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise connection.Database.OperationalError("could not connect to server at 10.0.0.9 as gaoxin_user")

    monkeypatch.setattr(health, "_database", broken)
    status, body = health.report()
    assert status == 503 and body["status"] == "failing"
    assert (
        body["checks"]["database"]["detail"] == "OperationalError"
    )  # not the message: it names a host and a user
    assert "10.0.0.9" not in json.dumps(body)


def test_a_broker_that_does_not_answer_is_reported(db, settings):  # type: ignore[no-untyped-def]
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    status, body = health.report()
    assert status == 200 and body["status"] == "degraded" and not body["checks"]["broker"]["ok"]


def _json_lines(caplog: pytest.LogCaptureFixture, name: str) -> list[dict[str, object]]:
    formatter = logs.JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == name]


def test_each_request_is_one_json_line_without_anything_personal(client_of, planner, caplog, settings):  # type: ignore[no-untyped-def]
    c = client_of(planner)
    with caplog.at_level(logging.INFO, logger="gaoxin.request"):
        answer = c.get("/places/facilities/?q=陈静13853712345", HTTP_X_REQUEST_ID="lb-42")
    (line,) = _json_lines(caplog, "gaoxin.request")
    assert answer["X-Request-ID"] == "lb-42" and line["request_id"] == "lb-42"
    assert line["method"] == "GET" and line["status"] == 200 and line["user"] == planner.pk
    assert line["route"] == "/places/facilities/" and isinstance(line["ms"], float)
    text = json.dumps(line, ensure_ascii=False)
    assert "陈静" not in text and "138537" not in text and "planner" not in text
    with caplog.at_level(logging.INFO, logger="gaoxin.request"):
        hostile = c.get("/places/facilities/", HTTP_X_REQUEST_ID='x"\n{"level":"ERROR"}')
    assert hostile["X-Request-ID"] != 'x"\n{"level":"ERROR"}' and len(hostile["X-Request-ID"]) == 32


def test_a_job_logs_its_kind_status_and_duration(db, admin_user, caplog):  # type: ignore[no-untyped-def]
    with caplog.at_level(logging.INFO, logger="gaoxin.jobs"):
        job = jobs.submit("common.ping", actor=admin_user)
    finished = [line for line in _json_lines(caplog, "gaoxin.jobs") if line["message"] == "job finished"]
    assert finished and finished[0]["job"] == job.pk and finished[0]["kind"] == "common.ping"
    assert finished[0]["status"] == "done" and "seconds" in finished[0]
