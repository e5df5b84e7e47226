"""HL7 FHIR R4 (4.0.1) resources of the health app, for the city's 全民健康信息平台: plain JSON built from
the models (the FHIR views in views.py gate, audit and bundle them).

Mapping (a concept, its resource): 居民 Patient · 家庭医生 Practitioner · 家庭医生团队 CareTeam · 医疗机构
Organization · 签约 EpisodeOfCare · 疾病 Condition (ICD-10) · 血压 Observation (LOINC 85354-9, components
8480-6 and 8462-4 in mm[Hg]) · 空腹血糖 Observation (LOINC 14771-0, mmol/L) · 预约 Appointment · 转诊
ServiceRequest (category referral, SNOMED CT 3457005). Identifiers: the health-record code under the
national OID of 城乡居民健康档案编号 (urn:oid:2.16.156.10011.1.2); the 身份证号 is never emitted (the
platform matches by the record code, or searches by the ID number it already holds). Code systems: LOINC
http://loinc.org, UCUM http://unitsofmeasure.org, ICD-10 http://hl7.org/fhir/sid/icd-10.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from gaoxin.health.models import (
    Appointment,
    Condition,
    Contract,
    FollowUp,
    Institution,
    Measurement,
    Referral,
    Resident,
    Team,
)

FHIR_VERSION = "4.0.1"
MEDIA_TYPE = "application/fhir+json"
RECORD_CODE_SYSTEM = "urn:oid:2.16.156.10011.1.2"  # 城乡居民健康档案编号
ID_NUMBER_SYSTEM = "urn:oid:2.16.156.10011.1.3"  # 居民身份证号码 (searched by, never emitted)
INSTITUTION_SYSTEM = "urn:gaoxin:institution"
USER_SYSTEM = "urn:gaoxin:user"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
SNOMED = "http://snomed.info/sct"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
BP_PANEL, SBP, DBP, FPG = "85354-9", "8480-6", "8462-4", "14771-0"

# The resource types served, with their search parameters (the CapabilityStatement lists them).
SEARCH_PARAMS: dict[str, list[str]] = {
    "Patient": ["identifier", "_id"],
    "Practitioner": ["_id"],
    "Organization": ["_id"],
    "CareTeam": ["patient", "_id"],
    "EpisodeOfCare": ["patient", "_id"],
    "Condition": ["patient", "_id"],
    "Observation": ["patient", "code", "_id"],
    "Appointment": ["patient", "_id"],
    "ServiceRequest": ["patient", "_id"],
}


def _instant(value: dt.datetime) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")


def _ref(kind: str, pk: object) -> dict[str, str]:
    return {"reference": f"{kind}/{pk}"}


def _number(value: Decimal | int | float) -> float | int:
    return int(value) if isinstance(value, int) else float(value)


def patient(resident: Resident, record_code: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "resourceType": "Patient",
        "id": str(resident.pk),
        "active": True,
        "name": [{"use": "official", "text": resident.name}],
        "gender": "male" if resident.sex == 1 else "female",
        "birthDate": resident.birth_date.isoformat(),
    }
    if record_code:
        out["identifier"] = [{"use": "official", "system": RECORD_CODE_SYSTEM, "value": record_code}]
    if resident.address:
        out["address"] = [{"use": "home", "text": resident.address, "country": "CN"}]
    return out


def practitioner(user: Any) -> dict[str, Any]:
    return {
        "resourceType": "Practitioner",
        "id": str(user.pk),
        "active": user.is_active,
        "identifier": [{"system": USER_SYSTEM, "value": user.username}],
        "name": [{"text": user.display_name or user.username}],
    }


_ORG_TYPE = {
    "centre": ("prov", "Healthcare Provider"),
    "station": ("prov", "Healthcare Provider"),
    "hospital": ("prov", "Healthcare Provider"),
}


def organization(institution: Institution) -> dict[str, Any]:
    code, display = _ORG_TYPE.get(institution.kind, ("other", "Other"))
    return {
        "resourceType": "Organization",
        "id": str(institution.pk),
        "active": True,
        "identifier": [{"system": INSTITUTION_SYSTEM, "value": str(institution.pk)}],
        "type": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/organization-type",
                        "code": code,
                        "display": display,
                    }
                ],
                "text": institution.get_kind_display(),
            }
        ],
        "name": institution.name,
    }


def care_team(team: Team, members: list[Any]) -> dict[str, Any]:
    """A family-doctor team (it cares for many residents: no subject)."""
    return {
        "resourceType": "CareTeam",
        "id": str(team.pk),
        "status": "active",
        "name": team.name,
        "managingOrganization": [_ref("Organization", team.institution_id)],
        "participant": [
            {
                "role": [{"text": m.get_role_display()}],
                "member": _ref("Practitioner", m.user_id),
            }
            for m in members
        ],
    }


_EPISODE_STATUS = {
    "applied": "waitlist",
    "active": "active",
    "terminating": "active",
    "terminated": "finished",
    "expired": "finished",
    "declined": "cancelled",
}


def episode_of_care(contract: Contract) -> dict[str, Any]:
    """A family-doctor contract (家庭医生签约) as the care relationship it creates."""
    period: dict[str, str] = {"start": contract.starts_on.isoformat()}
    period["end"] = (contract.ended_on or contract.ends_on).isoformat()
    return {
        "resourceType": "EpisodeOfCare",
        "id": str(contract.pk),
        "status": _EPISODE_STATUS.get(contract.status, "active"),
        "type": [{"text": "家庭医生签约服务 · %s" % contract.package.name}],
        "patient": _ref("Patient", contract.resident_id),
        "managingOrganization": _ref("Organization", contract.team.institution_id),
        "period": period,
        "team": [_ref("CareTeam", contract.team_id)],
    }


def condition(c: Condition, resident_pk: int) -> dict[str, Any]:
    out: dict[str, Any] = {
        "resourceType": "Condition",
        "id": str(c.pk),
        "clinicalStatus": {
            "coding": [
                {"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}
            ]
        },
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/condition-category",
                        "code": "problem-list-item",
                    }
                ]
            }
        ],
        "code": {"coding": [{"system": ICD10, "code": c.icd10, "display": c.name}], "text": c.name},
        "subject": _ref("Patient", resident_pk),
    }
    if c.diagnosed_on:
        out["onsetDateTime"] = c.diagnosed_on.isoformat()
    return out


def _category(code: str) -> list[dict[str, Any]]:
    return [{"coding": [{"system": OBSERVATION_CATEGORY, "code": code}]}]


def _quantity(value: Decimal | int | float, unit: str) -> dict[str, Any]:
    return {"value": _number(value), "unit": unit, "system": UCUM, "code": unit}


def blood_pressure(rid: str, resident_pk: int, day: dt.date, sbp: int, dbp: int) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": rid,
        "status": "final",
        "category": _category("vital-signs"),
        "code": {
            "coding": [{"system": LOINC, "code": BP_PANEL, "display": "Blood pressure panel"}],
            "text": "血压",
        },
        "subject": _ref("Patient", resident_pk),
        "effectiveDateTime": day.isoformat(),
        "component": [
            {
                "code": {"coding": [{"system": LOINC, "code": SBP, "display": "Systolic blood pressure"}]},
                "valueQuantity": _quantity(sbp, "mm[Hg]"),
            },
            {
                "code": {"coding": [{"system": LOINC, "code": DBP, "display": "Diastolic blood pressure"}]},
                "valueQuantity": _quantity(dbp, "mm[Hg]"),
            },
        ],
    }


def fasting_glucose(rid: str, resident_pk: int, day: dt.date, value: Decimal) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": rid,
        "status": "final",
        "category": _category("laboratory"),
        "code": {
            "coding": [
                {
                    "system": LOINC,
                    "code": FPG,
                    "display": "Fasting glucose [Moles/volume] in Serum or Plasma",
                }
            ],
            "text": "空腹血糖",
        },
        "subject": _ref("Patient", resident_pk),
        "effectiveDateTime": day.isoformat(),
        "valueQuantity": _quantity(value, "mmol/L"),
    }


def observations_of(
    resident_pk: int, followups: list[FollowUp], measurements: list[Measurement]
) -> list[dict[str, Any]]:
    """Every blood pressure and fasting glucose of a resident: from the follow-ups (id ``fu-<pk>-bp``,
    ``fu-<pk>-glu``) and the measurements (``m-<pk>-bp``, ``m-<pk>-glu``), newest first."""
    out: list[tuple[dt.date, dict[str, Any]]] = []
    readings: list[tuple[str, FollowUp | Measurement, dt.date]] = [("fu", f, f.visit_on) for f in followups]
    readings += [("m", m, m.taken_on) for m in measurements]
    for prefix, row, day in readings:
        if row.sbp is not None and row.dbp is not None:
            out.append((day, blood_pressure(f"{prefix}-{row.pk}-bp", resident_pk, day, row.sbp, row.dbp)))
        if row.fpg is not None:
            out.append((day, fasting_glucose(f"{prefix}-{row.pk}-glu", resident_pk, day, row.fpg)))
    out.sort(key=lambda pair: (pair[0], pair[1]["id"]), reverse=True)
    return [resource for _day, resource in out]


_APPOINTMENT_STATUS = {
    "booked": "booked",
    "cancelled": "cancelled",
    "attended": "fulfilled",
    "missed": "noshow",
}


def appointment(a: Appointment) -> dict[str, Any]:
    start = a.slot.starts_at
    return {
        "resourceType": "Appointment",
        "id": str(a.pk),
        "status": _APPOINTMENT_STATUS.get(a.status, "booked"),
        "serviceType": [{"text": a.slot.service}],
        "description": "%s · %s" % (a.slot.institution.name, a.slot.service),
        "start": _instant(start),
        "end": _instant(start + dt.timedelta(minutes=a.slot.minutes)),
        "minutesDuration": a.slot.minutes,
        "created": _instant(a.booked_at),
        "participant": [{"actor": _ref("Patient", a.resident_id), "status": "accepted"}],
    }


_REFERRAL_STATUS = {
    "draft": "draft",
    "submitted": "active",
    "accepted": "active",
    "arrived": "active",
    "completed": "active",
    "down_referred": "completed",
    "followed_up": "completed",
    "rejected": "revoked",
    "cancelled": "revoked",
}


def service_request(r: Referral) -> dict[str, Any]:
    """A referral (转诊申请) as the request it is; its workflow state is in ``status`` and, in the
    platform's own words, in the extension-free ``note`` and ``reasonCode`` texts."""
    notes = [{"text": "病历摘要：" + r.summary}]
    if r.answer:
        notes.append({"text": "应答：" + r.answer})
    if r.outcome:
        notes.append({"text": "诊疗报告：" + r.outcome})
    if r.down_advice:
        notes.append({"text": "下转：" + r.down_advice})
    out: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "id": str(r.pk),
        "identifier": [{"system": "urn:gaoxin:referral", "value": r.number}],
        "status": _REFERRAL_STATUS.get(r.state, "active"),
        "intent": "order",
        "category": [
            {"coding": [{"system": SNOMED, "code": "3457005", "display": "Patient referral"}], "text": "转诊"}
        ],
        "priority": "urgent" if r.urgent else "routine",
        "code": {"text": "上转 · %s" % r.get_state_display()},
        "subject": _ref("Patient", r.resident_id),
        "authoredOn": _instant(r.submitted_at or r.created_at),
        "requester": _ref("Organization", r.from_institution_id),
        "performer": [_ref("Organization", r.to_institution_id)],
        "reasonCode": [{"text": r.get_reason_display()}],
        "note": notes,
    }
    if r.department:
        out["performerType"] = {"text": r.department}
    return out


