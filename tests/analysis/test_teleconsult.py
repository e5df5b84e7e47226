"""The remote-consultation workflow and the text its seal covers."""

from __future__ import annotations

import pytest

from gaoxin.analysis import teleconsult as t
from gaoxin.analysis.errors import AnalysisError


def test_the_invited_side_answers_and_signs_the_inviting_side_withdraws() -> None:
    assert t.actions_from("requested", {t.INVITED}) == ["accept", "decline"]
    assert t.actions_from("requested", {t.INVITING}) == ["cancel"]
    assert t.actions_from("accepted", {t.INVITED}) == ["opinion"]
    assert t.next_state(t.next_state("requested", "accept"), "opinion") == "done"
    assert t.actions_from("done", {t.INVITED, t.INVITING}) == []


@pytest.mark.parametrize(
    ("state", "action"),
    [("requested", "opinion"), ("done", "opinion"), ("declined", "accept"), ("done", "cancel")],
)
def test_a_step_out_of_turn_is_refused(state: str, action: str) -> None:
    with pytest.raises(AnalysisError):
        t.next_state(state, action)


def test_the_signed_text_names_the_case_the_doctor_and_the_time() -> None:
    a = t.signed_text(
        consult_id=7, opinion="继续观察", doctor="li", signed_at_iso="2026-12-01T10:00:00+08:00"
    )
    assert a != t.signed_text(
        consult_id=8, opinion="继续观察", doctor="li", signed_at_iso="2026-12-01T10:00:00+08:00"
    )
    assert a != t.signed_text(
        consult_id=7, opinion="继续观察。", doctor="li", signed_at_iso="2026-12-01T10:00:00+08:00"
    )
    assert a != t.signed_text(
        consult_id=7, opinion="继续观察", doctor="wang", signed_at_iso="2026-12-01T10:00:00+08:00"
    )
