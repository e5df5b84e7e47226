"""Named reads of the health app: list rows (masked) and the aggregates planners may see."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop

from gaoxin.accounts.models import User
from gaoxin.analysis import appointments, chronic, consultation, maternal
from gaoxin.analysis import referral as referral_rules
from gaoxin.analysis import teleconsult as teleconsult_rules
from gaoxin.analysis.followup import (
    CheckState,
    ScheduledVisit,
    VisitState,
    elderly_check,
    fulfilment,
    priority_groups,
    schedule,
)
from gaoxin.analysis.identifiers import IdentifierError, parse_id_number
from gaoxin.common import audit, crypto
from gaoxin.common.http import page_of
from gaoxin.common.models import AuditEvent
from gaoxin.health import access
from gaoxin.health.choices import (
    FACE_TO_FACE,
    HOLDING,
    PRIORITY_GROUP_LABELS,
    ChildVisitCode,
    ContractStatus,
    FollowUpKind,
    MaternalVisitCode,
    RecordStatus,
)
from gaoxin.health.filtersets import AuditFilter
from gaoxin.health.models import (
    Appointment,
    Condition,
    Consultation,
    Contract,
    EmergencyAccess,
    FollowUp,
    HealthRecord,
    Institution,
    Measurement,
    Referral,
    Resident,
    Slot,
    Team,
    Teleconsult,
)

# --- the audited reads: every page and endpoint that shows a person goes through one of these ------


def _as_seen(found: tuple[Resident, HealthRecord | None]) -> audit.Target:
    """A view of a person is recorded as the read of their record, or of the person without one."""
    resident, record = found
    if record is not None:
        return ("record", record.pk, record.code)
    return ("resident", resident.pk, resident.id_masked)


def resident_in_care(
    actor: User, pk: int, *, request: HttpRequest | None = None
) -> tuple[Resident, HealthRecord | None]:
    """A resident in the actor's care and their live record, audited (a refusal too)."""

    def gate() -> tuple[Resident, HealthRecord | None]:
        resident = access.resident_for_staff(actor, pk)
        return resident, access.record_for_staff(actor, resident)

    return audit.load(actor, gate, target_type="resident", target_id=pk, audit_as=_as_seen, request=request)


def own_view(
    actor: User, ward_pk: int | None = None, *, request: HttpRequest | None = None
) -> tuple[Resident, HealthRecord | None]:
    """The resident herself (or a child she is the consenting guardian of) and the record she may read
    online (once opened), audited."""

    def gate() -> tuple[Resident, HealthRecord | None]:
        person = access.own_resident(actor) if ward_pk is None else access.ward_for(actor, ward_pk)
        return person, access.open_record_of(person)

    return audit.load(
        actor, gate, target_type="resident", target_id=ward_pk or "", audit_as=_as_seen, request=request
    )


def _reveal(actor: User, resident: Resident, what: str, request: HttpRequest | None) -> Resident:
    def gate() -> Resident:
        access.require_reveal(actor, resident)
        return resident

    return audit.load(
        actor,
        gate,
        target_type="resident",
        target_id=resident.pk,
        audit_as=lambda r: ("resident", r.pk, r.id_masked),
        action="reveal",
        detail=audit.note(gettext_noop("the ID number"))
        if what == "id_number"
        else audit.note(gettext_noop("the phone number")),
        request=request,
    )


def reveal_id_number(actor: User, resident: Resident, *, request: HttpRequest | None = None) -> str:
    """The full 身份证号 (the audited reveal: the team holding the contract or its manager only)."""
    return crypto.decrypt(_reveal(actor, resident, "id_number", request).id_cipher)


def reveal_phone(actor: User, resident: Resident, *, request: HttpRequest | None = None) -> str:
    """The full phone number (the audited reveal)."""
    person = _reveal(actor, resident, "phone", request)
    return crypto.decrypt(person.phone_cipher) if person.phone_cipher else ""


def care_list(actor: User, q: str, query: Any, *, request: HttpRequest | None = None) -> Page[Resident]:
    """One page of the residents in the actor's care (masked), found by name or by an exact ID number
    (looked up by its keyed hash); the listing is audited."""
    qs: QuerySet[Resident] = access.care_residents(actor).select_related("community").order_by("name", "pk")
    if q:
        found = find_resident(q)
        qs = qs.filter(pk=found.pk) if found else qs.filter(name__icontains=q)
    page = page_of(qs, query, 100 if q else 50)
    audit.record(
        actor,
        "list",
        "resident",
        "",
        detail=audit.note(
            gettext_noop("page %(n)s, with a search") if q else gettext_noop("page %(n)s"), n=page.number
        ),
        request=request,
    )
    return page


def find_resident(id_number: str) -> Resident | None:
    """The resident with this ID number, found by its keyed hash (never by the clear number)."""
    try:
        value = parse_id_number(id_number).value
    except IdentifierError:
        return None
    crypto.check_key()  # with a wrong key the hash would find nobody: say so instead
    return Resident.objects.filter(id_hash__in=crypto.lookup_hashes(value)).first()


def _live_records() -> Prefetch[Literal["records"], QuerySet[HealthRecord], Literal["live_records"]]:
    return Prefetch(
        "records",
        queryset=HealthRecord.objects.exclude(status=RecordStatus.CANCELLED).prefetch_related(
            Prefetch("conditions", queryset=Condition.objects.only("record_id", "icd10"))
        ),
        to_attr="live_records",
    )


