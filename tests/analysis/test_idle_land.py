"""Idle-land case steps by 部令53号: which step is open when, time limits, the fee."""

import datetime as dt

import pytest

from gaoxin.analysis import idle_land as il
from gaoxin.analysis.errors import AnalysisError

D = dt.date(2026, 3, 1)


@pytest.mark.parametrize(
    "stage, government, years, expected",
    [
        ("investigation", False, 0, ["determine", "close"]),
        ("determined", False, 0, ["close"]),  # idle, but not one full year: neither fee nor taking back
        ("determined", False, 1, ["decide_fee", "close"]),
        ("determined", False, 2, ["decide_fee", "reclaim", "close"]),
        ("determined", True, 3, ["extend", "close"]),  # the government's delay: never fee nor taking back
        ("fee_decided", False, 1, ["record_payment", "close"]),
        ("fee_decided", False, 2, ["record_payment", "reclaim", "close"]),
        ("fee_paid", False, 2, ["reclaim", "close"]),
        ("extended", True, 1, ["determine", "close"]),
        ("reclaimed", False, 3, []),
        ("closed", False, 3, []),
    ],
)
def test_the_open_steps(stage, government, years, expected):
    assert il.allowed(stage, government_cause=government, idle_years=years) == expected


def test_advance_and_its_refusals():
    kw = {"on": D, "opened_on": D}
    assert (
        il.advance("investigation", "determine", government_cause=False, idle_years=1, **kw) == "determined"
    )
    with pytest.raises(AnalysisError) as exc:
        il.advance("determined", "reclaim", government_cause=False, idle_years=1, **kw)
    assert exc.value.code == "idle_step"
    with pytest.raises(AnalysisError) as exc:
        il.advance(
            "investigation",
            "determine",
            government_cause=False,
            idle_years=1,
            on=D,
            opened_on=D + dt.timedelta(1),
        )
    assert exc.value.code == "idle_date"
    # an extension: a new start after the decision, at most a year (366 days: a leap year's)
    ok = il.advance(
        "determined",
        "extend",
        government_cause=True,
        idle_years=0,
        extension_until=D + dt.timedelta(366),
        **kw,
    )
    assert ok == "extended"
    for bad in (None, D, D + dt.timedelta(367)):
        with pytest.raises(AnalysisError) as exc:
            il.advance("determined", "extend", government_cause=True, idle_years=0, extension_until=bad, **kw)
        assert exc.value.code == "idle_extension"
    for stage, action in (("nowhere", "close"), ("determined", "burn")):
        with pytest.raises(AnalysisError):
            il.advance(stage, action, government_cause=False, idle_years=2, **kw)


def test_time_limits_and_the_fee():
    assert il.due(dt.date(2026, 1, 31), 30) == dt.date(2026, 3, 2)  # the day of the act not counted
    with pytest.raises(AnalysisError):
        il.due(D, -1)
    assert il.fee(1_234_567.0, 0.2) == 246_913.4 and il.fee(None, 0.2) is None
    with pytest.raises(AnalysisError):
        il.fee(100.0, 1.5)
