"""The issue's "Done when" in headless Chromium on the demo zone: an education planner sees which housing
developments break the 同步 rule and by how many places, where the forecast runs short of primary places, a
proposed catchment that keeps every school within its places with each area's walk, and a new school's
site proposed for the shortage."""

from __future__ import annotations

from django.utils import timezone

from gaoxin.demo.load import DEMO_PASSWORD, load_demo
from gaoxin.education.models import CatchmentPlan
from tests.conftest import BROWSER_MARKS, login

pytestmark = BROWSER_MARKS


def _result(page) -> None:  # type: ignore[no-untyped-def]
    """From a job's page to its result (the job ran inline: it is done when its page opens; a job still
    running would take the page there by itself)."""
    page.wait_for_url("**/jobs/*/")
    page.locator("#job-result-link").click()


def test_an_education_planner_from_the_ledger_to_a_new_school(page, live_server, db):  # type: ignore[no-untyped-def]
    load_demo()
    year = timezone.localdate().year + 3
    page.set_default_timeout(180_000)  # the catchment and the proposal run as jobs (inline in the tests)
    login(page, live_server, "planner", DEMO_PASSWORD)

    page.goto(f"{live_server.url}/education/")
    assert page.inner_text("#kpi-breaking") == "3" and page.inner_text("#kpi-short") == "329"
    late = page.locator("#ledger tr[data-code='ZZ-2024-02']")
    assert "230" in late.inner_text() and "150" in late.inner_text()
    assert page.locator("#ledger tr[data-code='ZZ-2025-03'] td.num b").inner_text() == "83"

    page.goto(f"{live_server.url}/education/places/?level=primary")
    short = page.locator("#school-outlook tr.bad")
    assert short.count() >= 3 and "-" in short.first.inner_text()

    page.goto(f"{live_server.url}/education/catchments/")
    page.fill("input[name=year]", str(year))
    page.locator("form.form button.primary").click()
    _result(page)
    page.wait_for_url("**/education/catchments/*/")
    plan = CatchmentPlan.objects.get(year=year, level="primary")
    assert page.inner_text("#unplaced") == "0"
    assert page.locator("#plan-schools tr.bad").count() == 0  # every school within its places
    assert page.locator("#plan-rows tbody tr").count() == plan.rows.count() > 100
    page.wait_for_selector("#catchment-map[data-rendered]")

    page.goto(f"{live_server.url}/education/places/?level=primary")
    page.fill("input[name=year]", str(year))
    page.locator("form[action$='/education/siting/'] button.primary").click()
    _result(page)
    page.wait_for_url("**/education/siting/?job=*")
    assert page.locator("#sites tbody tr").count() == 1
    assert int(page.inner_text("#unplaced-after")) < 1000
