"""On a phone (390 px): the enterprise reaches her pages through the folded menu, and nothing is wider than the
screen. A screenshot of the page is kept in the test's folder."""

from __future__ import annotations

from tests.conftest import BROWSER_MARKS, login

pytestmark = BROWSER_MARKS
PHONE = {"width": 390, "height": 844}


def _fits(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_the_enterprise_on_a_phone(page, live_server, e1_user, tmp_path):  # type: ignore[no-untyped-def]
    page.set_viewport_size(PHONE)
    login(page, live_server, "e1")
    assert page.url.endswith("/parks/portal/")
    assert _fits(page)
    cells = page.locator("table.cards td[data-label]")
    assert cells.count() > 0
    assert cells.first.evaluate("td => getComputedStyle(td).display") == "block"  # rows are cards
    page.screenshot(path=str(tmp_path / "enterprise-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    assert page.is_visible("#menu") and not page.is_visible(".menu-toggle")  # a desktop shows the menu
