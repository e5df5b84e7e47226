"""Enterprise policies (免申即享): publishing matches the eligible, rule changes gain and lose, the
portal shows an enterprise its own, gates and the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from gaoxin.accounts.choices import Role
from gaoxin.accounts.services import create_user
from gaoxin.common.models import AuditEvent
from gaoxin.parks import services
from gaoxin.parks.choices import MatchState, Metric, PolicyMode
from gaoxin.parks.models import Enterprise, Fact, Policy, PolicyMatch
from tests.conftest import PASSWORD
from tests.parks.conftest import enterprise

DAY = dt.date(2026, 3, 1)


def _figure(e: Enterprise, metric: str) -> Decimal | None:
    f = Fact.objects.filter(enterprise=e, year=2025, metric=metric).order_by("pk").first()
    return None if f is None else f.value


def _rd_ratio(e: Enterprise) -> float | None:
    rd, revenue = _figure(e, Metric.RD), _figure(e, Metric.REVENUE)
    return None if rd is None or not revenue else float(rd / revenue * 100)


def _policy(zone, rules: str, mode: str = PolicyMode.GRANT, code: str = "p1") -> Policy:  # type: ignore[no-untyped-def]
    return services.save_policy(
        None,
        zone,
        Policy(
            code=code,
            title="研发后补助",
            issuer="科技创新局",
            benefit="后补助",
            amount_yuan=Decimal(200000),
            mode=mode,
            data_year=2025,
        ),
        rules_text=rules,
    )


def test_publishing_grants_exactly_the_eligible(example_zone, park_staff):  # type: ignore[no-untyped-def]
    policy = _policy(example_zone, "high_tech = yes\nrd_ratio >= 3")
    assert not policy.matches.exists()  # a draft matches nobody
    services.publish_policy(park_staff, example_zone, policy.pk, today=DAY)
    expected = {e.pk for e in Enterprise.objects.all() if e.high_tech and (_rd_ratio(e) or 0) >= 3}
    granted = set(policy.matches.filter(state=MatchState.GRANTED).values_list("enterprise_id", flat=True))
    assert granted == expected and granted  # the example has some
    m = policy.matches.first()
    assert m.amount_yuan == Decimal(200000) and m.granted_on == DAY and m.version == 1
    assert [c["passed"] for c in m.checks] == [True, True]
    assert AuditEvent.objects.filter(action="grant", target_type="policy_grant").count() == len(expected)
    assert AuditEvent.objects.filter(action="publish", target_type="policy").count() == 1


def test_a_bound_holds_at_the_enterprises_own_figure(example_zone):  # type: ignore[no-untyped-def]
    e1 = enterprise("E1")
    revenue_wan = _figure(e1, Metric.REVENUE) / Decimal(10000)
    at = _policy(example_zone, f"revenue >= {revenue_wan}", code="at")
    above = _policy(example_zone, f"revenue > {revenue_wan}", code="above")
    services.publish_policy(None, example_zone, at.pk, today=DAY)
    services.publish_policy(None, example_zone, above.pk, today=DAY)
    assert at.matches.filter(enterprise=e1).exists()
    assert not above.matches.filter(enterprise=e1).exists()


def test_a_rule_change_withdraws_the_told_and_keeps_the_granted(example_zone, park_staff):  # type: ignore[no-untyped-def]
    notify = _policy(example_zone, "scale = above", mode=PolicyMode.NOTIFY, code="n")
    services.publish_policy(park_staff, example_zone, notify.pk, today=DAY)
    all_ids = set(notify.matches.values_list("enterprise_id", flat=True))
    assert notify.matches.filter(state=MatchState.NOTIFIED).count() == len(all_ids) == 20
    # the preview says who would lose, and writes nothing
    preview = services.preview_policy(park_staff, example_zone, notify, "high_tech = yes", DAY)
    high_tech = set(Enterprise.objects.filter(high_tech=True).values_list("pk", flat=True))
    assert set(preview.change.lost) == all_ids - high_tech
    assert preview.change.gained == []
    assert notify.matches.filter(state=MatchState.NOTIFIED).count() == 20
    # the saved rule of a published policy is changed only by publishing
    with pytest.raises(ValidationError):
        services.save_policy(park_staff, example_zone, notify, rules_text="high_tech = yes")
    services.publish_policy(park_staff, example_zone, notify.pk, rules_text="high_tech = yes", today=DAY)
    withdrawn = set(notify.matches.filter(state=MatchState.WITHDRAWN).values_list("enterprise_id", flat=True))
    assert withdrawn == all_ids - high_tech
    # back to the first rule: the withdrawn are told again
    services.publish_policy(park_staff, example_zone, notify.pk, rules_text="scale = above", today=DAY)
    assert notify.matches.filter(state=MatchState.NOTIFIED).count() == 20
    notify.refresh_from_db()
    assert notify.version == 3

    grant = _policy(example_zone, "scale = above", code="g")
    services.publish_policy(park_staff, example_zone, grant.pk, today=DAY)
    services.publish_policy(park_staff, example_zone, grant.pk, rules_text="high_tech = yes", today=DAY)
    assert grant.matches.filter(state=MatchState.GRANTED).count() == 20  # a grant is not taken back


def test_classes_come_from_the_published_evaluation(example_zone, evaluation_2025):  # type: ignore[no-untyped-def]
    policy = _policy(example_zone, "klass in A")
    services.publish_policy(None, example_zone, policy.pk, today=DAY)
    assert not policy.matches.exists()  # the 2024 evaluation has no results; 2025 is not published
    services.score(None, evaluation_2025)
    services.publish_notice(None, evaluation_2025, on=dt.date(2026, 7, 1))
    services.finalize(None, evaluation_2025, today=dt.date(2026, 7, 9))  # after five working days
    services.publish_policy(None, example_zone, policy.pk, today=DAY)
    a_class = set(evaluation_2025.results.filter(klass="A").values_list("enterprise_id", flat=True))
    assert a_class and set(policy.matches.values_list("enterprise_id", flat=True)) == a_class


def test_only_park_staff_write_and_publish(example_zone, park_staff, leader):  # type: ignore[no-untyped-def]
    policy = _policy(example_zone, "high_tech = yes")
    with pytest.raises(PermissionDenied):
        services.publish_policy(leader, example_zone, policy.pk)
    with pytest.raises(PermissionDenied):
        services.save_policy(leader, example_zone, policy, rules_text="high_tech = no")
    with pytest.raises(ValidationError):
        services.publish_policy(park_staff, example_zone, _policy(example_zone, "", code="empty").pk)
    services.publish_policy(park_staff, example_zone, policy.pk)
    services.close_policy(park_staff, example_zone, policy.pk)
    with pytest.raises(ValidationError):
        services.publish_policy(park_staff, example_zone, policy.pk)


def test_pages(client_of, example_zone, park_staff, leader, e1_user, e3_user):  # type: ignore[no-untyped-def]
    c = client_of(park_staff)
    r = c.post(
        reverse("parks:policy_new"),
        {
            "code": "rd",
            "title": "研发后补助",
            "issuer": "科技创新局",
            "benefit": "后补助",
            "amount_yuan": "200000",
            "mode": "grant",
            "data_year": "2025",
            "rules_text": "rd_ratio >= lots",
        },
    )
    assert r.status_code == 200 and not Policy.objects.exists()
    assert "第2行" in r.content.decode() or "第1行" in r.content.decode()
    r = c.post(
        reverse("parks:policy_new"),
        {
            "code": "rd",
            "title": "研发后补助",
            "issuer": "科技创新局",
            "benefit": "后补助",
            "amount_yuan": "200000",
            "mode": "grant",
            "data_year": "2025",
            "rules_text": "high_tech = yes",
        },
    )
    assert r.status_code == 302
    policy = Policy.objects.get(code="rd")
    url = reverse("parks:policy", args=[policy.pk])
    r = c.post(url, {"action": "preview", "rules_text": "high_tech = yes"})
    assert r.status_code == 200 and 'id="preview"' in r.content.decode()
    assert not PolicyMatch.objects.exists()
    r = c.post(url, {"action": "publish", "rules_text": "high_tech = yes"})
    assert r.status_code == 302
    eligible = set(Enterprise.objects.filter(high_tech=True).values_list("name", flat=True))
    assert set(PolicyMatch.objects.values_list("enterprise__name", flat=True)) == eligible
    # leadership reads, does not publish
    c = client_of(leader)
    r = c.get(url)
    assert r.status_code == 200 and 'id="rule-form"' not in r.content.decode()
    assert c.post(url, {"action": "publish", "rules_text": "scale = above"}).status_code == 403
    assert c.get(reverse("parks:policies")).status_code == 200
    # an enterprise sees its own match in its portal, and no policy page
    for user, name in ((e1_user, "E1 企业"), (e3_user, "E3 企业")):
        c = client_of(user)
        assert c.get(url).status_code == 403
        portal = c.get(reverse("parks:portal")).content.decode()
        if name in eligible:
            assert "研发后补助" in portal
        else:
            assert "研发后补助" not in portal


def test_the_api(client_of, example_zone, park_staff, e1_user):  # type: ignore[no-untyped-def]
    policy = _policy(example_zone, "scale = above")
    services.publish_policy(None, example_zone, policy.pk)
    c = client_of(park_staff)
    (row,) = c.get("/api/parks/policies").json()
    assert row["granted"] == 20 and row["rules"] == [{"field": "scale", "op": "=", "value": ["above"]}]
    assert len(c.get(f"/api/parks/policies/{policy.pk}/matches").json()) == 20
    r = c.post(f"/api/parks/policies/{policy.pk}/preview", {"rules": "high_tech = yes"})
    body = r.json()
    assert r.status_code == 200 and body["gained"] == [] and len(body["lost"]) == 20 - body["eligible"]
    r = c.post(f"/api/parks/policies/{policy.pk}/preview", {"rules": "nonsense"})
    assert r.status_code == 400
    assert c.post(f"/api/parks/policies/{policy.pk}/preview").status_code == 400  # no condition
    mine = client_of(e1_user).get("/api/parks/my/policies").json()
    assert [m["enterprise"] for m in mine] == ["E1 企业"]
    other = create_user("e7", PASSWORD, roles=[Role.ENTERPRISE])
    assert client_of(other).get("/api/parks/my/policies").json() == []
    assert client_of(e1_user).get("/api/parks/policies").status_code == 403
