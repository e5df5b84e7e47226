"""Appointments: institutions publish times, residents book, cancel and move them; the reserve for
contracted residents; no double booking even when requests arrive at once (PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from gaoxin.common.models import AuditEvent
from gaoxin.health import services
from gaoxin.health.models import Appointment, Slot

NOW = timezone.make_aware(dt.datetime(2026, 12, 2, 8, 0))
DAY = dt.date(2026, 12, 3)


def _slot(care, actor, capacity=2, reserved=1, at=dt.time(9, 0)):  # type: ignore[no-untyped-def]
    (slot,) = services.publish_slots(
        actor,
        care["centre"],
        day=DAY,
        times=[at],
        minutes=30,
        capacity=capacity,
        reserved=reserved,
        service="门诊",
    )
    return slot


def test_publishers_are_the_institutions_own(care, people):  # type: ignore[no-untyped-def]
    _slot(care, care["doctor"])
    _slot(care, care["manager"], at=dt.time(10, 0))
    from gaoxin.accounts.models import User

    with pytest.raises(PermissionDenied):
        _slot(care, User.objects.get(username="resident"))
    with pytest.raises(ValidationError):
        _slot(care, care["doctor"], capacity=1, reserved=2, at=dt.time(11, 0))
    assert Slot.objects.count() == 2


def test_the_reserve_and_one_place_per_resident(care, people, zone):  # type: ignore[no-untyped-def]
    slot = _slot(care, care["doctor"], capacity=2, reserved=1)
    me, neighbour, son = people["me"], people["neighbour"], people["son"]
    services.add_guardian(None, guardian=me, child=son, consent=True)
    me_user = me.user
    # the son has no contract: he takes the general place
    a = services.book(me_user, son, slot.pk, zone_id=zone.pk, now=NOW)
    assert not a.contracted
    with pytest.raises(ValidationError):
        services.book(me_user, son, slot.pk, zone_id=zone.pk, now=NOW)  # one place per resident
    # the neighbour is contracted with a team of the centre: the reserved place is his
    b = services.book(neighbour.user, neighbour, slot.pk, zone_id=zone.pk, now=NOW)
    assert b.contracted
    with pytest.raises(ValidationError):
        services.book(me_user, me, slot.pk, zone_id=zone.pk, now=NOW)  # full
    with pytest.raises(PermissionDenied):
        services.book(neighbour.user, me, slot.pk, zone_id=zone.pk, now=NOW)  # not his to book
    assert AuditEvent.objects.filter(action="book", target_type="appointment").count() == 2


def test_a_contracted_booking_uses_the_reserve_first(care, people, zone):  # type: ignore[no-untyped-def]
    slot = _slot(care, care["doctor"], capacity=2, reserved=1)
    me, son, neighbour = people["me"], people["son"], people["neighbour"]
    services.add_guardian(None, guardian=me, child=son, consent=True)
    services.book(me.user, me, slot.pk, zone_id=zone.pk, now=NOW)  # contracted: the reserved place
    services.book(me.user, son, slot.pk, zone_id=zone.pk, now=NOW)  # the general place is still free
    with pytest.raises(ValidationError):
        services.book(neighbour.user, neighbour, slot.pk, zone_id=zone.pk, now=NOW)  # full


def test_cancel_and_move_before_the_notice(care, people, zone):  # type: ignore[no-untyped-def]
    first = _slot(care, care["doctor"], capacity=1, reserved=0)
    second = _slot(care, care["doctor"], capacity=1, reserved=0, at=dt.time(10, 0))
    me = people["me"]
    a = services.book(me.user, me, first.pk, zone_id=zone.pk, now=NOW)
    moved = services.reschedule(me.user, a, second.pk, zone_id=zone.pk, now=NOW)
    a.refresh_from_db()
    assert a.status == "cancelled" and moved.slot == second
    # the old place is free again; a move to a full time changes nothing
    neighbour = people["neighbour"]
    services.book(neighbour.user, neighbour, first.pk, zone_id=zone.pk, now=NOW)
    with pytest.raises(ValidationError):
        services.reschedule(me.user, moved, first.pk, zone_id=zone.pk, now=NOW)
    moved.refresh_from_db()
    assert moved.status == "booked"
    # within two hours of its time a booking is not cancelled any more
    late = second.starts_at - dt.timedelta(hours=1, minutes=59)
    with pytest.raises(ValidationError):
        services.cancel_appointment(me.user, moved, now=late)
    services.cancel_appointment(me.user, moved, now=second.starts_at - dt.timedelta(hours=2))
    with pytest.raises(ValidationError):
        services.book(me.user, me, second.pk, zone_id=zone.pk, now=second.starts_at)  # it has begun


def test_pages(client_of, care, people, zone):  # type: ignore[no-untyped-def]
    c = client_of(care["doctor"])
    r = c.post(
        reverse("health:slots"),
        {
            "institution": care["centre"].pk,
            "service": "家庭医生门诊",
            "day": (timezone.localdate() + dt.timedelta(days=1)).isoformat(),
            "times": "08:30, 09:00，25:00",
            "minutes": "30",
            "capacity": "3",
            "reserved": "1",
        },
    )
    assert r.status_code == 200 and not Slot.objects.exists()  # 25:00 is no time
    r = c.post(
        reverse("health:slots"),
        {
            "institution": care["centre"].pk,
            "service": "家庭医生门诊",
            "day": (timezone.localdate() + dt.timedelta(days=1)).isoformat(),
            "times": "08:30, 09:00",
            "minutes": "30",
            "capacity": "3",
            "reserved": "1",
        },
    )
    assert r.status_code == 302 and Slot.objects.count() == 2
    me = people["me"]
    c = client_of(me.user)
    page = c.get(reverse("health:appointments")).content.decode()
    assert "家庭医生门诊" in page
    slot = Slot.objects.order_by("starts_at").first()
    r = c.post(reverse("health:appointments"), {"action": "book", "slot": slot.pk, "person": me.pk})
    assert r.status_code == 302 and Appointment.objects.filter(resident=me, status="booked").count() == 1
    # a resident cannot book for someone who is not hers
    r = c.post(
        reverse("health:appointments"), {"action": "book", "slot": slot.pk, "person": people["neighbour"].pk}
    )
    assert Appointment.objects.filter(resident=people["neighbour"]).count() == 0
    a = Appointment.objects.get(resident=me)
    assert (
        client_of(people["neighbour"].user)
        .post(reverse("health:appointments"), {"action": "cancel", "appointment": a.pk})
        .status_code
        == 404
    )
    a.refresh_from_db()
    assert a.status == "booked"  # not his booking: refused
    staff = client_of(care["doctor"]).get(reverse("health:slots")).content.decode()
    assert me.id_masked in staff and me.name not in staff


def test_parallel_bookings_never_overbook_a_slot(transactional_db, care, people, zone):  # type: ignore[no-untyped-def]
    """Eight residents' requests for the last place at once: exactly one gets it (PostgreSQL's row lock)."""
    if connection.vendor != "postgresql":
        pytest.skip("the row lock is PostgreSQL's; SQLite serialises every write anyway")
    from gaoxin.health.models import Resident

    slot = _slot(care, care["doctor"], capacity=1, reserved=0)
    residents = list(Resident.objects.all())[:3]
    extra = []
    for k in range(5):
        extra.append(
            services.register_resident(
                None,
                id_number=__import__("tests.health.conftest", fromlist=["id_number"]).id_number(
                    "19900101", f"{100 + k * 2:03d}"
                ),
                name=f"并发{k}",
                community=residents[0].community,
            )
        )
    everyone = residents + extra
    barrier = threading.Barrier(len(everyone))
    outcomes: list[str] = []

    def attempt(person):  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            services.book(None, person, slot.pk, zone_id=zone.pk, now=NOW)
            outcomes.append("booked")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(p,)) for p in everyone]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["booked"] + ["refused"] * (len(everyone) - 1)
    assert Appointment.objects.filter(slot=slot, status="booked").count() == 1


def test_attendance_once_the_time_has_begun(client_of, care, people, zone):  # type: ignore[no-untyped-def]
    slot = _slot(care, care["doctor"], capacity=2, reserved=0)
    me = people["me"]
    a = services.book(me.user, me, slot.pk, zone_id=zone.pk, now=NOW)
    with pytest.raises(ValidationError):
        services.mark_attendance(
            care["doctor"], a.pk, attended=True, now=slot.starts_at - dt.timedelta(minutes=1)
        )
    from django.http import Http404

    from gaoxin.accounts.models import User

    with pytest.raises(Http404):
        services.mark_attendance(
            User.objects.get(username="resident"), a.pk, attended=True, now=slot.starts_at
        )
    services.mark_attendance(
        care["other_doctor"], a.pk, attended=False, now=slot.starts_at
    )  # a team of the centre
    a.refresh_from_db()
    assert a.status == "missed"
    with pytest.raises(ValidationError):
        services.mark_attendance(care["doctor"], a.pk, attended=True, now=slot.starts_at)  # once


def test_the_api(client_of, care, people, zone):  # type: ignore[no-untyped-def]
    slot = services.publish_slots(
        care["doctor"],
        care["centre"],
        day=timezone.localdate() + dt.timedelta(days=1),
        times=[dt.time(9, 0)],
        minutes=30,
        capacity=2,
        reserved=1,
        service="门诊",
    )[0]
    me = people["me"]
    services.book(me.user, me, slot.pk, zone_id=zone.pk)
    c = client_of(me.user)
    (mine,) = c.get("/api/health/my/appointments").json()
    assert mine["service"] == "门诊" and mine["contracted"] is True
    (row,) = c.get("/api/health/slots").json()
    assert row["free"] == 1 and row["free_without_contract"] == 1
    assert client_of(care["doctor"]).get("/api/health/my/appointments").status_code == 403  # no resident
    # booking and cancelling through the API
    son = people["son"]
    services.add_guardian(None, guardian=me, child=son, consent=True)
    c = client_of(me.user)
    r = c.post(
        "/api/health/my/appointments",
        {"slot_id": slot.pk, "resident_id": son.pk},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["resident"] == son.name
    r = c.post("/api/health/my/appointments", {"slot_id": slot.pk}, content_type="application/json")
    assert r.status_code == 400  # she holds a place at this time already
    r = c.post(
        "/api/health/my/appointments",
        {"slot_id": slot.pk, "resident_id": people["neighbour"].pk},
        content_type="application/json",
    )
    assert r.status_code in (403, 404)  # not hers to book for
    booked = Appointment.objects.get(resident=son)
    other = client_of(people["neighbour"].user)
    assert other.post(f"/api/health/my/appointments/{booked.pk}/cancel").status_code == 404
    r = client_of(me.user).post(f"/api/health/my/appointments/{booked.pk}/cancel")
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
