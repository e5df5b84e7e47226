"""The incubation programme end to end: a call, applications, the formal check, experts (with a conflict),
the decision, a milestone's tranche, a financing round and the funnel; who sees what."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from gaoxin.accounts.choices import Role
from gaoxin.accounts.services import create_user
from gaoxin.common.models import AuditEvent
from gaoxin.parks import queries, services
from gaoxin.parks.choices import ApplicationStatus, CallStatus
from gaoxin.parks.models import Application, IncubationCall
from tests.conftest import PASSWORD
from tests.parks.conftest import enterprise

DAY = dt.date(2026, 3, 10)


def scores(total: float) -> dict[str, float]:
    """Scores of the four criteria in proportion to their maxima, adding up to ``total``."""
    return {
        "team": total * 0.25,
        "technology": total * 0.30,
        "market": total * 0.25,
        "business_model": total * 0.20,
    }


@pytest.fixture
def experts(zone):  # type: ignore[no-untyped-def]
    return [create_user(f"expert{k}", PASSWORD, roles=[Role.REVIEWER]) for k in range(3)]


@pytest.fixture
def call(example_zone, park_staff):  # type: ignore[no-untyped-def]
    return services.save_call(
        park_staff,
        example_zone,
        IncubationCall(
            code="c2026",
            title="2026 孵化",
            cohort=2026,
            opens_on=dt.date(2026, 3, 1),
            closes_on=dt.date(2026, 3, 31),
            places=2,
            min_score=Decimal(60),
            min_reviews=2,
            grant_yuan=Decimal(200000),
        ),
    )


def _apply(zone, call, k, user=None, enterprise_=None):  # type: ignore[no-untyped-def]
    return services.submit_application(
        user,
        zone,
        call.pk,
        project=f"项目{k}",
        team_lead="王明",
        team_size=4,
        stage="prototype",
        industry_code="3976",
        summary="样机已完成",
        enterprise=enterprise_,
        when=timezone.make_aware(dt.datetime(2026, 3, 2, 9, k)),
    )


def test_a_call_from_applications_to_a_tranche_and_a_round(example_zone, call, experts, park_staff):  # type: ignore[no-untyped-def]
    apps = [_apply(example_zone, call, k) for k in range(4)]
    assert [a.number for a in apps] == ["FH2026-0001", "FH2026-0002", "FH2026-0003", "FH2026-0004"]
    services.screen(park_staff, example_zone, apps[3].pk, passed=False, note="材料不全")
    with pytest.raises(ValidationError):
        services.screen(park_staff, example_zone, apps[2].pk, passed=False)  # a reason is needed
    for a in apps[:3]:
        services.screen(park_staff, example_zone, a.pk, passed=True)
        services.assign_experts(park_staff, example_zone, a.pk, experts=experts, today=DAY)
    # project 0: 90, 80 and a conflict; project 1: 70, 70, 70; project 2: 65, 50, 40 (mean 51.67 < 60)
    plan = {0: [90, 80, None], 1: [70, 70, 70], 2: [65, 50, 40]}
    for k, totals in plan.items():
        for expert, total in zip(experts, totals, strict=True):
            review = apps[k].reviews.get(reviewer=expert)
            if total is None:
                services.submit_review(
                    expert, example_zone, review.pk, conflict=True, conflict_note="曾任顾问"
                )
            else:
                services.submit_review(expert, example_zone, review.pk, conflict=False, scores=scores(total))
    with pytest.raises(ValidationError):
        services.decide_call(park_staff, example_zone, call.pk, today=DAY)  # still open: not under review
    services.start_review(park_staff, example_zone, call.pk)
    chosen = services.decide_call(park_staff, example_zone, call.pk, today=DAY)
    assert [a.number for a in chosen] == ["FH2026-0001", "FH2026-0002"]
    apps = [Application.objects.get(pk=a.pk) for a in apps]
    assert [a.status for a in apps] == ["incubated", "incubated", "not_selected", "screened_out"]
    assert apps[0].score == Decimal("85.00") and apps[2].score == Decimal("51.67")
    assert apps[0].agreement_ends_on == dt.date(2030, 3, 9)  # 48 months
    ms = list(apps[0].milestones.order_by("order"))
    assert [m.tranche_yuan for m in ms] == [Decimal(80000), Decimal(60000), Decimal(60000)]
    with pytest.raises(ValidationError):
        services.pay_tranche(park_staff, example_zone, apps[0].pk, order=1, on=DAY)  # not reached yet
    with pytest.raises(ValidationError):
        services.reach_milestone(park_staff, example_zone, apps[0].pk, order=2, on=DAY)  # in order
    services.reach_milestone(park_staff, example_zone, apps[0].pk, order=1, on=DAY)
    services.pay_tranche(park_staff, example_zone, apps[0].pk, order=1, on=DAY)
    with pytest.raises(ValidationError):
        services.pay_tranche(park_staff, example_zone, apps[0].pk, order=1, on=DAY)  # once
    assert AuditEvent.objects.filter(action="grant", target_type="incubation_application").count() == 1
    services.record_round(
        park_staff,
        example_zone,
        apps[0].pk,
        kind="angel",
        amount_yuan=Decimal(5_000_000),
        investors="天使基金",
        closed_on=DAY,
    )
    with pytest.raises(ValidationError):
        services.record_round(
            park_staff,
            example_zone,
            apps[2].pk,
            kind="angel",
            amount_yuan=Decimal(1),
            investors="x",
            closed_on=DAY,
        )
    f = queries.funnel(park_staff, example_zone)
    (row,) = f["rows"]
    fu = row["funnel"]
    assert (fu.applications, fu.screened, fu.incubated, fu.financed) == (4, 3, 2, 1)
    assert fu.raised_yuan == Decimal(5_000_000) and row["paid"] == Decimal(80000)


def test_the_experts_and_their_conflicts(example_zone, call, experts, park_staff):  # type: ignore[no-untyped-def]
    a = _apply(example_zone, call, 1)
    with pytest.raises(ValidationError):
        services.assign_experts(park_staff, example_zone, a.pk, experts=experts)  # before the formal check
    services.screen(park_staff, example_zone, a.pk, passed=True)
    with pytest.raises(ValidationError):
        services.assign_experts(park_staff, example_zone, a.pk, experts=[park_staff])  # not an expert
    services.assign_experts(park_staff, example_zone, a.pk, experts=experts[:2])
    review = a.reviews.get(reviewer=experts[0])
    with pytest.raises(Http404):
        services.submit_review(
            experts[2], example_zone, review.pk, conflict=False, scores=scores(80)
        )  # not theirs
    with pytest.raises(ValidationError):
        services.submit_review(experts[0], example_zone, review.pk, conflict=False, scores={"team": 20})
    with pytest.raises(ValidationError):
        services.submit_review(
            experts[0], example_zone, review.pk, conflict=False, scores=scores(80) | {"team": 26}
        )
    with pytest.raises(ValidationError):
        services.submit_review(experts[0], example_zone, review.pk, conflict=True)  # say what it is
    services.submit_review(experts[0], example_zone, review.pk, conflict=True, conflict_note="亲属")
    with pytest.raises(ValidationError):
        services.submit_review(experts[0], example_zone, review.pk, conflict=False, scores=scores(80))  # once
    other = experts[1]
    services.submit_review(
        other, example_zone, a.reviews.get(reviewer=other).pk, conflict=False, scores=scores(90)
    )
    services.start_review(park_staff, example_zone, call.pk)
    with pytest.raises(ValidationError) as exc:
        services.decide_call(park_staff, example_zone, call.pk)  # one valid score of the two needed
    assert a.number in " ".join(exc.value.messages)


def test_applications_only_while_open_and_by_who_may(example_zone, call, e1_user, leader):  # type: ignore[no-untyped-def]
    a = _apply(example_zone, call, 1, user=e1_user, enterprise_=enterprise("E1"))
    assert a.applicant == e1_user
    with pytest.raises(PermissionDenied):
        _apply(example_zone, call, 2, user=e1_user, enterprise_=enterprise("E3"))
    with pytest.raises(ValidationError):
        services.submit_application(
            None,
            example_zone,
            call.pk,
            project="迟到",
            team_lead="李",
            team_size=2,
            stage="idea",
            industry_code="3976",
            summary="—",
            when=timezone.make_aware(dt.datetime(2026, 4, 1, 9)),
        )  # after the call closed
    with pytest.raises(PermissionDenied):
        services.start_review(leader, example_zone, call.pk)
    call.refresh_from_db()
    assert call.status == CallStatus.OPEN


def test_who_sees_what(client_of, example_zone, call, experts, park_staff, leader, e1_user, e3_user):  # type: ignore[no-untyped-def]
    mine = _apply(example_zone, call, 1, user=e1_user, enterprise_=enterprise("E1"))
    other = _apply(example_zone, call, 2)
    for a in (mine, other):
        services.screen(park_staff, example_zone, a.pk, passed=True)
    services.assign_experts(park_staff, example_zone, mine.pk, experts=experts[:2])
    services.submit_review(
        experts[1], example_zone, mine.reviews.get(reviewer=experts[1]).pk, conflict=False, scores=scores(77)
    )
    c = client_of(experts[0])
    assert c.get("/").status_code in (200, 302)
    page = c.get(reverse("parks:reviews")).content.decode()
    assert mine.project in page and other.project not in page
    assert c.get(reverse("parks:application", args=[other.pk])).status_code == 404  # not assigned
    detail = c.get(reverse("parks:application", args=[mine.pk])).content.decode()
    assert 'id="reviews"' not in detail and 'id="application-score"' not in detail  # no one's scores
    assert c.get(reverse("parks:incubation")).status_code == 302  # to their list
    review = mine.reviews.get(reviewer=experts[0])
    r = c.post(reverse("parks:review", args=[review.pk]), {"team": "20", "technology": "25", "market": "20"})
    assert r.status_code == 200  # business model missing
    r = c.post(
        reverse("parks:review", args=[review.pk]),
        {"team": "20", "technology": "25", "market": "20", "business_model": "15", "comment": "好"},
    )
    assert r.status_code == 302
    assert c.get(reverse("parks:review", args=[mine.reviews.get(reviewer=experts[1]).pk])).status_code == 404
    # the staff see every score; leadership reads
    c = client_of(park_staff)
    detail = c.get(reverse("parks:application", args=[mine.pk])).content.decode()
    assert 'id="reviews"' in detail and ">77.0<" in detail and ">80.0<" in detail
    assert client_of(leader).get(reverse("parks:call", args=[call.pk])).status_code == 200
    assert (
        client_of(leader).post(reverse("parks:call", args=[call.pk]), {"action": "review"}).status_code == 403
    )
    # the applicant sees their own application, not the other's, and no scores
    c = client_of(e1_user)
    own = c.get(reverse("parks:application", args=[mine.pk]))
    assert own.status_code == 200 and 'id="reviews"' not in own.content.decode()
    assert 'id="application-score"' not in own.content.decode()
    assert c.get(reverse("parks:application", args=[other.pk])).status_code == 404
    assert client_of(e3_user).get(reverse("parks:application", args=[mine.pk])).status_code == 404
    assert c.get(reverse("parks:incubation")).status_code == 403
    # the API
    assert [r["project"] for r in client_of(experts[0]).get("/api/parks/my/reviews").json()] == [mine.project]
    funnel = client_of(leader).get("/api/parks/incubation/funnel").json()
    assert funnel[-1]["call_id"] is None and funnel[-1]["applications"] == 2 and funnel[-1]["screened"] == 2


def test_pages_run_a_call(client_of, example_zone, park_staff, experts):  # type: ignore[no-untyped-def]
    c = client_of(park_staff)
    today = timezone.localdate()
    r = c.post(
        reverse("parks:call_new"),
        {
            "code": "web",
            "title": "网页孵化",
            "cohort": today.year,
            "opens_on": (today - dt.timedelta(days=5)).isoformat(),
            "closes_on": (today + dt.timedelta(days=5)).isoformat(),
            "places": "1",
            "min_score": "60",
            "min_reviews": "2",
            "grant_yuan": "200000",
        },
    )
    assert r.status_code == 302
    call = IncubationCall.objects.get(code="web")
    r = c.post(
        reverse("parks:call_apply", args=[call.pk]),
        {
            "project": "网页项目",
            "team_lead": "赵",
            "team_size": "3",
            "stage": "idea",
            "industry_code": "C39",
            "summary": "—",
        },
    )
    assert r.status_code == 200 and not Application.objects.exists()  # a bad industry code
    r = c.post(
        reverse("parks:call_apply", args=[call.pk]),
        {
            "project": "网页项目",
            "team_lead": "赵",
            "team_size": "3",
            "stage": "idea",
            "industry_code": "3976",
            "summary": "—",
        },
    )
    a = Application.objects.get()
    url = reverse("parks:application", args=[a.pk])
    assert c.post(url, {"action": "screen", "passed": "yes"}).status_code == 302
    assert c.post(url, {"action": "assign", "experts": [e.pk for e in experts[:2]]}).status_code == 302
    assert a.reviews.count() == 2
    for e in experts[:2]:
        services.submit_review(
            e, example_zone, a.reviews.get(reviewer=e).pk, conflict=False, scores=scores(75)
        )
    c = client_of(park_staff)
    c.post(reverse("parks:call", args=[call.pk]), {"action": "review"})
    c.post(reverse("parks:call", args=[call.pk]), {"action": "decide"})
    a.refresh_from_db()
    assert a.status == ApplicationStatus.INCUBATED
    assert c.post(url, {"action": "reach", "order": "1", "on": today.isoformat()}).status_code == 302
    assert c.post(url, {"action": "pay", "order": "1", "on": today.isoformat()}).status_code == 302
    assert a.milestones.get(order=1).paid_on == today
    page = c.get(reverse("parks:incubation")).content.decode()
    assert 'id="f-incubated">1<' in page
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(c.get(reverse("parks:incubation") + "?format=xlsx").content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[1][:5] == ("网页孵化", 1, 1, 1, 0) and rows[-1][1:5] == (1, 1, 1, 0)
