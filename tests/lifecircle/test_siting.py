"""Where to build next, and scenarios, on the hand-made zone."""

import pytest
from django.urls import reverse

from gaoxin.lifecircle import queries, services
from gaoxin.lifecircle.analysis import EvaluationError
from gaoxin.lifecircle.models import Scenario
from gaoxin.places.models import Facility, Street
from tests.lifecircle.conftest import siting_page


def test_proposed_site_covers_the_area_that_lacks_a_day_care_centre(network_zone, planner):
    guanghe = Street.objects.get(code="370871001")
    result = queries.propose_sites(
        actor=planner, zone=network_zone, type_code="day_care_center", p=1, street=guanghe
    )
    assert len(result["proposals"]) == 1 and result["covered_before"] == 0
    site = result["proposals"][0]
    assert (
        site["areas"] == ["东闸花园"] and site["gain"] == 300
    )  # its residents aged 60+ (the fixture has 300 aged 65+)


def test_cover_everyone_uses_as_few_sites_as_possible(network_zone, planner):
    result = queries.propose_sites(actor=planner, zone=network_zone, type_code="day_care_center", p=None)
    assert len(result["proposals"]) == 2  # the two areas are 4.5 km apart: one site each
    assert result["covered_after"] == result["total_weight"]


def test_a_budget_larger_than_the_candidates_is_a_clear_error(network_zone, planner):
    with pytest.raises(services.EvaluationError):
        queries.propose_sites(actor=planner, zone=network_zone, type_code="day_care_center", p=100000)


def test_scenario_compares_with_today_and_never_touches_the_registry(network_zone, planner):
    before = Facility.objects.count()
    proposal = queries.propose_sites(
        actor=planner,
        zone=network_zone,
        type_code="day_care_center",
        p=1,
        street=Street.objects.get(code="370871001"),
    )
    scenario = services.create_scenario(
        actor=planner,
        zone=network_zone,
        name="日照",
        type_code="day_care_center",
        sites=proposal["proposals"],
    )
    cmp = queries.compare_scenario(actor=planner, scenario=scenario)
    row = next(i for i in cmp["items"] if i["type"] == "day_care_center")
    assert row["before"] == 0.0 and row["after"] > 0
    assert [c["area"].code for c in cmp["changed"]] == ["RA-DZ-01"] and cmp["changed"][0]["after"] == cmp[
        "changed"
    ][0]["before"] - 1
    assert Facility.objects.count() == before


def test_promoting_a_proposed_site_creates_a_planned_facility(network_zone, planner):
    scenario = services.create_scenario(
        actor=planner,
        zone=network_zone,
        name="s",
        type_code="day_care_center",
        sites=[{"lon": 116.641, "lat": 35.4105, "gain": 300}],
    )
    site = scenario.added.get()
    facility = services.promote(
        actor=planner, site=site, street=Street.objects.get(code="370871001"), code="P-1"
    )
    assert facility.status == "planned" and facility.type.code == "day_care_center"


def test_siting_pages_end_to_end(client_of, planner, network_zone):
    c = client_of(planner)
    guanghe = Street.objects.get(code="370871001")
    page = siting_page(c, {"type": "day_care_center", "street": guanghe.pk, "p": 1})
    site = page.context["proposal"]["proposals"][0]
    response = c.post(
        reverse("lifecircle:scenario_create"),
        {"type": "day_care_center", "name": "日照", "site": [f"{site['lon']},{site['lat']},{site['gain']}"]},
    )
    scenario = Scenario.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "lifecircle:scenario", args=[scenario.pk]
    )
    page = c.get(response["Location"])
    assert page.context["cmp"]["passing_before"] == page.context["cmp"]["passing_after"] == 0
    shown = page.context["map_data"]
    assert [a["name"] for a in shown["added"]] == [scenario.added.get().name]
    assert {a["name"] for a in shown["changed"]} == {c["area"].name for c in page.context["cmp"]["changed"]}
    assert page.context["added"][0].street_guess is None  # the test zone's streets have no boundary


def test_street_staff_and_residents_cannot_site(client_of, guanghe_staff, resident, network_zone):
    assert client_of(guanghe_staff).get(reverse("lifecircle:siting")).status_code == 403
    assert client_of(resident).get(reverse("lifecircle:siting")).status_code == 403


