"""Every URL that names an object is gated: walking every URL pattern of the site and of the API, an
object of another zone is never served (404 or 403) to a user who sees everything of their own zone.

A new URL pattern with a path parameter fails ``test_every_url_with_an_object_is_listed`` until it is
added to ZONE_OBJECTS (with the object it names) or to ELSEWHERE (with the reason and the test that
covers its gate)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from gaoxin.accounts.choices import Role
from gaoxin.accounts.services import create_user
from gaoxin.analysis.identifiers import uscc_check_char
from gaoxin.common.models import Attachment
from gaoxin.governance.models import ServiceType
from gaoxin.lifecircle import services as lifecircle_services
from gaoxin.lifecircle.models import AreaResult, CandidateList, Evaluation, Scenario
from gaoxin.parks import services as parks_services
from gaoxin.parks.models import (
    Appeal,
    Application,
    Confirmation,
    Enterprise,
    ExpertReview,
    IdleLandCase,
    IncubationCall,
    LandParcel,
    Lease,
    Park,
    Plant,
    PlantUnit,
    Policy,
    Redevelopment,
    Result,
    Scheme,
    ServiceRequest,
)
from gaoxin.parks.models import Evaluation as ParkEvaluation
from gaoxin.places.models import Community, Facility, FacilityType, ResidentialArea, Street, Zone
from gaoxin.plans.models import Milestone, Node, Programme, ProgressReport, Project, Target, Task, Unit
from tests.conftest import PASSWORD

# url name → (persona who sees everything of their own zone, method, kwargs built from the other zone)
ZONE_OBJECTS: dict[str, tuple[str, str, dict[str, str]]] = {
    "places:facility_detail": ("planner", "get", {"pk": "facility"}),
    "places:facility_edit": ("planner", "get", {"pk": "facility"}),
    "places:area_detail": ("planner", "get", {"pk": "area"}),
    "places:area_edit": ("planner", "get", {"pk": "area"}),
    "lifecircle:candidate_list": ("planner", "get", {"pk": "candidate_list"}),
    "lifecircle:scenario_delete": ("planner", "post", {"pk": "scenario"}),
    "lifecircle:scenario": ("planner", "get", {"pk": "scenario"}),
    "lifecircle:scenario_promote": ("planner", "post", {"pk": "scenario", "site_id": "site"}),
    "lifecircle:scenario_site": ("planner", "post", {"pk": "scenario", "site_id": "site"}),
    "lifecircle:scenario_close": ("planner", "post", {"pk": "scenario"}),
    "lifecircle:scenario_housing": ("planner", "post", {"pk": "scenario"}),
    "lifecircle:scenario_change": ("planner", "post", {"pk": "scenario"}),
    "lifecircle:map_results": ("planner", "get", {"pk": "evaluation"}),
    "lifecircle:area_report": ("planner", "get", {"pk": "evaluation", "area_id": "area"}),
    "lifecircle:street": ("planner", "get", {"pk": "evaluation", "street_id": "street"}),
    "parks:enterprise": ("park", "get", {"pk": "enterprise"}),
    "parks:park": ("park", "get", {"pk": "park"}),
    "parks:plant": ("park", "get", {"pk": "plant"}),
    "parks:plant_edit": ("park", "get", {"pk": "plant"}),
    "parks:lease_end": ("park", "post", {"pk": "lease"}),
    "parks:policy": ("park", "post", {"pk": "policy"}),
    "parks:request": ("park", "post", {"pk": "service_request"}),
    "parks:call": ("park", "post", {"pk": "incubation_call"}),
    "parks:call_edit": ("park", "get", {"pk": "incubation_call"}),
    "parks:call_apply": ("park", "get", {"pk": "incubation_call"}),
    "parks:application": ("park", "post", {"pk": "incubation_application"}),
    "parks:review": ("park", "get", {"pk": "expert_review"}),
    "parks:plan": ("park", "get", {"pk": "attachment"}),
    "api:get_request": ("park", "get", {"request_id": "service_request"}),
    "api:hand_over_request": ("park", "post", {"request_id": "service_request"}),
    "api:close_request": ("park", "post", {"request_id": "service_request"}),
    "api:rate_request": ("park", "post", {"request_id": "service_request"}),
    "parks:policy_edit": ("park", "get", {"pk": "policy"}),
    "api:policy_matches": ("park", "get", {"policy_id": "policy"}),
    "api:preview_policy": ("park", "post", {"policy_id": "policy"}),
    "parks:evaluation": ("park", "get", {"pk": "park_evaluation"}),
    "parks:evaluation_step": ("park", "post", {"pk": "park_evaluation", "step": "score"}),
    "parks:result": ("park", "get", {"pk": "result"}),
    "parks:idle_case": ("park", "post", {"pk": "idle_case"}),
    "parks:redevelopment": ("park", "post", {"pk": "redevelopment"}),
    "parks:appeal_decide": ("park", "post", {"pk": "appeal"}),
    "parks:objection_answer": ("park", "post", {"pk": "data_objection"}),
    "parks:attachment": ("park", "get", {"pk": "appeal_evidence"}),
    "api:get_evaluation": ("planner", "get", {"evaluation_id": "evaluation"}),
    "api:area_results": ("planner", "get", {"evaluation_id": "evaluation"}),
    "api:gaps": ("planner", "get", {"evaluation_id": "evaluation"}),
    "api:scenario_comparison": ("planner", "get", {"scenario_id": "scenario"}),
    "api:evaluation_step": ("park", "post", {"evaluation_id": "park_evaluation", "step": "score"}),
    "api:evaluation_results": ("park", "get", {"evaluation_id": "park_evaluation"}),
    "api:evaluation_policies": ("park", "get", {"evaluation_id": "park_evaluation"}),
    "api:get_result": ("park", "get", {"result_id": "result"}),
    "plans:target": ("admin", "get", {"pk": "target"}),
    "plans:target_edit": ("admin", "get", {"pk": "target"}),
    "plans:programme": ("admin", "get", {"pk": "programme"}),
    "plans:programme_export": ("admin", "get", {"pk": "programme"}),
    "plans:programme_import": ("admin", "post", {"pk": "programme"}),
    "plans:programme_escalate": ("admin", "post", {"pk": "programme"}),
    "plans:task": ("admin", "get", {"pk": "task"}),
    "plans:node_finish": ("admin", "post", {"pk": "node"}),
    "plans:node_reopen": ("admin", "post", {"pk": "node"}),
    "plans:attachment": ("admin", "get", {"pk": "attachment"}),
    "api:get_target": ("admin", "get", {"target_id": "target"}),
    "api:get_programme": ("admin", "get", {"programme_id": "programme"}),
    "api:finish_node": ("admin", "post", {"node_id": "node"}),
    "plans:project": ("admin", "get", {"pk": "project"}),
    "plans:care": ("admin", "post", {"pk": "care_home"}),
    "governance:case": ("admin", "post", {"pk": "case"}),
    "governance:photo": ("admin", "get", {"pk": "case_photo"}),
    "governance:dispute": ("admin", "post", {"pk": "dispute"}),
    "governance:grid_worklist": ("admin", "get", {"pk": "grid"}),
    "governance:dispute_agreement": ("admin", "get", {"pk": "dispute"}),
    "api:get_case": ("admin", "get", {"case_id": "case"}),
    "api:case_step": ("admin", "post", {"case_id": "case", "action": "open"}),
    "open311:open311_request": ("admin", "get", {"service_request_id": "case_number"}),
    "plans:milestone_finish": ("admin", "post", {"pk": "milestone"}),
    "api:get_project": ("admin", "get", {"project_id": "project"}),
    "education:development": ("admin", "post", {"pk": "development"}),
    "education:development_edit": ("admin", "post", {"pk": "development"}),
    "education:phase_edit": ("admin", "post", {"pk": "phase"}),
    "education:kindergarten": ("admin", "get", {"pk": "housing_kg"}),
    "education:kindergarten_edit": ("admin", "post", {"pk": "housing_kg"}),
    "education:school": ("admin", "post", {"pk": "school"}),
    "education:plan": ("admin", "get", {"pk": "catchment_plan"}),
    "education:plan_publish": ("admin", "post", {"pk": "catchment_plan"}),
    "api:get_plan": ("admin", "get", {"plan_id": "catchment_plan"}),
}

# URL patterns with a parameter that is not an object of a zone, and where their gate is tested.
ELSEWHERE = {
    "open311:open311_service": "a request type is the installation's, not a zone's (tests/governance/test_open311.py)",
    "places:import_detail": "an upload, seen by its uploader or who manages its kind (tests/common/test_imports.py)",
    "places:import_confirm": "an upload, confirmed by its uploader or who manages its kind (tests/common/test_imports.py)",
    "places:export": "a dataset name and a file format, not an object (tests/places/test_views.py)",
    "api:push_department_figures": "a dataset name, not an object; each row's enterprise is looked up in the registry (tests/parks/test_api.py)",
    "parks:scheme": "a 亩产效益 scheme is the installation's, not a zone's (tests/parks/test_access.py)",
    "health:resident": "a person, gated by the care relation (the persona table of tests/health/test_access.py)",
    "health:record_step": "a person, gated by the care relation (tests/health/test_access.py)",
    "health:contract_step": "a person, gated by the care relation (tests/health/test_access.py)",
    "health:record_edit": "a person, gated by the care relation (tests/health/test_access.py)",
    "health:ward": "a child, gated by the guardian's consent (tests/health/test_access.py)",
    "fhir:search": "a FHIR resource type, each resource gated by its patient's care (tests/health/test_fhir.py)",
    "fhir:read": "a FHIR resource, gated by its patient's care or its referral's sides (tests/health/test_fhir.py)",
    "health:consultation": "a consultation, read by the resident and her team (tests/health/test_access.py)",
    "health:consultation_file": "a consultation's file, read by its two sides (tests/health/test_access.py)",
    "health:teleconsult": "a remote consultation, gated by its two institutions (tests/health/test_teleconsults.py)",
    "health:teleconsult_new": "a person, gated by the care relation (tests/health/test_access.py)",
    "api:get_consultation": "a consultation, read by the resident and her team (tests/health/test_consultations.py)",
    "api:post_consult_message": "a consultation, written by the resident and her team (tests/health/test_consultations.py)",
    "health:referral": "a referral, gated by its two sides (tests/health/test_access.py, test_referrals.py)",
    "health:referral_new": "a person, gated by the care relation (tests/health/test_access.py)",
    "api:get_referral": "a referral, gated by its two sides (tests/health/test_referrals.py)",
    "api:referral_step": "a referral, gated by its two sides (tests/health/test_referrals.py)",
    "api:cancel_appointment": "a resident's own booking or her ward's (tests/health/test_appointments.py)",
    "job": "a background job, seen by its starter only (tests/common/test_jobs.py)",
    "job_status": "a background job, seen by its starter only (tests/common/test_jobs.py)",
    "job_cancel": "a background job, cancelled by its starter only (tests/common/test_jobs.py)",
    "api:job": "a background job, seen by its starter only (tests/common/test_jobs.py)",
    "api:resident": "a person, gated by the care relation (tests/health/test_access.py)",
}


def url_patterns() -> list[tuple[str, str, URLPattern]]:
    """Every URL pattern of the site and the API: (route, namespaced name, pattern); the admin's are
    Django's own."""

    def walk(patterns: list[Any], prefix: str, namespace: str) -> Any:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}:{p.namespace}".strip(":") if p.namespace else namespace
                yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
            else:
                yield prefix + str(p.pattern), f"{namespace}:{p.name}".strip(":"), p

    return [r for r in walk(get_resolver().url_patterns, "", "") if not r[0].startswith("admin/")]