def groups_of(resident: Resident, today: dt.date | None = None) -> set[str]:
    records = getattr(resident, "live_records", None)
    if records is None:
        records = list(resident.records.exclude(status=RecordStatus.CANCELLED).prefetch_related("conditions"))
    codes = [c.icd10 for r in records for c in r.conditions.all()]
    return priority_groups(
        age_years=resident.age(today or dt.date.today()),
        icd10=codes,
        pregnant=resident.pregnant,
        disabled=resident.disabled,
        low_income=resident.low_income,
    )


def group_labels(groups: set[str]) -> list[str]:
    """The groups in words, in the order of PRIORITY_GROUPS."""
    return [str(label) for code, label in PRIORITY_GROUP_LABELS.items() if code in groups]


def resident_rows(residents: list[Resident]) -> list[dict[str, Any]]:
    """One row per resident: masked ID, age, record status, holding contract, priority groups."""
    ids = [r.pk for r in residents]
    full = {
        r.pk: r
        for r in Resident.objects.filter(pk__in=ids)
        .select_related("community")
        .prefetch_related(_live_records())
    }
    contracts = {
        c.resident_id: c
        for c in Contract.objects.filter(resident_id__in=ids, status__in=list(HOLDING)).select_related(
            "team", "package"
        )
    }
    today = dt.date.today()
    rows = []
    for r in residents:
        f = full[r.pk]
        live: list[HealthRecord] = getattr(f, "live_records", [])  # set by _live_records()
        record = live[0] if live else None
        rows.append(
            {
                "resident": f,
                "age": f.age(today),
                "record": record,
                "contract": contracts.get(r.pk),
                "groups": group_labels(groups_of(f, today)),
            }
        )
    return rows


def _in_force(today: dt.date) -> Q:
    return Q(
        status__in=[ContractStatus.ACTIVE, ContractStatus.TERMINATING],
        starts_on__lte=today,
        ends_on__gte=today,
    )


# Statistical disclosure control: a count of 1 to 4 people is shown as "<5", and so is a rate whose
# numerator or denominator is such a count (a single person must not be recognisable in an aggregate).
SMALL_CELL = 5


def cell(n: int) -> int | None:
    """A count as published: None (shown "<5") for 1 to 4 people."""
    return None if 0 < n < SMALL_CELL else n


def rate(part: int, whole: int) -> float | None:
    """A percentage as published: None when there is nobody, or when either count is a small cell."""
    if whole == 0 or cell(whole) is None or cell(part) is None:
        return None
    return round(100 * part / whole, 1)


def team_kpis(today: dt.date) -> list[dict[str, Any]]:
    """Per team: contracts in force against the caseload warning, priority-group contracts, and the
    renewal rate of the year (renewed / contracts that ended this year)."""
    residents = {r.pk: r for r in Resident.objects.prefetch_related(_live_records())}
    rows = []
    for team in Team.objects.select_related("institution"):
        holding = list(team.contracts.filter(_in_force(today)).values_list("resident_id", flat=True))
        priority = sum(1 for rid in holding if groups_of(residents[rid], today))
        ended = team.contracts.filter(ends_on__year=today.year, ends_on__lt=today).exclude(
            status=ContractStatus.DECLINED
        )
        renewed = ended.filter(renewal__isnull=False).count()
        done = due = 0
        for contract in (
            team.contracts.filter(_in_force(today)).select_related("package").prefetch_related("deliveries")
        ):
            items = [(str(i.get("name")), int(i.get("per_year", 0))) for i in contract.package.items]
            d, n = fulfilment(
                items,
                [
                    x.item
                    for x in contract.deliveries.all()
                    if contract.starts_on <= x.delivered_on <= contract.ends_on
                ],
            )
            done, due = done + d, due + n
        n_ended = ended.count()
        rows.append(
            {
                "team": team,
                "contracts": cell(len(holding)),
                "over_caseload": len(holding) > team.caseload_warning,
                "priority": cell(priority),
                "applications": cell(team.contracts.filter(status=ContractStatus.APPLIED).count()),
                "renewal_rate": rate(renewed, n_ended),
                # services delivered against services due: counts of services, not of people
                "fulfilment_rate": None if due == 0 else round(100 * done / due, 1),
            }
        )
    return rows


