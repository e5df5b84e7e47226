"""Query-count guards: every list page and list endpoint runs the same number of queries for a few rows
as for many (no query per row, N+1)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gaoxin.accounts.choices import Role
from gaoxin.accounts.services import create_user
from gaoxin.analysis.identifiers import uscc_check_char
from gaoxin.lifecircle import services as lifecircle_services
from gaoxin.lifecircle.models import AreaResult, CandidateList, Evaluation, Scenario
from gaoxin.parks.models import Enterprise, Park, Result, Scheme
from gaoxin.parks.models import Evaluation as ParkEvaluation
from gaoxin.places.models import Community, Facility, FacilityType, ResidentialArea, Street
from tests.conftest import PASSWORD


def queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    """The queries of the cold path: the cache is emptied first, so the answer is built, not served."""
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


def assert_no_n_plus_one(client, url: str, grow: Callable[[int], None]) -> None:  # type: ignore[no-untyped-def]
    """The same queries for the rows of the fixture and after ``grow`` adds more."""
    grow(2)
    queries(client, url)  # the session's first page also writes it (last seen): measure after that
    few = queries(client, url)
    grow(6)
    many = queries(client, url)
    assert many == few, f"{url}: {few} queries with few rows, {many} with many"


_serial = iter(range(10_000))


def more_places(n: int) -> None:
    street = Street.objects.get(code="370871001")
    community = Community.objects.get(code="370871001001")
    kg = FacilityType.objects.get(code="kindergarten")
    for _ in range(n):
        k = next(_serial)
        Community.objects.create(street=street, code=f"370871001{300 + k:03d}", name=f"新社区{k}")
        ResidentialArea.objects.create(
            code=f"RA-N{k}",
            name=f"新小区{k}",
            community=community,
            center_lon=116.641,
            center_lat=35.411,
            pop_15_59=100,
        )
        Facility.objects.create(
            code=f"F-N{k}",
            name=f"新幼儿园{k}",
            type=kg,
            street=street,
            community=community,
            lon=116.642,
            lat=35.412,
        )


@pytest.mark.parametrize(
    "url",
    [
        "/places/facilities/",
        "/places/areas/",
        "/places/communities/",
        "/places/streets/",
        "/places/map/layers.json",
        "/api/places/facilities",
        "/api/places/areas",
        "/api/places/layers",
        "/",
    ],
)
def test_places_lists(client_of, planner, url):  # type: ignore[no-untyped-def]
    assert_no_n_plus_one(client_of(planner), url, more_places)


@pytest.fixture
def evaluation(zone, planner):  # type: ignore[no-untyped-def]
    return Evaluation.objects.create(
        zone=zone, profile=lifecircle_services.default_profile(), items=[], summary={"areas": 0}
    )


def more_results(evaluation: Evaluation) -> Callable[[int], None]:
    def grow(n: int) -> None:
        more_places(n)
        for area in ResidentialArea.objects.filter(street__zone=evaluation.zone).exclude(
            pk__in=evaluation.area_results.values("area_id")
        ):
            AreaResult.objects.create(
                evaluation=evaluation,
                area=area,
                street=area.street,
                population=100,
                passes=False,
                missing=1,
                items={},
            )

    return grow


@pytest.mark.parametrize(
    "url",
    [
        "/lifecircle/?evaluation={pk}",
        "/lifecircle/map/?evaluation={pk}",
        "/lifecircle/{pk}/results.json",
        "/api/lifecircle/evaluations/{pk}/areas",
        "/api/lifecircle/evaluations/{pk}/gaps",
    ],
)
def test_lifecircle_result_lists(client_of, planner, evaluation, url):  # type: ignore[no-untyped-def]
    assert_no_n_plus_one(client_of(planner), url.format(pk=evaluation.pk), more_results(evaluation))


def more_scenarios(zone) -> Callable[[int], None]:  # type: ignore[no-untyped-def]
    def grow(n: int) -> None:
        profile = lifecircle_services.default_profile()
        kg = FacilityType.objects.get(code="kindergarten")
        for _ in range(n):
            k = next(_serial)
            s = Scenario.objects.create(zone=zone, name=f"方案{k}", profile=profile)
            s.added.create(facility_type=kg, name="新址", lon=116.64, lat=35.41)
            listed = CandidateList.objects.create(zone=zone, name=f"候选{k}")
            listed.sites.create(name="地块", lon=116.64, lat=35.41)
            Evaluation.objects.create(zone=zone, profile=profile, items=[], summary={"areas": 0})

    return grow


@pytest.mark.parametrize(
    "url",
    [
        "/lifecircle/scenarios/",
        "/lifecircle/candidates/",
        "/api/lifecircle/scenarios",
        "/api/lifecircle/evaluations",
    ],
)
def test_lifecircle_lists(client_of, planner, zone, url):  # type: ignore[no-untyped-def]
    assert_no_n_plus_one(client_of(planner), url, more_scenarios(zone))


@pytest.fixture
def park_world(zone):  # type: ignore[no-untyped-def]
    from gaoxin.parks import services

    services.sync_builtin_schemes()
    park = Park.objects.create(zone=zone, code="p1", name="一园")
    evaluation = ParkEvaluation.objects.create(
        zone=zone, year=2025, scheme=Scheme.objects.order_by("pk").first(), status="final"
    )
    return {
        "park": park,
        "evaluation": evaluation,
        "staff": create_user("park", PASSWORD, roles=[Role.PARK_STAFF]),
    }


def more_enterprises(world) -> Callable[[int], None]:  # type: ignore[no-untyped-def]
    def grow(n: int) -> None:
        for _ in range(n):
            k = next(_serial)
            body = f"91370800MC{k:07d}"
            e = Enterprise.objects.create(
                uscc=body + uscc_check_char(body), name=f"企业{k}", park=world["park"], industry_code="3411"
            )
            Result.objects.create(
                evaluation=world["evaluation"],
                enterprise=e,
                pool="above",
                score=Decimal(k),
                klass="B",
                rank=k,
            )

    return grow


@pytest.mark.parametrize(
    "url",
    [
        "/parks/",
        "/parks/enterprises/",
        "/parks/evaluations/",
        "/parks/evaluations/{pk}/",
        "/parks/land/",
        "/api/parks/evaluations",
        "/api/parks/evaluations/{pk}/results",
    ],
)
def test_parks_lists(client_of, park_world, url):  # type: ignore[no-untyped-def]
    assert_no_n_plus_one(
        client_of(park_world["staff"]),
        url.format(pk=park_world["evaluation"].pk),
        more_enterprises(park_world),
    )


def more_plants(world) -> Callable[[int], None]:  # type: ignore[no-untyped-def]
    """Plants with units and a lease each, and firms with revenue (the park profile's leading firms)."""
    import datetime as dt

    from gaoxin.parks.models import Fact, Lease, Plant, PlantUnit

    def grow(n: int) -> None:
        for _ in range(n):
            k = next(_serial)
            body = f"91370800MD{k:07d}"
            e = Enterprise.objects.create(
                uscc=body + uscc_check_char(body), name=f"租户{k}", park=world["park"], industry_code="3411"
            )
            Fact.objects.create(
                enterprise=e, year=2025, metric="revenue_yuan", source="tax", value=Decimal(k)
            )
            plant = Plant.objects.create(
                park=world["park"],
                name=f"厂房{k}",
                standard=True,
                floor_area_m2=Decimal(1000),
                completed_on=dt.date(2024, 1, 1),
            )
            unit = PlantUnit.objects.create(plant=plant, floor=1, number="1-01", area_m2=Decimal(500))
            PlantUnit.objects.create(plant=plant, floor=1, number="1-02", area_m2=Decimal(500))
            Lease.objects.create(
                unit=unit,
                tenant=e,
                starts_on=dt.date(2025, 1, 1),
                ends_on=dt.date(2099, 1, 1),
                rent_yuan_per_m2_month=Decimal(10),
            )

    return grow


@pytest.mark.parametrize(
    "url",
    [
        "/parks/plants/",
        "/parks/plants/?format=xlsx",
        "/parks/p/{park}/",
        "/api/parks/plants",
        "/api/parks/plants/overview",
    ],
)
def test_plant_lists(client_of, park_world, url):  # type: ignore[no-untyped-def]
    assert_no_n_plus_one(
        client_of(park_world["staff"]), url.format(park=park_world["park"].pk), more_plants(park_world)
    )


def more_policies(world) -> Callable[[int], None]:  # type: ignore[no-untyped-def]
    """Policies, each matched to a new enterprise."""
    import datetime as dt

    from gaoxin.parks.models import Policy, PolicyMatch

    def grow(n: int) -> None:
        for _ in range(n):
            k = next(_serial)
            body = f"91370800ME{k:07d}"
            e = Enterprise.objects.create(
                uscc=body + uscc_check_char(body),
                name=f"政策企业{k}",
                park=world["park"],
                industry_code="3411",
            )
            policy = Policy.objects.get_or_create(
                zone=world["park"].zone,
                code="p-main",
                defaults={"title": "主政策", "issuer": "局", "benefit": "—", "data_year": 2025},
            )[0]
            Policy.objects.create(
                zone=world["park"].zone,
                code=f"p{k}",
                title=f"政策{k}",
                issuer="局",
                benefit="—",
                data_year=2025,
            )
            PolicyMatch.objects.create(
                policy=policy,
                enterprise=e,
                version=1,
                state="granted",
                matched_on=dt.date(2026, 1, 1),
                checks=[
                    {
                        "condition": "scale = above",
                        "field": "scale",
                        "op": "=",
                        "value": ["above"],
                        "actual": "above",
                        "passed": True,
                    }
                ],
            )

    return grow


@pytest.mark.parametrize(
    "url",
    [
        "/parks/policies/",
        "/parks/policies/{policy}/",
        "/api/parks/policies",
        "/api/parks/policies/{policy}/matches",
    ],
)
def test_policy_lists(client_of, park_world, url):  # type: ignore[no-untyped-def]
    from gaoxin.parks.models import Policy

    grow = more_policies(park_world)
    grow(1)
    policy = Policy.objects.get(code="p-main")
    assert_no_n_plus_one(client_of(park_world["staff"]), url.format(policy=policy.pk), grow)


def more_requests(world) -> Callable[[int], None]:  # type: ignore[no-untyped-def]
    """Providers with a service each and requests handed to them and rated."""
    import datetime as dt

    from gaoxin.parks.models import Provider, Service, ServiceRequest

    def grow(n: int) -> None:
        for _ in range(n):
            k = next(_serial)
            body = f"91370800MF{k:07d}"
            e = Enterprise.objects.create(
                uscc=body + uscc_check_char(body),
                name=f"需求企业{k}",
                park=world["park"],
                industry_code="3411",
            )
            p = Provider.objects.create(zone=world["park"].zone, name=f"银行{k}", kind="bank")
            Service.objects.create(provider=p, field="finance", name="贷款")
            ServiceRequest.objects.create(
                zone=world["park"].zone,
                number=f"FWQ{k}",
                enterprise=e,
                need="loan",
                field="finance",
                title="贷款",
                description="—",
                filed_on=dt.date(2026, 1, 1),
                status="closed",
                provider=p,
                handed_on=dt.date(2026, 1, 2),
                due_on=dt.date(2026, 1, 22),
                closed_on=dt.date(2026, 1, 10),
                rating=4,
            )

    return grow


@pytest.mark.parametrize(
    "url", ["/parks/requests/", "/parks/requests/?format=xlsx", "/parks/services/", "/api/parks/requests"]
)
def test_request_lists(client_of, park_world, url):  # type: ignore[no-untyped-def]
    assert_no_n_plus_one(client_of(park_world["staff"]), url, more_requests(park_world))


def more_applications(world) -> Callable[[int], None]:  # type: ignore[no-untyped-def]
    """Calls with applications, each reviewed by an expert, with a milestone and a round."""
    import datetime as dt

    from gaoxin.parks.models import (
        Application,
        ExpertReview,
        FinancingRound,
        IncubationCall,
        IncubationMilestone,
    )

    expert = create_user("qc-expert", PASSWORD, roles=[Role.REVIEWER])
    world["expert"] = expert

    def grow(n: int) -> None:
        for _ in range(n):
            k = next(_serial)
            call = IncubationCall.objects.create(
                zone=world["park"].zone,
                code=f"c{k}",
                title=f"孵化{k}",
                cohort=2026,
                opens_on=dt.date(2026, 1, 1),
                closes_on=dt.date(2026, 12, 31),
                places=5,
                min_score=Decimal(60),
                grant_yuan=Decimal(200000),
            )
            a = Application.objects.create(
                call=call,
                number=f"FHQ{k}",
                project=f"项目{k}",
                team_lead="王",
                team_size=3,
                stage="idea",
                industry_code="3976",
                summary="—",
                submitted_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
                status="incubated",
            )
            ExpertReview.objects.create(
                application=a, reviewer=expert, assigned_on=dt.date(2026, 1, 3), scores={"team": 20}
            )
            IncubationMilestone.objects.create(
                application=a,
                order=1,
                title="签约",
                due_on=dt.date(2026, 2, 1),
                tranche_yuan=Decimal(80000),
                done_on=dt.date(2026, 2, 1),
                paid_on=dt.date(2026, 2, 2),
            )
            FinancingRound.objects.create(
                application=a,
                kind="angel",
                amount_yuan=Decimal(1_000_000),
                investors="基金",
                closed_on=dt.date(2026, 3, 1),
            )

    return grow


@pytest.mark.parametrize(
    "url", ["/parks/incubation/", "/parks/incubation/?format=xlsx", "/api/parks/incubation/funnel"]
)
def test_incubation_lists(client_of, park_world, url):  # type: ignore[no-untyped-def]
    assert_no_n_plus_one(client_of(park_world["staff"]), url, more_applications(park_world))


@pytest.mark.parametrize("url", ["/parks/incubation/reviews/", "/api/parks/my/reviews"])
def test_expert_lists(client_of, park_world, url):  # type: ignore[no-untyped-def]
    grow = more_applications(park_world)
    assert_no_n_plus_one(client_of(park_world["expert"]), url, grow)


def test_call_board_queries(client_of, park_world):  # type: ignore[no-untyped-def]
    """One call's page with more and more applications."""
    import datetime as dt

    from gaoxin.parks.models import Application, ExpertReview, IncubationCall

    expert = create_user("qc-expert2", PASSWORD, roles=[Role.REVIEWER])
    call = IncubationCall.objects.create(
        zone=park_world["park"].zone,
        code="board",
        title="孵化",
        cohort=2026,
        opens_on=dt.date(2026, 1, 1),
        closes_on=dt.date(2026, 12, 31),
        places=5,
        min_score=Decimal(60),
        grant_yuan=Decimal(200000),
    )

    def grow(n: int) -> None:
        for _ in range(n):
            k = next(_serial)
            a = Application.objects.create(
                call=call,
                number=f"FHB{k}",
                project=f"项目{k}",
                team_lead="王",
                team_size=3,
                stage="idea",
                industry_code="3976",
                summary="—",
                submitted_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
                status="in_review",
            )
            ExpertReview.objects.create(application=a, reviewer=expert, assigned_on=dt.date(2026, 1, 3))

    assert_no_n_plus_one(client_of(park_world["staff"]), f"/parks/incubation/calls/{call.pk}/", grow)
