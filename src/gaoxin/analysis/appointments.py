"""Appointments with a family doctor or a clinic: whether a place in a slot can be booked, and until when
a booking can be cancelled. Pure: no Django, no database.

A slot has ``capacity`` places, of which ``reserved`` are kept for residents who hold a family-doctor
contract with the institution (签约居民优先预约: 国卫基层发〔2018〕35号 asks that contracted residents get
priority appointments). A contracted resident may take any free place; another resident only a place
outside the reserve. The caller counts the bookings while it holds the slot's row lock, so two requests
at once cannot both take the last place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from gaoxin.analysis.errors import AnalysisError


@dataclass(frozen=True)
class Places:
    capacity: int
    reserved: int
    booked: int  # every booking in force
    booked_general: int  # bookings of residents without a contract

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.booked)

    def free_for(self, contracted: bool) -> int:
        """Places the resident may still take."""
        if contracted:
            return self.free
        general_left = self.capacity - self.reserved - self.booked_general
        return max(0, min(self.free, general_left))


def check_slot(capacity: int, reserved: int) -> None:
    if capacity < 1:
        raise AnalysisError("slot_capacity", "A slot has at least one place.")
    if not 0 <= reserved <= capacity:
        raise AnalysisError(
            "slot_reserved", "The reserved places lie between none and all of the slot's places."
        )


def refusal(places: Places, *, contracted: bool, starts_at: datetime, now: datetime) -> str | None:
    """Why a resident cannot book a place now: "past" (the slot has begun), "full", "reserved" (only the
    reserve is left and the resident has no contract), or None when a place is free."""
    check_slot(places.capacity, places.reserved)
    if starts_at <= now:
        return "past"
    if places.free == 0:
        return "full"
    if places.free_for(contracted) == 0:
        return "reserved"
    return None


def cancel_deadline(starts_at: datetime, *, notice_hours: int) -> datetime:
    """The last moment a booking can be cancelled (or moved) by the resident."""
    if notice_hours < 0:
        raise AnalysisError("notice_hours", "The notice must not be negative.")
    return starts_at - timedelta(hours=notice_hours)
