"""Elderly-care facilities in depth: the measures the targets read (reading rooms, improved institutions,
meals), star grades from the standard's minimums, day-care classes, and who records what."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gaoxin.accounts.choices import Role
from gaoxin.accounts.services import create_user
from gaoxin.common import measures
from gaoxin.places.models import Facility, FacilityType, ResidentialArea, Street, Zone
from gaoxin.plans import queries, services
from gaoxin.plans.models import CareFacility, StarAssessment
from tests.conftest import PASSWORD

TODAY = dt.date(2026, 7, 15)


def facility(code: str, type_code: str, **extra: object) -> Facility:
    return Facility.objects.create(
        code=code,
        name=f"设施{code}",
        type=FacilityType.objects.get(code=type_code),
        street=Street.objects.get(code="370871001"),
        lon=116.641,
        lat=35.411,
        **extra,
    )


def read(key: str, zone: Zone, params: dict[str, object], day: dt.date = TODAY) -> measures.Reading:
    m = measures.get(key)
    assert m is not None
    return measures.read(m, zone, params, day)


def test_reading_rooms_count_from_their_opening_day(zone):  # type: ignore[no-untyped-def]
    a, b, c = (facility(f"NH{i}", "nursing_home") for i in range(3))
    services.save_care(None, a, {"reading_room_opened_on": dt.date(2026, 3, 1)})
    services.save_care(None, b, {"reading_room_opened_on": TODAY})
    services.save_care(None, c, {"reading_room_opened_on": dt.date(2025, 6, 1)})
    assert read("plans.reading_rooms", zone, {"opened_from": "2026-01-01"}).value == 2
    assert (
        read("plans.reading_rooms", zone, {"opened_from": "2026-01-01"}, TODAY - dt.timedelta(days=1)).value
        == 1
    )
    assert read("plans.reading_rooms", zone, {}).value == 3
    c.status, c.closed_on = "closed", TODAY
    c.save()
    assert read("plans.reading_rooms", zone, {}).value == 2  # a closed institution's room is closed


def test_an_institution_improved_when_its_score_since_the_date_beats_the_one_before(zone):  # type: ignore[no-untyped-def]
    up, down, new, late = (facility(f"NH{i}", "nursing_home") for i in range(4))
    since = dt.date(2026, 1, 1)
    for f, before, after, on in (
        (up, 520, 615, since),
        (down, 600, 590, TODAY),
        (late, 500, 700, TODAY + dt.timedelta(days=1)),
    ):
        services.add_assessment(None, f, assessed_on=dt.date(2025, 10, 1), score=Decimal(before), today=TODAY)
        if on <= TODAY:
            services.add_assessment(None, f, assessed_on=on, score=Decimal(after), today=TODAY)
    services.add_assessment(
        None, new, assessed_on=dt.date(2026, 5, 1), score=Decimal(900), today=TODAY
    )  # no baseline
    r = read("plans.improved_institutions", zone, {"type": "nursing_home", "since": "2026-01-01"})
    assert r.value == 1 and [c.label for c in r.rows] == ["设施NH0"] and r.rows[0].amount == 95
    assert StarAssessment.objects.get(facility=up, assessed_on=since).stars == 3  # 615 ≥ 600: three stars
    with pytest.raises(ValidationError):
        services.add_assessment(
            None, up, assessed_on=TODAY + dt.timedelta(days=1), score=Decimal(600), today=TODAY
        )
    with pytest.raises(ValidationError):
        services.add_assessment(None, up, assessed_on=TODAY, score=Decimal(1001), today=TODAY)


def test_meals_of_the_year_and_day_care_class(zone):  # type: ignore[no-untyped-def]
    canteen = facility("C1", "community_canteen")
    services.record_meals(None, canteen, month=dt.date(2025, 12, 1), served=999, subsidised=0, today=TODAY)
    services.record_meals(None, canteen, month=dt.date(2026, 6, 1), served=1200, subsidised=400, today=TODAY)
    services.record_meals(None, canteen, month=dt.date(2026, 7, 1), served=300, subsidised=100, today=TODAY)
    assert read("plans.meals_served", zone, {}).value == 1500
    assert read("plans.meals_served", zone, {"subsidised": "yes"}).value == 500
    with pytest.raises(ValidationError):
        services.record_meals(None, canteen, month=dt.date(2026, 8, 1), served=1, subsidised=0, today=TODAY)
    with pytest.raises(ValidationError):
        services.record_meals(None, canteen, month=dt.date(2026, 7, 1), served=1, subsidised=2, today=TODAY)
    centre = facility(
        "D1",
        "day_care_center",
        community=Street.objects.get(code="370871001").communities.get(code="370871001001"),
    )
    ResidentialArea.objects.filter(code="RA-DZ-01").update(pop_60_64=2000, pop_65_plus=1500)  # 3,500 aged 60+
    view = next(v for v in queries.care_rows(None, zone, TODAY) if v.facility == centre)
    assert view.elderly == 3500 and view.daycare is not None and view.daycare.name == "三类"


def test_who_records_care_details(client_of, zone, planner):  # type: ignore[no-untyped-def]
    home = facility("NH1", "nursing_home")
    leader = create_user("leader", PASSWORD, roles=[Role.LEADERSHIP])
    with pytest.raises(PermissionDenied):
        services.save_care(leader, home, {"beds": 10})
    services.save_care(planner, home, {"beds": 120})
    assert CareFacility.objects.get(facility=home).beds == 120
    c = client_of(planner)
    assert c.get(f"/plans/care/{home.pk}/").status_code == 200
    posted = c.post(
        f"/plans/care/{home.pk}/", {"action": "assessment", "assessed_on": "2026-01-05", "score": "612.5"}
    )
    assert posted.status_code == 302 and StarAssessment.objects.get(facility=home).stars == 3
    assert (
        client_of(leader).post(f"/plans/care/{home.pk}/", {"action": "care", "beds": "5"}).status_code == 403
    )
    page = client_of(leader).get("/plans/care/")
    assert page.status_code == 200 and "设施NH1" in page.content.decode()
    kg = Facility.objects.get(code="F-GH-KG-1")  # not an elderly-care facility
    assert c.get(f"/plans/care/{kg.pk}/").status_code == 404


def test_standardized_streets_come_from_the_latest_run_up_to_the_day(zone):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from gaoxin.lifecircle import services as lifecircle_services
    from gaoxin.lifecircle.models import AreaResult, Evaluation

    assert read("lifecircle.standardized_streets", zone, {}).value is None  # no run yet: no figure
    item = {
        "type": "kindergarten",
        "type_zh": "幼儿园",
        "type_en": "Kindergarten",
        "class": "education",
        "radius_m": 300,
        "mandatory": True,
        "norm_per_person": None,
        "demand_group": "",
        "checklist_min_coverage": 1.0,
        "clause": "",
    }

    def run(covered_in_guanghe: bool) -> Evaluation:
        e = Evaluation.objects.create(
            zone=zone, profile=lifecircle_services.default_profile(), items=[item], summary={}
        )
        for area in ResidentialArea.objects.all():
            covered = covered_in_guanghe if area.street.code == "370871001" else False
            AreaResult.objects.create(
                evaluation=e,
                area=area,
                street=area.street,
                population=area.population,
                passes=covered,
                missing=0 if covered else 1,
                items={"kindergarten": {"covered": covered}},
            )
        return e

    first = run(False)
    today = timezone.localdate()
    assert read("lifecircle.standardized_streets", zone, {}, today).value == 0
    run(True)
    r = read("lifecircle.standardized_streets", zone, {}, today)
    assert r.value == 1 and [c.label for c in r.rows] == ["洸河街道"]
    assert read("lifecircle.standardized_streets", zone, {"streets": "370871002"}, today).value == 0
    Evaluation.objects.exclude(pk=first.pk).update(created_at=timezone.now() + dt.timedelta(days=2))
    assert read("lifecircle.standardized_streets", zone, {}, today).value == 0  # the later run is not yet


def test_the_care_list_reads_the_same_queries_for_few_and_many(client_of, zone, planner):  # type: ignore[no-untyped-def]
    from tests.site.test_query_counts import assert_no_n_plus_one

    serial = iter(range(100, 1000))

    def grow(n: int) -> None:
        for _ in range(n):
            f = facility(f"NH{next(serial)}", "nursing_home")
            services.save_care(None, f, {"beds": 10, "reading_room_opened_on": dt.date(2026, 1, 1)})
            services.add_assessment(None, f, assessed_on=dt.date(2026, 1, 2), score=Decimal(500), today=TODAY)

    assert_no_n_plus_one(client_of(planner), "/plans/care/", grow)
