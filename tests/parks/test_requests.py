"""Enterprise service requests: filed, handed to a provider, closed, rated; who may do what; pages and API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from gaoxin.common.models import AuditEvent
from gaoxin.parks import queries, services
from gaoxin.parks.choices import Outcome, RequestStatus
from gaoxin.parks.filtersets import RequestFilter
from gaoxin.parks.models import Provider, Service, ServiceRequest
from tests.parks.conftest import enterprise

DAY = dt.date(2026, 3, 2)


@pytest.fixture
def banks(example_zone):  # type: ignore[no-untyped-def]
    a = Provider.objects.create(zone=example_zone, name="甲银行", kind="bank")
    Service.objects.create(provider=a, field="finance", name="信用贷")
    b = Provider.objects.create(zone=example_zone, name="乙银行", kind="bank", industries="34")
    Service.objects.create(provider=b, field="finance", name="园区贷")
    lab = Provider.objects.create(zone=example_zone, name="检测中心", kind="testing")
    Service.objects.create(provider=lab, field="quality", name="检测")
    return a, b, lab


def _file(zone, user, name="E1"):  # type: ignore[no-untyped-def]
    return services.file_request(
        user,
        zone,
        enterprise=enterprise(name),
        need="loan",
        title="流动资金贷款",
        description="补充流动资金",
        amount_yuan=Decimal(3_000_000),
        today=DAY,
    )


def test_a_loan_from_filing_to_rating(example_zone, banks, park_staff, e1_user):  # type: ignore[no-untyped-def]
    a, b, _lab = banks
    r = _file(example_zone, e1_user)
    assert r.field == "finance" and r.status == RequestStatus.FILED and r.number == "FW20260302001"
    assert _file(example_zone, e1_user).number == "FW20260302002"
    # E1 is in industry 3411: the bank serving 34 comes first, the lab (another field) never
    detail = queries.request_detail(park_staff, example_zone, r.pk, DAY)
    assert [s.provider.id for s in detail["suggestions"]] == [b.pk, a.pk]
    with pytest.raises(ValidationError):
        services.rate_request(e1_user, example_zone, r.pk, rating=5)  # not closed yet
    r = services.hand_over(park_staff, example_zone, r.pk, provider=b, service=b.services.get(), today=DAY)
    assert r.status == RequestStatus.HANDED and r.due_on == DAY + dt.timedelta(days=20)  # finance: 20 days
    with pytest.raises(ValidationError):
        services.hand_over(park_staff, example_zone, r.pk, provider=a, today=DAY)  # handed already
    with pytest.raises(ValidationError):
        services.cancel_request(e1_user, example_zone, r.pk)  # only before the handover
    r = services.close_request(
        park_staff, example_zone, r.pk, outcome=Outcome.DONE, result="已放款", today=r.due_on
    )
    assert r.status == RequestStatus.CLOSED
    board = queries.request_board(park_staff, example_zone, RequestFilter({}), r.due_on)
    assert [late for req, late in board["rows"] if req.pk == r.pk] == [False]  # closed on its last day
    with pytest.raises(PermissionDenied):
        services.rate_request(park_staff, example_zone, r.pk, rating=5)  # the staff do not rate
    services.rate_request(e1_user, example_zone, r.pk, rating=4, comment="快")
    with pytest.raises(ValidationError):
        services.rate_request(e1_user, example_zone, r.pk, rating=5)  # once
    assert AuditEvent.objects.filter(target_type="service_request", target_id=str(r.pk)).count() == 4
    (fin,) = [
        f for _label, f in queries.request_board(park_staff, example_zone, RequestFilter({}), DAY)["by_field"]
    ]
    assert fin.requests == 2 and fin.closed == 1 and fin.mean_rating == 4


def test_late_the_day_after_the_limit(example_zone, banks, park_staff, e1_user):  # type: ignore[no-untyped-def]
    _a, b, _lab = banks
    r = services.hand_over(park_staff, example_zone, _file(example_zone, e1_user).pk, provider=b, today=DAY)
    on_due = queries.request_board(park_staff, example_zone, RequestFilter({}), r.due_on)
    assert on_due["late_open"] == 0
    after = queries.request_board(
        park_staff, example_zone, RequestFilter({}), r.due_on + dt.timedelta(days=1)
    )
    assert after["late_open"] == 1
    r = services.close_request(
        park_staff,
        example_zone,
        r.pk,
        outcome=Outcome.DONE,
        result="办结",
        today=r.due_on + dt.timedelta(days=1),
    )
    board = queries.request_board(park_staff, example_zone, RequestFilter({}), DAY + dt.timedelta(days=90))
    (fin,) = [f for _label, f in board["by_field"]]
    assert fin.late == 1 and fin.on_time == 0


def test_who_may_do_what(example_zone, banks, park_staff, leader, e1_user, e3_user):  # type: ignore[no-untyped-def]
    a, _b, _lab = banks
    with pytest.raises(PermissionDenied):
        _file(example_zone, e3_user, name="E1")  # E3's user does not speak for E1
    r = _file(example_zone, e1_user)
    with pytest.raises(PermissionDenied):
        services.hand_over(leader, example_zone, r.pk, provider=a, today=DAY)
    with pytest.raises(PermissionDenied):
        services.hand_over(e1_user, example_zone, r.pk, provider=a, today=DAY)
    from django.http import Http404

    with pytest.raises(Http404):
        services.cancel_request(e3_user, example_zone, r.pk)
    services.cancel_request(e1_user, example_zone, r.pk)
    assert ServiceRequest.objects.get(pk=r.pk).status == RequestStatus.CANCELLED
    with pytest.raises(ValidationError):
        services.file_request(
            e1_user, example_zone, enterprise=enterprise("E1"), need="loan", title=" ", description="x"
        )


def test_pages(client_of, example_zone, banks, park_staff, leader, e1_user, e3_user):  # type: ignore[no-untyped-def]
    a, b, _lab = banks
    c = client_of(e1_user)
    assert c.get(reverse("parks:catalogue")).status_code == 200
    r = c.post(
        reverse("parks:request_new"),
        {"need": "loan", "title": "贷款", "description": "流动资金", "amount_yuan": "-5"},
    )
    assert r.status_code == 200 and not ServiceRequest.objects.exists()
    r = c.post(reverse("parks:request_new"), {"need": "loan", "title": "贷款", "description": "流动资金"})
    assert r.status_code == 302
    sr = ServiceRequest.objects.get()
    url = reverse("parks:request", args=[sr.pk])
    assert "贷款" in c.get(reverse("parks:portal")).content.decode()
    assert c.post(url, {"action": "handover", "provider": a.pk, "field": "finance"}).status_code == 403
    assert client_of(e3_user).get(url).status_code == 404  # another enterprise's request
    assert client_of(e3_user).get(reverse("parks:requests")).status_code == 403
    c = client_of(park_staff)
    page = c.get(url).content.decode()
    assert 'id="suggestions"' in page and "乙银行" in page
    # a service of another provider is refused by the form
    r = c.post(
        url, {"action": "handover", "provider": a.pk, "service": b.services.get().pk, "field": "finance"}
    )
    assert ServiceRequest.objects.get().status == RequestStatus.FILED
    r = c.post(
        url, {"action": "handover", "provider": b.pk, "service": b.services.get().pk, "field": "finance"}
    )
    assert r.status_code == 302 and ServiceRequest.objects.get().provider == b
    r = c.post(url, {"action": "close", "outcome": "done", "result": "已放款300万元"})
    assert r.status_code == 302 and ServiceRequest.objects.get().status == RequestStatus.CLOSED
    assert c.get(reverse("parks:requests")).status_code == 200
    assert c.get(reverse("parks:requests") + "?format=xlsx").status_code == 200
    assert client_of(leader).get(reverse("parks:requests")).status_code == 200
    c = client_of(e1_user)
    assert 'id="rate-form"' in c.get(url).content.decode()
    assert c.post(url, {"action": "rate", "rating": "5", "comment": "好"}).status_code == 302
    assert ServiceRequest.objects.get().rating == 5


def test_the_api(client_of, example_zone, banks, park_staff, e1_user, e3_user):  # type: ignore[no-untyped-def]
    _a, b, _lab = banks
    c = client_of(e1_user)
    body = {
        "enterprise_id": enterprise("E1").pk,
        "need": "loan",
        "title": "贷款",
        "description": "流动资金",
        "amount_yuan": 100000,
    }
    r = c.post("/api/parks/requests", body, content_type="application/json")
    assert r.status_code == 201, r.content
    rid = r.json()["id"]
    body["enterprise_id"] = enterprise("E3").pk
    assert c.post("/api/parks/requests", body, content_type="application/json").status_code == 404
    assert client_of(e3_user).get(f"/api/parks/requests/{rid}").status_code == 404
    s = client_of(park_staff)
    assert s.post(f"/api/parks/requests/{rid}/handover", {}).status_code == 400
    r = s.post(f"/api/parks/requests/{rid}/handover", {"provider_id": b.pk})
    assert r.status_code == 200 and r.json()["status"] == "handed" and r.json()["provider"] == "乙银行"
    assert s.post(f"/api/parks/requests/{rid}/close", {"result": ""}).status_code == 400
    assert s.post(f"/api/parks/requests/{rid}/close", {"result": "已放款"}).json()["status"] == "closed"
    assert client_of(e1_user).post(f"/api/parks/requests/{rid}/rate", {"rating": 0}).status_code == 400
    assert client_of(e1_user).post(f"/api/parks/requests/{rid}/rate", {"rating": 4}).json()["rating"] == 4
    assert [r["id"] for r in client_of(e1_user).get("/api/parks/my/requests").json()] == [rid]
    assert client_of(e3_user).get("/api/parks/my/requests").json() == []
    assert len(client_of(park_staff).get("/api/parks/requests").json()) == 1
