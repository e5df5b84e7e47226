"""The issue's "Done when" in headless Chromium: park staff import a file with one bad row (shown,
nothing written), fix it, score, read a firm's class and reasons, publish the notice and download
the D-class surcharge list with the account numbers."""

from __future__ import annotations

import openpyxl

from gaoxin.parks.models import Fact
from tests.conftest import BROWSER_MARKS, login
from tests.parks.conftest import enterprise, uscc

pytestmark = BROWSER_MARKS


def test_park_staff_run_the_year_in_the_browser(page, live_server, park_staff, evaluation_2025, tmp_path):  # type: ignore[no-untyped-def]
    login(page, live_server, "park")
    bad = tmp_path / "tax.csv"
    bad.write_text(
        f"统一社会信用代码,实缴税收(万元),营业收入(万元)\n{uscc(1)},1500,60000\n{uscc(2)},四百八十,24000\n",
        encoding="utf-8",
    )
    before = Fact.objects.count()
    page.goto(live_server.url + "/parks/import/")
    page.select_option("select[name=dataset]", "tax")
    page.fill("input[name=year]", "2025")
    page.set_input_files("input[name=file]", str(bad))
    page.click("#upload")
    problems = page.locator("#problems")
    assert (
        "3" in problems.locator("tbody tr").first.inner_text() and "实缴税收(万元)" in problems.inner_text()
    )
    assert Fact.objects.count() == before
    good = tmp_path / "tax-fixed.csv"
    good.write_text(
        f"统一社会信用代码,实缴税收(万元),营业收入(万元)\n{uscc(1)},1500,60000\n{uscc(2)},480,24000\n",
        encoding="utf-8",
    )
    page.set_input_files("input[name=file]", str(good))
    page.select_option("select[name=dataset]", "tax")
    page.click("#upload")
    page.wait_for_selector(".messages .success")

    page.goto(f"{live_server.url}/parks/evaluations/{evaluation_2025.pk}/")
    page.click("#step-score")  # a job: its page, then its result
    page.wait_for_selector("#job[data-status='done']")
    page.click("#job-result-link")
    page.wait_for_selector("#results tbody tr")
    page.click("#results a:text('E1 企业')")
    assert page.inner_text("#klass") == "A"
    reasons = page.inner_text("#reasons")
    assert "157" in reasons and "30.00" in reasons  # the emissions sub-score capped at 2 × 15

    page.goto(f"{live_server.url}/parks/evaluations/{evaluation_2025.pk}/")
    page.click("#step-notice")
    page.wait_for_selector("#step-final")
    with page.expect_download() as download:
        page.click("#export-surcharge")
    path = tmp_path / "d.xlsx"
    download.value.save_as(path)
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert rows[3][1:4] == ("E3 企业", enterprise("E3").uscc, enterprise("E3").power_account)
    assert page.external_requests == []
