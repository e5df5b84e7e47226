"""Standard plants and leases: the services' rules, the gates, the pages, the API and the measures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from gaoxin.accounts.choices import Role
from gaoxin.accounts.services import create_user
from gaoxin.common.measures import get as get_measure
from gaoxin.common.models import AuditEvent
from gaoxin.parks import queries, services
from gaoxin.parks.choices import PlantStage
from gaoxin.parks.models import Enterprise, Lease, Park, Plant, PlantUnit
from tests.conftest import PASSWORD
from tests.parks.conftest import enterprise

D = Decimal
TODAY = timezone.localdate()
TEN = D(10)


@pytest.fixture
def plant(example_zone, park_staff):  # type: ignore[no-untyped-def]
    park = Park.objects.get(code="equip")
    p = services.save_plant(
        park_staff,
        example_zone,
        Plant(
            park=park,
            name="A栋",
            standard=True,
            stage=PlantStage.COMPLETED,
            floors=2,
            floor_area_m2=D(4000),
            completed_on=TODAY - dt.timedelta(days=400),
        ),
    )
    services.add_units(park_staff, example_zone, p.pk, floors=[1, 2], per_floor=2, area_m2=D(1000))
    return p


def _sign(zone, user, unit, tenant, first, last, rent=TEN):  # type: ignore[no-untyped-def]
    return services.sign_lease(
        user, zone, unit=unit, tenant=tenant, starts_on=first, ends_on=last, rent_yuan_per_m2_month=rent
    )


def test_units_are_numbered_by_floor_and_stay_within_the_floor_area(plant, park_staff, example_zone):  # type: ignore[no-untyped-def]
    assert sorted(plant.units.values_list("number", flat=True)) == ["1-01", "1-02", "2-01", "2-02"]
    # the same numbers again add nothing
    assert services.add_units(park_staff, example_zone, plant.pk, floors=[1], per_floor=2, area_m2=D(1)) == []
    with pytest.raises(ValidationError):
        services.add_units(
            park_staff, example_zone, plant.pk, floors=[1], per_floor=3, area_m2=D(1)
        )  # 4,001 m²
    with pytest.raises(ValidationError):
        services.add_units(
            park_staff, example_zone, plant.pk, floors=[3], per_floor=1, area_m2=D(1)
        )  # no floor 3


def test_a_unit_is_let_once_at_a_time(plant, park_staff, example_zone):  # type: ignore[no-untyped-def]
    unit = plant.units.get(number="1-01")
    e1, e2 = enterprise("E1"), enterprise("E2")
    _sign(example_zone, park_staff, unit, e1, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    with pytest.raises(ValidationError) as exc:
        _sign(example_zone, park_staff, unit, e2, dt.date(2026, 12, 31), dt.date(2027, 12, 31))
    assert "1-01" in " ".join(exc.value.messages)
    # the day after is free; another unit the same days is free
    _sign(example_zone, park_staff, unit, e2, dt.date(2027, 1, 1), dt.date(2027, 12, 31))
    _sign(
        example_zone,
        park_staff,
        plant.units.get(number="1-02"),
        e2,
        dt.date(2026, 1, 1),
        dt.date(2026, 12, 31),
    )
    assert Lease.objects.count() == 3
    assert AuditEvent.objects.filter(action="sign", target_type="lease").count() == 3


def test_an_early_end_frees_the_days_after_it(plant, park_staff, example_zone):  # type: ignore[no-untyped-def]
    unit = plant.units.get(number="1-01")
    lease = _sign(
        example_zone, park_staff, unit, enterprise("E1"), dt.date(2026, 1, 1), dt.date(2027, 12, 31)
    )
    with pytest.raises(ValidationError):
        services.end_lease(park_staff, example_zone, lease.pk, on=dt.date(2028, 1, 1))  # after the term
    services.end_lease(park_staff, example_zone, lease.pk, on=dt.date(2026, 6, 30))
    with pytest.raises(ValidationError):
        services.end_lease(park_staff, example_zone, lease.pk, on=dt.date(2026, 5, 30))  # ended already
    with pytest.raises(ValidationError):
        _sign(example_zone, park_staff, unit, enterprise("E2"), dt.date(2026, 6, 30), dt.date(2026, 12, 31))
    _sign(example_zone, park_staff, unit, enterprise("E2"), dt.date(2026, 7, 1), dt.date(2026, 12, 31))


def test_leases_refused_for_wrong_terms_plants_and_people(plant, park_staff, leader, example_zone):  # type: ignore[no-untyped-def]
    unit = plant.units.get(number="1-01")
    with pytest.raises(ValidationError):
        _sign(example_zone, park_staff, unit, enterprise("E1"), dt.date(2026, 2, 1), dt.date(2026, 1, 31))
    with pytest.raises(PermissionDenied):
        _sign(example_zone, leader, unit, enterprise("E1"), dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    building = Plant.objects.create(
        park=plant.park, name="B栋", standard=True, stage=PlantStage.BUILDING, floor_area_m2=D(1000)
    )
    u = PlantUnit.objects.create(plant=building, floor=1, number="1-01", area_m2=D(500))
    with pytest.raises(ValidationError):
        _sign(example_zone, park_staff, u, enterprise("E1"), dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    assert Lease.objects.count() == 0


def test_a_plant_of_an_enterprise_needs_its_owner_and_a_completed_standard_plant_its_day(
    example_zone, park_staff
):  # type: ignore[no-untyped-def]
    park = Park.objects.get(code="equip")
    with pytest.raises(ValidationError):
        services.save_plant(park_staff, example_zone, Plant(park=park, name="X", floor_area_m2=D(100)))
    with pytest.raises(ValidationError):
        services.save_plant(
            park_staff,
            example_zone,
            Plant(park=park, name="Y", standard=True, stage=PlantStage.COMPLETED, floor_area_m2=D(100)),
        )
    assert not Plant.objects.exists()


def test_occupancy_rent_and_the_overview(plant, park_staff, leader, example_zone):  # type: ignore[no-untyped-def]
    first = TODAY - dt.timedelta(days=10)
    _sign(
        example_zone,
        park_staff,
        plant.units.get(number="1-01"),
        enterprise("E1"),
        first,
        TODAY + dt.timedelta(days=30),
    )
    _sign(
        example_zone,
        park_staff,
        plant.units.get(number="2-01"),
        enterprise("E2"),
        first,
        TODAY + dt.timedelta(days=400),
    )
    Plant.objects.create(
        park=plant.park, name="C栋", standard=True, stage=PlantStage.BUILDING, floor_area_m2=D(6000)
    )
    o = queries.plants_overview(leader, example_zone, TODAY)
    assert o["progress"].completed_m2 == D(4000)
    assert o["progress"].building_m2 == D(6000)
    assert o["progress"].target_m2 == D(300000)
    assert (o["occupancy"].leased_m2, o["occupancy"].total_m2) == (D(2000), D(4000))
    assert [lease.tenant.name for lease in o["expiring"]] == ["E1 企业"]  # within 90 days; E2's is not
    (row,) = o["rows"]
    assert row["park"].code == "equip" and row["rent_yuan"] > 0
    # the measure behind the plans' target counts completed standard plants by the day
    m = get_measure("parks.standard_plants_m2")
    assert m.compute(example_zone, {}, TODAY).value == D(4000)
    assert m.compute(example_zone, {}, plant.completed_on - dt.timedelta(days=1)).value == D(0)
    assert m.compute(example_zone, {"stage": "building"}, TODAY).value == D(6000)
    assert get_measure("parks.plant_occupancy").compute(example_zone, {}, TODAY).value == D("50.0")


def test_pages_by_role(client_of, plant, park_staff, leader, e1_user, example_zone):  # type: ignore[no-untyped-def]
    _sign(
        example_zone,
        park_staff,
        plant.units.get(number="1-01"),
        enterprise("E1"),
        TODAY,
        TODAY + dt.timedelta(days=365),
    )
    c = client_of(leader)
    r = c.get(reverse("parks:plants"))
    assert r.status_code == 200
    assert "A栋" in r.content.decode()
    r = c.get(reverse("parks:plant", args=[plant.pk]))
    assert r.status_code == 200 and "E1 企业" in r.content.decode()
    assert 'id="lease-form"' not in r.content.decode()  # leadership reads
    assert c.get(reverse("parks:plant_new")).status_code == 403
    r = c.get(reverse("parks:plants") + "?format=xlsx")
    sheet = openpyxl.load_workbook(__import__("io").BytesIO(r.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][1] == "A栋" and rows[1][8] == 1000  # leased m²
    park = Park.objects.get(code="equip")
    assert c.get(reverse("parks:park", args=[park.pk])).status_code == 200
    # an enterprise sees none of it, but its own lease in the portal
    c = client_of(e1_user)
    assert c.get(reverse("parks:plants")).status_code == 403
    assert c.get(reverse("parks:plant", args=[plant.pk])).status_code == 403
    assert c.get(reverse("parks:park", args=[park.pk])).status_code == 403
    portal = c.get(reverse("parks:portal")).content.decode()
    assert "A栋" in portal and "1-01" in portal


def test_staff_sign_and_end_from_the_page(client_of, plant, park_staff, example_zone):  # type: ignore[no-untyped-def]
    c = client_of(park_staff)
    unit = plant.units.get(number="2-02")
    data = {
        "action": "lease",
        "unit": unit.pk,
        "tenant": enterprise("E3").pk,
        "starts_on": "2026-01-01",
        "ends_on": "2025-12-31",
        "rent_yuan_per_m2_month": "12",
    }
    r = c.post(reverse("parks:plant", args=[plant.pk]), data)
    assert r.status_code == 200 and not Lease.objects.exists()  # the form says why
    data["ends_on"] = "2028-12-31"
    r = c.post(reverse("parks:plant", args=[plant.pk]), data)
    assert r.status_code == 302
    lease = Lease.objects.get()
    r = c.post(reverse("parks:lease_end", args=[lease.pk]), {"on": "2027-06-30"})
    assert r.status_code == 302
    lease.refresh_from_db()
    assert lease.ended_on == dt.date(2027, 6, 30)
    # a unit of another plant named in the form is not among the choices
    other = Plant.objects.create(
        park=plant.park, name="B栋", standard=True, floor_area_m2=D(10), completed_on=TODAY
    )
    foreign = PlantUnit.objects.create(plant=other, floor=1, number="1-01", area_m2=D(10))
    data |= {"unit": foreign.pk, "starts_on": "2030-01-01", "ends_on": "2030-12-31"}
    assert c.post(reverse("parks:plant", args=[plant.pk]), data).status_code == 200
    assert Lease.objects.count() == 1
    # the plant form
    r = c.post(
        reverse("parks:plant_new"),
        {
            "park": plant.park.pk,
            "name": "D栋",
            "standard": "on",
            "stage": "planned",
            "floors": 3,
            "floor_area_m2": "9000",
        },
    )
    assert r.status_code == 302 and Plant.objects.filter(name="D栋", stage="planned").exists()
    r = c.post(
        reverse("parks:plant_new"),
        {
            "park": plant.park.pk,
            "name": "D栋",
            "standard": "on",
            "stage": "planned",
            "floors": 3,
            "floor_area_m2": "9000",
        },
    )
    assert r.status_code == 200 and Plant.objects.filter(name="D栋").count() == 1  # the name is taken


def test_the_api(client_of, plant, park_staff, leader, e1_user, example_zone):  # type: ignore[no-untyped-def]
    c = client_of(park_staff)
    unit = plant.units.get(number="1-02")
    body = {
        "unit_id": unit.pk,
        "tenant_id": enterprise("E1").pk,
        "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + dt.timedelta(days=700)).isoformat(),
        "rent_yuan_per_m2_month": "11.5",
    }
    r = c.post("/api/parks/leases", body, content_type="application/json")
    assert r.status_code == 201, r.content
    r = c.post("/api/parks/leases", body, content_type="application/json")
    assert r.status_code == 400  # the same days again
    assert c.post("/api/parks/leases", {}, content_type="application/json").status_code == 422
    c = client_of(leader)
    assert c.post("/api/parks/leases", body, content_type="application/json").status_code == 403
    r = c.get("/api/parks/plants?standard=true")
    (row,) = r.json()
    assert row["name"] == "A栋" and row["leased_m2"] == 1000 and row["occupancy"] == 0.25
    assert c.get("/api/parks/plants?stage=nonsense").status_code == 422
    o = c.get("/api/parks/plants/overview").json()
    assert o["target_m2"] == 300000 and o["completed_m2"] == 4000 and o["occupancy"] == 0.25
    c = client_of(e1_user)
    assert c.get("/api/parks/plants").status_code == 403
    (mine,) = c.get("/api/parks/my/leases").json()
    assert mine["unit"] == "1-02"
    # another enterprise's user sees none of it
    other = create_user("e9", PASSWORD, roles=[Role.ENTERPRISE])
    Enterprise.objects.get(name="E3 企业").users.add(other)
    assert client_of(other).get("/api/parks/my/leases").json() == []


def test_upgrade_projects_count_once_accepted(client_of, example_zone, leader):  # type: ignore[no-untyped-def]
    from gaoxin.parks.models import ParkUpgrade

    park = Park.objects.get(code="equip")
    day = dt.date(2026, 6, 30)
    accepted = ParkUpgrade(
        park=park,
        kind="small_micro",
        title="小微园区提升",
        stage="accepted",
        started_on=dt.date(2025, 1, 1),
        accepted_on=day,
    )
    accepted.full_clean()
    accepted.save()
    ParkUpgrade.objects.create(park=park, kind="small_micro", title="在建提升", stage="underway")
    ParkUpgrade.objects.create(
        park=park, kind="green", title="绿色园区", stage="accepted", accepted_on=dt.date(2026, 1, 1)
    )
    m = get_measure("parks.upgrades_accepted")
    assert m.compute(example_zone, {"kind": "small_micro"}, day).value == D(1)  # on its acceptance day
    assert m.compute(example_zone, {"kind": "small_micro"}, day - dt.timedelta(days=1)).value == D(0)
    assert m.compute(example_zone, {}, day).value == D(2)
    with pytest.raises(ValidationError):
        ParkUpgrade(park=park, kind="smart", title="x", stage="accepted").full_clean()  # no acceptance day
    with pytest.raises(ValidationError):
        ParkUpgrade(park=park, kind="smart", title="x", stage="underway", accepted_on=day).full_clean()
    page = client_of(leader).get(reverse("parks:plants")).content.decode()
    assert "小微园区提升" in page and "在建提升" in page
