"""Personas of the health tests: two teams of one centre, a manager, residents and a child."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gaoxin.accounts.choices import Role
from gaoxin.accounts.services import create_user
from gaoxin.analysis.identifiers import id_check_char
from gaoxin.health import services
from gaoxin.health.choices import InstitutionKind, MemberRole, SignedVia
from gaoxin.health.models import Institution, ServicePackage, Team, TeamMember
from gaoxin.places.models import Community, Street
from tests.conftest import PASSWORD


def id_number(born: str, seq: str) -> str:
    body = f"370871{born}{seq}"
    return body + id_check_char(body)


@pytest.fixture
def care(zone):  # type: ignore[no-untyped-def]
    """洸河 centre with team A (doctor) and team B (other_doctor), a manager, two packages."""
    centre = Institution.objects.create(
        zone=zone,
        name="洸河街道社区卫生服务中心",
        kind=InstitutionKind.CENTRE,
        street=Street.objects.get(code="370871001"),
    )
    team_a = Team.objects.create(institution=centre, name="第1团队", caseload_warning=2)
    team_b = Team.objects.create(institution=centre, name="第2团队")
    doctor = create_user("doctor", PASSWORD, roles=[Role.DOCTOR])
    other = create_user("other_doctor", PASSWORD, roles=[Role.DOCTOR])
    manager = create_user("manager", PASSWORD, roles=[Role.DOCTOR])
    TeamMember.objects.create(team=team_a, user=doctor, role=MemberRole.DOCTOR, lead=True)
    TeamMember.objects.create(team=team_b, user=other, role=MemberRole.DOCTOR, lead=True)
    centre.managers.add(manager)
    basic = ServicePackage.objects.create(code="basic", name="基础包", kind="basic", price_yuan=Decimal(0))
    return {
        "centre": centre,
        "team_a": team_a,
        "team_b": team_b,
        "doctor": doctor,
        "other_doctor": other,
        "manager": manager,
        "basic": basic,
    }


@pytest.fixture
def people(care):  # type: ignore[no-untyped-def]
    """陈静 (resident login, team A, record open), her neighbour 李明 (team B) and her son (5, consented)."""
    community = Community.objects.get(code="370871001001")
    me_user = create_user("resident", PASSWORD, roles=[Role.RESIDENT])
    neighbour_user = create_user("neighbour", PASSWORD, roles=[Role.RESIDENT])
    me = services.register_resident(
        None, id_number=id_number("19850615", "002"), name="陈静", community=community, phone="13853712345"
    )
    me.user = me_user
    me.save()
    neighbour = services.register_resident(
        None, id_number=id_number("19700101", "013"), name="李明", community=community
    )
    neighbour.user = neighbour_user
    neighbour.save()
    son_born = dt.date.today() - dt.timedelta(days=5 * 366)
    son = services.register_resident(
        None, id_number=id_number(f"{son_born:%Y%m%d}", "011"), name="陈子涵", community=community
    )
    records = {}
    for person in (me, neighbour, son):
        records[person.pk] = services.create_record(None, person, care["centre"])
    services.review_record(None, records[me.pk])
    services.open_record(None, records[me.pk])
    services.sign_contract(
        None, resident=me, team=care["team_a"], package=care["basic"], via=SignedVia.DOCTOR
    )
    services.sign_contract(
        None, resident=neighbour, team=care["team_b"], package=care["basic"], via=SignedVia.DOCTOR
    )
    return {"me": me, "neighbour": neighbour, "son": son, "records": records}