def test_infeasible_cover_everyone_names_the_areas(network_zone, planner):
    from gaoxin.places.models import ResidentialArea

    area = ResidentialArea.objects.get(code="RA-CW-01")
    area.gates = [[116.70, 35.30]]  # a gate far from every street
    area.save()
    with pytest.raises(services.EvaluationError, match="崇文小区"):
        queries.propose_sites(actor=planner, zone=network_zone, type_code="day_care_center", p=None)


def test_closing_a_facility_in_a_scenario_shows_what_is_lost(client_of, planner, network_zone):
    area = Facility.objects.get(code="F-GH-KG-1")
    scenario = services.create_scenario(
        actor=planner,
        zone=network_zone,
        name="关闭",
        type_code="kindergarten",
        sites=[{"lon": 116.641, "lat": 35.4102, "gain": 70}],
    )
    c = client_of(planner)
    response = c.post(reverse("lifecircle:scenario_close", args=[scenario.pk]), {"code": "F-LX-KG-1"})
    assert response.status_code == 302 and scenario.closed_facilities.get().code == "F-LX-KG-1"
    cmp = queries.compare_scenario(actor=planner, scenario=scenario)
    kg = next(i for i in cmp["items"] if i["type"] == "kindergarten")
    assert (
        kg["after"] > kg["before"]
    )  # the new kindergarten at 东闸's gate outweighs nothing lost (崇文's was not covering)
    assert Facility.objects.get(code="F-LX-KG-1").status == "open" and area.status == "open"
    bad = c.post(reverse("lifecircle:scenario_close", args=[scenario.pk]), {"code": "NOPE"}, follow=True)
    assert bad.status_code == 200 and scenario.closed_facilities.count() == 1


def test_planned_housing_in_a_scenario_counts_its_residents(client_of, planner, network_zone):
    scenario = services.create_scenario(
        actor=planner, zone=network_zone, name="新小区", type_code="kindergarten", sites=[]
    )
    c = client_of(planner)
    # 1,000 new residents right next to 崇文's kindergarten (F-LX-KG-1 at 116.644, 35.454)
    response = c.post(
        reverse("lifecircle:scenario_housing", args=[scenario.pk]),
        {"name": "崇文新苑", "lon": "116.6441", "lat": "35.4541", "population": "1000"},
    )
    assert response.status_code == 302 and scenario.areas.get().population == 1000
    cmp = queries.compare_scenario(actor=planner, scenario=scenario)
    assert cmp["areas_after"] == cmp["areas"] + 1
    kg = next(i for i in cmp["items"] if i["type"] == "kindergarten")
    assert kg["after"] == pytest.approx(100 * (1350 + 1000) / (3220 + 1000), abs=0.1)
    planned = [ch for ch in cmp["changed"] if ch["before"] is None]
    assert [p["area"].name for p in planned] == ["崇文新苑"]
    bad = c.post(
        reverse("lifecircle:scenario_housing", args=[scenario.pk]),
        {"lon": "x", "lat": "35", "population": "5"},
        follow=True,
    )
    assert bad.status_code == 200 and scenario.areas.count() == 1
    assert c.get(reverse("lifecircle:scenario", args=[scenario.pk])).status_code == 200


