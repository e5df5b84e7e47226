"""Two-way referral end to end: a second unsatisfactory follow-up proposes a referral, the doctor sends it,
the hospital answers, receives the patient, reports the care and refers her back, the doctor's follow-up
closes it; each side takes only its own steps, the hospital reads the patient only while it has her, time
limits raise alerts, every read and step is audited."""

from __future__ import annotations

import datetime as dt
import io
import threading

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from gaoxin.accounts.choices import Role
from gaoxin.accounts.services import create_user
from gaoxin.common.models import AuditEvent
from gaoxin.health import queries, services
from gaoxin.health.choices import InstitutionKind
from gaoxin.health.models import FollowUp, Institution, Referral
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def hospital(zone):  # type: ignore[no-untyped-def]
    h = Institution.objects.create(zone=zone, name="高新区人民医院", kind=InstitutionKind.HOSPITAL)
    desk = create_user("hospital_desk", PASSWORD, roles=[Role.DOCTOR])
    h.managers.add(desk)
    return {"hospital": h, "desk": desk}


@pytest.fixture
def patient(people):  # type: ignore[no-untyped-def]
    record = people["records"][people["me"].pk]
    services.add_condition(None, record, icd10="I10", name="原发性高血压", diagnosed_on=dt.date(2020, 1, 1))
    return {**people, "record": record}


def _followup(c, resident, day, sbp, dbp):  # type: ignore[no-untyped-def]
    data = {"kind": "hypertension", "way": "clinic", "visit_on": day.isoformat(), "sbp": sbp, "dbp": dbp}
    return c.post(reverse("health:record_edit", args=[resident.pk, "followup"]), data, follow=True)


def _step(c, referral, action, **fields):  # type: ignore[no-untyped-def]
    return c.post(reverse("health:referral", args=[referral.pk]), {"action": action, **fields}, follow=True)


def _refer(actor, patient, care, hospital, **kw):  # type: ignore[no-untyped-def]
    values = {"reason": "uncontrolled", "summary": "连续两次血压控制不满意"} | kw
    return services.create_referral(
        actor,
        patient["me"],
        from_institution=care["centre"],
        to_institution=hospital["hospital"],
        **values,
    )


