"""Siting with money and several types, the coverage curve and the longest walk, end to end on the
hand-made zone: the page (as a job), the API, the xlsx."""

import io
from decimal import Decimal

import openpyxl
import pytest

from gaoxin.lifecircle import queries
from gaoxin.lifecircle.analysis import EvaluationError
from gaoxin.places.models import Street
from tests.lifecircle.conftest import siting_page


def _guanghe() -> Street:
    return Street.objects.get(code="370871001")


def test_a_canteen_and_a_day_care_centre_together_under_a_budget(network_zone, planner):
    costs = (
        ("community_canteen", Decimal(400_000), Decimal(100_000)),
        ("day_care_center", Decimal(800_000), Decimal(200_000)),
    )
    ask = queries.SitingRequest(
        type_code="community_canteen",
        also=("day_care_center",),
        street=_guanghe(),
        budget_yuan=Decimal(5_000_000),
        costs_yuan=costs,
        years=5,
        land_yuan=Decimal(1_000_000),
    )
    plan = queries.propose(planner, network_zone, ask)
    assert plan["model"] == "plan" and [t["code"] for t in plan["types"]] == [
        "community_canteen",
        "day_care_center",
    ]
    # one lot for both (the land once: 100 + 40 + 5 × 10 + 80 + 5 × 20 = 370 万元) reaches the area's 300 elderly
    assert len(plan["proposals"]) == 1
    site = plan["proposals"][0]
    assert sorted(site["types"]) == sorted(t["label"] for t in plan["types"])
    assert site["cost_yuan"] == 3_700_000 and plan["cost_yuan"] == 3_700_000
    assert [t["after"] for t in plan["types"]] == [t["total"] for t in plan["types"]]
    assert [pt["sites"] for pt in plan["curve"]] == [0, 1]
    assert plan["curve"][0]["total"] == 0 and plan["curve"][1]["cost_yuan"] == 3_700_000
    # 10 yuan short of both: the day-care centre (the dearer, reaching the same people) waits
    short = queries.propose(
        planner, network_zone, ask.__class__(**{**ask.__dict__, "budget_yuan": Decimal(3_699_990)})
    )
    assert [t["new_sites"] for t in short["types"]] == [1, 0] and short["cost_yuan"] == 1_900_000
    # no money: nothing is built, and the answer says what today reaches
    none = queries.propose(
        planner, network_zone, ask.__class__(**{**ask.__dict__, "budget_yuan": Decimal(0)})
    )
    assert none["proposals"] == [] and none["cost_yuan"] == 0


def test_the_plan_on_the_page_with_its_curve_and_its_workbook(client_of, planner, network_zone):
    c = client_of(planner)
    params = {
        "type": "community_canteen",
        "type2": "day_care_center",
        "street": _guanghe().pk,
        "budget": "500",
        "build": "40",
        "running": "10",
        "build2": "80",
        "running2": "20",
        "years": "5",
        "land": "100",
        "colocate": "1",
    }
    page = siting_page(c, params)
    html = page.content.decode()
    assert page.status_code == 200 and 'id="plan-summary"' in html and 'id="coverage-curve"' in html
    assert "370" in html and "500" in html  # spent and the budget, in 万元
    assert page.context["several_types"] and 'name="site"' not in html  # a scenario holds one type
    book = openpyxl.load_workbook(io.BytesIO(siting_page(c, params, xlsx=True).content))
    assert len(book.sheetnames) == 3
    types = list(book.worksheets[1].iter_rows(values_only=True))
    assert [r[0] for r in types[1:]] == [t["label"] for t in page.context["proposal"]["types"]]
    curve = list(book.worksheets[2].iter_rows(values_only=True))
    assert [r[0] for r in curve[1:]] == [0, 1] and curve[2][1] > curve[1][1]
    first = list(book.worksheets[0].iter_rows(values_only=True))
    assert first[-1][0] == 1 and first[-1][6] == 370  # the site's cost in 万元


@pytest.mark.parametrize(
    "extra, field",
    [
        ({"budget": "-5"}, "budget"),
        ({"budget": "abc"}, "budget"),
        ({"budget": "1e99"}, "budget"),
        ({"budget": "100", "model": "median", "p": "1"}, "model"),
        ({"type2": "day_care_center"}, "budget"),  # several types need money or a number of sites
        ({"budget": "100", "years": "0"}, "years"),
        ({"budget": "100", "min_share": "120"}, "min_share"),
        ({"model": "center"}, "p"),
    ],
)
def test_plan_input_mistakes_are_reported_on_the_page(client_of, planner, network_zone, extra, field):
    c = client_of(planner)
    page = c.get("/lifecircle/siting/", {"type": "community_canteen", "street": _guanghe().pk} | extra)
    assert page.status_code == 200 and page.context["error"], field


def test_the_coverage_curve_of_the_maximal_covering_model(network_zone, planner):
    result = queries.propose(planner, network_zone, queries.SitingRequest(type_code="day_care_center", p=2))
    curve = result["curve"]
    assert [pt["sites"] for pt in curve] == [0, 1, 2]
    totals = [pt["total"] for pt in curve]
    assert totals == sorted(totals) and totals[-1] == result["covered_after"]
    assert totals[0] == result["covered_before"]
    assert [pt["added"] for pt in curve[1:]] == [totals[1] - totals[0], totals[2] - totals[1]]


def test_the_longest_walk_model(network_zone, planner, client_of):
    ask = queries.SitingRequest(type_code="day_care_center", p=2, center=True)
    result = queries.propose(planner, network_zone, ask)
    assert result["model"] == "center" and result["longest_after_m"] is not None
    assert result["longest_before_m"] is None  # no day-care centre today
    assert result["sites_used"] == 2 and len(result["proposals"]) == 2  # the areas lie 4.5 km apart
    with pytest.raises(EvaluationError) as exc:  # one site cannot reach both areas, 4.5 km apart
        queries.propose(
            planner, network_zone, queries.SitingRequest(type_code="day_care_center", p=1, center=True)
        )
    assert "2" in str(exc.value)
    page = siting_page(client_of(planner), {"type": "day_care_center", "p": 2, "model": "center"})
    assert 'id="longest"' in page.content.decode()


def test_the_api_plans_with_money(client_of, planner, network_zone):
    c = client_of(planner)
    body = {
        "type": "community_canteen",
        "also_types": ["day_care_center"],
        "street_id": _guanghe().pk,
        "budget_yuan": 5_000_000,
        "costs": [
            {"type": "community_canteen", "build_yuan": 400_000, "running_yuan_per_year": 100_000},
            {"type": "day_care_center", "build_yuan": 800_000, "running_yuan_per_year": 200_000},
        ],
        "years": 5,
        "land_yuan": 1_000_000,
    }
    r = c.post("/api/lifecircle/siting", data=body, content_type="application/json")
    assert r.status_code == 200, r.content
    out = r.json()
    assert out["model"] == "plan" and out["cost_yuan"] == 3_700_000 and len(out["curve"]) == 2
    for bad in (
        {"budget_yuan": -1},
        {"years": 0},
        {"min_street_share": 2},
        {"also_types": ["a", "b", "c", "d"]},
    ):
        assert (
            c.post("/api/lifecircle/siting", data=body | bad, content_type="application/json").status_code
            == 422
        )
    unknown = c.post(
        "/api/lifecircle/siting", data=body | {"also_types": ["nope"]}, content_type="application/json"
    )
    assert unknown.status_code == 400 and unknown.json()["error"] == "siting_failed"
