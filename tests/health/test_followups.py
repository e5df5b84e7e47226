"""Chronic-disease follow-up end to end: the doctor records visits on the resident's page, the next visit
and the referral follow the rules, the team's worklist orders what is overdue and due, the KPIs count it,
and nobody outside the patient's care records one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from gaoxin.common.models import AuditEvent
from gaoxin.health import queries, services
from gaoxin.health.models import FollowUp

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient(people):  # type: ignore[no-untyped-def]
    record = people["records"][people["me"].pk]
    services.add_condition(None, record, icd10="I10", name="原发性高血压", diagnosed_on=dt.date(2020, 1, 1))
    return {**people, "record": record}


def _record(client, resident, **values):  # type: ignore[no-untyped-def]
    data = {"kind": "hypertension", "way": "clinic", "visit_on": timezone.localdate().isoformat(), **values}
    return client.post(reverse("health:record_edit", args=[resident.pk, "followup"]), data, follow=True)


def test_a_doctor_follows_a_patient_to_a_referral(patient, care, client_of):  # type: ignore[no-untyped-def]
    c = client_of(care["doctor"])
    me = patient["me"]
    today = timezone.localdate()
    page = _record(c, me, sbp=150, dbp=95, visit_on=(today - dt.timedelta(days=14)).isoformat())
    first = FollowUp.objects.get()
    assert first.visit_class == "unsatisfied" and first.referral == "none"
    assert first.next_due_on == today  # within two weeks
    assert "控制不满意" in page.content.decode()
    _record(c, me, sbp=152, dbp=96)
    second = FollowUp.objects.latest("pk")
    assert second.referral == "proposed" and second.next_due_on == today + dt.timedelta(days=14)
    page = c.get(reverse("health:resident", args=[me.pk])).content.decode()
    assert "建议转诊" in page and (today + dt.timedelta(days=14)).isoformat() in page
    _record(c, me, sbp=185, dbp=100)
    assert FollowUp.objects.latest("pk").referral == "urgent"
    assert (
        AuditEvent.objects.filter(
            action="update", target_type="record", detail__contains="高血压随访"
        ).count()
        == 3
    )


def test_a_satisfactory_visit_is_due_again_in_a_quarter_and_values_are_checked(patient, care, client_of):  # type: ignore[no-untyped-def]
    c = client_of(care["doctor"])
    me = patient["me"]
    _record(c, me, sbp=139, dbp=89)
    assert FollowUp.objects.get().next_due_on == timezone.localdate() + dt.timedelta(days=91)
    for bad in (
        {"sbp": 150},  # one value of two
        {"sbp": 80, "dbp": 90},  # diastolic above systolic
        {"kind": "diabetes", "sbp": 130, "dbp": 80},  # a diabetes visit needs the glucose
        {"sbp": 130, "dbp": 80, "visit_on": (timezone.localdate() + dt.timedelta(days=1)).isoformat()},
        {"sbp": "abc", "dbp": 80},
    ):
        page = _record(c, me, **bad)
        assert page.status_code == 200
    assert FollowUp.objects.count() == 1


def test_only_the_patients_team_records_a_follow_up(patient, care, client_of):  # type: ignore[no-untyped-def]
    me = patient["me"]
    for user in (care["other_doctor"],):
        assert _record(client_of(user), me, sbp=130, dbp=80).status_code in (403, 404)
    resident = me.user
    assert _record(client_of(resident), me, sbp=130, dbp=80).status_code in (403, 404)
    assert FollowUp.objects.count() == 0


def test_the_worklist_orders_overdue_first(patient, care, client_of):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    services.record_followup(
        care["doctor"], patient["record"], kind="hypertension", visit_on=today - dt.timedelta(days=120), way="clinic",
        sbp=130, dbp=80,
    )  # fmt: skip
    rows = queries.followup_worklist(care["doctor"], today)
    assert [(r["kind"], r["state"]) for r in rows] == [("hypertension", "overdue")]
    assert rows[0]["days_over"] == 120 - 91
    # a diabetes diagnosis adds a row, due today (never followed up)
    services.add_condition(None, patient["record"], icd10="E11.9", name="2型糖尿病", diagnosed_on=None)
    rows = queries.followup_worklist(care["doctor"], today)
    assert [(r["kind"], r["state"]) for r in rows] == [("hypertension", "overdue"), ("diabetes", "due_soon")]
    page = client_of(care["doctor"]).get(reverse("health:followups"))
    assert page.status_code == 200 and 'id="overdue">1<' in page.content.decode()
    assert queries.followup_worklist(care["other_doctor"], today) == []
    assert client_of(patient["me"].user).get(reverse("health:followups")).status_code == 403


def test_on_the_due_day_it_is_due_the_day_after_overdue(patient, care):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    services.record_followup(
        care["doctor"], patient["record"], kind="hypertension", visit_on=today - dt.timedelta(days=91), way="clinic",
        sbp=130, dbp=80,
    )  # fmt: skip
    assert queries.followup_worklist(care["doctor"], today)[0]["state"] == "due_soon"
    assert queries.followup_worklist(care["doctor"], today + dt.timedelta(days=1))[0]["state"] == "overdue"


def test_the_kpis_count_regular_management_and_control_with_small_cells_hidden(patient, care, client_of):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    rules = services.followup_rules()
    for k in range(4):
        day = dt.date(today.year, 1, 1) + dt.timedelta(days=k)
        services.record_followup(
            care["doctor"], patient["record"], kind="hypertension", visit_on=min(day, today), way="clinic",
            sbp=130, dbp=80,
        )  # fmt: skip
    rows = {r["team"].name: r for r in queries.followup_kpis(today.year, rules, today)}
    hyper = rows["第1团队"]["kinds"][0]
    assert hyper["managed"] is None  # one patient: fewer than five, not shown
    assert hyper["regular_rate"] is None and hyper["control_rate"] is None
    page = client_of(care["manager"]).get(reverse("health:kpis")).content.decode()
    assert 'id="followup-kpis"' in page and "&lt;5" in page


def test_the_worklist_reads_the_same_queries_for_few_and_many_patients(patient, care, client_of):  # type: ignore[no-untyped-def]
    import itertools

    from gaoxin.health.choices import SignedVia
    from gaoxin.places.models import Community
    from tests.health.conftest import id_number
    from tests.site.test_query_counts import assert_no_n_plus_one

    serial = itertools.count(100)
    community = Community.objects.get(code="370871001001")

    def grow(n: int) -> None:
        for _ in range(n):
            k = next(serial)
            person = services.register_resident(
                None, id_number=id_number("19600101", f"{k:03d}"), name=f"患者{k}", community=community
            )
            record = services.create_record(None, person, care["centre"])
            services.add_condition(None, record, icd10="I10", name="原发性高血压", diagnosed_on=None)
            services.sign_contract(
                None, resident=person, team=care["team_a"], package=care["basic"], via=SignedVia.DOCTOR
            )
            services.record_followup(
                None,
                record,
                kind="hypertension",
                visit_on=timezone.localdate(),
                way="clinic",
                sbp=130,
                dbp=80,
            )

    assert_no_n_plus_one(client_of(care["doctor"]), reverse("health:followups"), grow)


def test_the_elderly_check_once_a_year_on_the_worklist_and_the_page(people, care, client_of):  # type: ignore[no-untyped-def]
    from gaoxin.health.choices import SignedVia
    from gaoxin.health.models import HealthCheck
    from gaoxin.places.models import Community
    from tests.health.conftest import id_number

    today = timezone.localdate()
    community = Community.objects.get(code="370871001001")
    old = services.register_resident(
        None, id_number=id_number("19500301", "021"), name="王奶奶", community=community
    )
    record = services.create_record(None, old, care["centre"])
    services.sign_contract(
        None, resident=old, team=care["team_a"], package=care["basic"], via=SignedVia.DOCTOR
    )
    rows = [r for r in queries.followup_worklist(care["doctor"], today) if r["kind"] == "elderly_check"]
    assert [(r["resident"].name, r["state"]) for r in rows] == [("王奶奶", "due_year")]
    c = client_of(care["doctor"])
    url = reverse("health:record_edit", args=[old.pk, "check"])
    first = c.post(url, {"checked_on": today.isoformat(), "self_care": "independent"}, follow=True)
    assert "本年老年人健康体检已记录" in first.content.decode()
    again = c.post(url, {"checked_on": today.isoformat(), "self_care": "mild"}, follow=True).content.decode()
    assert "重复" in again and HealthCheck.objects.filter(record=record).count() == 2
    assert [r for r in queries.followup_worklist(care["doctor"], today) if r["kind"] == "elderly_check"] == []
    future = c.post(
        url, {"checked_on": (today + dt.timedelta(days=1)).isoformat(), "self_care": "independent"}
    )
    assert future.status_code == 302 and HealthCheck.objects.count() == 2
    # 陈静 (41) is not due; the other team's doctor records nothing for 王奶奶
    assert _record(client_of(care["other_doctor"]), old, sbp=130, dbp=80).status_code in (403, 404)
    c = client_of(care["doctor"])  # the test client was the other doctor's a line above
    assert (
        c.post(
            reverse("health:record_edit", args=[people["me"].pk, "check"]),
            {"checked_on": today.isoformat(), "self_care": "independent"},
            follow=True,
        ).status_code
        == 200
    )
    page = c.get(reverse("health:resident", args=[people["me"].pk])).content.decode()
    assert 'id="elderly-status"' in page  # shown once a check exists, even before 65


def test_a_babys_schedule_on_the_worklist_and_its_page(people, care, client_of):  # type: ignore[no-untyped-def]
    from gaoxin.health.choices import SignedVia
    from gaoxin.health.models import ChildVisit
    from gaoxin.places.models import Community
    from tests.health.conftest import id_number

    today = timezone.localdate()
    born = today - dt.timedelta(days=100)
    community = Community.objects.get(code="370871001001")
    baby = services.register_resident(
        None, id_number=id_number(f"{born:%Y%m%d}", "031"), name="小宝", community=community
    )
    services.create_record(None, baby, care["centre"])
    services.sign_contract(
        None, resident=baby, team=care["team_a"], package=care["basic"], via=SignedVia.DOCTOR
    )
    visits = services.child_visits()
    rows = {
        r["kind"]: r
        for r in queries.followup_worklist(care["doctor"], today, visits=visits)
        if r["kind"].startswith("child_")
    }
    # 100 days old: the 3-month visit is due; the one-month visit (28–30 days) was missed 70 days ago; the
    # newborn visit, missed 93 days ago, has left the list
    assert set(rows) == {"child_month_3", "child_month_1"}
    assert rows["child_month_1"]["state"] == "overdue" and rows["child_month_1"]["days_over"] == 70
    c = client_of(care["doctor"])
    url = reverse("health:record_edit", args=[baby.pk, "child"])
    assert c.post(url, {"code": "month_3", "visited_on": today.isoformat()}).status_code == 302
    again = c.post(url, {"code": "month_3", "visited_on": today.isoformat()}, follow=True).content.decode()
    assert "已记录过" in again and ChildVisit.objects.count() == 1
    rows = [r["kind"] for r in queries.followup_worklist(care["doctor"], today, visits=visits)]
    assert "child_month_3" not in rows and "child_month_1" in rows
    page = c.get(reverse("health:resident", args=[baby.pk])).content.decode()
    assert 'id="child-schedule"' in page and 'data-code="year_6"' in page


def test_the_worklist_sorts_by_name_kind_or_due_day(patient, care, client_of):  # type: ignore[no-untyped-def]
    services.add_condition(None, patient["record"], icd10="E11", name="2型糖尿病", diagnosed_on=None)
    today = timezone.localdate()
    services.record_followup(
        care["doctor"], patient["record"], kind="hypertension", visit_on=today - dt.timedelta(days=120),
        way="clinic", sbp=130, dbp=80,
    )  # fmt: skip
    by_due = queries.followup_worklist(care["doctor"], today)
    assert [r["kind"] for r in by_due] == ["hypertension", "diabetes"]  # overdue first
    by_kind = queries.followup_worklist(care["doctor"], today, order="kind")
    assert [str(r["kind_label"]) for r in by_kind] == sorted(str(r["kind_label"]) for r in by_due)
    c = client_of(care["doctor"])
    assert c.get(reverse("health:followups"), {"sort": "name"}).context["order"] == "name"
    assert c.get(reverse("health:followups"), {"sort": "<script>"}).context["order"] == "due"