def test_the_whole_loop_as_the_doctor_and_the_hospital_see_it(patient, care, hospital, client_of):  # type: ignore[no-untyped-def]
    me, today = patient["me"], timezone.localdate()
    doctor = client_of(care["doctor"])
    page = _followup(doctor, me, today - dt.timedelta(days=14), 150, 95).content.decode()
    assert today.isoformat() in page  # 150/95: not controlled, next visit within two weeks
    _followup(doctor, me, today, 152, 96)
    proposed = FollowUp.objects.latest("pk")
    assert proposed.referral == "proposed"
    page = doctor.get(reverse("health:resident", args=[me.pk])).content.decode()
    assert 'id="refer"' in page and "建议转诊" in page
    form = doctor.get(reverse("health:referral_new", args=[me.pk])).content.decode()
    assert "152/96" in form and hospital["hospital"].name in form  # prefilled from the proposal
    answer = doctor.post(
        reverse("health:referral_new", args=[me.pk]),
        {
            "to_institution": hospital["hospital"].pk,
            "department": "心血管内科",
            "reason": "uncontrolled",
            "summary": "高血压，两次随访 150/95、152/96 mmHg，调整用药后未达标",
            "followup": proposed.pk,
            "action": "submit",
        },
    )
    referral = Referral.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse("health:referral", args=[referral.pk])
    assert referral.state == "submitted" and referral.followup == proposed
    assert referral.from_team == care["team_a"] and referral.follow_up_due_on == today + dt.timedelta(days=14)
    assert referral.answer_due_at == referral.submitted_at + dt.timedelta(hours=24)

    # the hospital: its inbox, the slip, the patient's record (read only, audited)
    desk = client_of(hospital["desk"])
    landing = desk.get("/", follow=True)
    assert landing.request["PATH_INFO"] == reverse("health:referrals")
    assert referral.number in landing.content.decode()
    slip = desk.get(reverse("health:referral", args=[referral.pk])).content.decode()
    assert "152/96" in slip and 'id="step-accept"' in slip and 'id="step-follow_up"' not in slip
    record_page = desk.get(reverse("health:resident", args=[me.pk]))
    assert record_page.status_code == 200 and 'id="referred"' in record_page.content.decode()
    assert 'id="followup-form"' not in record_page.content.decode()  # read, not changed
    blocked = _followup(desk, me, today, 130, 80)
    assert blocked.status_code == 403 and FollowUp.objects.count() == 2
    assert AuditEvent.objects.filter(actor=hospital["desk"], action="read", target_type="record").exists()

    expected = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    _step(desk, referral, "accept", note="请持转诊单到心内科", expected_at=expected)
    _step(desk, referral, "arrive")
    _step(desk, referral, "complete", care_kind="outpatient", note="加用氨氯地平 5mg")
    _step(desk, referral, "down_refer", down_reason="stable", note="血压已控制，转回社区")
    referral.refresh_from_db()
    assert referral.state == "down_referred" and referral.answered_by == hospital["desk"]
    assert referral.follow_up_due_on == today + dt.timedelta(days=14)
    # handed back: the hospital no longer opens her record
    assert desk.get(reverse("health:resident", args=[me.pk])).status_code == 404

    # the doctor's worklist shows the follow-up owed; recording it closes the referral
    doctor = client_of(care["doctor"])  # one client, logged in again as the doctor
    worklist = doctor.get(reverse("health:followups")).content.decode()
    assert referral.number in worklist and "转诊随访" in worklist
    page = _step(doctor, referral, "follow_up", note="按新方案服药，血压 130/82").content.decode()
    referral.refresh_from_db()
    assert referral.state == "followed_up" and "已随访" in page
    assert referral.number not in doctor.get(reverse("health:followups")).content.decode()
    steps = AuditEvent.objects.filter(target_type="referral", action="update").values_list(
        "detail", flat=True
    )
    assert list(steps.order_by("pk")) == [
        "已向高新区人民医院提交转诊",
        "高新区人民医院同意接诊",
        "患者已到高新区人民医院就诊",
        "高新区人民医院诊疗完成",
        "高新区人民医院已下转",
        "转诊至高新区人民医院后已随访",
    ]


def test_each_side_takes_only_its_own_steps(patient, care, hospital, client_of):  # type: ignore[no-untyped-def]
    referral = _refer(care["doctor"], patient, care, hospital)
    with pytest.raises(PermissionDenied):
        services.referral_step(care["doctor"], referral, "accept")
    with pytest.raises(PermissionDenied):
        services.referral_step(hospital["desk"], referral, "cancel", note="x")
    with pytest.raises(ValidationError):  # a step out of turn
        services.referral_step(care["doctor"], referral, "follow_up", note="x")
    with pytest.raises(ValidationError):  # an unknown step
        services.referral_step(hospital["desk"], referral, "teleport")
    refused = _step(client_of(care["doctor"]), referral, "accept")
    assert refused.status_code == 403
    referral.refresh_from_db()
    assert referral.state == "submitted"


def test_the_words_a_step_needs_are_asked_for(patient, care, hospital, client_of):  # type: ignore[no-untyped-def]
    referral = _refer(care["doctor"], patient, care, hospital)
    desk = client_of(hospital["desk"])
    page = _step(desk, referral, "reject", note="   ").content.decode()
    referral.refresh_from_db()
    assert referral.state == "submitted" and "拒绝的理由" in page
    _step(desk, referral, "accept")
    _step(desk, referral, "arrive")
    page = _step(desk, referral, "complete", note="门诊治疗").content.decode()  # outpatient or inpatient?
    referral.refresh_from_db()
    assert referral.state == "arrived" and "门诊还是住院" in page
    _step(desk, referral, "complete", note="门诊治疗", care_kind="inpatient")
    page = _step(desk, referral, "down_refer", note="转回").content.decode()
    referral.refresh_from_db()
    assert referral.state == "completed" and "下转的理由" in page


