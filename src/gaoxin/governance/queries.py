"""Named reads of grid governance, shared by the pages, the API, Open311 and the commands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gaoxin.accounts.models import User
from gaoxin.analysis.identifiers import mask_phone
from gaoxin.common import audit
from gaoxin.governance import access, analysis
from gaoxin.governance.choices import ACTION_LABELS, EVENT_LABELS, OPEN311_STATUS, SpecialGroup
from gaoxin.governance.filtersets import CaseFilter
from gaoxin.governance.models import Case, CaseEvent, Department, Dispute, Grid, ServiceType
from gaoxin.places.models import Street, Zone


@dataclass
class CaseRow:
    case: Case
    timing: analysis.Timing


def cases(user: User | None, zone: Zone, filters: CaseFilter | None = None) -> QuerySet[Case]:
    qs = access.visible_cases(user, zone).select_related("service", "grid", "street", "department")
    return filters.filter(qs) if filters is not None else qs


def timing(case: Case, now: datetime) -> analysis.Timing:
    return analysis.timing(case, now)


def rows(items: Any, now: datetime) -> list[CaseRow]:
    return [CaseRow(c, analysis.timing(c, now)) for c in items]


def board(user: User | None, zone: Zone, now: datetime, filters: CaseFilter | None = None) -> dict[str, Any]:
    """The board of requests: the three figures, per street and per grid, and the list (filtered)."""
    access.require_board(user)
    visible = list(
        access.visible_cases(user, zone).only(
            "status", "due_at", "fed_back_at", "sent_back", "rating", "street", "grid"
        )
    )
    by_street: dict[int | None, list[Case]] = {}
    by_grid: dict[int | None, list[Case]] = {}
    for c in visible:
        by_street.setdefault(c.street_id, []).append(c)
        by_grid.setdefault(c.grid_id, []).append(c)
    streets: dict[int | None, Street] = {s.pk: s for s in Street.objects.filter(zone=zone)}
    grids: dict[int | None, Grid] = {
        g.pk: g for g in Grid.objects.filter(community__street__zone=zone).select_related("community")
    }
    per_street = [
        (streets.get(k), analysis.figures(v, now))
        for k, v in sorted(by_street.items(), key=lambda i: str(streets.get(i[0], "")))
    ]

    def pct(x: float | None) -> float | None:
        return None if x is None else round(100 * x, 1)

    return {
        "chart": {
            "type": "bars",
            "unit": "%",
            "max": 100,
            "labels": [getattr(s, "name", "—") for s, _f in per_street],
            "series": [
                {
                    "name": str(_("handled on time (按期处置率)")),
                    "values": [pct(f.on_time_rate) for _s, f in per_street],
                },
                {"name": str(_("closed (结案率)")), "values": [pct(f.closure_rate) for _s, f in per_street]},
                {
                    "name": str(_("satisfied (满意率)")),
                    "values": [pct(f.satisfaction_rate) for _s, f in per_street],
                },
            ],
        },
        "figures": analysis.figures(visible, now),
        "streets": [
            (streets.get(k), analysis.figures(v, now))
            for k, v in sorted(by_street.items(), key=lambda i: str(streets.get(i[0], "")))
        ],
        "grids": [
            (grids.get(k), analysis.figures(v, now))
            for k, v in sorted(by_grid.items(), key=lambda i: str(getattr(grids.get(i[0]), "code", "")))
        ],
    }


def escalated(user: User | None, zone: Zone) -> QuerySet[Case]:
    return (
        cases(user, zone).filter(escalated_at__isnull=False, status__in=analysis.RUNNING).order_by("due_at")
    )


def detail(user: User | None, zone: Zone, pk: int, now: datetime) -> dict[str, Any]:
    """A case with its history and the steps this user may take now. The requester's contact is shown
    (and its reading audited) only to those who handle the request; masked otherwise."""
    case = access.case_for(user, zone, pk)
    contact = access.sees_contact(user, case)
    if contact and case.contact_phone and user is not None and user.pk != case.requester_id:
        audit.record(user, "read", "case", case.pk, label=case.number, detail="contact")
    actions = [a for a in analysis.actions_from(case.status) if access.can_take(user, case, a)]
    if "rate" in actions and case.rating is not None:
        actions.remove("rate")
    return {
        "case": case,
        "timing": analysis.timing(case, now),
        "events": [
            (e, EVENT_LABELS.get(e.action, e.action))
            for e in CaseEvent.objects.filter(case=case).select_related("actor")
        ],
        "actions": [(a, ACTION_LABELS[a]) for a in actions],
        "phone": case.contact_phone if contact else mask_phone(case.contact_phone),
        "name": case.contact_name if contact else (case.contact_name[:1] + "*" if case.contact_name else ""),
        "departments": Department.objects.filter(zone=zone),
    }


def service_types() -> QuerySet[ServiceType]:
    return ServiceType.objects.all()


def departments(zone: Zone) -> QuerySet[Department]:
    return Department.objects.filter(zone=zone)


# --- Open311 GeoReport v2 -------------------------------------------------------------------------


def open311_service(s: ServiceType) -> dict[str, Any]:
    return {
        "service_code": s.code,
        "service_name": s.label,
        "description": f"{s.name_zh} / {s.name_en}",
        "metadata": False,
        "type": "realtime",
        "keywords": s.keywords,
        "group": s.get_group_display(),
    }


def open311_request(c: Case) -> dict[str, Any]:
    """A request as GeoReport v2 shows it (no personal data: the requester stays out)."""
    return {
        "service_request_id": c.number,
        "status": OPEN311_STATUS[c.status],
        "status_notes": c.get_status_display() + (f": {c.cancel_reason}" if c.cancel_reason else ""),
        "service_name": c.service.label,
        "service_code": c.service.code,
        "description": c.description,
        "agency_responsible": c.department.name if c.department else "",
        "service_notice": c.answer,
        "requested_datetime": c.reported_at.isoformat(),
        "updated_datetime": c.updated_at.isoformat(),
        "expected_datetime": c.due_at.isoformat() if c.due_at else None,
        "address": c.address,
        "address_id": "",
        "zipcode": "",
        "lat": c.lat,
        "long": c.lon,
        "media_url": "",
    }


def open311_requests(zone: Zone) -> QuerySet[Case]:
    return Case.objects.filter(zone=zone).select_related("service", "department")


# --- disputes (纠纷化解零搁置) ----------------------------------------------------------------------


@dataclass
class DisputeRow:
    dispute: Dispute
    clock: Any
    bucket: int


def dispute_board(user: User | None, zone: Zone, today: date, street: Street | None = None) -> dict[str, Any]:
    """Open disputes by age (0–7, 8–15, 16–30, over 30 days) per street, the late and escalated ones first,
    and the figures: accepted, ended, settled by agreement, average days to the end, late now."""
    qs = access.disputes(user, zone).select_related("street", "community")
    if street is not None:
        qs = qs.filter(street=street)
    every = list(qs)
    open_rows = []
    ended = agreed = days = 0
    for d in every:
        c = analysis.dispute_clock(d, today)
        if d.ended_on is None:
            open_rows.append(DisputeRow(d, c, analysis.age_bucket(c.days_open)))
        else:
            ended += 1
            agreed += d.status == "agreed"
            days += c.days_open
    open_rows.sort(key=lambda r: (not r.clock.late, r.dispute.escalated_on is None, -r.clock.days_open))
    streets: dict[str, list[int]] = {}
    for r in open_rows:
        streets.setdefault(r.dispute.street.name, [0] * len(analysis.AGE_BUCKETS))[r.bucket] += 1
    return {
        "open": open_rows,
        "by_street": sorted(streets.items()),
        "buckets": analysis.AGE_BUCKETS,
        "accepted": len(every),
        "ended": ended,
        "agreed": agreed,
        "success_rate": None if ended == 0 else agreed / ended,
        "average_days": None if ended == 0 else days / ended,
        "late": sum(r.clock.late for r in open_rows),
        "limits": analysis.dispute_limits(),
    }


def dispute_detail(user: User | None, zone: Zone, pk: int, today: date) -> dict[str, Any]:
    d = access.dispute_for(user, zone, pk)
    handles = access.can_handle_dispute(user, d)
    if handles:
        audit.record(user, "read", "dispute", d.pk, label=d.number)
    return {
        "dispute": d,
        "clock": analysis.dispute_clock(d, today),
        "sessions": list(d.sessions.select_related("recorded_by")),
        "can_handle": handles,
        "parties": d.parties if handles else "、".join(p[:1] + "*" for p in d.parties.split("、") if p),
    }


# --- information collection (信息采集零空档) -----------------------------------------------------------


def coverage_by_grid(user: User | None, zone: Zone, today: date) -> dict[str, Any]:
    """Per grid: households, covered within their interval, coverage and freshness; the zone's total."""
    grids = list(
        access.collection_grids(user, zone)
        .select_related("community__street")
        .prefetch_related("households")
        .order_by("code")
    )
    rows = [(g, analysis.grid_coverage(g.households.all(), today)) for g in grids]
    every = [h for g in grids for h in g.households.all()]
    return {
        "rows": sorted(rows, key=lambda r: (r[1].share if r[1].share is not None else 2, r[0].code)),
        "total": analysis.grid_coverage(every, today),
    }


def _mask_name(name: str) -> str:
    return name[:1] + "*" * max(1, len(name) - 1) if name else ""


def grid_worklist(user: User | None, zone: Zone, pk: int, today: date) -> dict[str, Any]:
    """A grid's households with their next visit, overdue first (the grid worker's worklist). Reading the
    households is audited; names are masked."""
    grid = audit.load(
        user,
        lambda: access.grid_households(user, zone, pk),
        target_type="households",
        target_id=pk,
        audit_as=lambda g: ("households", g.pk, g.code),
    )
    households = list(grid.households.all())
    labels = dict(SpecialGroup.choices)
    rows = [
        (
            h,
            analysis.household_due(h, today),
            _mask_name(h.head_name),
            "、".join(str(labels.get(g, g)) for g in h.groups),
        )
        for h in households
    ]
    rows.sort(key=lambda r: (not r[1].overdue, r[1].due_on or date.min, r[0].address))
    return {"grid": grid, "rows": rows, "coverage": analysis.grid_coverage(households, today)}
