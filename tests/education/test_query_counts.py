"""The lists read the same number of queries for few rows and for many."""

from __future__ import annotations

import itertools

import pytest
from django.urls import reverse

from gaoxin.education.models import Catchment, CatchmentPlan, SchoolRecord
from gaoxin.places.models import Facility, FacilityType, ResidentialArea
from tests.education.conftest import day, make_development, make_kindergarten
from tests.site.test_query_counts import assert_no_n_plus_one

pytestmark = pytest.mark.django_db
_serial = itertools.count()


def test_the_ledger_page_and_api(edu, client_of):  # type: ignore[no-untyped-def]
    def grow(n: int) -> None:
        for _ in range(n):
            k = next(_serial)
            kg = make_kindergarten(edu, f"K{k}", permit_on=day(-900))
            make_development(edu, f"D{k}", kindergarten=kg, street="liuxing" if k % 2 else "guanghe")

    c = client_of(edu["leader"])
    assert_no_n_plus_one(c, reverse("education:ledger"), grow)
    assert_no_n_plus_one(c, "/api/education/ledger", grow)


def test_the_places_page_and_a_plan(edu, client_of):  # type: ignore[no-untyped-def]
    primary = FacilityType.objects.get(code="primary_school")
    plan = CatchmentPlan.objects.create(zone=edu["zone"], level="primary", name="p", year=2026)
    community = ResidentialArea.objects.get(code="RA-DZ-01").community

    def grow(n: int) -> None:
        for _ in range(n):
            k = next(_serial)
            school = Facility.objects.create(
                code=f"F-PS-{k}",
                name=f"小学{k}",
                type=primary,
                street=edu["guanghe"],
                lon=116.64,
                lat=35.41,
                capacity=500,
            )
            SchoolRecord.objects.create(facility=school, year=2026, classes=10, pupils=400)
            area = ResidentialArea.objects.create(
                code=f"RA-Q{k}",
                name=f"小区{k}",
                community=community,
                center_lon=116.641,
                center_lat=35.411,
                pop_6_11=50,
            )
            Catchment.objects.create(plan=plan, area=area, school=school, children=50, distance_m=300)

    c = client_of(edu["leader"])
    assert_no_n_plus_one(c, reverse("education:forecast") + "?level=primary", grow)
    assert_no_n_plus_one(c, reverse("education:plan", args=[plan.pk]), grow)
    assert_no_n_plus_one(c, f"/api/education/catchments/{plan.pk}", grow)
