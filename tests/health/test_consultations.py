"""Online consultation: a contracted resident asks her team on her phone, with a checked attachment; the
team answers against the time limit, or sends her to the clinic; nobody else reads the thread."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from gaoxin.common.models import AuditEvent
from gaoxin.health import queries, services
from gaoxin.health.models import Consultation, ConsultMessage

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def _ask(c, **extra):  # type: ignore[no-untyped-def]
    data = {"subject": "血压偏高", "body": "最近早上血压 145/92，要不要加药？", "person": "", **extra}
    return c.post(reverse("health:my_consultations"), data, follow=True)


def test_the_resident_asks_and_her_team_answers(people, care, client_of):  # type: ignore[no-untyped-def]
    me = people["me"]
    resident = client_of(me.user)
    page = resident.get(reverse("health:my_consultations")).content.decode()
    assert 'id="no-diagnosis"' in page and "不作首诊" in page
    upload = SimpleUploadedFile("血压记录.png", PNG, content_type="image/png")
    answer = _ask(resident, person=str(me.pk), file=upload)
    c = Consultation.objects.get()
    assert c.team == care["team_a"] and c.state == "open" and c.waiting_since is not None
    assert answer.request["PATH_INFO"] == reverse("health:consultation", args=[c.pk])
    first = ConsultMessage.objects.get()
    assert first.from_resident and first.attachment.name == "血压记录.png"
    doctor = client_of(care["doctor"])
    inbox = doctor.get(reverse("health:consultations")).content.decode()
    assert "血压偏高" in inbox and me.id_masked in inbox and 'id="waiting">1<' in inbox
    thread = doctor.get(reverse("health:consultation", args=[c.pk])).content.decode()
    assert "145/92" in thread and "血压记录.png" in thread
    file_url = reverse("health:consultation_file", args=[c.pk, first.attachment_id])
    assert doctor.get(file_url).content == PNG
    doctor.post(
        reverse("health:consultation", args=[c.pk]), {"action": "reply", "body": "继续服药，一周后来门诊复测"}
    )
    c.refresh_from_db()
    assert c.waiting_since is None and c.first_answer_at is not None
    # the other team and another resident read nothing
    assert client_of(care["other_doctor"]).get(reverse("health:consultation", args=[c.pk])).status_code == 404
    assert client_of(care["other_doctor"]).get(file_url).status_code == 404
    assert (
        client_of(people["neighbour"].user).get(reverse("health:consultation", args=[c.pk])).status_code
        == 404
    )
    assert client_of(care["manager"]).get(reverse("health:consultation", args=[c.pk])).status_code == 200
    assert AuditEvent.objects.filter(target_type="consultation", outcome="denied").count() >= 3
    # she answers back: waiting again
    resident = client_of(me.user)
    resident.post(reverse("health:consultation", args=[c.pk]), {"action": "reply", "body": "好的，谢谢"})
    c.refresh_from_db()
    assert c.waiting_since is not None and ConsultMessage.objects.count() == 3


def test_a_file_is_checked_and_nothing_is_saved_on_a_bad_one(people, client_of):  # type: ignore[no-untyped-def]
    me = people["me"]
    resident = client_of(me.user)
    fake = SimpleUploadedFile(
        "化验单.pdf", b"MZ\x90\x00 this is an executable", content_type="application/pdf"
    )
    page = _ask(resident, person=str(me.pk), file=fake).content.decode()
    assert "不接受" in page and not Consultation.objects.exists()
    empty = _ask(resident, person=str(me.pk), body="  ").content.decode()
    assert (
        not Consultation.objects.exists() and 'id="id_body_error"' in empty
    )  # the field says what is missing


def test_only_a_contracted_resident_asks(people, care, client_of, settings):  # type: ignore[no-untyped-def]
    son = people["son"]  # no contract
    with pytest.raises(services.HealthError):
        services.ask(None, son, subject="x", body="y")
    me = people["me"]
    contract = services.holding_contract(me)
    services.request_termination(None, contract, by="resident", reason="搬家")
    services.decide_termination(None, contract, approve=True)
    with pytest.raises(services.HealthError):
        services.ask(None, me, subject="x", body="y")


def test_a_question_waiting_past_the_limit_is_overdue(people, care, client_of, settings):  # type: ignore[no-untyped-def]
    settings.GAOXIN_CONSULT_ANSWER_HOURS = 4
    now = timezone.now()
    c = services.ask(
        None, people["me"], subject="复诊", body="药吃完了", now=now - dt.timedelta(hours=4, minutes=1)
    )
    fresh = services.ask(
        None, people["me"], subject="饮食", body="能吃海鲜吗", now=now - dt.timedelta(hours=3)
    )
    rows = queries.team_inbox(care["doctor"], 4, now)
    assert [r["c"].pk for r in rows[:2]] == [c.pk, fresh.pk]
    assert rows[0]["waiting"].overdue and not rows[1]["waiting"].overdue
    inbox = client_of(care["doctor"]).get(reverse("health:consultations")).content.decode()
    assert 'id="overdue">1<' in inbox


def test_the_team_sends_the_resident_to_the_clinic(people, care, client_of):  # type: ignore[no-untyped-def]
    c = services.ask(None, people["me"], subject="胸痛", body="这两天胸口痛")
    doctor = client_of(care["doctor"])
    doctor.post(
        reverse("health:consultation", args=[c.pk]),
        {"action": "escalate", "note": "胸痛需当面检查，请尽快来门诊"},
    )
    c.refresh_from_db()
    assert c.state == "escalated" and c.messages.last().body == "胸痛需当面检查，请尽快来门诊"
    page = client_of(people["me"].user).get(reverse("health:consultation", args=[c.pk])).content.decode()
    assert 'id="book"' in page and reverse("health:appointments") in page
    with pytest.raises(services.HealthError):  # closed to messages
        services.post_message(None, c, side="resident", body="好")
    with pytest.raises(services.HealthError):
        services.end_consultation(None, c, side="team")


def test_response_times_per_team(people, care):  # type: ignore[no-untyped-def]
    now = timezone.now()
    for k in range(10):
        c = services.ask(None, people["me"], subject=f"问题{k}", body="?", now=now - dt.timedelta(hours=50))
        services.post_message(
            None, c, side="team", body="答复", now=now - dt.timedelta(hours=50 - (k + 1) * 3)
        )
    (row,) = [r for r in queries.consultation_figures(24, now.year) if r["team"] == care["team_a"]]
    assert row["asked"] == 10 and row["answers"] == 10 and row["median_hours"] == 16.5
    assert row["in_time_rate"] == 80.0  # 3 … 24 hours in time, 27 and 30 late


def test_the_api(people, care, client_of):  # type: ignore[no-untyped-def]
    resident = client_of(people["me"].user)
    made = resident.post(
        "/api/health/my/consultations",
        {"subject": "复诊", "body": "药快吃完了"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    cid = made.json()["id"]
    assert made.json()["waiting_since"] is not None and made.json()["messages"][0]["body"] == "药快吃完了"
    son = resident.post(
        "/api/health/my/consultations",
        {"subject": "x", "body": "y", "resident_id": people["son"].pk},
        content_type="application/json",
    )
    assert son.status_code in (400, 404)  # the son is no consenting guardian's ward here, or has no contract
    assert [c["id"] for c in resident.get("/api/health/my/consultations").json()] == [cid]
    doctor = client_of(care["doctor"])
    inbox = doctor.get("/api/health/consultations").json()
    assert [c["id"] for c in inbox] == [cid] and inbox[0]["id_masked"] == people["me"].id_masked
    answer = doctor.post(f"/api/health/consultations/{cid}/messages", {"body": "本周来取药"})
    assert answer.status_code == 200 and answer.json()["waiting_since"] is None
    assert doctor.post(f"/api/health/consultations/{cid}/messages", {"body": " "}).status_code == 400
    other = client_of(care["other_doctor"])
    assert other.get(f"/api/health/consultations/{cid}").status_code == 404
    assert other.post(f"/api/health/consultations/{cid}/messages", {"body": "x"}).status_code == 404
    assert client_of(people["neighbour"].user).get(f"/api/health/consultations/{cid}").status_code == 404
