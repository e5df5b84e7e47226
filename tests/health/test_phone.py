"""On a phone (390 px): the resident reaches her pages through the folded menu, and nothing is wider than the
screen. A screenshot of the page is kept in the test's folder."""

from __future__ import annotations

from tests.conftest import BROWSER_MARKS, login

pytestmark = BROWSER_MARKS
PHONE = {"width": 390, "height": 844}


def _fits(page) -> bool:  # type: ignore[no-untyped-def]
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_the_resident_on_a_phone(page, live_server, people, tmp_path):  # type: ignore[no-untyped-def]
    page.set_viewport_size(PHONE)
    login(page, live_server, "resident")
    assert page.url.endswith("/health/me/")
    page.wait_for_selector("#contract")
    assert _fits(page)
    assert not page.is_visible("#menu")  # folded behind its button
    page.click(".menu-toggle")
    assert page.is_visible("#menu") and page.inner_text("#menu").split() == ["我的健康", "我的诉求"]
    page.screenshot(path=str(tmp_path / "resident-390.png"), full_page=True)
    assert (tmp_path / "resident-390.png").stat().st_size > 10_000