def test_every_url_with_an_object_is_listed():
    with_parameters = {name for route, name, _p in url_patterns() if "<" in route}
    unlisted = sorted(with_parameters - set(ZONE_OBJECTS) - set(ELSEWHERE))
    assert unlisted == [], "add these URLs to ZONE_OBJECTS or ELSEWHERE of tests/site/test_gates.py"
    assert sorted((set(ZONE_OBJECTS) | set(ELSEWHERE)) - with_parameters) == []  # no stale entries


def _uscc(n: int) -> str:
    body = f"91370800MB{n:07d}"
    return body + uscc_check_char(body)


@pytest.fixture
def other_zone(zone: Zone, planner: object) -> dict[str, Any]:
    """A second zone (the installation serves the first) with one object of every kind."""
    other = Zone.objects.create(code="370811", name="另一区", center_lon=116.58, center_lat=35.40)
    street = Street.objects.create(
        zone=other, code="370811001", name="别处街道", center_lon=116.58, center_lat=35.4
    )
    community = Community.objects.create(street=street, code="370811001001", name="别处社区")
    area = ResidentialArea.objects.create(
        code="RA-OTHER",
        name="别处小区",
        community=community,
        center_lon=116.58,
        center_lat=35.40,
        pop_15_59=900,
    )
    kg = FacilityType.objects.get(code="kindergarten")
    facility = Facility.objects.create(
        code="F-OTHER", name="别处幼儿园", type=kg, street=street, lon=116.58, lat=35.4
    )
    profile = lifecircle_services.default_profile()
    evaluation = Evaluation.objects.create(zone=other, profile=profile, items=[], summary={"areas": 1})
    AreaResult.objects.create(
        evaluation=evaluation, area=area, street=street, population=900, passes=True, missing=0, items={}
    )
    scenario = Scenario.objects.create(zone=other, name="别处方案", profile=profile)
    site = scenario.added.create(facility_type=kg, name="别处新址", lon=116.58, lat=35.4)
    candidate_list = CandidateList.objects.create(zone=other, name="别处候选")
    parks_services.sync_builtin_schemes()
    park = Park.objects.create(zone=other, code="other", name="别处园")
    enterprise = Enterprise.objects.create(uscc=_uscc(1), name="别处企业", park=park, industry_code="3411")
    plant = Plant.objects.create(park=park, name="别处厂房", standard=True, floor_area_m2=Decimal(1000))
    unit = PlantUnit.objects.create(plant=plant, floor=1, number="1-01", area_m2=Decimal(500))
    lease = Lease.objects.create(
        unit=unit,
        tenant=enterprise,
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2030, 12, 31),
        rent_yuan_per_m2_month=Decimal(10),
    )
    policy = Policy.objects.create(
        zone=other, code="other", title="别处政策", issuer="别处", benefit="—", data_year=2025
    )
    service_request = ServiceRequest.objects.create(
        zone=other,
        number="FW-OTHER-1",
        enterprise=enterprise,
        need="loan",
        field="finance",
        title="别处贷款",
        description="—",
        filed_on=dt.date(2026, 1, 1),
    )
    incubation_call = IncubationCall.objects.create(
        zone=other,
        code="other",
        title="别处孵化",
        cohort=2026,
        opens_on=dt.date(2026, 1, 1),
        closes_on=dt.date(2099, 1, 1),
        places=1,
        min_score=Decimal(60),
        grant_yuan=Decimal(1),
    )
    incubation_application = Application.objects.create(
        call=incubation_call,
        number="FH-OTHER-1",
        project="别处项目",
        team_lead="某",
        team_size=1,
        stage="idea",
        industry_code="3976",
        summary="—",
        submitted_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
        status="in_review",
    )
    expert_review = ExpertReview.objects.create(
        application=incubation_application,
        reviewer=create_user("otherexpert", PASSWORD, roles=[Role.REVIEWER]),
        assigned_on=dt.date(2026, 1, 3),
    )
    scheme = Scheme.objects.order_by("pk").first()
    park_evaluation = ParkEvaluation.objects.create(zone=other, year=2025, scheme=scheme, status="notice")
    park_evaluation.notice_on = dt.date.today()
    park_evaluation.save()
    result = Result.objects.create(
        evaluation=park_evaluation, enterprise=enterprise, pool="above", score=Decimal(10), klass="B"
    )
    appeal_evidence = Attachment.objects.create(
        name="e.pdf", content_type="application/pdf", size=5, sha256="0", data=b"%PDF-"
    )
    appeal = Appeal.objects.create(
        evaluation=result.evaluation,
        enterprise=result.enterprise,
        result=result,
        text="别处异议",
        attachment=appeal_evidence,
    )
    data_objection = Confirmation.objects.create(
        enterprise=enterprise, year=2025, confirmed=False, note="数据有误"
    )
    unit = Unit.objects.create(zone=other, name="别处单位")
    target = Target.objects.create(
        zone=other,
        year=2026,
        code="T1",
        title="别处目标",
        owner=unit,
        kind="reported",
        goal=Decimal(1),
        start_on=dt.date(2026, 1, 1),
        due_on=dt.date(2026, 12, 31),
    )
    programme = Programme.objects.create(zone=other, name="别处计划", year=2026, coordinator=unit)
    task = Task.objects.create(programme=programme, number="1", content="别处任务", lead=unit)
    node = Node.objects.create(task=task, title="别处节点", due_on=dt.date(2026, 1, 31))
    evidence = Attachment.objects.create(
        name="a.pdf", content_type="application/pdf", size=5, sha256="0", data=b"%PDF-"
    )
    ProgressReport.objects.create(
        task=task, unit=unit, period="2026-01", text="x", attachment=evidence, reported_on=dt.date(2026, 1, 2)
    )
    Application.objects.filter(pk=incubation_application.pk).update(plan=evidence)
    project = Project.objects.create(
        zone=other,
        code="P1",
        name="别处项目",
        kind="ppp",
        category="water",
        stage="ppp_execute",
        owner=unit,
        total_investment_yuan=Decimal(100),
        start_year=2026,
        end_year=2027,
        lon=116.58,
        lat=35.4,
    )
    milestone = Milestone.objects.create(project=project, title="别处节点", due_on=dt.date(2026, 3, 1))
    care_home = Facility.objects.create(
        code="F-OTHER-NH",
        name="别处敬老院",
        type=FacilityType.objects.get(code="nursing_home"),
        street=street,
        lon=116.58,
        lat=35.4,
    )
    from gaoxin.governance.models import Case as GovCase
    from gaoxin.governance.services import sync_service_types

    sync_service_types()
    case_photo = Attachment.objects.create(
        name="p.jpg", content_type="image/jpeg", size=3, sha256="0", data=b"\xff\xd8\xff"
    )
    case = GovCase.objects.create(
        zone=other,
        number="GXOTHER0001",
        service=ServiceType.objects.get(code="street_lamp"),
        description="别处路灯",
        address="别处",
        source="resident",
        photo=case_photo,
        reported_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    from gaoxin.governance.models import Dispute

    dispute = Dispute.objects.create(
        zone=other,
        number="TJOTHER",
        street=street,
        kind="other",
        summary="别处纠纷",
        parties="甲、乙",
        committee="别处调委会",
        accepted_on=dt.date(2026, 1, 1),
    )
    from gaoxin.governance.models import Grid as GovGrid

    grid = GovGrid.objects.create(community=community, code="G-OTHER", name="别处网格")
    from gaoxin.education.models import CatchmentPlan, Development, Phase
    from gaoxin.education.models import Kindergarten as HousingKindergarten

    housing_kg = HousingKindergarten.objects.create(
        zone=other, code="K-OTHER", name="别处幼儿园", street=street
    )
    development = Development.objects.create(
        zone=other,
        code="D-OTHER",
        name="别处项目",
        street=street,
        lon=116.58,
        lat=35.4,
        kindergarten=housing_kg,
    )
    phase = Phase.objects.create(development=development, number=1, dwellings=100)
    school = Facility.objects.create(
        code="F-OTHER-PS",
        name="别处小学",
        type=FacilityType.objects.get(code="primary_school"),
        street=street,
        lon=116.58,
        lat=35.4,
        capacity=900,
    )
    catchment_plan = CatchmentPlan.objects.create(zone=other, level="primary", name="别处学区", year=2026)
    parcel = LandParcel.objects.create(park=park, code="OTHER-1", area_m2=Decimal(6667))
    idle_case = IdleLandCase.objects.create(parcel=parcel, opened_on=dt.date(2026, 1, 5))
    redevelopment = Redevelopment.objects.create(
        parcel=parcel, approach="upgrade", started_on=dt.date(2026, 1, 5), due_on=dt.date(2027, 1, 4)
    )
    return {
        "housing_kg": housing_kg.pk,
        "development": development.pk,
        "phase": phase.pk,
        "school": school.pk,
        "catchment_plan": catchment_plan.pk,
        "grid": grid.pk,
        "dispute": dispute.pk,
        "case": case.pk,
        "case_number": case.number,
        "case_photo": case_photo.pk,
        "appeal_evidence": appeal_evidence.pk,
        "data_objection": data_objection.pk,
        "care_home": care_home.pk,
        "project": project.pk,
        "milestone": milestone.pk,
        "target": target.pk,
        "programme": programme.pk,
        "task": task.pk,
        "node": node.pk,
        "attachment": evidence.pk,
        "zone": other,
        "street": street.pk,
        "area": area.pk,
        "facility": facility.pk,
        "evaluation": evaluation.pk,
        "scenario": scenario.pk,
        "site": site.pk,
        "candidate_list": candidate_list.pk,
        "enterprise": enterprise.pk,
        "park": park.pk,
        "plant": plant.pk,
        "lease": lease.pk,
        "policy": policy.pk,
        "service_request": service_request.pk,
        "incubation_call": incubation_call.pk,
        "incubation_application": incubation_application.pk,
        "expert_review": expert_review.pk,
        "park_evaluation": park_evaluation.pk,
        "result": result.pk,
        "appeal": appeal.pk,
        "idle_case": idle_case.pk,
        "redevelopment": redevelopment.pk,
    }


@pytest.fixture
def park_staff_user(zone: Zone) -> object:
    return create_user("park", PASSWORD, roles=[Role.PARK_STAFF])


def test_no_object_of_another_zone_is_served(client_of, planner, park_staff_user, other_zone):  # type: ignore[no-untyped-def]
    admin = create_user("zadmin", PASSWORD, roles=[Role.ZONE_ADMIN])
    personas = {"planner": planner, "park": park_staff_user, "admin": admin}
    served = []
    for name, (persona, method, kwargs) in ZONE_OBJECTS.items():
        args = {k: other_zone.get(v, v) for k, v in kwargs.items()}
        url = reverse(name, kwargs=args)
        c = client_of(personas[persona])
        response = getattr(c, method)(url)
        if response.status_code not in (403, 404):
            served.append((name, response.status_code))
    assert served == []
    # and nothing of the other zone changed
    assert Scenario.objects.filter(pk=other_zone["scenario"]).exists()
    assert ParkEvaluation.objects.get(pk=other_zone["park_evaluation"]).status == "notice"
    assert Appeal.objects.get(pk=other_zone["appeal"]).status == "open"
    assert Node.objects.get(pk=other_zone["node"]).done_on is None
    assert Milestone.objects.get(pk=other_zone["milestone"]).done_on is None
    assert Confirmation.objects.get(pk=other_zone["data_objection"]).answered_at is None
    assert Lease.objects.get(pk=other_zone["lease"]).ended_on is None
    assert Policy.objects.get(pk=other_zone["policy"]).status == "draft"
    assert ServiceRequest.objects.get(pk=other_zone["service_request"]).status == "filed"
    assert Application.objects.get(pk=other_zone["incubation_application"]).status == "in_review"
    assert IncubationCall.objects.get(pk=other_zone["incubation_call"]).status == "open"
    from gaoxin.governance.models import Case as GovCase

    assert GovCase.objects.get(pk=other_zone["case"]).status == "reported"
    from gaoxin.education.models import CatchmentPlan, Phase

    assert CatchmentPlan.objects.get(pk=other_zone["catchment_plan"]).status == "proposed"
    assert Phase.objects.get(pk=other_zone["phase"]).dwellings == 100


def test_objects_named_in_a_request_body_are_gated_too(client_of, planner, other_zone):  # type: ignore[no-untyped-def]
    c = client_of(planner)
    for payload in (
        {"type": "kindergarten", "street_id": other_zone["street"]},
        {"type": "kindergarten", "candidate_list_id": other_zone["candidate_list"]},
    ):
        assert c.post("/api/lifecircle/siting", payload, content_type="application/json").status_code == 404
    page = c.get("/lifecircle/siting/", {"type": "kindergarten", "street": other_zone["street"], "p": 1})
    assert page.status_code == 200 and "proposal" not in page.context  # not a street of the form's choices
    into = c.post(
        "/lifecircle/scenarios/new/",
        {"type": "kindergarten", "site": ["116.64,35.41,1"], "scenario": other_zone["scenario"]},
    )
    assert into.status_code == 302 and Scenario.objects.get(pk=other_zone["scenario"]).added.count() == 1
