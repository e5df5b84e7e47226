"""The 同步 ledger end to end: the rule at its boundaries, shared kindergartens, who sees what, the page,
the API and the xlsx ledger."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from gaoxin.education import queries
from tests.education.conftest import TODAY, day, make_development, make_kindergarten

pytestmark = pytest.mark.django_db


def _rows(edu, user=None):  # type: ignore[no-untyped-def]
    return {r.development.code: r for r in queries.ledger(user, edu["zone"], TODAY).rows}


def test_delivered_the_same_day_is_with_the_housing_a_day_later_is_not(edu):  # type: ignore[no-untyped-def]
    dates = {"permit_on": day(-900), "started_on": day(-700), "delivered_on": day(-30)}
    same = make_kindergarten(edu, "K1", **dates)
    late = make_kindergarten(edu, "K2", **{**dates, "delivered_on": day(-29)})
    make_development(edu, "D1", kindergarten=same, started_on=day(-700), delivered_on=day(-30))
    make_development(edu, "D2", kindergarten=late, started_on=day(-700), delivered_on=day(-30))
    rows = _rows(edu)
    assert [c.state for c in rows["D1"].sync.stages] == ["on_time"] * 3 and not rows["D1"].sync.breaks
    delivered = rows["D2"].sync.stages[2]
    assert (delivered.state, delivered.days_late) == ("late", 1) and rows["D2"].sync.breaks


def test_places_required_short_and_missing(edu):  # type: ignore[no-untyped-def]
    # 1,000 dwellings × 2.6 × 0.9 = 2,340 residents × 35 ‰ = 81.9 → 82 places, 3 classes: its own
    small = make_kindergarten(edu, "K1", classes=2, permit_on=day(-900))
    make_development(edu, "D1", kindergarten=small)
    make_development(edu, "D2", street="liuxing")
    rows = _rows(edu)
    assert rows["D1"].sync.places_required == 82 and rows["D1"].requirement.own
    assert rows["D1"].sync.places_provided == 60 and rows["D1"].sync.places_short == 22
    assert rows["D2"].sync.missing and rows["D2"].sync.places_short == 82
    assert rows["D2"].sync.stages[0].state == "missing" and rows["D2"].sync.stages[0].days_late == 900
    totals = queries.ledger(None, edu["zone"], TODAY).totals
    assert totals["breaking"] == 2 and totals["short"] == 104 and totals["missing"] == 1


def test_a_shared_kindergarten_splits_its_places_by_what_each_development_requires(edu):  # type: ignore[no-untyped-def]
    shared = make_kindergarten(edu, "K1", classes=1, permit_on=day(-900))  # 30 places
    make_development(edu, "D1", dwellings=300, kindergarten=shared)  # 702 residents → 25 places, 1 class
    make_development(edu, "D2", dwellings=200, kindergarten=shared, street="liuxing")  # 468 → 17 places
    rows = _rows(edu)
    assert not rows["D1"].requirement.own and not rows["D2"].requirement.own
    # 42 places required of 30: each gets its share, floor(30 × 25/42) = 17 and floor(30 × 17/42) = 12
    assert (rows["D1"].sync.places_provided, rows["D2"].sync.places_provided) == (17, 12)
    case = next(
        c for c in queries.ledger(None, edu["zone"], TODAY).kindergartens if c["kindergarten"] == shared
    )
    assert case["required"] == 42 and case["short"] == 12 and case["breaks"]


def test_street_staff_see_their_street_with_the_whole_split(edu, guanghe_staff, client_of):  # type: ignore[no-untyped-def]
    shared = make_kindergarten(edu, "K1", classes=1, permit_on=day(-900))
    d1 = make_development(edu, "D1", dwellings=300, kindergarten=shared)
    d2 = make_development(edu, "D2", dwellings=200, kindergarten=shared, street="liuxing")
    rows = _rows(edu, guanghe_staff)
    assert list(rows) == ["D1"] and rows["D1"].sync.places_provided == 17
    c = client_of(guanghe_staff)
    assert c.get(reverse("education:development", args=[d1.pk])).status_code == 200
    assert c.get(reverse("education:development", args=[d2.pk])).status_code == 404
    page = c.get(reverse("education:ledger")).content.decode()
    assert "项目D1" in page and "项目D2" not in page
    # street staff read, never write
    assert c.get(reverse("education:development_new")).status_code == 403


def test_acceptance_is_held_before_and_flagged_after(edu):  # type: ignore[no-untyped-def]
    kg = make_kindergarten(edu, "K1", permit_on=day(-900), started_on=day(-700))
    make_development(edu, "D1", kindergarten=kg, started_on=day(-700), acceptance_planned=day(90))
    make_development(edu, "D2", kindergarten=kg, started_on=day(-700), acceptance_planned=day(91))
    make_development(edu, "D3", kindergarten=kg, started_on=day(-700), accepted_on=day(-1))
    rows = _rows(edu)
    assert rows["D1"].sync.hold_acceptance and not rows["D2"].sync.hold_acceptance
    assert rows["D3"].sync.accepted_without and rows["D3"].sync.breaks


def test_the_page_the_api_and_the_xlsx_tell_the_same(edu, client_of):  # type: ignore[no-untyped-def]
    kg = make_kindergarten(edu, "K1", classes=2, permit_on=day(-900))
    make_development(edu, "D1", kindergarten=kg)
    c = client_of(edu["leader"])
    page = c.get(reverse("education:ledger")).content.decode()
    assert 'id="kpi-short">22<' in page and "项目D1" in page
    api = c.get("/api/education/ledger").json()
    assert api[0]["places_short"] == 22 and api[0]["breaks_rule"] is True
    assert c.get("/api/education/ledger", {"street": 999999}).json() == []
    data = c.get(reverse("education:ledger"), {"format": "xlsx"}).content
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert row["学位缺口"] == 22 and row["住宅项目"] == "项目D1" and row["未落实“同步”"] == "是"


@pytest.mark.parametrize("who", ["doctor"])
def test_others_see_nothing(edu, client_of, who, resident):  # type: ignore[no-untyped-def]
    for user in (edu[who], resident):
        c = client_of(user)
        assert c.get(reverse("education:ledger")).status_code == 403
        assert c.get("/api/education/ledger").status_code == 403