def street_kpis(today: dt.date) -> list[dict[str, Any]]:
    """Per street: 签约率 overall and for the priority groups, over the registered residents."""
    residents = list(Resident.objects.select_related("community__street").prefetch_related(_live_records()))
    signed = set(Contract.objects.filter(_in_force(today)).values_list("resident_id", flat=True))
    acc: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_group: dict[Any, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for r in residents:
        street = r.community.street
        acc[street]["registered"] += 1
        acc[street]["signed"] += r.pk in signed
        groups = groups_of(r, today)
        if groups:
            acc[street]["priority"] += 1
            acc[street]["priority_signed"] += r.pk in signed
        for g in groups:
            by_group[street][g][0] += 1
            by_group[street][g][1] += r.pk in signed
    rows = []
    labels = {code: str(label) for code, label in PRIORITY_GROUP_LABELS.items()}
    for street, a in sorted(acc.items(), key=lambda kv: kv[0].code):
        rows.append(
            {
                "street": street,
                "registered": cell(a["registered"]),
                "signed": cell(a["signed"]),
                "priority": cell(a["priority"]),
                "rate": rate(a["signed"], a["registered"]),
                "priority_rate": rate(a["priority_signed"], a["priority"]),
                "groups": [
                    {"label": labels.get(g, g), "people": cell(n), "signed": cell(s), "rate": rate(s, n)}
                    for g, (n, s) in sorted(by_group[street].items())
                ],
            }
        )
    return rows


def team_of(user: User) -> Team | None:
    """The family-doctor team the user is a member of (None for others)."""
    return Team.objects.filter(members__user=user).first()


def pending_terminations() -> int:
    return Contract.objects.filter(status=ContractStatus.TERMINATING).count()


def audit_events(user: User, filters: AuditFilter) -> QuerySet[AuditEvent]:
    """The audit log as the auditor filters it (nobody else reads it)."""
    if not access.can_read_audit(user):
        raise PermissionDenied
    return filters.filter(AuditEvent.objects.all())


def emergency_accesses(user: User, *, days: int = 30) -> QuerySet[EmergencyAccess]:
    """The glass broken in the last ``days``: the auditor sees every one, a centre's manager those of
    her doctors and those opening the residents her centre keeps; a doctor her own."""
    qs = EmergencyAccess.objects.filter(
        granted_at__gte=timezone.now() - dt.timedelta(days=days)
    ).select_related("user", "resident", "institution")
    if access.can_read_audit(user):
        return qs
    if access.is_manager(user):
        return qs.filter(
            Q(institution__managers=user) | Q(resident__records__institution__managers=user)
        ).distinct()
    return qs.filter(user=user)


def emergency_of(user: User, resident: Resident) -> EmergencyAccess | None:
    """The user's emergency access to this resident in force now (None when in care the usual way)."""
    return (
        EmergencyAccess.objects.filter(user=user, resident=resident, expires_at__gt=timezone.now())
        .order_by("-expires_at")
        .first()
    )


# --- chronic-disease follow-up ----------------------------------------------------------------------------


def chronic_kinds(icd10_codes: list[str]) -> list[str]:
    """The follow-up programmes a patient is in from the record's diagnoses: hypertension (I10–I15) and
    type-2 diabetes (E11)."""
    kinds = []
    if any("I10" <= c[:3] <= "I15" for c in icd10_codes):
        kinds.append(FollowUpKind.HYPERTENSION.value)
    if any(c[:3] == "E11" for c in icd10_codes):
        kinds.append(FollowUpKind.DIABETES.value)
    return kinds


_STATE_ORDER = {"overdue": 0, "due_soon": 1, "due_year": 2, "not_due": 3}
_ELDERLY_LABEL = gettext_lazy("elderly health check")


def _child_rows(
    resident: Resident, record: HealthRecord, today: dt.date, visits: list[ScheduledVisit]
) -> list[dict[str, Any]]:
    """The child's schedule visits due now, and those missed within the last 90 days."""
    done = {v.code: v.visited_on for v in record.child_visits.all()}
    rows = []
    for item in schedule(resident.birth_date, visits, done, today):
        missed = item.state == VisitState.OVERDUE and (today - item.due_by).days <= 90
        if item.state == VisitState.DUE or missed:
            rows.append(
                {
                    "resident": resident,
                    "record": record,
                    "kind": "child_" + item.code,
                    "kind_label": ChildVisitCode(item.code).label,
                    "last": None,
                    "due_on": item.due_by,
                    "state": "overdue" if missed else "due_soon",
                    "days_over": (today - item.due_by).days if missed else 0,
                    "year_visits": 0,
                    "eligible_from": item.due_from,
                }
            )
    return rows


def _maternal_rows(
    resident: Resident, record: HealthRecord, today: dt.date, rules: Any
) -> list[dict[str, Any]]:
    """The contacts of the latest pregnancy due now, and those missed within the last 30 days."""
    status = maternal_status(record, rules, today)
    if status is None:
        return []
    rows = []
    for entry in status["items"]:
        item = entry["item"]
        missed = item.state == VisitState.OVERDUE and (today - item.due_by).days <= 30
        if item.state == VisitState.DUE or missed:
            rows.append(
                {
                    "resident": resident,
                    "record": record,
                    "kind": "maternal_" + item.code,
                    "kind_label": entry["label"],
                    "last": None,
                    "due_on": item.due_by,
                    "state": "overdue" if missed else "due_soon",
                    "days_over": (today - item.due_by).days if missed else 0,
                    "year_visits": "",
                    "eligible_from": item.due_from,
                }
            )
    return rows


def followup_worklist(
    actor: User,
    today: dt.date,
    *,
    visits: list[ScheduledVisit] | None = None,
    order: str = "due",
    request: HttpRequest | None = None,
    maternal_rules: Any = None,
) -> list[dict[str, Any]]:
    """The follow-ups due of the patients in the actor's care (not those opened in an emergency): one row
    per patient and disease, overdue first, then due within the week; a patient never followed up is due
    today (``order`` "name" or "kind" sorts by the resident's name or by the kind of visit instead). The
    listing is audited."""
    access.require_staff_of_care(actor)
    visits = visits or []
    residents = (
        access.care_residents(actor, emergency=False)
        .select_related("community")
        .prefetch_related(
            Prefetch(
                "records",
                queryset=HealthRecord.objects.exclude(status=RecordStatus.CANCELLED).prefetch_related(
                    "conditions",
                    "checks",
                    "child_visits",
                    "pregnancies__visits",
                    Prefetch("followups", queryset=FollowUp.objects.order_by("visit_on", "pk")),
                ),
                to_attr="live_records",
            )
        )
    )
    rows = []
    for resident in residents:
        for record in getattr(resident, "live_records", []):
            check = elderly_check(
                resident.birth_date, [c.checked_on for c in record.checks.all()], today.year, today
            )
            if check.state == CheckState.DUE:
                rows.append(
                    {
                        "resident": resident,
                        "record": record,
                        "kind": "elderly_check",
                        "kind_label": _ELDERLY_LABEL,
                        "last": None,
                        "due_on": dt.date(today.year, 12, 31),
                        "state": "due_year",
                        "days_over": 0,
                        "year_visits": 0,
                        "eligible_from": check.eligible_from,
                    }
                )
            if resident.age(today) <= 6:
                rows += _child_rows(resident, record, today, visits)
            if maternal_rules is not None and resident.sex == 2:
                rows += _maternal_rows(resident, record, today, maternal_rules)
            followups = list(record.followups.all())
            for kind in chronic_kinds([c.icd10 for c in record.conditions.all()]):
                mine = [f for f in followups if f.kind == kind]
                last = mine[-1] if mine else None
                due = last.next_due_on if last else today
                state = chronic.due_state(due, today)
                rows.append(
                    {
                        "resident": resident,
                        "record": record,
                        "kind": kind,
                        "kind_label": FollowUpKind(kind).label,
                        "last": last,
                        "due_on": due,
                        "state": state.value,
                        "days_over": (today - due).days if state == chronic.DueState.OVERDUE else 0,
                        "year_visits": sum(
                            1 for f in mine if f.visit_on.year == today.year and f.way in FACE_TO_FACE
                        ),
                    }
                )
    rows += _referral_rows(actor, today)
    rows.sort(key=lambda r: (_STATE_ORDER[r["state"]], r["due_on"], r["resident"].name))
    if order == "name":
        rows.sort(key=lambda r: (r["resident"].name, r["resident"].pk))
    elif order == "kind":
        rows.sort(key=lambda r: str(r["kind_label"]))
    audit.record(
        actor, "list", "resident", "", detail=audit.note(gettext_noop("follow-ups due")), request=request
    )
    return rows


_REFERRAL_LABEL = gettext_lazy("referral follow-up")


def _referral_rows(actor: User, today: dt.date) -> list[dict[str, Any]]:
    """The referrals the actor's institutions sent whose two-week follow-up is owed (BPHS 2017: 2周内主动
    随访转诊情况), for the residents in the actor's care."""
    owed = (
        access.referrals_of(actor)
        .filter(
            from_institution__in=access.staff_institutions(actor),
            state__in=referral_rules.AWAITING_FOLLOW_UP,
            resident__in=access.care_residents(actor, emergency=False),
        )
        .select_related("resident__community", "to_institution")
        .order_by("follow_up_due_on", "pk")
    )
    rows = []
    for r in owed:
        due = r.follow_up_due_on or today
        state = chronic.due_state(due, today)
        rows.append(
            {
                "resident": r.resident,
                "record": None,
                "kind": "referral",
                "kind_label": _REFERRAL_LABEL,
                "last": None,
                "referral": r,
                "due_on": due,
                "state": state.value,
                "days_over": (today - due).days if state == chronic.DueState.OVERDUE else 0,
                "year_visits": "",
            }
        )
    return rows


def _figures(followups: list[FollowUp], year: int, rules: chronic.Rules) -> dict[str, chronic.YearFigures]:
    by_patient: dict[tuple[int, str], list[tuple[chronic.Visit, chronic.Assessment]]] = defaultdict(list)
    for f in followups:
        visit = chronic.Visit(chronic.Kind(f.kind), f.visit_on, face_to_face=f.way in FACE_TO_FACE)
        by_patient[(f.record_id, f.kind)].append(
            (visit, chronic.Assessment(chronic.VisitClass(f.visit_class), f.controlled, f.urgent, ()))
        )
    return {
        kind: chronic.year_figures([v for (_r, k), v in by_patient.items() if k == kind], year, rules)
        for kind in FollowUpKind.values
    }


KPI_GROUPS = ("team", "institution", "street")


def _timely_rate(chains: list[list[tuple[dt.date, dt.date]]], year: int, today: dt.date) -> float | None:
    """随访及时率 as published: the share of the follow-ups due in the year made by their day (counts of
    follow-ups; a count under five is not shown)."""
    t = chronic.timeliness(chains, year, today)
    return rate(t.on_time, t.due)


def _kpi_groups(by: str) -> list[tuple[Any, QuerySet[Any]]]:
    """The groups of a KPI table and the residents of each: a team's or an institution's contracted
    residents (a contract held), or a street's registered residents."""
    holding = Contract.objects.filter(status__in=list(HOLDING))
    if by == "institution":
        return [
            (inst, holding.filter(team__institution=inst).values("resident_id"))
            for inst in Institution.objects.filter(teams__isnull=False).distinct().order_by("name")
        ]
    if by == "street":
        streets = {r.community.street for r in Resident.objects.select_related("community__street")}
        return [
            (street, Resident.objects.filter(community__street=street).values("pk"))
            for street in sorted(streets, key=lambda s: s.code)
        ]
    return [
        (team, holding.filter(team=team).values("resident_id"))
        for team in Team.objects.select_related("institution").order_by("institution__name", "name")
    ]


def followup_kpis(
    year: int, rules: chronic.Rules, today: dt.date, *, by: str = "team"
) -> list[dict[str, Any]]:
    """Per team (``by`` also "institution" or "street"): the patients followed up in the year, 规范管理率
    (≥ 4 face-to-face follow-ups) and 控制率 (the year's latest visit satisfactory), for hypertension and
    diabetes; the elderly health check coverage (65 and over by today, checked this year); counts of 1–4
    people suppressed."""
    rows = []
    for group, residents in _kpi_groups(by):
        followups = list(
            FollowUp.objects.filter(record__resident_id__in=residents, visit_on__year__gte=year - 1).only(
                "record_id", "kind", "visit_on", "way", "visit_class", "controlled", "urgent", "next_due_on"
            )
        )
        timely: dict[str, list[list[tuple[dt.date, dt.date]]]] = defaultdict(list)
        chains: dict[tuple[int, str], list[tuple[dt.date, dt.date]]] = defaultdict(list)
        for f in followups:
            chains[(f.record_id, f.kind)].append((f.visit_on, f.next_due_on))
        for (_record, kind), chain in chains.items():
            timely[kind].append(chain)
        followups = [f for f in followups if f.visit_on.year == year]
        figures = _figures(followups, year, rules)
        eligible = checked = 0
        for resident in Resident.objects.filter(pk__in=residents).prefetch_related("records__checks"):
            days = [c.checked_on for r in resident.records.all() for c in r.checks.all()]
            state = elderly_check(resident.birth_date, days, year, today).state
            eligible += state in (CheckState.DUE, CheckState.DONE)
            checked += state == CheckState.DONE
        rows.append(
            {
                "group": group,
                "team": group,
                "elderly": cell(eligible),
                "elderly_rate": rate(checked, eligible),
                "kinds": [
                    {
                        "kind": FollowUpKind(kind).label,
                        "managed": cell(f.managed),
                        "regular_rate": rate(f.regular, f.managed),
                        "control_rate": rate(f.controlled, f.managed),
                        "timely_rate": _timely_rate(timely.get(kind, []), year, today),
                    }
                    for kind, f in figures.items()
                ],
            }
        )
    return rows


def elderly_status(resident: Resident, record: HealthRecord | None, today: dt.date) -> dict[str, Any]:
    """The resident's elderly health checks (the record's, newest first) and where the year stands."""
    checks = list(record.checks.all()) if record else []
    status = elderly_check(resident.birth_date, [c.checked_on for c in checks], today.year, today)
    duplicates = set(status.duplicates)
    return {
        "status": status.state.value,
        "eligible_from": status.eligible_from,
        "checks": [
            {
                "check": c,
                "flag": "duplicate" if c.checked_on in duplicates and c.checked_on.year == today.year else "",
            }
            for c in checks
        ],
    }


def child_schedule(
    resident: Resident, record: HealthRecord | None, visits: list[ScheduledVisit], today: dt.date
) -> list[Any]:
    """The 0–6 child's schedule with each visit's window and state (empty past 7 years of age)."""
    if resident.age(today) > 6 or record is None:
        return []
    done = {v.code: v.visited_on for v in record.child_visits.all()}
    return [
        {"item": item, "label": ChildVisitCode(item.code).label}
        for item in schedule(resident.birth_date, visits, done, today)
    ]


# ---- appointments -----------------------------------------------------------------------------------


def open_slots(
    zone_id: int, now: Any, *, days: int = 14, institution_id: int | None = None
) -> list[dict[str, Any]]:
    """The coming slots of the zone with their free places (all, and those outside the reserve)."""
    qs = access.bookable_slots(zone_id).filter(
        starts_at__gt=now, starts_at__lte=now + dt.timedelta(days=days)
    )
    if institution_id:
        qs = qs.filter(institution_id=institution_id)
    qs = qs.select_related("institution", "team").annotate(
        booked=Count("appointments", filter=Q(appointments__status="booked")),
        booked_general=Count(
            "appointments", filter=Q(appointments__status="booked", appointments__contracted=False)
        ),
    )
    rows = []
    for s in qs.order_by("starts_at", "institution__name"):
        places = appointments.Places(s.capacity, s.reserved, s.booked, s.booked_general)
        rows.append({"slot": s, "free": places.free, "free_general": places.free_for(False)})
    return rows


def patient_appointments(people: list[Any]) -> QuerySet[Any]:
    """The bookings of the resident and her wards, the coming first."""
    return (
        Appointment.objects.filter(resident__in=people)
        .select_related("slot", "slot__institution", "resident")
        .order_by("-slot__starts_at")
    )


def staff_slots(user: User, now: Any, *, days: int = 14) -> list[dict[str, Any]]:
    """The coming slots of the user's institutions with their bookings (residents' ID numbers masked)."""
    slots = list(
        Slot.objects.filter(
            institution__in=access.slot_institutions(user), starts_at__gte=now - dt.timedelta(hours=12)
        )
        .filter(starts_at__lte=now + dt.timedelta(days=days))
        .select_related("institution", "team")
        .order_by("starts_at")
    )
    booked = defaultdict(list)
    for a in (
        Appointment.objects.filter(slot__in=slots, status="booked")
        .select_related("resident")
        .order_by("booked_at")
    ):
        booked[a.slot_id].append(a)
    return [
        {
            "slot": s,
            "appointments": booked.get(s.pk, []),
            "booked": sum(1 for a in booked.get(s.pk, []) if a.status == "booked"),
        }
        for s in slots
    ]


# ---- two-way referral


def referral_timing(r: Referral, now: dt.datetime) -> referral_rules.AnswerTiming:
    return referral_rules.answer_timing(
        state=r.state, submitted_at=r.submitted_at, due=r.answer_due_at, answered_at=r.answered_at, now=now
    )


def referral_follow_up_state(r: Referral, today: dt.date) -> str | None:
    """Where the referring team's follow-up stands: overdue, due_soon, not_due; None once done or not owed."""
    if r.state not in referral_rules.AWAITING_FOLLOW_UP or r.follow_up_due_on is None:
        return None
    return chronic.due_state(r.follow_up_due_on, today).value


REFERRAL_BOXES = ("received", "sent")


def referral_rows(
    actor: User,
    *,
    box: str,
    state: str = "",
    overdue_only: bool = False,
    now: dt.datetime | None = None,
    request: HttpRequest | None = None,
) -> list[dict[str, Any]]:
    """The referrals the actor's institutions received (``box`` "received", drafts excluded) or sent
    ("sent"), newest first, with the answer's timing and the follow-up's state (masked; audited)."""
    if not access.can_see_referrals(actor):
        raise PermissionDenied
    now = now or timezone.now()
    today = timezone.localdate(now)
    mine = access.staff_institutions(actor)
    qs = access.referrals_of(actor).select_related("resident", "from_institution", "to_institution")
    if box == "sent":
        qs = qs.filter(from_institution__in=mine)
    else:
        qs = qs.filter(to_institution__in=mine).exclude(state="draft")
    if state:
        qs = qs.filter(state=state)
    rows = []
    for r in qs.order_by("-created_at", "-pk")[:500]:
        timing = referral_timing(r, now)
        follow = referral_follow_up_state(r, today) if box == "sent" else None
        if overdue_only and not (timing.overdue or follow == "overdue"):
            continue
        rows.append({"referral": r, "timing": timing, "follow_up": follow})
    audit.record(actor, "list", "referral", "", detail=box, request=request)
    return rows


def referral_for_staff(actor: User, pk: int, *, request: HttpRequest | None = None) -> Referral:
    """One referral of the actor's institution with its case summary, audited (a refusal too)."""
    return audit.load(
        actor,
        lambda: access.referral_for_staff(actor, pk),
        target_type="referral",
        target_id=pk,
        audit_as=lambda r: ("referral", r.pk, r.resident.id_masked),
        request=request,
    )


def referrals_of_resident(actor: User, resident: Resident) -> QuerySet[Referral]:
    """The referrals of a resident that the actor's institutions sent or received (for her page)."""
    return (
        access.referrals_of(actor)
        .filter(resident=resident)
        .select_related("from_institution", "to_institution")
        .order_by("-created_at", "-pk")
    )


def tiered_care(year: int, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """分级诊疗 per institution for a year: referrals up (sent by it, received by it), referrals back down
    (sent by it, received by it), and how fast it answered the referrals it received (median hours, share
    in time). Counts of referrals, not of people; small counts are published as "<5" like any other."""
    now = now or timezone.now()
    submitted = Referral.objects.filter(submitted_at__year=year)
    down = Referral.objects.filter(down_referred_at__year=year)
    up_sent = dict(
        submitted.values("from_institution").annotate(n=Count("pk")).values_list("from_institution", "n")
    )
    up_received = dict(
        submitted.values("to_institution").annotate(n=Count("pk")).values_list("to_institution", "n")
    )
    down_sent = dict(down.values("to_institution").annotate(n=Count("pk")).values_list("to_institution", "n"))
    down_received = dict(
        down.values("from_institution").annotate(n=Count("pk")).values_list("from_institution", "n")
    )
    answers: dict[int, list[referral_rules.AnswerTiming]] = defaultdict(list)
    for r in submitted.only("state", "to_institution", "submitted_at", "answer_due_at", "answered_at"):
        answers[r.to_institution_id].append(referral_timing(r, now))
    rows = []
    for inst in Institution.objects.order_by("kind", "name"):
        counts = [up_sent.get(inst.pk, 0), up_received.get(inst.pk, 0), down_sent.get(inst.pk, 0)]
        counts.append(down_received.get(inst.pk, 0))
        if not any(counts):
            continue
        speed = referral_rules.turnaround(answers.get(inst.pk, []))
        rows.append(
            {
                "institution": inst,
                "up_sent": cell(counts[0]),
                "up_received": cell(counts[1]),
                "down_sent": cell(counts[2]),
                "down_received": cell(counts[3]),
                "answered": cell(speed.answered),
                "median_hours": round(speed.median_hours, 1)
                if speed.median_hours is not None and cell(speed.answered) is not None
                else None,
                "on_time_rate": rate(speed.on_time, speed.answered),
                "waiting_overdue": cell(sum(1 for a in answers.get(inst.pk, []) if a.overdue)),
            }
        )
    return rows


def referral_actions(actor: User, r: Referral) -> list[str]:
    """The steps the actor may take now on this referral (those of the sides they act for)."""
    sides = access.side_of(actor, r)
    return [a for a in referral_rules.actions_from(r.state) if referral_rules.SIDE[a] in sides]


def referral_context(actor: User, r: Referral, now: dt.datetime) -> dict[str, Any]:
    """What the referral's page shows beside the slip: the steps open, the timings, the reads allowed."""
    return {
        "actions": referral_actions(actor, r),
        "timing": referral_timing(r, now),
        "follow_up": referral_follow_up_state(r, timezone.localdate(now)),
        "receiver": referral_rules.RECEIVER in access.side_of(actor, r),
        "reads_record": r.state in referral_rules.RECEIVER_READS,
    }


def has_open_referral(referrals: list[Referral]) -> bool:
    return any(r.state not in referral_rules.ENDED for r in referrals)


# ---- FHIR reads: the same gates as the pages, each read of a person audited (views.fhir_* build them)


def fhir_subject(
    actor: User, pk: int, kind: str, *, request: HttpRequest | None = None
) -> tuple[Resident, HealthRecord | None]:
    """A resident in the actor's care (read scope) and her live record, audited as a FHIR read of
    ``kind`` (a refusal too)."""

    def gate() -> tuple[Resident, HealthRecord | None]:
        resident = access.resident_for_staff(actor, pk)
        return resident, access.record_for_staff(actor, resident)

    return audit.load(
        actor,
        gate,
        target_type="resident",
        target_id=pk,
        audit_as=_as_seen,
        detail=audit.note(gettext_noop("FHIR %(kind)s"), kind=kind),
        request=request,
    )


def fhir_find_patients(
    actor: User, system: str, value: str, *, request: HttpRequest | None = None
) -> list[tuple[Resident, HealthRecord | None]]:
    """The residents in the actor's care with this identifier: a health-record code
    (urn:oid:2.16.156.10011.1.2) or an ID number (…1.3, found by its keyed hash, never shown back).
    An identifier outside the care is no match (and the search is audited either way)."""
    access.require_staff_of_care(actor)
    found: Resident | None = None
    if system == "urn:oid:2.16.156.10011.1.2":
        record = (
            HealthRecord.objects.filter(code=value.strip()).exclude(status=RecordStatus.CANCELLED).first()
        )
        found = record.resident if record else None
    elif system == "urn:oid:2.16.156.10011.1.3":
        found = find_resident(value)
    if found is None or not access.care_residents(actor).filter(pk=found.pk).exists():
        audit.record(
            actor,
            "list",
            "resident",
            "",
            detail=audit.note(gettext_noop("FHIR patient search")),
            request=request,
        )
        return []
    return [fhir_subject(actor, found.pk, "Patient", request=request)]


def fhir_patient_data(resident: Resident, record: HealthRecord | None, kind: str, actor: User) -> list[Any]:
    """The objects of a resident (already opened through fhir_subject) that a FHIR search of ``kind``
    returns."""
    if kind == "Condition":
        return list(record.conditions.order_by("pk")) if record else []
    if kind == "Observation":
        if record is None:
            return []
        return [list(record.followups.order_by("pk")), list(record.measurements.order_by("pk"))]
    if kind == "EpisodeOfCare":
        return list(resident.contracts.select_related("team", "package").order_by("-starts_on", "-pk"))
    if kind == "CareTeam":
        teams = Team.objects.filter(contracts__resident=resident, contracts__status__in=list(HOLDING))
        return list(teams.distinct().prefetch_related("members"))
    if kind == "Appointment":
        return list(resident.appointments.select_related("slot__institution").order_by("slot__starts_at"))
    if kind == "ServiceRequest":
        return list(referrals_of_resident(actor, resident))
    return []


def fhir_practitioner(actor: User, pk: int) -> User:
    """A member of a family-doctor team (the staff of care see each other; nobody else is a
    Practitioner)."""
    access.require_staff_of_care(actor)
    found = User.objects.filter(pk=pk, team_memberships__isnull=False).distinct().first()
    if found is None:
        raise Http404
    return found


def fhir_organization(actor: User, pk: int) -> Institution:
    access.require_staff_of_care(actor)
    return get_object_or_404(Institution, pk=pk)


def fhir_team(actor: User, pk: int) -> Team:
    access.require_staff_of_care(actor)
    return get_object_or_404(Team.objects.prefetch_related("members"), pk=pk)


def fhir_pk(text: str) -> int:
    """A FHIR id that names a row: ASCII digits that fit a database key (Http404 otherwise)."""
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise Http404
    return int(text)


def fhir_owner(kind: str, rid: str) -> int:
    """The resident a resource by id belongs to (404 for an id that is none), to gate it by her."""
    if kind == "Observation":
        prefix, _, rest = rid.partition("-")
        pk, _, part = rest.partition("-")
        if part not in ("bp", "glu"):
            raise Http404
        fhir_pk(pk)
        if prefix == "fu":
            owner = FollowUp.objects.filter(pk=int(pk)).values_list("record__resident_id", flat=True).first()
        elif prefix == "m":
            owner = (
                Measurement.objects.filter(pk=int(pk)).values_list("record__resident_id", flat=True).first()
            )
        else:
            raise Http404
    elif kind == "Condition":
        owner = (
            Condition.objects.filter(pk=fhir_pk(rid)).values_list("record__resident_id", flat=True).first()
        )
    elif kind == "EpisodeOfCare":
        owner = Contract.objects.filter(pk=fhir_pk(rid)).values_list("resident_id", flat=True).first()
    elif kind == "Appointment":
        owner = Appointment.objects.filter(pk=fhir_pk(rid)).values_list("resident_id", flat=True).first()
    elif kind == "ServiceRequest":
        owner = Referral.objects.filter(pk=fhir_pk(rid)).values_list("resident_id", flat=True).first()
    else:
        raise Http404
    if owner is None:
        raise Http404
    return int(owner)


# ---- online consultation


def consult_waiting(c: Consultation, limit_hours: float, now: dt.datetime) -> consultation.Waiting:
    if c.state != "open" or c.waiting_since is None:
        return consultation.Waiting(None, None, False)
    return consultation.waiting([(c.waiting_since, True)], limit_hours=limit_hours, now=now)


def team_inbox(
    actor: User, limit_hours: float, now: dt.datetime, *, request: HttpRequest | None = None
) -> list[dict[str, Any]]:
    """The questions asked of the actor's teams: waiting ones first (overdue first), then the rest,
    newest first (masked; audited)."""
    if not access.can_answer_consultations(actor):
        raise PermissionDenied
    found = access.team_consultations(actor).select_related("resident", "team").order_by("-created_at")[:300]
    pairs = [(c, consult_waiting(c, limit_hours, now)) for c in found]
    pairs.sort(key=lambda p: (p[1].since is None, not p[1].overdue, p[1].since or now))
    rows: list[dict[str, Any]] = [{"c": c, "waiting": w} for c, w in pairs]
    audit.record(
        actor, "list", "consultation", "", detail=audit.note(gettext_noop("consultations")), request=request
    )
    return rows


def resident_consultations(people: list[Resident]) -> QuerySet[Consultation]:
    return (
        Consultation.objects.filter(resident__in=people)
        .select_related("resident", "team")
        .order_by("-created_at")
    )


def consultation_thread(
    actor: User, pk: int, *, request: HttpRequest | None = None
) -> tuple[Consultation, str]:
    """A consultation with its side for the actor (resident or team), audited (a refusal too)."""
    return audit.load(
        actor,
        lambda: access.consultation_for(actor, pk),
        target_type="consultation",
        target_id=pk,
        audit_as=lambda found: ("consultation", found[0].pk, found[0].resident.id_masked),
        request=request,
    )


def consultation_figures(limit_hours: float, year: int) -> list[dict[str, Any]]:
    """Per team, the questions of the year: how many, the median hours to an answer and the share
    answered within the limit (small counts shown as <5)."""
    rows = []
    for team in Team.objects.select_related("institution").order_by("institution__name", "name"):
        hours: list[float] = []
        asked = 0
        for c in team.consultations.filter(created_at__year=year).prefetch_related("messages"):
            asked += 1
            hours += consultation.response_hours([(m.created_at, m.from_resident) for m in c.messages.all()])
        if not asked:
            continue
        in_time = sum(1 for h in hours if h <= limit_hours)
        rows.append(
            {
                "team": team,
                "asked": cell(asked),
                "answers": cell(len(hours)),
                "median_hours": round(statistics.median(hours), 1)
                if hours and cell(len(hours)) is not None
                else None,
                "in_time_rate": rate(in_time, len(hours)),
            }
        )
    return rows


# ---- remote consultation


def teleconsult_rows(actor: User, *, request: HttpRequest | None = None) -> list[Teleconsult]:
    """The remote consultations of the actor's institutions, either side, newest first (audited)."""
    if not access.can_see_referrals(actor):
        raise PermissionDenied
    rows = list(access.teleconsults_of(actor).select_related("resident", "inviting", "invited")[:300])
    audit.record(
        actor,
        "list",
        "teleconsult",
        "",
        detail=audit.note(gettext_noop("remote consultations")),
        request=request,
    )
    return rows


def teleconsult_for_staff(actor: User, pk: int, *, request: HttpRequest | None = None) -> Teleconsult:
    return audit.load(
        actor,
        lambda: access.teleconsult_for(actor, pk),
        target_type="teleconsult",
        target_id=pk,
        audit_as=lambda t: ("teleconsult", t.pk, t.resident.id_masked),
        request=request,
    )


def teleconsult_actions(actor: User, t: Teleconsult) -> list[str]:
    return teleconsult_rules.actions_from(t.state, access.teleconsult_sides(actor, t))


# ---- 孕产妇健康管理


_MATERNAL_LABELS = dict(MaternalVisitCode.choices)


def maternal_status(record: HealthRecord | None, rules: Any, today: dt.date) -> dict[str, Any] | None:
    """The latest pregnancy of a record with its schedule (labelled), or None."""
    if record is None:
        return None
    # the latest (the model's order), from a prefetch when the caller made one (the worklist)
    pregnancy = next(iter(record.pregnancies.all()), None)
    if pregnancy is None:
        return None
    done = {v.code: v.visited_on for v in pregnancy.visits.all()}
    items = maternal.maternal_schedule(
        lmp=pregnancy.lmp,
        born_on=pregnancy.born_on,
        discharged_on=pregnancy.discharged_on,
        done=done,
        today=today,
        rules=rules,
    )
    weeks = maternal.gestation(pregnancy.lmp, min(today, pregnancy.born_on or today))
    return {
        "pregnancy": pregnancy,
        "weeks": weeks,
        "items": [{"item": i, "label": _MATERNAL_LABELS.get(i.code, i.code)} for i in items],
    }
