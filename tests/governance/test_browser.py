"""The issue's "Done when" in headless Chromium on the demo zone: a resident reports a broken street lamp
from her phone with a photo; the grid worker verifies it, the centre dispatches it, the unit handles it
and reports back, the grid worker verifies it on site and closes it, and she rates it — and a GeoReport
client lists it with its status."""

from __future__ import annotations

from georeport import GeoReport
from shapely.geometry import shape

from gaoxin.demo.load import DEMO_PASSWORD, load_demo
from gaoxin.governance.models import Case, Grid
from tests.conftest import BROWSER_MARKS, login

pytestmark = BROWSER_MARKS
PHONE = {"width": 390, "height": 844}


def test_a_street_lamp_from_a_phone_to_its_rating(page, live_server, db, tmp_path):  # type: ignore[no-untyped-def]
    load_demo()
    grid = (
        Grid.objects.filter(community__street__code="370871001", workers__username="guanghe")
        .order_by("code")
        .first()
    )
    assert grid is not None
    spot = shape(grid.boundary).representative_point()
    photo = tmp_path / "lamp.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + b"0" * 2000)

    page.set_viewport_size(PHONE)
    login(page, live_server, "resident", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/governance/report/")
    page.select_option("select[name=service]", label="路灯不亮")
    page.fill("textarea[name=description]", "小区东门路灯不亮")
    page.fill("input[name=address]", "东门")
    page.evaluate(
        f"document.getElementById('id_lon').value = '{spot.x:.6f}'; document.getElementById('id_lat').value = '{spot.y:.6f}';"
    )
    page.set_input_files("input[name=photo]", str(photo))
    page.click("#send-report")
    page.wait_for_selector("#status")
    case = Case.objects.get(description="小区东门路灯不亮")
    assert case.grid == grid and case.photo is not None

    def act(username: str, action: str, **fields: str) -> None:
        page.context.clear_cookies()
        login(page, live_server, username, DEMO_PASSWORD)
        page.goto(f"{live_server.url}/governance/cases/{case.pk}/")
        form = page.locator(f"form#{action}")
        for name, value in fields.items():
            if name == "department":
                form.locator("select[name=department]").select_option(label=value)
            elif name == "rating":
                form.locator("select[name=rating]").select_option(value)
            else:
                form.locator(f"[name={name}]").fill(value)
        form.locator("button").click()
        page.wait_for_selector("#status")

    act("guanghe", "open")
    act("admin", "dispatch", department="市政公用处")
    act("shizheng", "accept")
    act("shizheng", "feedback", note="已更换灯具")
    act("guanghe", "close")
    act("resident", "rate", rating="5")
    case.refresh_from_db()
    assert case.status == "closed" and case.rating == 5
    assert "★★★★★" in page.inner_text("#rating") and page.inner_text("#answer") == "已更换灯具"

    listed = GeoReport(f"{live_server.url}/open311/v2").get_service_request(case.number)
    assert listed["status"] == "closed" and listed["service_code"] == "street_lamp"
