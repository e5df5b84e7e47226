"""The issue's "Done when" in headless Chromium on the demo zone: the leader reads the year's targets
(canteens 2 of 3–5, counted from the registry) and the rows one counts; a planner opens a third canteen
in the registry and the target moves; the 双带 table shows its two late nodes with their supervision
notices; the water-system PPP project shows its stage, its investment completion rate and its next
milestone, on its page and on the portfolio's map."""

from __future__ import annotations

from django.utils import timezone

from gaoxin.demo.load import DEMO_PASSWORD, load_demo
from gaoxin.places.models import Facility
from gaoxin.plans.models import Programme, Project, Target
from tests.conftest import BROWSER_MARKS, login

pytestmark = BROWSER_MARKS


def test_a_leader_reads_the_targets_and_a_planner_moves_one(page, live_server, db):  # type: ignore[no-untyped-def]
    load_demo()
    today = timezone.localdate()
    canteens = Target.objects.get(code="MZ-4", year=today.year)
    planned = Facility.objects.filter(type__code="community_canteen").exclude(status="open").first()
    if planned is None:  # the registry's next canteen, still planned
        planned = Facility.objects.filter(
            type__code="community_canteen", opened_on__year__lt=today.year
        ).last()
        assert planned is not None
        planned.status, planned.opened_on, planned.planned_year = "planned", None, today.year
        planned.save()

    login(page, live_server, "leader", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/plans/")
    row = page.locator("tr[data-target='MZ-4']")
    assert row.locator(".value").inner_text() == "2" and "3–5" in row.inner_text()
    row.locator("a").first.click()
    page.wait_for_selector("#counted")
    assert page.locator("#counted tbody tr").count() == 2

    programme = Programme.objects.get(year=today.year)
    page.goto(f"{live_server.url}/plans/programmes/{programme.pk}/")
    late = page.locator("#tasks tr[data-light='red']")
    assert late.count() == 2 and all("督办〔" in late.nth(i).inner_text() for i in range(2))
    assert page.locator("#notices tbody tr").count() == 2

    ppp = Project.objects.get(code="XC-01")
    page.goto(f"{live_server.url}/plans/projects/{ppp.pk}/")
    assert "执行" in page.inner_text("#stages .step-current")
    assert page.inner_text("#year-rate").endswith("%") and page.inner_text("#next-milestone") != "—"
    page.goto(f"{live_server.url}/plans/projects/")
    page.wait_for_selector("#project-map[data-rendered='9']")

    page.context.clear_cookies()
    login(page, live_server, "planner", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/places/facilities/{planned.pk}/edit/")
    page.select_option("select[name=status]", "open")
    page.fill("input[name=opened_on]", today.isoformat())
    page.locator("form.form button.primary, form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/edit/" not in url)
    assert Facility.objects.get(pk=planned.pk).status == "open"

    page.context.clear_cookies()
    login(page, live_server, "leader", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/plans/targets/{canteens.pk}/")
    assert page.inner_text("#value") == "3" and page.locator("#counted tbody tr").count() == 3
