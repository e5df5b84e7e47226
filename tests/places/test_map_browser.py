"""The maps in the browser: the base map drawn from the zone's data (a scale bar, the roads), dense
facilities clustered, and a point picked on the facility form by a click."""

from __future__ import annotations

from django.urls import reverse

from tests.conftest import BROWSER_MARKS, login

pytestmark = BROWSER_MARKS


def test_a_click_on_the_map_fills_the_coordinates(page, live_server, planner):  # type: ignore[no-untyped-def]
    login(page, live_server, "planner")
    page.goto(live_server.url + reverse("places:facility_create"))
    page.wait_for_selector("#pick-map .leaflet-control-scale")  # the scale bar of the base map
    page.wait_for_selector("#pick-map canvas", state="attached")  # the roads
    box = page.locator("#pick-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    lon, lat = float(page.input_value("#id_lon")), float(page.input_value("#id_lat"))
    assert 116.5 < lon < 116.8 and 35.3 < lat < 35.6