def test_who_sees_a_referral(patient, care, hospital, client_of, zone):  # type: ignore[no-untyped-def]
    draft = _refer(care["doctor"], patient, care, hospital, submit=False)
    url = reverse("health:referral", args=[draft.pk])
    assert client_of(hospital["desk"]).get(url).status_code == 404  # a draft is the sender's
    assert client_of(care["doctor"]).get(url).status_code == 200
    assert client_of(care["manager"]).get(url).status_code == 200  # the centre's manager
    other = Institution.objects.create(
        zone=zone, name="柳行街道社区卫生服务中心", kind=InstitutionKind.CENTRE
    )
    stranger = create_user("stranger_doc", PASSWORD, roles=[Role.DOCTOR])
    other.managers.add(stranger)
    assert client_of(stranger).get(url).status_code == 404
    assert client_of(patient["me"].user).get(url).status_code in (403, 404)
    assert client_of(stranger).get(reverse("health:resident", args=[patient["me"].pk])).status_code == 404
    # nobody outside the patient's care refers her
    with pytest.raises(PermissionDenied):
        services.create_referral(
            stranger,
            patient["me"],
            from_institution=other,
            to_institution=hospital["hospital"],
            reason="other",
            summary="x",
        )
    # the hospital reads the patient only once the referral is submitted, and not after it is refused
    assert (
        client_of(hospital["desk"]).get(reverse("health:resident", args=[patient["me"].pk])).status_code
        == 404
    )
    services.referral_step(care["doctor"], draft, "submit")
    assert (
        client_of(hospital["desk"]).get(reverse("health:resident", args=[patient["me"].pk])).status_code
        == 200
    )
    services.referral_step(hospital["desk"], draft, "reject", note="床位已满")
    assert (
        client_of(hospital["desk"]).get(reverse("health:resident", args=[patient["me"].pk])).status_code
        == 404
    )
    denied = AuditEvent.objects.filter(actor=stranger, target_type="referral", outcome="denied")
    assert denied.exists()


def test_one_open_referral_per_hospital_and_a_summary_is_needed(patient, care, hospital):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        _refer(care["doctor"], patient, care, hospital, summary="  ")
    first = _refer(care["doctor"], patient, care, hospital)
    with pytest.raises(ValidationError):
        _refer(care["doctor"], patient, care, hospital)
    services.referral_step(care["doctor"], first, "cancel", note="患者不去")
    assert _refer(care["doctor"], patient, care, hospital).state == "submitted"
    with pytest.raises(ValidationError):  # to the centre itself
        services.create_referral(
            care["doctor"],
            patient["me"],
            from_institution=care["centre"],
            to_institution=care["centre"],
            reason="other",
            summary="x",
        )


