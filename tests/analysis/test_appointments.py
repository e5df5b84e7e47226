"""Appointment places in the core: the reserve for contracted residents, full, past, the notice."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from gaoxin.analysis import appointments as ap
from gaoxin.analysis.errors import AnalysisError

NOW = datetime(2026, 12, 2, 8, 0)
LATER = NOW + timedelta(hours=3)


def test_the_reserve_is_kept_for_contracted_residents():
    p = ap.Places(capacity=4, reserved=1, booked=3, booked_general=3)
    assert p.free == 1 and p.free_for(True) == 1 and p.free_for(False) == 0
    assert ap.refusal(p, contracted=False, starts_at=LATER, now=NOW) == "reserved"
    assert ap.refusal(p, contracted=True, starts_at=LATER, now=NOW) is None
    # contracted residents may also take general places: three contracted leave one general place
    q = ap.Places(capacity=4, reserved=1, booked=3, booked_general=0)
    assert q.free_for(False) == 1


def test_full_and_past():
    full = ap.Places(capacity=2, reserved=0, booked=2, booked_general=2)
    assert ap.refusal(full, contracted=True, starts_at=LATER, now=NOW) == "full"
    free = ap.Places(capacity=2, reserved=0, booked=0, booked_general=0)
    assert ap.refusal(free, contracted=False, starts_at=NOW, now=NOW) == "past"  # it has begun
    assert ap.refusal(free, contracted=False, starts_at=NOW + timedelta(seconds=1), now=NOW) is None


def test_slot_shape_and_notice():
    with pytest.raises(AnalysisError):
        ap.check_slot(0, 0)
    with pytest.raises(AnalysisError):
        ap.check_slot(2, 3)
    ap.check_slot(2, 2)
    assert ap.cancel_deadline(LATER, notice_hours=2) == LATER - timedelta(hours=2)
    with pytest.raises(AnalysisError):
        ap.cancel_deadline(LATER, notice_hours=-1)
