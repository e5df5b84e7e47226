"""Issue 5's "done when", in headless Chromium on the demo zone, as a new planner would try it: the 3 best
sites for elderly canteens in 王因街道, on the map with the people aged 60+ each adds; two of them into a
scenario; the scenario's coverage against today's."""

from gaoxin.demo.load import DEMO_PASSWORD, load_demo
from gaoxin.lifecircle.models import Scenario
from gaoxin.places.models import Facility
from tests.conftest import BROWSER_MARKS, login

pytestmark = BROWSER_MARKS


def test_three_canteen_sites_in_wangyin_two_into_a_scenario(page, live_server, tmp_path):
    load_demo()
    registry = Facility.objects.count()
    login(page, live_server, "planner", DEMO_PASSWORD)
    page.goto(live_server.url + "/lifecircle/")
    page.click("text=选址建议")
    page.select_option("select[name=type]", "community_canteen")
    page.select_option("select[name=street]", label="王因街道")
    page.fill("input[name=p]", "3")
    page.click("#propose")
    page.wait_for_selector("#siting-map[data-loaded='3']")
    assert page.locator(".leaflet-marker-icon:not(.gx-label)").count() == 3  # the three sites on the map
    assert page.locator(".gx-site-label").count() >= 1  # their labels, none over another
    assert int(page.get_attribute("#siting-map", "data-existing")) > 0  # the canteens the model keeps
    assert "需求：60岁及以上居民" in page.inner_text("body")  # the demand group of the canteen item
    gains = [int(t.replace(",", "")) for t in page.locator("#proposals tbody td.num").all_inner_texts()]
    assert len(gains) == 3 and all(g > 0 for g in gains) and gains == sorted(gains, reverse=True)
    labels = page.locator(
        ".gx-site-label"
    ).all_inner_texts()  # "#1 +2077"; one that would overlap is left out
    expected = {f"#{i + 1} +{g}" for i, g in enumerate(gains)}
    assert labels and set(labels) <= expected
    titles = page.locator(".leaflet-marker-icon:not(.gx-label)").evaluate_all("els => els.map(e => e.title)")
    assert sorted(titles) == ["#1", "#2", "#3"]

    page.locator("#proposals tbody input[type=checkbox]").nth(2).uncheck()  # keep the two best
    page.fill("input[name=name]", "王因老年食堂两处")
    page.click("#to-scenario")
    page.wait_for_selector("#scenario-items")
    scenario = Scenario.objects.get(name="王因老年食堂两处")
    assert scenario.added.count() == 2
    row = page.locator("#scenario-items tbody tr", has_text="老年食堂")
    # each cell: the share of all residents, then (small) of the residents aged 60+
    (today, today_60), (planned, planned_60) = (
        [float(v.rstrip("%")) for v in cell.split()] for cell in row.locator("td.num").all_inner_texts()[:2]
    )
    assert planned > today and planned_60 > today_60  # the scenario's coverage against today's
    assert page.locator("#scenario-classes tbody tr").count() >= 6
    assert page.locator("#without-places").count() == 1  # proposed without places: said, not hidden
    page.wait_for_selector("#scenario-map[data-loaded]")
    changed = page.locator("#changed-areas tbody tr").count()
    assert int(page.get_attribute("#scenario-map", "data-loaded")) == 2 + changed  # sites and changed areas
    assert Facility.objects.count() == registry  # the registry is untouched
    page.goto(live_server.url + "/lifecircle/scenarios/")
    assert "王因老年食堂两处" in page.locator("#scenarios").inner_text()
    page.screenshot(path=str(tmp_path / "scenarios.png"))
    assert page.external_requests == []
