"""Who sees what: every parks page tried as every persona (no IDOR between enterprises)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from gaoxin.parks import services
from gaoxin.parks.models import Result
from tests.parks.conftest import enterprise


@pytest.fixture
def noticed(evaluation_2025):  # type: ignore[no-untyped-def]
    services.score(None, evaluation_2025)
    services.publish_notice(None, evaluation_2025, on=dt.date.today())
    return evaluation_2025


def staff_urls(ev) -> list[str]:  # type: ignore[no-untyped-def]
    r = Result.objects.filter(evaluation=ev).first()
    return [
        reverse("parks:index"),
        reverse("parks:enterprise_list"),
        reverse("parks:import"),
        reverse("parks:evaluation_list"),
        reverse("parks:evaluation", args=[ev.pk]),
        reverse("parks:evaluation", args=[ev.pk]) + "?format=surcharge",
        reverse("parks:scheme", args=[ev.scheme_id]),
        reverse("parks:result", args=[r.pk]),  # type: ignore[union-attr]
    ]


def test_park_staff_open_every_page(client_of, park_staff, noticed) -> None:  # type: ignore[no-untyped-def]
    c = client_of(park_staff)
    for url in staff_urls(noticed):
        assert c.get(url).status_code == 200, url


@pytest.mark.parametrize("persona", ["planner", "resident", "auditor", "guanghe_staff"])
def test_other_roles_see_no_park_page(client_of, request, persona, noticed) -> None:  # type: ignore[no-untyped-def]
    c = client_of(request.getfixturevalue(persona))
    for url in staff_urls(noticed):
        assert c.get(url).status_code in (403, 404), url


def test_leadership_reads_but_cannot_act(client_of, leader, noticed) -> None:  # type: ignore[no-untyped-def]
    c = client_of(leader)
    assert c.get(reverse("parks:evaluation", args=[noticed.pk])).status_code == 200
    assert c.get(reverse("parks:import")).status_code == 403
    assert c.post(reverse("parks:evaluation_step", args=[noticed.pk, "finalize"])).status_code == 403


def test_an_enterprise_sees_its_own_result_and_not_another(client_of, e1_user, noticed) -> None:  # type: ignore[no-untyped-def]
    c = client_of(e1_user)
    own = Result.objects.get(enterprise=enterprise("E1"))
    other = Result.objects.get(enterprise=enterprise("E3"))
    assert c.get(reverse("parks:result", args=[own.pk])).status_code == 200
    assert c.get(reverse("parks:result", args=[other.pk])).status_code == 404
    assert c.post(reverse("parks:result", args=[other.pk]), {"text": "x"}).status_code == 404
    assert c.get(reverse("parks:enterprise", args=[enterprise("E3").pk])).status_code == 404
    assert c.get(reverse("parks:enterprise", args=[enterprise("E1").pk])).status_code == 200
    assert c.get(reverse("parks:portal") + f"?enterprise={enterprise('E3').pk}").status_code == 404
    page = c.get(reverse("parks:portal"))
    assert (
        page.status_code == 200
        and "E1 企业" in page.content.decode()
        and "E3 企业" not in page.content.decode()
    )
    for url in (
        reverse("parks:enterprise_list"),
        reverse("parks:evaluation", args=[noticed.pk]),
        reverse("parks:import"),
    ):
        assert c.get(url).status_code == 403, url
    assert c.get(reverse("parks:index")).status_code == 302  # sent to the portal


def test_an_enterprise_does_not_see_a_draft_result(client_of, e1_user, evaluation_2025) -> None:  # type: ignore[no-untyped-def]
    services.score(None, evaluation_2025)
    own = Result.objects.get(enterprise=enterprise("E1"))
    assert client_of(e1_user).get(reverse("parks:result", args=[own.pk])).status_code == 404


def test_an_enterprise_files_an_objection_in_the_browser_form(client_of, e3_user, noticed) -> None:  # type: ignore[no-untyped-def]
    own = Result.objects.get(enterprise=enterprise("E3"))
    response = client_of(e3_user).post(
        reverse("parks:result", args=[own.pk]), {"text": "用地面积应为35亩"}, follow=True
    )
    assert response.status_code == 200 and own.appeals.get().text == "用地面积应为35亩"
