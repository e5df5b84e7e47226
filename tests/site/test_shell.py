"""The shell as every demo role meets it: each lands on its own work, and every link of its menus opens
(no 403, no 404, no 500 behind a link it is offered); error pages are in the site's layout with a way
back, in the language of the page."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from gaoxin.demo.load import DEMO_USERS, load_demo

# Where each demo role starts (the path, before any query string).
LANDINGS = {
    "admin": "/",
    "planner": "/",
    "leader": "/",
    "guanghe": "/places/facilities/",  # the street's facilities (its life-circle page once evaluated)
    "liuxing": "/lifecircle/",  # evaluated by then (below)
    "doctor": "/health/followups/",  # a family doctor starts at the follow-ups due
    "manager": "/health/residents/",
    "yiyuan": "/health/referrals/",  # a hospital's referral desk starts at the referrals received
    "resident": "/health/me/",
    "park": "/parks/",
    "shizheng": "/governance/",  # a unit's member starts at the requests dispatched to it
    "enterprise": "/parks/portal/",
    "auditor": "/health/audit/",
    "jiaoyu": "/education/",  # the education bureau keeps the housing kindergartens' ledger
    "zhuanjia": "/parks/incubation/reviews/",  # an expert starts at the applications assigned to them
    "zhuanjia2": "/parks/incubation/reviews/",
    "zhuanjia3": "/parks/incubation/reviews/",
}
MENU = re.compile(r'<nav id="menu">(.*?)</nav>', re.S)
SUBNAV = re.compile(r'<nav class="subnav">(.*?)</nav>', re.S)
HREF = re.compile(r'href="([^"#]+)"')


def _links(html: str) -> list[str]:
    blocks = MENU.findall(html) + SUBNAV.findall(html)
    return [href.replace("&amp;", "&") for block in blocks for href in HREF.findall(block)]


@pytest.mark.django_db
def test_every_role_lands_on_its_work_and_every_link_it_is_offered_opens() -> None:
    from gaoxin.accounts.models import User

    load_demo()
    assert set(LANDINGS) == {u[0] for u in DEMO_USERS}
    for username, expected in LANDINGS.items():
        client = Client()
        client.force_login(User.objects.get(username=username))
        start = client.get("/", follow=True)
        assert start.status_code == 200, username
        landed = start.request["PATH_INFO"]
        if expected == "/":
            assert landed == "/" and "分街道概况" in start.content.decode(), username
        else:
            assert landed.startswith(expected), (username, landed)
        if username == "guanghe":  # once the zone is evaluated, street staff start at their street's page
            from gaoxin.lifecircle import services

            run = services.evaluate(actor=None, zone=User.objects.get(username="guanghe").street.zone)
            again = client.get("/", follow=True).request["PATH_INFO"]
            assert again == f"/lifecircle/{run.pk}/streets/{User.objects.get(username='guanghe').street_id}/"
        seen = {landed}
        todo = _links(start.content.decode())
        assert todo, f"{username} has no menu"
        while todo:  # every link of the menu and of the pages' own menus it leads to
            url = todo.pop()
            if url in seen or not url.startswith("/") or url.startswith(("/static/", "/admin/")):
                continue
            seen.add(url)
            answer = client.get(url)
            assert answer.status_code == 200, (username, url, answer.status_code)
            if "text/html" in answer.get("Content-Type", ""):
                todo += _links(answer.content.decode())


def test_a_refusal_and_a_missing_page_are_in_the_layout_with_a_way_back(client_of, resident) -> None:  # type: ignore[no-untyped-def]
    c = client_of(resident)
    refused = c.get("/places/streets/")
    assert refused.status_code == 403
    html = refused.content.decode()
    assert '<header class="top">' in html and "无权打开" in html and 'href="/"' in html
    missing = c.get("/no/such/page/")
    assert missing.status_code == 404 and '<header class="top">' in missing.content.decode()
    c.cookies["django_language"] = "en"
    english = c.get("/places/streets/")
    assert "Your role cannot open this page" in english.content.decode()


def test_an_account_without_a_role_is_told_so(client, zone) -> None:  # type: ignore[no-untyped-def]
    from gaoxin.accounts.services import create_user
    from tests.conftest import PASSWORD

    nobody = create_user("nobody", PASSWORD, roles=[])
    client.force_login(nobody)
    page = client.get("/").content.decode()
    assert (
        "尚未分配角色" in page and '<nav id="menu">' in page and "<a href" not in MENU.search(page).group(1)
    )
