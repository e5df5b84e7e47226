"""Remote consultation (远程会诊) between institutions, after 《远程医疗服务管理规范（试行）》(国卫医发〔2018〕25号):
an inviting institution (邀请方) asks an invited one (受邀方) for an expert opinion on its patient, with
the patient's informed consent recorded first and a case summary; the inviting side keeps the
responsibility for the patient; the invited doctor's opinion is signed. Pure: no Django, no database.

    requested --accept-->  accepted   invited side: it takes the case (and a time)
    requested --decline--> declined   invited side: with a reason
    requested --cancel-->  cancelled  inviting side
    accepted  --cancel-->  cancelled  inviting side
    accepted  --opinion--> done       invited side: the signed opinion
"""

from __future__ import annotations

from gaoxin.analysis.errors import AnalysisError

INVITING, INVITED = "inviting", "invited"
STEPS: dict[tuple[str, str], str] = {
    ("requested", "accept"): "accepted",
    ("requested", "decline"): "declined",
    ("requested", "cancel"): "cancelled",
    ("accepted", "cancel"): "cancelled",
    ("accepted", "opinion"): "done",
}
SIDE = {"accept": INVITED, "decline": INVITED, "opinion": INVITED, "cancel": INVITING}
NEEDS_NOTE = ("decline", "cancel", "opinion")
# the invited institution reads the patient's record while the case is before it
INVITED_READS = ("requested", "accepted")


def next_state(state: str, action: str) -> str:
    try:
        return STEPS[(state, action)]
    except KeyError:
        raise AnalysisError(
            "teleconsult_step", "This step is not allowed now.", state=state, action=action
        ) from None


def actions_from(state: str, sides: set[str]) -> list[str]:
    return [a for (s, a) in STEPS if s == state and SIDE[a] in sides]


def signed_text(*, consult_id: int, opinion: str, doctor: str, signed_at_iso: str) -> str:
    """The exact text an opinion's seal covers: the case, the words, who, when (one canonical form, so
    that a later check rebuilds it byte for byte)."""
    return "\n".join(["gaoxin-teleconsult-opinion/1", str(consult_id), doctor, signed_at_iso, opinion])
