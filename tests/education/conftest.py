from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from gaoxin.accounts.choices import Role
from gaoxin.accounts.services import create_user
from gaoxin.education import services
from gaoxin.education.models import Development, Kindergarten, Phase
from gaoxin.places.models import Facility, FacilityType, ResidentialArea, Street, WalkEdge
from tests.conftest import PASSWORD
from tests.lifecircle.conftest import grid_lines

TODAY = dt.date(2026, 12, 1)


def day(offset: int) -> dt.date:
    return TODAY + dt.timedelta(days=offset)


@pytest.fixture
def edu(zone: Any) -> dict[str, Any]:
    """The test zone with streets around 东闸 (洸河) and 崇文 (柳行), two primary schools, children in the
    areas, and the personas of education planning."""
    lines = grid_lines(116.637, 35.407) + grid_lines(116.637, 35.449)
    lines.append([[116.637, 35.413], [116.637, 35.449]])
    WalkEdge.objects.bulk_create([WalkEdge(zone=zone, coords=line) for line in lines])
    ResidentialArea.objects.filter(code="RA-DZ-01").update(pop_6_11=300, pop_0_2=60, population=2230)
    ResidentialArea.objects.filter(code="RA-CW-01").update(pop_6_11=120, pop_0_2=30, population=1500)
    guanghe, liuxing = Street.objects.get(code="370871001"), Street.objects.get(code="370871002")
    primary = FacilityType.objects.get(code="primary_school")
    dz_school = Facility.objects.create(
        code="F-GH-PS-1", name="东闸小学", type=primary, street=guanghe, lon=116.639, lat=35.409, capacity=270
    )
    cw_school = Facility.objects.create(
        code="F-LX-PS-1", name="崇文小学", type=primary, street=liuxing, lon=116.640, lat=35.451, capacity=400
    )
    profile = services.ensure_profile(zone)
    return {
        "zone": zone,
        "guanghe": guanghe,
        "liuxing": liuxing,
        "dz_school": dz_school,
        "cw_school": cw_school,
        "profile": profile,
        "staff": create_user("jiaoyu", PASSWORD, roles=[Role.EDUCATION]),
        "admin": create_user("zadmin", PASSWORD, roles=[Role.ZONE_ADMIN]),
        "leader": create_user("leader", PASSWORD, roles=[Role.LEADERSHIP]),
        "doctor": create_user("doc", PASSWORD, roles=[Role.DOCTOR]),
    }


def make_development(
    edu: dict[str, Any],
    code: str,
    *,
    street: str = "guanghe",
    dwellings: int = 1000,
    kindergarten: Kindergarten | None = None,
    **first: Any,
) -> Development:
    s = edu[street]
    dev = Development.objects.create(
        zone=edu["zone"],
        code=code,
        name=f"项目{code}",
        street=s,
        lon=116.641 if street == "guanghe" else 116.643,
        lat=35.411 if street == "guanghe" else 35.453,
        permit_on=first.pop("permit_on", day(-900)),
        kindergarten=kindergarten,
    )
    Phase.objects.create(development=dev, number=1, dwellings=dwellings, **first)
    return dev


def make_kindergarten(
    edu: dict[str, Any], code: str, *, street: str = "guanghe", classes: int = 4, **dates: Any
) -> Kindergarten:
    return Kindergarten.objects.create(
        zone=edu["zone"],
        code=code,
        name=f"幼儿园{code}",
        street=edu[street],
        classes=classes,
        places=classes * 30,
        **dates,
    )
