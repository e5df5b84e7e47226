"""纠纷化解零搁置: a dispute accepted, acted on, ended; left without action past its limit it is escalated
and shows on the street's board; gates by street; the parties masked for those who do not handle it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from gaoxin.accounts.choices import Role
from gaoxin.accounts.services import create_user
from gaoxin.governance import access, queries, services
from gaoxin.places.models import Street
from tests.conftest import PASSWORD

TODAY = dt.date(2026, 7, 1)


@pytest.fixture
def street_staff(zone):  # type: ignore[no-untyped-def]
    return {
        "guanghe": create_user(
            "gh", PASSWORD, roles=[Role.STREET_STAFF], street_id=Street.objects.get(code="370871001").pk
        ),
        "liuxing": create_user(
            "lx", PASSWORD, roles=[Role.STREET_STAFF], street_id=Street.objects.get(code="370871002").pk
        ),
        "centre": create_user("centre", PASSWORD, roles=[Role.ZONE_ADMIN]),
        "leader": create_user("leader", PASSWORD, roles=[Role.LEADERSHIP]),
    }


def accept(zone, who, accepted_on=TODAY):  # type: ignore[no-untyped-def]
    return services.accept_dispute(
        who,
        zone,
        street=Street.objects.get(code="370871001"),
        kind="neighbours",
        summary="楼上漏水",
        parties="王明、李华",
        committee="东闸社区人民调解委员会",
        accepted_on=accepted_on,
        today=TODAY,
    )


def test_a_dispute_left_waiting_is_escalated_on_its_streets_board(client_of, zone, street_staff):  # type: ignore[no-untyped-def]
    waiting = accept(zone, street_staff["guanghe"], TODAY - dt.timedelta(days=3))
    acted = accept(zone, street_staff["guanghe"], TODAY - dt.timedelta(days=4))
    services.add_session(
        street_staff["guanghe"], acted, held_on=TODAY - dt.timedelta(days=2), note="首次调解", today=TODAY
    )
    assert services.escalate_disputes(None, zone, TODAY) == []  # the 3rd day after acceptance: still in time
    late = services.escalate_disputes(None, zone, TODAY + dt.timedelta(days=1))
    assert [d.pk for d in late] == [waiting.pk]
    assert services.escalate_disputes(None, zone, TODAY + dt.timedelta(days=2)) == []  # once
    month = services.escalate_disputes(
        None, zone, dt.date(2026, 7, 28)
    )  # acted: accepted 27 June, due 27 July
    assert [d.pk for d in month] == [acted.pk]
    board = queries.dispute_board(street_staff["guanghe"], zone, TODAY + dt.timedelta(days=1))
    assert board["open"][0].dispute == waiting and board["late"] == 1
    page = client_of(street_staff["guanghe"]).get("/governance/disputes/")
    assert (
        page.status_code == 200
        and "escalated" in page.content.decode()
        and waiting.number in page.content.decode()
    )
    assert queries.dispute_board(street_staff["liuxing"], zone, TODAY)["open"] == []  # another street's


def test_the_gates_and_the_ending_rules(client_of, zone, street_staff):  # type: ignore[no-untyped-def]
    d = accept(zone, street_staff["guanghe"])
    with pytest.raises(PermissionDenied):
        accept(zone, street_staff["liuxing"])  # not their street
    with pytest.raises(PermissionDenied):
        services.add_session(street_staff["liuxing"], d, held_on=TODAY, note="x", today=TODAY)
    with pytest.raises(PermissionDenied):
        services.add_session(street_staff["leader"], d, held_on=TODAY, note="x", today=TODAY)
    with pytest.raises(ValidationError):
        services.add_session(
            street_staff["guanghe"], d, held_on=TODAY + dt.timedelta(days=1), note="x", today=TODAY
        )
    with pytest.raises(ValidationError):
        services.end_dispute(
            street_staff["guanghe"], d, status="agreed", ended_on=TODAY, today=TODAY
        )  # no agreement
    with pytest.raises(ValidationError):
        services.end_dispute(
            street_staff["guanghe"], d, status="referred", ended_on=TODAY, today=TODAY
        )  # where to?
    with pytest.raises(ValidationError):
        services.court_confirmed(street_staff["guanghe"], d, on=TODAY, today=TODAY)  # no agreement yet
    d = services.end_dispute(
        street_staff["guanghe"],
        d,
        status="agreed",
        ended_on=TODAY,
        today=TODAY,
        agreement=SimpleUploadedFile("协议书.pdf", b"%PDF-1.4 agreement"),
    )
    d = services.court_confirmed(street_staff["centre"], d, on=TODAY, today=TODAY)
    assert d.court_confirmed_on == TODAY and d.agreement is not None
    with pytest.raises(ValidationError):
        services.add_session(street_staff["guanghe"], d, held_on=TODAY, note="x", today=TODAY)  # ended
    assert client_of(street_staff["liuxing"]).get(f"/governance/disputes/{d.pk}/").status_code == 404
    leader = client_of(street_staff["leader"]).get(f"/governance/disputes/{d.pk}/").content.decode()
    assert "王明" not in leader and "王*" in leader  # parties masked for those who do not handle it
    assert client_of(street_staff["leader"]).get(f"/governance/disputes/{d.pk}/agreement/").status_code == 403
    assert (
        client_of(street_staff["guanghe"]).get(f"/governance/disputes/{d.pk}/agreement/").status_code == 200
    )
    assert not access.can_view_disputes(create_user("someone", PASSWORD, roles=[Role.RESIDENT]))


def test_a_street_accepts_a_dispute_on_its_page(client_of, zone, street_staff):  # type: ignore[no-untyped-def]
    c = client_of(street_staff["guanghe"])
    sent = c.post(
        "/governance/disputes/",
        {
            "street": Street.objects.get(code="370871001").pk,
            "kind": "property",
            "summary": "停车费争议",
            "parties": "张强、某物业公司",
            "committee": "东闸社区人民调解委员会",
            "accepted_on": "2026-06-30",
        },
    )
    assert sent.status_code == 302
    refused = c.post(
        "/governance/disputes/", {"street": Street.objects.get(code="370871001").pk, "kind": "x"}
    )
    assert refused.status_code == 200  # the form says what is missing
