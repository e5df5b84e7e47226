"""Query-count guards of the health lists (the care list and the audit log)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from gaoxin.common import audit
from gaoxin.health import services as health_services
from gaoxin.health.choices import SignedVia
from gaoxin.places.models import Community
from tests.health.conftest import id_number
from tests.site.test_query_counts import _serial, assert_no_n_plus_one


def more_residents(care) -> Callable[[int], None]:  # type: ignore[no-untyped-def]
    def grow(n: int) -> None:
        community = Community.objects.get(code="370871001001")
        for _ in range(n):
            k = next(_serial)
            person = health_services.register_resident(
                None,
                id_number=id_number("19600101", f"{k:03d}"),
                name=f"居民{k}",
                community=community,
                phone="",
                sex=1 if k % 2 else 2,
                birth_date=dt.date(1960, 1, 1),
            )
            health_services.create_record(None, person, care["centre"])
            health_services.sign_contract(
                None, resident=person, team=care["team_a"], package=care["basic"], via=SignedVia.DOCTOR
            )
            audit.record(None, "read", "resident", person.pk)

    return grow


def test_the_care_list(client_of, care):  # type: ignore[no-untyped-def]
    assert_no_n_plus_one(client_of(care["doctor"]), "/health/residents/", more_residents(care))


def test_the_audit_log(client_of, care, auditor):  # type: ignore[no-untyped-def]
    assert_no_n_plus_one(client_of(auditor), "/health/audit/", more_residents(care))


def more_slots(care, people) -> Callable[[int], None]:  # type: ignore[no-untyped-def]
    """Published times, each booked by a new resident and by the demo resident's son."""
    from django.utils import timezone

    from gaoxin.health.models import Appointment, Slot

    def grow(n: int) -> None:
        community = Community.objects.get(code="370871001001")
        for _ in range(n):
            k = next(_serial)
            person = health_services.register_resident(
                None,
                id_number=id_number("19700101", f"{(k % 450) * 2 + 101:03d}"),
                name=f"预约{k}",
                community=community,
            )
            slot = Slot.objects.create(
                institution=care["centre"],
                team=care["team_a"],
                service="门诊",
                starts_at=timezone.now() + dt.timedelta(days=1, minutes=k),
                capacity=3,
                reserved=1,
            )
            Appointment.objects.create(slot=slot, resident=person, booked_at=timezone.now())
            Appointment.objects.create(slot=slot, resident=people["me"], booked_at=timezone.now())

    return grow


def test_the_slots_page(client_of, care, people):  # type: ignore[no-untyped-def]
    assert_no_n_plus_one(client_of(care["doctor"]), "/health/slots/", more_slots(care, people))


def test_the_appointments_page(client_of, care, people):  # type: ignore[no-untyped-def]
    assert_no_n_plus_one(client_of(people["me"].user), "/health/me/appointments/", more_slots(care, people))