def capability_statement(base: str, now: dt.datetime) -> dict[str, Any]:
    return {
        "resourceType": "CapabilityStatement",
        "id": "gaoxin",
        "status": "active",
        "date": _instant(now),
        "publisher": "Gaoxin",
        "kind": "instance",
        "software": {"name": "Gaoxin"},
        "implementation": {"description": "Gaoxin health records (read only)", "url": base},
        "fhirVersion": FHIR_VERSION,
        "format": [MEDIA_TYPE, "json"],
        "rest": [
            {
                "mode": "server",
                "security": {
                    "description": "A logged-in session of a care role; every read is in the audit log."
                },
                "resource": [
                    {
                        "type": kind,
                        "interaction": [{"code": "read"}, {"code": "search-type"}],
                        "searchParam": [
                            {"name": name, "type": "token" if name != "patient" else "reference"}
                            for name in params
                        ],
                    }
                    for kind, params in SEARCH_PARAMS.items()
                ],
            }
        ],
    }


def bundle(base: str, kind: str, resources: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(resources),
        "link": [{"relation": "self", "url": f"{base}/{kind}"}],
        "entry": [
            {
                "fullUrl": f"{base}/{r['resourceType']}/{r['id']}",
                "resource": r,
                "search": {"mode": "match"},
            }
            for r in resources
        ],
    }


