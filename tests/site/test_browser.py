"""End to end in headless Chromium (Debian's `chromium`, installed by .ci/run): log in, open the map,
see the zone's layers, filter a class, import a file with a bad row, fix it, see the new facility."""

from gaoxin.places.models import Facility
from tests.conftest import BROWSER_MARKS, login

pytestmark = BROWSER_MARKS


def test_map_shows_layers_filters_and_an_import(page, live_server, planner, tmp_path):
    login(page, live_server, "planner")
    page.goto(live_server.url + "/places/map/")
    page.wait_for_selector("#map[data-loaded='2']")
    assert page.locator(".leaflet-interactive").count() >= 4  # 2 areas + 2 kindergartens
    assert page.locator("[data-count=education]").inner_text() == "2"
    page.uncheck("input[data-class=education]")
    assert page.locator("[data-count=education]").inner_text() == "0"
    page.check("input[data-class=education]")

    bad = tmp_path / "facilities.csv"
    bad.write_text(
        "编码,名称,类型,街道,经度,纬度\nF-E2E,新建幼儿园,幼儿园,洸河街道,116.6455,35.4155\nF-E2E-2,坏行,幼儿园,洸河街道,116.64,\n",
        encoding="utf-8",
    )
    page.goto(live_server.url + "/places/import/")
    page.set_input_files("input[type=file]", str(bad))
    page.click("button.primary")
    page.wait_for_selector("#problems")
    assert "3" in page.locator("#problems tbody tr td").first.inner_text()
    assert not Facility.objects.filter(code="F-E2E").exists()

    bad.write_text(
        "编码,名称,类型,街道,经度,纬度\nF-E2E,新建幼儿园,幼儿园,洸河街道,116.6455,35.4155\n", encoding="utf-8"
    )
    page.goto(live_server.url + "/places/import/")
    page.set_input_files("input[type=file]", str(bad))
    page.click("button.primary")
    page.click("#confirm-import")
    page.wait_for_selector("#import-status.s-applied")
    assert Facility.objects.filter(code="F-E2E").exists()

    page.goto(live_server.url + "/places/map/#facility-%d" % Facility.objects.get(code="F-E2E").pk)
    page.wait_for_selector(".leaflet-popup-content")
    assert "新建幼儿园" in page.locator(".leaflet-popup-content").inner_text()
    assert page.external_requests == []


def test_circle_map_shows_gaps_and_opens_a_report(page, live_server, planner, tmp_path):
    from gaoxin.lifecircle import services
    from gaoxin.places.models import WalkEdge, Zone
    from tests.lifecircle.conftest import grid_lines

    zone = Zone.objects.get()
    lines = (
        grid_lines(116.637, 35.407) + grid_lines(116.637, 35.449) + [[[116.637, 35.413], [116.637, 35.449]]]
    )
    WalkEdge.objects.bulk_create([WalkEdge(zone=zone, coords=line) for line in lines])
    services.evaluate(actor=None, zone=zone)
    login(page, live_server, "planner")
    page.goto(live_server.url + "/lifecircle/map/")
    page.wait_for_selector("#map[data-loaded='2']")
    assert page.locator("#gaps li").count() == 2
    page.locator("#gaps a").first.click()
    page.wait_for_selector(".leaflet-popup-content")
    page.evaluate("() => window.gaoxinMap.closePopup()")
    # a walking isochrone where the planner clicks: just below the area, among the test grid's streets
    # (the map's own click event at that point: a mouse click there can land on an area or a facility
    # marker drawn on top, depending on the rendering, and then opens its popup instead)
    page.evaluate(
        """() => { const m = window.gaoxinMap, s = m.getSize();
                   m.fire('click', {latlng: m.containerPointToLatLng([s.x / 2, s.y / 2 + 60])}); }"""
    )
    page.wait_for_selector("#map[data-isochrone='shown']")
    page.locator("#gaps a").first.click()
    page.locator(".leaflet-popup-content a").first.click()
    page.wait_for_selector("#report")
    report_url = page.url
    assert page.locator("#report tbody tr").count() > 10
    page.goto(live_server.url + "/lifecircle/")
    page.wait_for_selector("#chart-classes[data-rendered='1'] svg")
    assert report_url and page.external_requests == []
