"""The park-services issue's "Done when" in headless Chromium: an enterprise files a loan request and
sees it matched to a bank and closed, and sees two policies it was granted without applying; the park
manager sees the standard plants against the 300,000 m² target and which parks pass 100亿; an incubation
call runs from expert scores to a grant tranche and a financing round, and the funnel shows the cohort."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from gaoxin.accounts.choices import Role
from gaoxin.accounts.services import create_user
from gaoxin.parks import services
from gaoxin.parks.choices import PlantStage, PolicyMode
from gaoxin.parks.models import (
    IncubationCall,
    Park,
    ParkYear,
    Plant,
    Policy,
    Provider,
    Service,
    ServiceRequest,
)
from tests.conftest import BROWSER_MARKS, PASSWORD, login
from tests.parks.conftest import enterprise

pytestmark = BROWSER_MARKS


def _relogin(page, live_server, username):  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    login(page, live_server, username, PASSWORD)


def test_park_services_done_when(page, live_server, example_zone, park_staff, e1_user):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    zone = example_zone
    bank = Provider.objects.create(zone=zone, name="济宁银行高新区支行", kind="bank")
    Service.objects.create(provider=bank, field="finance", name="科技型企业信用贷款")
    lab = Provider.objects.create(zone=zone, name="检测中心", kind="testing")
    Service.objects.create(provider=lab, field="quality", name="检测")
    for code, rule in (("above", "scale = above"), ("bio", "park in bio\nindustry in 34")):
        p = services.save_policy(
            None,
            zone,
            Policy(
                code=code,
                title=f"政策{code}",
                issuer="科技创新局",
                benefit="奖励",
                amount_yuan=Decimal(100000),
                mode=PolicyMode.GRANT,
                data_year=2025,
            ),
            rules_text=rule,
        )
        services.publish_policy(None, zone, p.pk)
    services.save_policy(
        None,
        zone,
        Policy(code="draft", title="政策草稿", issuer="局", benefit="—", data_year=2025),
        rules_text="scale = above",
    )  # a draft reaches nobody
    equip, bio = Park.objects.get(code="equip"), Park.objects.get(code="bio")
    ParkYear.objects.create(park=equip, year=2025, revenue_yuan=Decimal(12_000_000_000))
    ParkYear.objects.create(park=bio, year=2025, revenue_yuan=Decimal(4_000_000_000))
    plant = services.save_plant(
        None,
        zone,
        Plant(
            park=equip,
            name="A栋",
            standard=True,
            stage=PlantStage.COMPLETED,
            floors=2,
            floor_area_m2=Decimal(4000),
            completed_on=today - dt.timedelta(days=30),
        ),
    )
    units = services.add_units(None, zone, plant.pk, floors=[1, 2], per_floor=2, area_m2=Decimal(1000))
    services.sign_lease(
        None,
        zone,
        unit=units[0],
        tenant=enterprise("E2"),
        starts_on=today - dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=700),
        rent_yuan_per_m2_month=Decimal(10),
    )

    # the enterprise files a loan request from its portal
    login(page, live_server, "e1", PASSWORD)
    page.goto(live_server.url + "/parks/portal/")
    page.click("#file-request")
    page.select_option("select[name=need]", "loan")
    page.fill("input[name=title]", "流动资金贷款")
    page.fill("textarea[name=description]", "订单增加，补充流动资金")
    page.fill("input[name=amount_yuan]", "3000000")
    page.click("#request-form button.primary")
    page.wait_for_selector("#request-status")
    request = ServiceRequest.objects.get()
    # the portal shows the two policies it was granted without applying, not the draft
    page.goto(live_server.url + "/parks/portal/")
    policies = page.inner_text("#my-policies")
    assert "政策above" in policies and "政策bio" in policies and "政策草稿" not in policies
    assert policies.count("免申即享，已兑现") == 2

    # the park staff hand it to the suggested bank and close it
    _relogin(page, live_server, "park")
    page.goto(f"{live_server.url}/parks/requests/{request.pk}/")
    assert "济宁银行高新区支行" in page.inner_text("#suggestions") and "检测中心" not in page.inner_text(
        "#suggestions"
    )
    page.click("#handover-form button.primary")  # the first suggestion is preselected
    page.wait_for_selector("#close-form")
    page.select_option("select[name=outcome]", "done")
    page.fill("textarea[name=result]", "已放款300万元")
    page.click("#close-form button.primary")
    page.wait_for_selector(".messages .success")

    # the enterprise sees it matched to the bank and closed, and rates it
    _relogin(page, live_server, "e1")
    page.goto(f"{live_server.url}/parks/requests/{request.pk}/")
    assert "济宁银行高新区支行" in page.inner_text("#request-provider")
    assert "已办结" in page.inner_text("#request-status")
    page.check("#rate-form input[value='5']")
    page.click("#rate-form button.primary")
    page.wait_for_selector(".messages .success")
    assert ServiceRequest.objects.get().rating == 5

    # the park manager: standard plants against the target, parks above 100亿
    _relogin(page, live_server, "park")
    page.goto(live_server.url + "/parks/plants/")
    assert page.inner_text("#plants-completed").replace(",", "") == "4000"
    assert "300000" in page.inner_text(".kpis").replace(",", "")
    assert "25 %" in page.inner_text("#occupancy")
    page.goto(live_server.url + "/parks/")
    assert page.inner_text("#hundred-yi").startswith("1")

    # an incubation call: applications, expert scores, the decision, a tranche, a round, the funnel
    experts = [create_user(f"expert{k}", PASSWORD, roles=[Role.REVIEWER]) for k in range(2)]
    call = services.save_call(
        None,
        zone,
        IncubationCall(
            code="c",
            title="麒麟计划",
            cohort=today.year,
            opens_on=today - dt.timedelta(days=30),
            closes_on=today,
            places=1,
            min_score=Decimal(60),
            grant_yuan=Decimal(200000),
        ),
    )
    apps = [
        services.submit_application(
            None,
            zone,
            call.pk,
            project=f"项目{k}",
            team_lead="王",
            team_size=3,
            stage="idea",
            industry_code="3976",
            summary="—",
        )
        for k in range(3)
    ]
    for a in apps[:2]:
        services.screen(None, zone, a.pk, passed=True)
        services.assign_experts(None, zone, a.pk, experts=experts)
    services.screen(None, zone, apps[2].pk, passed=False, note="材料不全")
    _relogin(page, live_server, "expert0")  # an expert scores from their list
    page.click(f"#my-reviews a:text('{apps[0].project}')")
    for name, value in (("team", "20"), ("technology", "24"), ("market", "20"), ("business_model", "16")):
        page.fill(f"input[name={name}]", value)
    page.click("#review-form button.primary")
    page.wait_for_selector("#my-reviews")
    for a, total in zip(apps[:2], (80, 70), strict=True):
        for e in experts:
            review = a.reviews.get(reviewer=e)
            if review.submitted_at is None:
                services.submit_review(
                    e,
                    zone,
                    review.pk,
                    conflict=False,
                    scores={
                        "team": total * 0.25,
                        "technology": total * 0.3,
                        "market": total * 0.25,
                        "business_model": total * 0.2,
                    },
                )
    _relogin(page, live_server, "park")
    page.goto(f"{live_server.url}/parks/incubation/calls/{call.pk}/")
    page.click("button:text('截止申报，开始评审')")
    page.click("#decide")
    page.wait_for_selector(".messages .success")
    page.click(f"#applications a:text('{apps[0].number}')")
    page.click("#milestones button:text('已完成')")
    page.wait_for_selector("#milestones button:text('拨付本期资助')")
    page.click("#milestones button:text('拨付本期资助')")
    page.wait_for_selector(".messages .success")
    page.select_option("#round-form select[name=kind]", "angel")
    page.fill("#round-form input[name=amount_yuan]", "5000000")
    page.fill("#round-form input[name=investors]", "济宁金控天使基金")
    page.fill("#round-form input[name=closed_on]", today.isoformat())
    page.click("#round-form button.primary")
    page.wait_for_selector("#rounds td:text('济宁金控天使基金')")
    page.goto(live_server.url + "/parks/incubation/")
    assert [page.inner_text(f"#f-{k}") for k in ("applications", "screened", "incubated", "financed")] == [
        "3",
        "2",
        "1",
        "1",
    ]
    row = page.inner_text("#calls tbody tr")
    assert "麒麟计划" in row and "500" in row and "8" in row  # 500 万元 raised, 8 万元 paid