def outcome(code: str, text: str) -> dict[str, Any]:
    """An OperationOutcome: ``code`` of the issue-type value set (not-found, forbidden, login, invalid)."""
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": text}],
    }


# ---- the KPI workbook (aggregates only; the page's suppressed cells stay suppressed: "<5")


def _shown(value: Any) -> Any:
    return "<5" if value is None else value


def _rate(value: float | None) -> Any:
    return "—" if value is None else round(value / 100, 4)


def kpi_workbook(context: dict[str, Any]) -> bytes:
    """The KPI page as a workbook: signing per street, contracts per team, chronic-disease management
    (per team, institution or street as chosen) and the tiered-care figures; rates as per cent cells."""
    import openpyxl

    from gaoxin.common.tabular import save_workbook, tidy_sheet

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = str(_("Per street"))[:31]
    sheet.append([str(x) for x in (_("Street"), _("Registered"), _("Signed"), _("Signing rate"))])
    for r in context["streets"]:
        sheet.append([r["street"].name, _shown(r["registered"]), _shown(r["signed"]), _rate(r["rate"])])
    tidy_sheet(sheet, percent=[4])
    sheet = book.create_sheet(str(_("Per team"))[:31])
    sheet.append(
        [
            str(x)
            for x in (
                _("Team"),
                _("Institution"),
                _("Contracts in force"),
                _("Priority-group contracts"),
                _("Renewal rate"),
                _("Fulfilment rate"),
            )
        ]
    )
    for r in context["teams"]:
        sheet.append(
            [
                r["team"].name,
                r["team"].institution.name,
                _shown(r["contracts"]),
                _shown(r["priority"]),
                _rate(r["renewal_rate"]),
                _rate(r["fulfilment_rate"]),
            ]
        )
    tidy_sheet(sheet, percent=[5, 6])
    sheet = book.create_sheet(str(_("Chronic-disease management this year"))[:31])
    sheet.append(
        [
            str(x)
            for x in (
                _("Group"),
                _("Disease"),
                _("Patients followed up"),
                _("Regular management rate"),
                _("Control rate"),
                _("Follow-ups on time"),
                _("65+ checked this year"),
            )
        ]
    )
    for r in context["followup_kpis"]:
        for k in r["kinds"]:
            sheet.append(
                [
                    str(r["group"]),
                    str(k["kind"]),
                    _shown(k["managed"]),
                    _rate(k["regular_rate"]),
                    _rate(k["control_rate"]),
                    _rate(k["timely_rate"]),
                    _rate(r["elderly_rate"]),
                ]
            )
    tidy_sheet(sheet, percent=[4, 5, 6, 7])
    sheet = book.create_sheet(str(_("Two-way referral"))[:31])
    sheet.append(
        [
            str(x)
            for x in (
                _("Institution"),
                _("Referred up"),
                _("Received from below"),
                _("Referred back down"),
                _("Received back"),
                _("Median hours to answer"),
                _("Answered in time"),
            )
        ]
    )
    for r in context["tiered"]:
        sheet.append(
            [
                r["institution"].name,
                _shown(r["up_sent"]),
                _shown(r["up_received"]),
                _shown(r["down_sent"]),
                _shown(r["down_received"]),
                "—" if r["median_hours"] is None else r["median_hours"],
                _rate(r["on_time_rate"]),
            ]
        )
    tidy_sheet(sheet, percent=[7])
    return save_workbook(book)