def test_an_answer_overdue_and_a_follow_up_overdue_raise_alerts(patient, care, hospital, client_of):  # type: ignore[no-untyped-def]
    now = timezone.now()
    slow = _refer(care["doctor"], patient, care, hospital, now=now - dt.timedelta(hours=24, minutes=1))
    urgent = (
        services.create_referral(
            care["doctor"],
            patient["neighbour"],
            from_institution=care["centre"],
            to_institution=hospital["hospital"],
            reason="emergency",
            summary="血压 185/112",
            urgent=True,
            now=now - dt.timedelta(hours=1, minutes=59),
        )
        if False
        else None
    )
    assert urgent is None  # the neighbour is team B's: made by its doctor below
    urgent = services.create_referral(
        care["other_doctor"],
        patient["neighbour"],
        from_institution=care["centre"],
        to_institution=hospital["hospital"],
        reason="emergency",
        summary="血压 185/112",
        urgent=True,
        now=now - dt.timedelta(hours=1, minutes=59),
    )
    rows = {r["referral"].pk: r for r in queries.referral_rows(hospital["desk"], box="received", now=now)}
    assert rows[slow.pk]["timing"].overdue and not rows[urgent.pk]["timing"].overdue
    later = now + dt.timedelta(minutes=2)
    rows = {r["referral"].pk: r for r in queries.referral_rows(hospital["desk"], box="received", now=later)}
    assert rows[urgent.pk]["timing"].overdue  # two hours for an urgent one
    inbox = client_of(hospital["desk"]).get(reverse("health:referrals")).content.decode()
    assert 'id="overdue">1<' in inbox or 'id="overdue">2<' in inbox
    only = client_of(hospital["desk"]).get(reverse("health:referrals") + "?overdue=on").content.decode()
    assert slow.number in only
    # the follow-up: due two weeks after the submission, overdue the day after
    Referral.objects.filter(pk=slow.pk).update(follow_up_due_on=timezone.localdate() - dt.timedelta(days=1))
    sent = client_of(care["doctor"]).get(reverse("health:referrals") + "?box=sent").content.decode()
    assert slow.number in sent and "s-overdue" in sent
    worklist = client_of(care["doctor"]).get(reverse("health:followups")).content.decode()
    assert slow.number in worklist and 'data-state="overdue"' in worklist


def test_the_limits_are_settings(patient, care, hospital, settings):  # type: ignore[no-untyped-def]
    settings.GAOXIN_REFERRAL_ANSWER_HOURS = 8
    r = _refer(care["doctor"], patient, care, hospital)
    assert r.answer_due_at - r.submitted_at == dt.timedelta(hours=8)


def test_the_list_exports_to_xlsx_with_masked_ids(patient, care, hospital, client_of):  # type: ignore[no-untyped-def]
    r = _refer(care["doctor"], patient, care, hospital)
    answer = client_of(hospital["desk"]).get(reverse("health:referrals") + "?box=received&format=xlsx")
    assert answer.status_code == 200 and answer["Content-Disposition"].startswith("attachment")
    sheet = openpyxl.load_workbook(io.BytesIO(answer.content)).active
    rows = list(sheet.values)
    assert rows[0][0] == "编号" and rows[1][0] == r.number and rows[1][2] == patient["me"].id_masked
    assert "*" in rows[1][2]
    assert AuditEvent.objects.filter(action="export", actor=hospital["desk"]).exists()


def test_tiered_care_counts_up_and_down_per_institution(patient, care, hospital):  # type: ignore[no-untyped-def]
    year = timezone.localdate().year
    for k in range(5):
        r = _refer(care["doctor"], patient, care, hospital)
        for action, extra in [
            ("accept", {}),
            ("arrive", {}),
            ("complete", {"note": "门诊", "care_kind": "outpatient"}),
            ("down_refer", {"note": "转回", "down_reason": "stable"}),
            ("follow_up", {"note": "已随访"}),
        ]:
            actor = care["doctor"] if action == "follow_up" else hospital["desk"]
            services.referral_step(actor, r, action, **extra)
        assert Referral.objects.get(pk=r.pk).state == "followed_up", k
    rows = {row["institution"].pk: row for row in queries.tiered_care(year)}
    centre, hosp = rows[care["centre"].pk], rows[hospital["hospital"].pk]
    assert centre["up_sent"] == 5 and centre["down_received"] == 5
    assert hosp["up_received"] == 5 and hosp["down_sent"] == 5 and hosp["on_time_rate"] == 100.0
    _refer(care["doctor"], patient, care, hospital)  # a sixth, waiting
    rows = {row["institution"].pk: row for row in queries.tiered_care(year)}
    assert rows[care["centre"].pk]["up_sent"] == 6 and rows[hospital["hospital"].pk]["answered"] == 5


