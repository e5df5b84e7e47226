"""Write the generated demo zone and the demo logins to the database, in one transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from gaoxin.accounts.choices import Role
from gaoxin.accounts.models import User
from gaoxin.accounts.services import ensure_roles, upsert_user
from gaoxin.demo.zone import generate
from gaoxin.places.models import Community, Facility, FacilityType, ResidentialArea, Street, WalkEdge, Zone
from gaoxin.places.services import sync_facility_types

# Demo logins: published in the README and printed by `make demo`; for a demo database only.
DEMO_PASSWORD = "gaoxin-demo-2026"
DEMO_USERS: list[tuple[str, str, list[Role], str | None]] = [
    ("admin", "系统管理员", [Role.ZONE_ADMIN], None),
    ("planner", "规划员 李明", [Role.PLANNER], None),
    ("guanghe", "洸河街道 王芳", [Role.STREET_STAFF], "370871001"),
    ("liuxing", "柳行街道 张伟", [Role.STREET_STAFF], "370871002"),
    ("doctor", "家庭医生 刘洋", [Role.DOCTOR], None),
    ("manager", "卫生服务中心主任 郑华", [Role.DOCTOR], None),
    ("yiyuan", "人民医院转诊中心 何平", [Role.DOCTOR], None),
    ("resident", "居民 陈静", [Role.RESIDENT], None),
    ("park", "园区服务 赵强", [Role.PARK_STAFF], None),
    ("shizheng", "市政公用处 孙明", [], None),
    ("enterprise", "企业 孙丽", [Role.ENTERPRISE], None),
    ("leader", "领导 周涛", [Role.LEADERSHIP], None),
    ("jiaoyu", "教育局 马丽", [Role.EDUCATION], None),
    ("zhuanjia", "评审专家 王磊", [Role.REVIEWER], None),
    ("zhuanjia2", "评审专家 刘洋", [Role.REVIEWER], None),
    ("zhuanjia3", "评审专家 陈静", [Role.REVIEWER], None),
    ("auditor", "审计员 吴敏", [Role.AUDITOR], None),
]


def is_loaded() -> bool:
    return Zone.objects.exists()


@transaction.atomic
def load_demo(seed: int = 20261127) -> dict[str, int]:
    """Replace every place of the registry with the generated demo zone and create the demo users."""
    sync_facility_types()
    ensure_roles()
    from gaoxin.common.models import Attachment
    from gaoxin.demo.health import load_health
    from gaoxin.demo.parks import load_parks
    from gaoxin.health.models import (
        Consultation,
        ConsultMessage,
        Contract,
        Guardianship,
        HealthRecord,
        Institution,
        Referral,
        Resident,
        ServicePackage,
        Slot,
        Team,
        Teleconsult,
    )
    from gaoxin.parks.models import (
        Application,
        Enterprise,
        Evaluation,
        IdleLandCase,
        IncubationCall,
        LandParcel,
        Lease,
        Park,
        ParkUpgrade,
        Plant,
        Policy,
        Provider,
        Redevelopment,
        ServiceRequest,
    )

    Slot.objects.all().delete()  # with their appointments (a resident is protected while booked)
    Referral.objects.all().delete()
    files = list(ConsultMessage.objects.exclude(attachment=None).values_list("attachment_id", flat=True))
    Consultation.objects.all().delete()  # with their messages
    Attachment.objects.filter(pk__in=files).delete()
    Teleconsult.objects.all().delete()
    Contract.objects.all().delete()
    Guardianship.objects.all().delete()
    HealthRecord.objects.all().delete()
    Resident.objects.all().delete()
    Team.objects.all().delete()
    Institution.objects.all().delete()
    ServicePackage.objects.all().delete()

    from gaoxin.education.models import CatchmentPlan, Development, Kindergarten
    from gaoxin.governance.models import Case, Department, Dispute, Grid, Household
    from gaoxin.plans.models import Programme, Project, Target, Unit

    CatchmentPlan.objects.all().delete()
    Development.objects.all().delete()
    Kindergarten.objects.all().delete()
    Case.objects.all().delete()
    Dispute.objects.all().delete()
    Household.objects.all().delete()
    Grid.objects.all().delete()
    Department.objects.all().delete()

    Project.objects.all().delete()
    Programme.objects.all().delete()
    Target.objects.all().delete()
    Unit.objects.all().delete()
    Evaluation.objects.all().delete()
    Lease.objects.all().delete()  # a unit and a tenant are protected while let
    Policy.objects.all().delete()
    ServiceRequest.objects.all().delete()
    Application.objects.all().delete()
    IncubationCall.objects.all().delete()
    Provider.objects.all().delete()
    ParkUpgrade.objects.all().delete()
    Plant.objects.all().delete()  # an owner is protected while it owns a plant
    Enterprise.objects.all().delete()
    IdleLandCase.objects.all().delete()  # with their documents (a parcel is protected while it has a case)
    Redevelopment.objects.all().delete()  # with their progress reports
    LandParcel.objects.all().delete()
    Park.objects.all().delete()
    WalkEdge.objects.all().delete()
    Facility.objects.all().delete()
    ResidentialArea.objects.all().delete()
    # the demo's users are kept (named on audit events): unbound from the streets, set again below
    User.objects.filter(username__in=[u[0] for u in DEMO_USERS]).update(street=None)
    Community.objects.all().delete()
    Street.objects.all().delete()
    Zone.objects.all().delete()

    demo = generate(seed)
    zone = Zone.objects.create(synthetic_geometry=True, **demo.zone)
    streets = {s["code"]: Street.objects.create(zone=zone, **s) for s in demo.streets}
    communities = {}
    for c in demo.communities:
        values = {k: v for k, v in c.items() if k not in ("street", "urban")}
        communities[c["code"]] = Community.objects.create(street=streets[c["street"]], **values)
    ResidentialArea.objects.bulk_create(
        [
            ResidentialArea(
                community=communities[a["community"]],
                street=communities[a["community"]].street,
                population=sum(
                    a[k]
                    for k in (
                        "pop_0_2",
                        "pop_3_5",
                        "pop_6_11",
                        "pop_12_14",
                        "pop_15_59",
                        "pop_60_64",
                        "pop_65_plus",
                    )
                ),
                **{k: v for k, v in a.items() if k != "community"},
            )
            for a in demo.areas
        ]
    )
    types = {t.code: t for t in FacilityType.objects.all()}
    Facility.objects.bulk_create(
        [
            Facility(
                type=types[f["type"]],
                street=streets[f["street"]],
                community=communities.get(f["community"]) if f["community"] else None,
                opened_on=dt.date.fromisoformat(f["opened_on"]) if f["opened_on"] else None,
                **{k: v for k, v in f.items() if k not in ("type", "street", "community", "opened_on")},
            )
            for f in demo.facilities
        ]
    )
    WalkEdge.objects.bulk_create([WalkEdge(zone=zone, **e) for e in demo.edges], batch_size=2000)
    users = {}
    for username, display, roles, street_code in DEMO_USERS:
        users[username] = upsert_user(
            username,
            DEMO_PASSWORD,
            roles=roles,
            display_name=display,
            street_id=streets[street_code].pk if street_code else None,
            is_staff=Role.ZONE_ADMIN in roles,
            is_superuser=username == "admin",
        )
    park_counts = load_parks(zone, users, seed)
    from gaoxin.demo.parkservices import load_incubation, load_plants, load_policies, load_requests

    park_counts |= load_plants(zone, users, seed)
    park_counts |= load_policies(zone, users)
    park_counts |= load_requests(zone, users, seed)
    park_counts |= load_incubation(zone, users, seed)
    health_counts = load_health(zone, users, seed)
    candidates = load_candidates(zone, users["planner"])
    from gaoxin.demo.plans import load_plans

    plan_counts = load_plans(zone, users)
    from gaoxin.demo.governance import load_governance

    governance_counts = load_governance(zone, users, seed)
    from gaoxin.demo.education import load_education

    education_counts = load_education(zone, users)
    return {
        **park_counts,
        **plan_counts,
        **governance_counts,
        **education_counts,
        **health_counts,
        "candidate_sites": candidates,
        "streets": len(streets),
        "communities": len(communities),
        "areas": len(demo.areas),
        "facilities": len(demo.facilities),
        "edges": len(demo.edges),
    }


def load_candidates(zone: Zone, planner: User) -> int:
    """An illustrative candidate list for 王因街道 (synthetic, like every demo geometry): a ground-floor
    配套用房 in every third residential area, and a vacant parcel between every fifth pair of areas,
    each with an illustrative land or premises cost."""
    from gaoxin.lifecircle.choices import CandidateKind
    from gaoxin.lifecircle.models import CandidateList, CandidateSite

    areas = list(ResidentialArea.objects.filter(street__name="王因街道").order_by("code"))
    listed = CandidateList.objects.create(
        zone=zone, name="王因街道候选用地（示例）", created_by=planner, note="synthetic demo data"
    )
    sites = [
        CandidateSite(
            candidate_list=listed,
            name=f"{a.name}配套用房",
            kind=CandidateKind.ANCILLARY,
            lon=round(a.center_lon + 0.0004, 6),
            lat=round(a.center_lat - 0.0003, 6),
            capacity=60,
            address=f"{a.name}临街底层",
            land_cost=Decimal(60 + 15 * (k % 4)),  # rent of the rooms for the plan's years, 万元
        )
        for k, a in enumerate(areas[::3])
    ]
    sites += [
        CandidateSite(
            candidate_list=listed,
            name=f"{a.name}与{b.name}之间空闲地块",
            kind=CandidateKind.VACANT_LAND,
            lon=round((a.center_lon + b.center_lon) / 2, 6),
            lat=round((a.center_lat + b.center_lat) / 2, 6),
            land_cost=Decimal(150 + 40 * (k % 3)),  # land transfer for a small public building, 万元
        )
        for k, (a, b) in enumerate(list(zip(areas, areas[1:], strict=False))[::5])
    ]
    CandidateSite.objects.bulk_create(sites)
    return len(sites)
