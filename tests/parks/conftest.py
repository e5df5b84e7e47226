"""The 亩产效益 worked example of docs/methods.md as a registry: 20 firms of one park."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gaoxin.accounts.choices import Role
from gaoxin.accounts.services import create_user
from gaoxin.analysis.identifiers import uscc_check_char
from gaoxin.parks import services
from gaoxin.parks.choices import Flag, Metric, Scale, Source
from gaoxin.parks.models import Enterprise, Evaluation, Fact, LandParcel, LandUse, Park, Scheme, YearFlag
from tests.analysis.test_mu_benefit import PRIOR, example_rows
from tests.conftest import PASSWORD

WAN = Decimal(10000)
M2_PER_MU = Decimal(10000) / Decimal(15)
METRICS = {
    "tax_10k_yuan": (Metric.TAX, Source.TAX, WAN),
    "revenue_10k_yuan": (Metric.REVENUE, Source.TAX, WAN),
    "value_added_10k_yuan": (Metric.VALUE_ADDED, Source.STATS, WAN),
    "rd_10k_yuan": (Metric.RD, Source.STATS, WAN),
    "employees": (Metric.EMPLOYEES, Source.STATS, Decimal(1)),
    "energy_tce": (Metric.ENERGY, Source.STATS, Decimal(1)),
    "cod_t": (Metric.COD, Source.ECO, Decimal(1)),
}


def uscc(n: int) -> str:
    body = f"91370800MA{n:07d}"
    return body + uscc_check_char(body)


@pytest.fixture
def example_zone(zone):  # type: ignore[no-untyped-def]
    """Park 装备园 with E1, E2, E3 and 17 others (2025 figures), a 2024 evaluation holding the prior means."""
    services.sync_builtin_schemes()
    park = Park.objects.create(zone=zone, code="equip", name="装备园")
    other = Park.objects.create(zone=zone, code="bio", name="生物园")
    for k, row in enumerate(example_rows()):
        e = Enterprise.objects.create(
            uscc=uscc(k + 1),
            name=f"{row['id']} 企业",
            park=park if k % 4 else other,
            industry_code="3411",
            scale=Scale.ABOVE,
            high_tech="high_tech" in row["flags"],  # type: ignore[operator]
            production_started_on=dt.date(2015, 1, 1),
            power_account=f"37000000{k:02d}",
            water_account=f"W3708{k:04d}",
        )
        area = (Decimal(str(row["land_mu"])) * M2_PER_MU).quantize(Decimal("0.01"))
        parcel = LandParcel.objects.create(park=e.park, code=f"P-{k:02d}", area_m2=area)
        LandUse.objects.create(parcel=parcel, enterprise=e, area_m2=area)
        for key, (metric, source, factor) in METRICS.items():
            Fact.objects.create(
                enterprise=e,
                year=2025,
                metric=metric,
                source=source,
                value=(Decimal(str(row[key])) * factor).quantize(Decimal("0.0001")),
            )
        if "env_penalty" in row["flags"]:  # type: ignore[operator]
            YearFlag.objects.create(enterprise=e, year=2025, code=Flag.ENV_PENALTY)
    scheme = Scheme.objects.get(name="jining-2025", version=1)
    Evaluation.objects.create(zone=zone, year=2024, scheme=scheme, status="final", pool_means=PRIOR)
    return zone


@pytest.fixture
def evaluation_2025(example_zone):  # type: ignore[no-untyped-def]
    return services.open_evaluation(
        None, zone=example_zone, year=2025, scheme=Scheme.objects.get(name="jining-2025")
    )


def enterprise(code: str) -> Enterprise:
    return Enterprise.objects.get(name=f"{code} 企业")


@pytest.fixture
def park_staff(zone):  # type: ignore[no-untyped-def]
    return create_user("park", PASSWORD, roles=[Role.PARK_STAFF])


@pytest.fixture
def leader(zone):  # type: ignore[no-untyped-def]
    return create_user("leader", PASSWORD, roles=[Role.LEADERSHIP])


@pytest.fixture
def e1_user(example_zone):  # type: ignore[no-untyped-def]
    user = create_user("e1", PASSWORD, roles=[Role.ENTERPRISE])
    enterprise("E1").users.add(user)
    return user


@pytest.fixture
def e3_user(example_zone):  # type: ignore[no-untyped-def]
    user = create_user("e3", PASSWORD, roles=[Role.ENTERPRISE])
    enterprise("E3").users.add(user)
    return user