def test_small_counts_are_hidden(patient, care, hospital):  # type: ignore[no-untyped-def]
    _refer(care["doctor"], patient, care, hospital)
    rows = {row["institution"].pk: row for row in queries.tiered_care(timezone.localdate().year)}
    assert rows[care["centre"].pk]["up_sent"] is None  # 1 to 4: "<5"


def test_the_api(patient, care, hospital, client_of):  # type: ignore[no-untyped-def]
    doctor = client_of(care["doctor"])
    made = doctor.post(
        "/api/health/referrals",
        {
            "resident_id": patient["me"].pk,
            "to_institution_id": hospital["hospital"].pk,
            "reason": "uncontrolled",
            "summary": "血压控制不满意",
            "department": "心内科",
        },
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["state"] == "submitted" and body["id_masked"] == patient["me"].id_masked
    assert body["actions"] == ["cancel"]
    again = doctor.post(
        "/api/health/referrals",
        {
            "resident_id": patient["me"].pk,
            "to_institution_id": hospital["hospital"].pk,
            "reason": "uncontrolled",
            "summary": "x",
        },
        content_type="application/json",
    )
    assert again.status_code == 400 and again.json()["error"] == "refused"
    bad = doctor.post(
        "/api/health/referrals",
        {
            "resident_id": patient["me"].pk,
            "to_institution_id": hospital["hospital"].pk,
            "reason": "bored",
            "summary": "x",
        },
        content_type="application/json",
    )
    assert bad.status_code == 422
    desk = client_of(hospital["desk"])
    listed = desk.get("/api/health/referrals?box=received").json()
    assert [x["id"] for x in listed] == [body["id"]] and listed[0]["actions"] == ["accept", "reject"]
    step = desk.post(f"/api/health/referrals/{body['id']}/steps/accept", {"note": "同意"})
    assert step.status_code == 200 and step.json()["state"] == "accepted"
    wrong = desk.post(f"/api/health/referrals/{body['id']}/steps/follow_up", {"note": "x"})
    assert wrong.status_code == 403
    out_of_turn = desk.post(f"/api/health/referrals/{body['id']}/steps/down_refer", {"note": "x"})
    assert out_of_turn.status_code == 400
    assert desk.get(f"/api/health/referrals/{body['id']}").json()["answer"] == "同意"
    outsider = client_of(patient["neighbour"].user)
    assert outsider.get(f"/api/health/referrals/{body['id']}").status_code == 404
    assert outsider.get("/api/health/referrals").status_code == 403


def test_two_answers_at_once_only_one_is_taken(transactional_db, care, people, zone):  # type: ignore[no-untyped-def]
    """The hospital's desk and its manager answer the same referral at once: one answer stands, the other
    is refused as out of turn (PostgreSQL's row lock)."""
    if connection.vendor != "postgresql":
        pytest.skip("the row lock is PostgreSQL's; SQLite serialises every write anyway")
    h = Institution.objects.create(zone=zone, name="医院", kind=InstitutionKind.HOSPITAL)
    desks = [create_user(f"desk{k}", PASSWORD, roles=[Role.DOCTOR]) for k in range(4)]
    h.managers.add(*desks)
    referral = services.create_referral(
        care["doctor"],
        people["me"],
        from_institution=care["centre"],
        to_institution=h,
        reason="other",
        summary="x",
    )
    barrier = threading.Barrier(len(desks))
    outcomes: list[str] = []

    def answer(k, user):  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            if k % 2:
                services.referral_step(user, referral, "accept")
            else:
                services.referral_step(user, referral, "reject", note="满")
            outcomes.append("taken")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=answer, args=(k, u)) for k, u in enumerate(desks)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["refused"] * 3 + ["taken"]
    assert (
        AuditEvent.objects.filter(target_type="referral", action="update")
        .exclude(detail__startswith="已向")
        .count()
        == 1
    )
