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


def test_an_idle_parcel_goes_from_investigation_to_taken_back_with_its_documents(  # type: ignore[no-untyped-def]
    land, client_of, park_staff, leader, e1_user
) -> None:
    from gaoxin.parks.models import IdleLandCase

    parcel = LandParcel.objects.get(code="IDLE-1")  # contracted start 2024-03-01, not started
    c = client_of(park_staff)
    cases_url = reverse("parks:idle_cases")
    page = c.get(cases_url)
    assert page.status_code == 200 and "IDLE-1" in page.content.decode()  # a candidate without a case
    # opened 2026-03-05 (idle two full years since 2026-03-02): the notice's answer is due 30 days later
    r = c.post(cases_url, {"parcel": parcel.pk, "on": "2026-03-05", "note": "现场核查"})
    case = IdleLandCase.objects.get(parcel=parcel)
    assert r.status_code == 302 and r["Location"] == reverse("parks:idle_case", args=[case.pk])
    (notice,) = case.documents.all()
    assert notice.number == "济高新闲调〔2026〕1号" and notice.due_on == dt.date(2026, 4, 4)
    url = reverse("parks:idle_case", args=[case.pk])
    steps = [
        {"action": "determine", "on": "2026-04-10", "government_cause": "0", "note": "企业原因"},
        {"action": "decide_fee", "on": "2026-04-20"},
        {"action": "record_payment", "on": "2026-05-10"},
        {"action": "reclaim", "on": "2026-06-01"},
    ]
    for step in steps:
        assert c.post(url, step).status_code == 302, step
    case.refresh_from_db()
    assert case.stage == "reclaimed" and case.closed_on == dt.date(2026, 6, 1)
    assert case.fee_yuan == Decimal("1920000.00")  # 20 % of 9,600,000
    docs = list(case.documents.order_by("issued_on"))
    assert [d.kind for d in docs] == [
        "investigation",
        "determination",
        "fee_decision",
        "payment",
        "reclamation",
    ]
    assert docs[2].due_on == dt.date(2026, 5, 20) and docs[4].number == "济高新闲收〔2026〕1号"
    detail = c.get(url).content.decode()
    assert "收回国有建设用地使用权决定书" in detail and 'id="next-step"' not in detail  # final
    ledger = openpyxl.load_workbook(io.BytesIO(c.get(cases_url, {"format": "xlsx"}).content))
    assert len(ledger.sheetnames) == 2 and ledger.worksheets[1].max_row == 6
    # a leader reads, an enterprise does not
    assert client_of(leader).get(url).status_code == 200
    # land taken back is no candidate for a new case
    c = client_of(park_staff)  # the test client is shared: log the staff in again
    assert "IDLE-1" not in c.get(cases_url).content.decode().split('id="open-case"')[1]
    with pytest.raises(services.WorkflowError):
        services.open_idle_case(park_staff, parcel, on=dt.date(2026, 7, 1))
    assert client_of(e1_user).get(url).status_code in (403, 404)


def test_a_delay_caused_by_the_government_is_extended_never_charged(land, client_of, park_staff) -> None:  # type: ignore[no-untyped-def]
    from gaoxin.parks.models import IdleLandCase

    parcel = LandParcel.objects.get(code="IDLE-1")
    case = services.open_idle_case(park_staff, parcel, on=dt.date(2026, 3, 5))
    services.advance_idle_case(
        park_staff, case, "determine", on=dt.date(2026, 3, 20), government_cause=True, note="规划调整"
    )
    with pytest.raises(services.WorkflowError):
        services.advance_idle_case(park_staff, case, "decide_fee", on=dt.date(2026, 3, 25))
    with pytest.raises(services.WorkflowError):  # more than a year
        services.advance_idle_case(
            park_staff, case, "extend", on=dt.date(2026, 3, 25), extension_until=dt.date(2027, 4, 1)
        )
    services.advance_idle_case(
        park_staff, case, "extend", on=dt.date(2026, 3, 25), extension_until=dt.date(2027, 3, 1)
    )
    case.refresh_from_db()
    assert case.stage == "extended" and case.government_cause and case.cause_note == "规划调整"
    assert case.extended_until == dt.date(2027, 3, 1) and case.fee_yuan is None
    # the page shows the step refused in words, nothing changes
    r = client_of(park_staff).post(
        reverse("parks:idle_case", args=[case.pk]), {"action": "reclaim", "on": "2026-04-01"}
    )
    assert r.status_code == 200 and IdleLandCase.objects.get(pk=case.pk).stage == "extended"
    # one open case per parcel; a parcel that is not idle gets none
    with pytest.raises(services.WorkflowError):
        services.open_idle_case(park_staff, parcel, on=dt.date(2026, 4, 1))
    built = LandParcel.objects.exclude(code="IDLE-1").first()
    with pytest.raises(services.WorkflowError):
        services.open_idle_case(park_staff, built, on=dt.date(2026, 4, 1))
