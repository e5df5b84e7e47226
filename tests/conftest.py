"""Shared fixtures: a small zone and the named personas every permission test speaks of."""

from __future__ import annotations

import pytest

from gaoxin.accounts.choices import Role
from gaoxin.accounts.services import create_user
from gaoxin.places.models import Community, Facility, FacilityType, ResidentialArea, Street, Zone

PASSWORD = "a-Strong-test-pass-42"

# A small square zone around 洸河 and 柳行 (synthetic geometry for tests).
ZONE_BOUNDARY = {
    "type": "Polygon",
    "coordinates": [[[116.60, 35.38], [116.70, 35.38], [116.70, 35.48], [116.60, 35.48], [116.60, 35.38]]],
}


@pytest.fixture
def zone(db: None) -> Zone:
    zone = Zone.objects.create(
        code="370871", name="济宁高新区", boundary=ZONE_BOUNDARY, center_lon=116.65, center_lat=35.43
    )
    guanghe = Street.objects.create(
        zone=zone, code="370871001", name="洸河街道", center_lon=116.64, center_lat=35.41
    )
    liuxing = Street.objects.create(
        zone=zone, code="370871002", name="柳行街道", center_lon=116.64, center_lat=35.45
    )
    dongzha = Community.objects.create(
        street=guanghe, code="370871001001", name="东闸社区", center_lon=116.640, center_lat=35.410
    )
    Community.objects.create(
        street=guanghe, code="370871001201", name="江庄村", center_lon=116.650, center_lat=35.405
    )
    chongwen = Community.objects.create(
        street=liuxing, code="370871002007", name="崇文社区", center_lon=116.642, center_lat=35.452
    )
    ResidentialArea.objects.create(
        code="RA-DZ-01",
        name="东闸花园",
        community=dongzha,
        center_lon=116.641,
        center_lat=35.411,
        gates=[[116.641, 35.410]],
        households=800,
        pop_3_5=70,
        pop_15_59=1500,
        pop_65_plus=300,
    )
    ResidentialArea.objects.create(
        code="RA-CW-01",
        name="崇文小区",
        community=chongwen,
        center_lon=116.643,
        center_lat=35.453,
        households=600,
        pop_3_5=50,
        pop_15_59=1100,
        pop_65_plus=200,
    )
    kg = FacilityType.objects.get(code="kindergarten")
    Facility.objects.create(
        code="F-GH-KG-1",
        name="洸河幼儿园",
        type=kg,
        street=guanghe,
        community=dongzha,
        lon=116.642,
        lat=35.412,
        capacity=270,
    )
    Facility.objects.create(
        code="F-LX-KG-1",
        name="柳行中心幼儿园",
        type=kg,
        street=liuxing,
        community=chongwen,
        lon=116.644,
        lat=35.454,
        capacity=300,
    )
    return zone


def _persona(username: str, roles: list[Role], street_code: str | None = None) -> object:
    street_id = Street.objects.get(code=street_code).pk if street_code else None
    return create_user(username, PASSWORD, roles=roles, street_id=street_id)


@pytest.fixture
def planner(zone: Zone) -> object:
    return _persona("planner", [Role.PLANNER])


@pytest.fixture
def guanghe_staff(zone: Zone) -> object:
    return _persona("guanghe", [Role.STREET_STAFF], "370871001")


@pytest.fixture
def liuxing_staff(zone: Zone) -> object:
    return _persona("liuxing", [Role.STREET_STAFF], "370871002")


@pytest.fixture
def resident(zone: Zone) -> object:
    return _persona("resident", [Role.RESIDENT])


@pytest.fixture
def auditor(zone: Zone) -> object:
    return _persona("auditor", [Role.AUDITOR])


@pytest.fixture
def client_of(client):  # type: ignore[no-untyped-def]
    """client_of(user) → a test client logged in as that persona."""

    def login(user):  # type: ignore[no-untyped-def]
        client.force_login(user)
        return client

    return login