def test_scenario_exports_to_xlsx(client_of, planner, network_zone):
    import io

    import openpyxl

    scenario = services.create_scenario(
        actor=planner,
        zone=network_zone,
        name="导出",
        type_code="day_care_center",
        sites=[{"lon": 116.641, "lat": 35.4105, "gain": 300}],
    )
    response = client_of(planner).get(reverse("lifecircle:scenario", args=[scenario.pk]), {"format": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.worksheets[0]["B1"].value == "导出" and book.worksheets[1].max_row == 2
    assert book.worksheets[2]["A2"].value == "东闸花园"


def test_a_capacitated_site_serves_no_more_than_its_places(network_zone, planner, client_of):
    guanghe = Street.objects.get(code="370871001")
    plain = queries.propose_sites(
        actor=planner, zone=network_zone, type_code="day_care_center", p=1, street=guanghe
    )
    capped = queries.propose_sites(
        actor=planner,
        zone=network_zone,
        type_code="day_care_center",
        p=1,
        street=guanghe,
        capacity_per_site=120,
    )
    assert plain["proposals"][0]["gain"] == 300  # 300 people aged 60+ in 东闸花园
    assert capped["proposals"][0]["gain"] == 120 and capped["covered_after"] == pytest.approx(120)
    page = siting_page(
        client_of(planner),
        {"type": "day_care_center", "street": guanghe.pk, "p": 1, "capacitated": 1, "capacity": 120},
    )
    assert page.status_code == 200 and "120" in page.content.decode()
    bad = siting_page(
        client_of(planner), {"type": "day_care_center", "p": 1, "capacitated": 1, "capacity": "x"}
    )
    assert 'id="siting-error"' in bad.content.decode()


def test_moving_or_resizing_a_facility_in_a_scenario_changes_only_the_scenario(
    client_of, planner, network_zone
):
    scenario = services.create_scenario(
        actor=planner, zone=network_zone, name="搬迁", type_code="kindergarten", sites=[]
    )
    before = next(
        i
        for i in queries.compare_scenario(actor=planner, scenario=scenario)["items"]
        if i["type"] == "kindergarten"
    )
    c = client_of(planner)
    kg = Facility.objects.get(code="F-LX-KG-1")
    # move 柳行中心幼儿园 (it covers 崇文小区: 1,350 of 3,220 residents) about 5 km away
    r = c.post(
        reverse("lifecircle:scenario_change", args=[scenario.pk]),
        {"code": kg.code, "lon": "116.69", "lat": "35.47", "capacity": "90"},
    )
    assert r.status_code == 302 and scenario.changes.get().capacity == 90
    after = next(
        i
        for i in queries.compare_scenario(actor=planner, scenario=scenario)["items"]
        if i["type"] == "kindergarten"
    )
    assert after["before"] == before["before"] == 41.9 and after["after"] < after["before"]
    kg.refresh_from_db()
    assert (kg.lon, kg.lat, kg.capacity) == (116.644, 35.454, 300)  # the registry is untouched
    half = c.post(
        reverse("lifecircle:scenario_change", args=[scenario.pk]),
        {"code": kg.code, "lon": "116.69"},
        follow=True,
    )
    assert half.status_code == 200 and scenario.changes.get().lon == 116.69  # refused, unchanged
    detail = c.get(reverse("lifecircle:scenario", args=[scenario.pk]))
    moved = detail.context["map_data"]["moved"]
    assert detail.status_code == 200 and [(m["name"], m["lon"]) for m in moved] == [(kg.name, 116.69)]
    assert moved[0]["origin"] == list(kg.access_point)
    xlsx = c.get(reverse("lifecircle:scenario", args=[scenario.pk]) + "?format=xlsx")
    assert xlsx.status_code == 200


def test_the_shortest_walk_model_and_the_proposals_export(client_of, planner, network_zone):
    import io

    import openpyxl

    result = queries.propose_sites(
        actor=planner, zone=network_zone, type_code="kindergarten", p=1, median=True
    )
    assert result["model"] == "median" and len(result["proposals"]) == 1
    assert result["walk_after_m"] <= result["walk_before_m"]  # a new site never lengthens the shortest walk
    with pytest.raises(services.EvaluationError):
        queries.propose_sites(actor=planner, zone=network_zone, type_code="kindergarten", p=None, median=True)
    c = client_of(planner)
    page = siting_page(c, {"type": "kindergarten", "p": 1, "model": "median"})
    assert 'id="walks"' in page.content.decode()
    xlsx = siting_page(c, {"type": "day_care_center", "p": 1}, xlsx=True)
    rows = list(openpyxl.load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[-1][0] == 1 and rows[-1][4] > 0  # one proposed site with the people it adds


def test_capacitated_cover_everyone_and_shortest_walk(network_zone, planner, client_of):
    guanghe = Street.objects.get(code="370871001")
    kwargs = {"actor": planner, "zone": network_zone, "type_code": "day_care_center", "street": guanghe}
    # 300 people aged 60+ in 东闸花园, 120 places per new day-care centre: three sites at least
    everyone = queries.propose_sites(p=None, capacity_per_site=120, **kwargs)
    assert len(everyone["proposals"]) == 3 and everyone["covered_after"] == pytest.approx(300)
    assert sum(s["gain"] for s in everyone["proposals"]) == 300
    assert all(s["gain"] <= 120 for s in everyone["proposals"])
    # one place per site: the candidate points within 300 m cannot hold them all
    with pytest.raises(services.EvaluationError, match="东闸花园") as err:
        queries.propose_sites(p=None, capacity_per_site=1, **kwargs)
    assert "名额" in str(err.value) or "places" in str(err.value)
    walk = queries.propose_sites(p=1, capacity_per_site=120, median=True, **kwargs)
    assert walk["model"] == "median" and walk["proposals"][0]["gain"] == 120  # people it serves
    assert walk["covered_after"] == pytest.approx(120) and walk["reached_after"] == pytest.approx(120)
    page = siting_page(
        client_of(planner),
        {"type": "day_care_center", "street": guanghe.pk, "capacitated": 1, "capacity": 120},
    )
    assert page.status_code == 200 and page.content.decode().count('name="site"') == 3


def test_saved_scenarios_are_listed_shared_and_deleted_by_planners(
    client_of, planner, guanghe_staff, resident, network_zone
):
    guanghe = Street.objects.get(code="370871001")
    c = client_of(planner)
    page = siting_page(
        c, {"type": "day_care_center", "street": guanghe.pk, "p": 1, "capacitated": 1, "capacity": 120}
    )
    site = page.context["proposal"]["proposals"][0]
    assert 'name="capacity" value="120"' in page.content.decode()  # the places travel with the sites
    c.post(
        reverse("lifecircle:scenario_create"),
        {
            "type": "day_care_center",
            "name": "日照 120 张床",
            "capacity": "120",
            "site": [f"{site['lon']},{site['lat']},{site['gain']}"],
        },
    )
    scenario = Scenario.objects.get()
    assert scenario.added.get().capacity == 120
    detail = c.get(reverse("lifecircle:scenario", args=[scenario.pk])).content.decode()
    assert 'id="without-places"' not in detail
    listing = c.get(reverse("lifecircle:scenarios")).content.decode()
    assert "日照 120 张床" in listing and reverse("lifecircle:scenario", args=[scenario.pk]) in listing
    # shared: street staff (who can view the circle) see the list and the scenario, but cannot delete it
    staff = client_of(guanghe_staff)
    assert "日照 120 张床" in staff.get(reverse("lifecircle:scenarios")).content.decode()
    assert staff.post(reverse("lifecircle:scenario_delete", args=[scenario.pk])).status_code == 403
    assert client_of(resident).get(reverse("lifecircle:scenarios")).status_code == 403
    # a tampered type is a message, not a server error
    bad = client_of(planner).post(
        reverse("lifecircle:scenario_create"), {"type": "nope", "site": ["116.6,35.4,1"]}, follow=True
    )
    assert bad.status_code == 200 and Scenario.objects.count() == 1
    gone = client_of(planner).post(reverse("lifecircle:scenario_delete", args=[scenario.pk]), follow=True)
    assert gone.status_code == 200 and not Scenario.objects.exists()


def test_sites_of_another_type_join_a_saved_scenario(client_of, planner, network_zone):
    guanghe = Street.objects.get(code="370871001")
    c = client_of(planner)
    first = siting_page(c, {"type": "day_care_center", "street": guanghe.pk, "p": 1})
    site = first.context["proposal"]["proposals"][0]
    c.post(
        reverse("lifecircle:scenario_create"),
        {
            "type": "day_care_center",
            "name": "东闸养老",
            "site": [f"{site['lon']},{site['lat']},{site['gain']}"],
        },
    )
    scenario = Scenario.objects.get()
    second = siting_page(c, {"type": "community_canteen", "street": guanghe.pk, "p": 1})
    assert f'<option value="{scenario.pk}">东闸养老</option>' in second.content.decode()
    site = second.context["proposal"]["proposals"][0]
    response = c.post(
        reverse("lifecircle:scenario_create"),
        {
            "type": "community_canteen",
            "scenario": scenario.pk,
            "site": [f"{site['lon']},{site['lat']},{site['gain']}"],
        },
    )
    assert response["Location"] == reverse("lifecircle:scenario", args=[scenario.pk])
    assert Scenario.objects.count() == 1
    assert sorted(scenario.added.values_list("facility_type__code", flat=True)) == [
        "community_canteen",
        "day_care_center",
    ]
    cmp = c.get(response["Location"]).context["cmp"]
    raised = {i["type"] for i in cmp["items"] if i["after"] > i["before"]}
    assert {"community_canteen", "day_care_center"} <= raised


def test_a_budget_that_is_not_a_whole_number_is_reported(client_of, planner, network_zone):
    for bad in ("-1", "3.5", "三"):
        page = siting_page(client_of(planner), {"type": "day_care_center", "p": bad})
        assert page.status_code == 200 and 'id="siting-error"' in page.content.decode()
        assert "proposal" not in page.context


def test_a_proposed_site_gets_its_places_or_leaves_the_scenario(
    client_of, planner, guanghe_staff, network_zone
):
    guanghe = Street.objects.get(code="370871001")
    result = queries.propose_sites(
        actor=planner, zone=network_zone, type_code="day_care_center", p=1, street=guanghe
    )
    scenario = services.create_scenario(
        actor=planner, zone=network_zone, name="床位", type_code="day_care_center", sites=result["proposals"]
    )
    site = scenario.added.get()
    url = reverse("lifecircle:scenario_site", args=[scenario.pk, site.pk])
    assert client_of(guanghe_staff).post(url, {"capacity": "80"}).status_code == 403
    c = client_of(planner)
    c.post(url, {"capacity": "80", "save": ""})
    site.refresh_from_db()
    assert site.capacity == 80
    page = c.get(reverse("lifecircle:scenario", args=[scenario.pk]))
    ratio = next(i for i in page.context["cmp"]["items"] if i["type"] == "day_care_center")
    assert ratio["ratio_after"] > ratio["ratio_before"]  # 80 beds count for the supply against the norm
    bad = c.post(url, {"capacity": "-3", "save": ""}, follow=True)
    assert bad.status_code == 200 and "0" in str(list(bad.context["messages"])[0])
    site.refresh_from_db()
    assert site.capacity == 80
    c.post(url, {"remove": "1"})
    assert not scenario.added.exists()


def test_a_scenario_for_one_street_shows_that_street_first(client_of, planner, network_zone):
    guanghe = Street.objects.get(code="370871001")
    proposal = queries.propose_sites(
        actor=planner, zone=network_zone, type_code="day_care_center", p=1, street=guanghe
    )
    c = client_of(planner)
    sites = [f"{s['lon']},{s['lat']},{s['gain']}" for s in proposal["proposals"]]
    answer = c.post(
        reverse("lifecircle:scenario_create"),
        {"type": "day_care_center", "site": sites, "name": "洸河日照", "street": guanghe.pk},
    )
    scenario = Scenario.objects.get(name="洸河日照")
    assert answer.status_code == 302 and scenario.street == guanghe
    cmp = queries.compare_scenario(actor=planner, scenario=scenario)
    focus = cmp["focus"]
    assert focus["areas"] == 1 and cmp["areas"] == 2  # 东闸花园 of 洸河; the zone has 崇文小区 too
    street_row = next(i for i in focus["items"] if i["type"] == "day_care_center")
    zone_row = next(i for i in cmp["items"] if i["type"] == "day_care_center")
    assert street_row["after"] == 100.0 and zone_row["after"] < street_row["after"]
    page = c.get(reverse("lifecircle:scenario", args=[scenario.pk])).content.decode()
    assert 'id="passing-street"' in page and "洸河街道" in page


def test_the_page_the_api_and_the_server_cap_the_new_sites_alike(client_of, planner, zone):  # type: ignore[no-untyped-def]
    c = client_of(planner)
    too_many = queries.MAX_NEW_SITES + 1
    answer = c.post(
        "/api/lifecircle/siting",
        {"type": "kindergarten", "p": too_many},
        content_type="application/json",
    )
    assert answer.status_code == 422
    page = c.get("/lifecircle/siting/", {"type": "kindergarten", "p": too_many})
    assert page.status_code == 200 and f'max="{queries.MAX_NEW_SITES}"' in page.content.decode()
    assert str(queries.MAX_NEW_SITES) in str(page.context["error"])
    with pytest.raises(EvaluationError):
        queries.propose(planner, zone, queries.SitingRequest(type_code="kindergarten", p=too_many))
