"""Children and places five years ahead, catchments and new schools: the forecast with housing, the
places short per school, an exact catchment that keeps every school within its places, publishing it,
and a proposal for a new school — through the pages, the jobs and the API."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from gaoxin.education import queries, services
from gaoxin.education.models import Catchment, CatchmentPlan
from gaoxin.places.models import Facility, ResidentialArea
from tests.education.conftest import TODAY, day, make_development

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year  # the forms and the API plan from this year on


def test_housing_delivered_next_year_adds_its_children_there(edu):  # type: ignore[no-untyped-def]
    base = queries.zone_forecast(None, edu["zone"], TODAY)
    # 1,000 dwellings × 2.6 × 0.9 = 2,340 residents delivered in 2027 to 东闸花园
    make_development(edu, "D1", delivery_planned=day(200))
    dev = queries.zone_forecast(None, edu["zone"], TODAY)
    i = [a.code for a in dev.areas].index("RA-DZ-01")
    assert dev.years == list(range(2026, 2032))
    assert dev.by_age[0, i].sum() == pytest.approx(base.by_age[0, i].sum())  # nothing yet this year
    shares = base.by_age[0].sum(axis=0) / sum(a.population for a in base.areas)
    added = dev.by_age[1, i] - base.by_age[1, i]
    assert added[1:] == pytest.approx(2340 * shares[1:])  # the zone's age structure
    assert added[0] == pytest.approx(2340 * 7.0 / 1000)  # and its births
    # already delivered: in the register, not added again
    make_development(edu, "D2", delivered_on=day(-10))
    again = queries.zone_forecast(None, edu["zone"], TODAY)
    assert again.by_age[1, i].sum() == pytest.approx(dev.by_age[1, i].sum())


def test_places_short_per_school_and_year(edu, client_of):  # type: ignore[no-untyped-def]
    outlook = queries.places_outlook(None, edu["zone"], "primary", TODAY)
    dz = next(s for s in outlook["schools"] if s["school"] == edu["dz_school"])
    # no catchment published: each area to its nearest school; 东闸花园 has 300 primary children of 270 places
    assert dz["years"][0] == {"children": 300.0, "places": 270.0, "balance": -30.0}
    assert outlook["short_schools"] == 1 and outlook["zone"][0]["children"] == 420
    c = client_of(edu["leader"])
    page = c.get(reverse("education:forecast"), {"level": "primary"}).content.decode()
    assert "东闸小学" in page and "-30" in page
    api = c.get("/api/education/places", {"level": "primary"}).json()
    assert api["schools"][0]["years"][0]["balance"] == -30
    assert c.get("/api/education/places", {"level": "senior"}).status_code == 422
    sheet = openpyxl.load_workbook(
        io.BytesIO(c.get(reverse("education:forecast"), {"format": "xlsx"}).content)
    ).active
    assert sheet.max_row == 3  # the header and the two schools


def _compute(client, **form):  # type: ignore[no-untyped-def]
    answer = client.post(
        reverse("education:catchments"), {"level": "primary", "year": YEAR, "objective": "total", **form}
    )
    assert answer.status_code == 302 and answer["Location"].startswith("/jobs/"), answer.content[:500]
    job = client.get(answer["Location"].rstrip("/") + "/status.json").json()
    assert job["status"] == "done", job
    return CatchmentPlan.objects.get(pk=job["result"]["plan"])


def test_a_catchment_keeps_every_school_within_its_places(edu, client_of, planner):  # type: ignore[no-untyped-def]
    # a third area near 东闸 whose 200 children do not fit 东闸小学 beside 东闸花园's 300 (420 places);
    # 崇文小学 (300 places, 120 of its own) has no room for them: it stays without a place, the fewest so
    Facility.objects.filter(pk=edu["dz_school"].pk).update(capacity=420)
    Facility.objects.filter(pk=edu["cw_school"].pk).update(capacity=300)
    ResidentialArea.objects.create(
        code="RA-DZ-02", name="东闸新苑", community=ResidentialArea.objects.get(code="RA-DZ-01").community,
        center_lon=116.642, center_lat=35.412, pop_6_11=200, population=1200,
    )  # fmt: skip
    profile = edu["profile"]
    profile.primary_radius_m = 100  # so that a walk of a few hundred metres is flagged
    profile.save()
    c = client_of(planner)
    plan = _compute(c)
    rows = {r.area.code: r for r in plan.rows.select_related("school", "area")}
    assert rows["RA-DZ-01"].school_id == edu["dz_school"].pk and rows["RA-DZ-01"].children == 300
    assert rows["RA-CW-01"].school_id == edu["cw_school"].pk
    assert rows["RA-DZ-02"].school_id is None and rows["RA-DZ-02"].children == 200
    assert rows["RA-DZ-01"].beyond and rows["RA-DZ-01"].distance_m > 100
    assert plan.total_m == pytest.approx(
        300 * rows["RA-DZ-01"].distance_m + 120 * rows["RA-CW-01"].distance_m
    )
    page = c.get(reverse("education:plan", args=[plan.pk])).content.decode()
    assert 'id="unplaced">1<' in page and "东闸新苑" in page
    geo = c.get(reverse("education:plan", args=[plan.pk]), {"format": "geojson"}).json()
    assert {f["properties"]["kind"] for f in geo["features"]} == {"school", "area"}
    sheet = openpyxl.load_workbook(
        io.BytesIO(c.get(reverse("education:plan", args=[plan.pk]), {"format": "xlsx"}).content)
    ).active
    assert sheet.max_row == 4
    # the planner proposes; only the education bureau publishes
    assert c.post(reverse("education:plan_publish", args=[plan.pk])).status_code == 403
    staff = client_of(edu["staff"])
    assert staff.post(reverse("education:plan_publish", args=[plan.pk])).status_code == 302
    plan.refresh_from_db()
    assert plan.status == "current"
    # a second plan (the longest walk least) is compared with the current one
    second = _compute(staff, objective="longest")
    detail = queries.plan_detail(None, edu["zone"], second.pk)
    assert detail["current"] == plan and second.longest_m <= plan.longest_m
    staff.post(reverse("education:plan_publish", args=[second.pk]))
    plan.refresh_from_db()
    assert plan.status == "proposed" and CatchmentPlan.objects.filter(status="current").count() == 1


def test_places_running_out_leave_the_fewest_children_unplaced(edu, planner):  # type: ignore[no-untyped-def]
    Facility.objects.filter(pk=edu["dz_school"].pk).update(capacity=200)
    Facility.objects.filter(pk=edu["cw_school"].pk).update(capacity=150)
    plan = services.compute_catchments(planner, edu["zone"], level="primary", year=2026, today=TODAY)
    rows = {r.area.code: r for r in Catchment.objects.filter(plan=plan).select_related("area")}
    # 300 + 120 children, 350 places: 东闸花园 cannot be placed whole anywhere
    assert rows["RA-DZ-01"].school_id is None and rows["RA-CW-01"].school_id is not None
    assert queries.plan_detail(None, edu["zone"], plan.pk)["unplaced"] == 1


def test_the_catchment_form_and_api_refuse_bad_input(edu, client_of, planner):  # type: ignore[no-untyped-def]
    c = client_of(planner)
    for bad in ({"year": 2040}, {"year": "x"}, {"level": "senior"}, {"objective": "fastest"}):
        answer = c.post(
            reverse("education:catchments"), {"level": "primary", "year": YEAR, "objective": "total", **bad}
        )
        assert answer.status_code == 200 and CatchmentPlan.objects.count() == 0
    assert (
        c.post("/api/education/catchments", {"year": 2040}, content_type="application/json").status_code
        == 400
    )
    assert (
        c.post("/api/education/catchments", {"level": "x"}, content_type="application/json").status_code
        == 422
    )
    answer = c.post(
        "/api/education/catchments",
        {"year": YEAR + 1, "objective": "longest"},
        content_type="application/json",
    )
    assert answer.status_code == 202
    plan_id = c.get(answer.json()["status_url"]).json()["result"]["plan"]
    got = c.get(f"/api/education/catchments/{plan_id}").json()
    assert got["year"] == YEAR + 1 and len(got["rows"]) == 2
    default = c.post("/api/education/catchments", {}, content_type="application/json")
    assert default.status_code == 202  # this year, the least total walk
    plan_id = c.get(default.json()["status_url"]).json()["result"]["plan"]
    assert CatchmentPlan.objects.get(pk=plan_id).year == YEAR
    assert (
        client_of(edu["leader"])
        .post("/api/education/catchments", {}, content_type="application/json")
        .status_code
        == 403
    )


def test_a_new_school_is_proposed_where_places_run_short(edu, client_of, planner):  # type: ignore[no-untyped-def]
    Facility.objects.filter(pk=edu["dz_school"].pk).update(capacity=100)
    c = client_of(planner)
    answer = c.post(
        reverse("education:siting"), {"level": "primary", "year": YEAR + 1, "sites": 1, "places": 600}
    )
    assert answer.status_code == 302
    job = c.get(answer["Location"].rstrip("/") + "/status.json").json()
    assert job["status"] == "done", job
    page = c.get(job["result_url"])
    result = page.context["result"]
    assert len(result["sites"]) == 1 and "东闸花园" in result["sites"][0]["areas"]
    # 东闸花园's 300 children (and more next year) of 100 places: the new school takes the rest
    assert result["short_schools"] == ["东闸小学"] and result["unplaced_after"] < result["unplaced_before"]
    assert result["unplaced_after"] == pytest.approx(0, abs=1e-6) and result["mean_walk_m"] > 0
    assert "东闸花园" in page.content.decode()
    # leaders read; proposing is for planners
    assert (
        client_of(edu["leader"])
        .post(reverse("education:siting"), {"level": "primary", "year": YEAR + 1, "sites": 1, "places": 600})
        .status_code
        == 403
    )
