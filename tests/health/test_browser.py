"""Issue 6's "Done when" in headless Chromium: a doctor registers and signs a resident and shows
her full ID number; the resident reads her record and asks to end her contract; the centre manager
approves; the auditor sees every one of those accesses."""

from __future__ import annotations

from gaoxin.common.models import AuditEvent
from gaoxin.health.choices import ContractStatus
from gaoxin.health.models import Contract, Resident
from tests.conftest import BROWSER_MARKS, login
from tests.health.conftest import id_number

pytestmark = BROWSER_MARKS


def logout(page, live_server):  # type: ignore[no-untyped-def]
    page.context.clear_cookies()


def test_doctor_resident_manager_and_auditor_in_the_browser(page, live_server, care, people, auditor):  # type: ignore[no-untyped-def]
    new_id = id_number("19560302", "031")
    login(page, live_server, "doctor")
    page.goto(live_server.url + "/health/residents/new/")
    page.fill("input[name=id_number]", new_id[:-1] + ("0" if new_id[-1] != "0" else "1"))  # a typo first
    page.fill("input[name=name]", "王建国")
    page.select_option("select[name=sex]", "1")
    page.fill("input[name=birth_date]", "1956-03-02")
    page.select_option("select[name=community]", label="东闸社区")
    page.select_option("select[name=package]", label="基础包")
    page.click("#register")
    assert "校验位" in page.inner_text("main form")  # the check character is wrong: nothing saved
    assert not Resident.objects.filter(name="王建国").exists()
    page.fill("input[name=id_number]", new_id)
    page.click("#register")
    page.wait_for_selector("#reveal-id")
    assert new_id[:6] + "********" + new_id[-4:] == page.inner_text("#id-number")
    page.click("#reveal-id")
    assert page.inner_text("#id-number") == new_id
    assert Contract.objects.get(resident__name="王建国").status == ContractStatus.ACTIVE

    logout(page, live_server)
    login(page, live_server, "resident")
    page.goto(live_server.url + "/health/me/")
    assert people["records"][people["me"].pk].code in page.inner_text("main")
    page.click("summary")
    page.fill("input[name=reason]", "搬到柳行街道")
    page.click("details button")
    page.wait_for_selector(".messages")
    assert Contract.objects.get(resident=people["me"]).status == ContractStatus.TERMINATING

    logout(page, live_server)
    login(page, live_server, "manager")
    page.goto(f"{live_server.url}/health/residents/{people['me'].pk}/")
    page.click("text=批准（中心负责人）")
    page.wait_for_load_state()
    assert Contract.objects.get(resident=people["me"]).status == ContractStatus.TERMINATED

    logout(page, live_server)
    login(page, live_server, "auditor")
    page.goto(live_server.url + "/health/audit/?action=reveal")
    table = page.inner_text("#audit")
    assert "doctor" in table and new_id not in table and new_id[-4:] in table
    assert AuditEvent.objects.filter(actor_name="resident", action="read").exists()
    assert AuditEvent.objects.filter(actor_name="manager", action="update", target_type="contract").exists()
    assert page.external_requests == []
