"""Idle and low-efficiency land through the registry: flags, page, map data, export, access."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from gaoxin.parks import queries, services
from gaoxin.parks.models import LandParcel, Park
from tests.parks.conftest import enterprise

SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[116.66, 35.40], [116.661, 35.40], [116.661, 35.401], [116.66, 35.401], [116.66, 35.40]]
    ],
}


@pytest.fixture
def land(evaluation_2025):  # type: ignore[no-untyped-def]
    services.score(None, evaluation_2025)
    LandParcel.objects.create(
        park=Park.objects.get(code="equip"),
        code="IDLE-1",
        area_m2=Decimal("40000"),
        contract_start_by=dt.date(2024, 3, 1),
        land_price_yuan=Decimal("9600000"),
        geometry=SQUARE,
    )
    e3 = LandParcel.objects.get(uses__enterprise=enterprise("E3"))
    e3.completed_on, e3.plot_ratio, e3.contracted_tax_per_mu_yuan = (
        dt.date(2016, 1, 1),
        Decimal("0.7"),
        Decimal("30000"),
    )
    e3.save()
    return evaluation_2025


def test_flags_come_from_the_rule_and_the_evaluation(land) -> None:  # type: ignore[no-untyped-def]
    rows = {r["parcel"].code: r for r in queries.land_rows(land.zone_id, land, dt.date(2025, 3, 2))}
    idle = rows["IDLE-1"]["flags"]
    assert (idle.idle, idle.idle_years, idle.idle_fee_yuan, idle.reclaimable) == (True, 1, 1_920_000.0, False)
    e3 = next(r for r in rows.values() if enterprise("E3") in r["users"])
    # E3: 1.5 万元/亩 against a pool mean of 10 and a contract of 3; plot ratio 0.7; class D
    assert e3["klass"] == "D"
    assert set(e3["flags"].low_efficiency) == {"tax_below_average", "tax_below_contract", "plot_ratio"}
    assert not rows["IDLE-1"]["flags"].low_efficiency
    before = queries.land_rows(land.zone_id, land, dt.date(2025, 3, 1))
    assert not any(r["flags"].idle for r in before)  # the anniversary itself: the year is not yet passed


def test_the_land_page_map_data_and_export(client_of, park_staff, land) -> None:  # type: ignore[no-untyped-def]
    c = client_of(park_staff)
    page = c.get(reverse("parks:land") + "?flag=idle")
    assert page.status_code == 200 and "IDLE-1" in page.content.decode()
    data = c.get(reverse("parks:land") + "?format=geojson").json()
    feature = next(f for f in data["features"] if f["properties"]["code"] == "IDLE-1")
    assert feature["properties"]["idle"] is True and feature["geometry"]["type"] == "Polygon"
    book = openpyxl.load_workbook(io.BytesIO(c.get(reverse("parks:land") + "?flag=idle&format=xlsx").content))
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == "IDLE-1" and rows[1][7] == 1_920_000
    since = book.active.cell(row=2, column=7)  # 闲置起算日: a day, shown without a time of day
    assert since.value.date() == rows[1][6].date() and since.number_format == "yyyy-mm-dd"


def test_an_enterprise_and_a_planner_cannot_open_the_land_page(client_of, e1_user, planner, land) -> None:  # type: ignore[no-untyped-def]
    assert client_of(e1_user).get(reverse("parks:land")).status_code == 403
    assert client_of(planner).get(reverse("parks:land") + "?format=geojson").status_code == 403
