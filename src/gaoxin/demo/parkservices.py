"""Demo standard plants (标准化厂房), their units and leases (deterministic, relative to the load day).

The zone's target is 300,000 m² of standard plants across the ten parks; the demo has about 180,000 m²
completed, the rest under construction or planned, occupancy near 80 % with a few leases ending within
the notice window and one ended early. Plant names, tenants and rents are synthetic (rents of 8–15 yuan
per m² and month, the range of standard plants in Shandong's development zones).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from gaoxin.accounts.models import User
from gaoxin.analysis.dates import term_end
from gaoxin.parks import services
from gaoxin.parks.choices import PlantStage, PolicyMode, Scale
from gaoxin.parks.models import Enterprise, Park, Plant, Policy, PolicyMatch
from gaoxin.places.models import Zone

# park code → plants: (name, stage, floors, units per floor, m² per unit)
PLANTS: dict[str, list[tuple[str, str, int, int, int]]] = {
    "equip": [
        ("高端装备标准化厂房A栋", PlantStage.COMPLETED, 4, 4, 1500),
        ("高端装备标准化厂房B栋", PlantStage.COMPLETED, 4, 4, 1500),
        ("高端装备标准化厂房C栋", PlantStage.BUILDING, 4, 4, 1500),
    ],
    "korea": [
        ("中韩产业园标准化厂房1号", PlantStage.COMPLETED, 3, 4, 1200),
        ("中韩产业园标准化厂房2号", PlantStage.COMPLETED, 3, 4, 1200),
    ],
    "health": [
        ("生命健康城GMP标准厂房一期", PlantStage.COMPLETED, 5, 3, 1000),
        ("生命健康城GMP标准厂房二期", PlantStage.PLANNED, 5, 3, 1000),
    ],
    "terminal": [
        ("智能终端产业园标准厂房1#", PlantStage.COMPLETED, 4, 4, 1000),
        ("智能终端产业园标准厂房2#", PlantStage.BUILDING, 4, 4, 1000),
    ],
    "material": [("新材料基地标准厂房", PlantStage.COMPLETED, 3, 3, 1500)],
    "optics": [
        ("光电信息产业园标准厂房", PlantStage.COMPLETED, 4, 3, 1000),
        ("光电信息产业园标准厂房二期", PlantStage.PLANNED, 4, 4, 1000),
    ],
    "bio": [("生物技术产业园中试厂房", PlantStage.COMPLETED, 3, 3, 800)],
    "textile": [("纺织新材料产业园标准厂房", PlantStage.BUILDING, 3, 3, 1200)],
    "beidou": [("北斗小微产业园标准厂房", PlantStage.COMPLETED, 3, 4, 600)],
    "startup": [("麒麟岛创新创业园加速器厂房", PlantStage.COMPLETED, 5, 4, 500)],
}


def load_plants(
    zone: Zone, users: dict[str, User], seed: int, today: dt.date | None = None
) -> dict[str, int]:
    today = today or timezone.localdate()
    rng = random.Random(seed + 23)
    actor = users.get("park")
    parks = {p.code: p for p in Park.objects.filter(zone=zone)}
    tenants_of: dict[int, list[Enterprise]] = {}
    for e in Enterprise.objects.filter(park__zone=zone).order_by("scale", "pk"):
        if e.park_id is not None:
            tenants_of.setdefault(e.park_id, []).append(e)
    n_plants = n_units = n_leases = 0
    for code, rows in PLANTS.items():
        park = parks.get(code)
        if park is None:
            continue
        candidates = [e for e in tenants_of.get(park.pk, []) if e.scale == Scale.BELOW] or tenants_of.get(
            park.pk, []
        )
        for k, (name, stage, floors, per_floor, unit_m2) in enumerate(rows):
            started = dt.date(today.year - 3 + (stage != PlantStage.COMPLETED), 3 + k, 1)
            completed = dt.date(today.year - 1, 6 + k, 30) if stage == PlantStage.COMPLETED else None
            plant = services.save_plant(
                actor,
                zone,
                Plant(
                    park=park,
                    name=name,
                    standard=True,
                    stage=stage,
                    floors=floors,
                    floor_area_m2=Decimal(floors * per_floor * unit_m2),
                    started_on=None if stage == PlantStage.PLANNED else started,
                    completion_due_on=None if completed else dt.date(today.year + 1, 6, 30),
                    completed_on=completed,
                ),
            )
            n_plants += 1
            if stage != PlantStage.COMPLETED:
                continue
            units = services.add_units(
                actor,
                zone,
                plant.pk,
                floors=list(range(1, floors + 1)),
                per_floor=per_floor,
                area_m2=Decimal(unit_m2),
            )
            n_units += len(units)
            assert completed is not None
            for j, unit in enumerate(units):
                if not candidates or rng.random() > 0.82:
                    continue  # vacant
                tenant = candidates[(j + k) % len(candidates)]
                first = completed + dt.timedelta(days=rng.randint(15, 120))
                years = rng.choice([1, 2, 3, 3, 5])
                last = dt.date(first.year + years, first.month, 1) - dt.timedelta(days=1)
                if j % 11 == 3:
                    last = today + dt.timedelta(days=rng.randint(5, 80))  # ends within the notice window
                if last < first:
                    last = first + dt.timedelta(days=365)
                services.sign_lease(
                    actor,
                    zone,
                    unit=unit,
                    tenant=tenant,
                    starts_on=first,
                    ends_on=last,
                    rent_yuan_per_m2_month=Decimal(rng.choice([8, 9, 10, 10, 12, 15])),
                )
                n_leases += 1
                if last < today and rng.random() < 0.7:  # renewed, by the same tenant or another
                    services.sign_lease(
                        actor,
                        zone,
                        unit=unit,
                        tenant=candidates[(j + k + rng.randint(0, 1)) % len(candidates)],
                        starts_on=last + dt.timedelta(days=1),
                        ends_on=term_end(last + dt.timedelta(days=1), 3),
                        rent_yuan_per_m2_month=Decimal(rng.choice([9, 10, 12])),
                    )
                    n_leases += 1
    return {"plants": n_plants, "plant_units": n_units, "leases": n_leases}


# code, title, issuer, document, benefit, amount (yuan), mode, rule, published
POLICIES = [
    (
        "gx-rd-2025",
        "高新技术企业研发投入后补助",
        "济宁高新区科技创新局",
        "济高新科发〔2026〕8号（演示）",
        "按上年度研发投入给予后补助，直接拨付，无需申报",
        200000,
        PolicyMode.GRANT,
        "high_tech = yes\nrd_ratio >= 3",
        True,
    ),
    (
        "mu-a-2024",
        "亩产效益A类企业奖励",
        "园区发展服务中心",
        "济高新政发〔2025〕21号（演示）",
        "亩产效益评价A类企业一次性奖励，并优先保障用地、用能",
        100000,
        PolicyMode.GRANT,
        "klass in A",
        True,
    ),
    (
        "xw-dk-2026",
        "小微企业创业担保贷款贴息",
        "济宁高新区财政金融局",
        "济高新财发〔2026〕3号（演示）",
        "创业担保贷款按LPR的50%贴息，向合作银行申请",
        None,
        PolicyMode.NOTIFY,
        "scale = below\nrevenue < 2000\nyears_in_zone >= 1",
        True,
    ),
    (
        "jg-zz-2026",
        "制造业企业技术改造设备投资补助",
        "济宁高新区经济发展局",
        "济高新经发〔2026〕15号（演示）",
        "技术改造设备投资额的10%，最高300万元，按通知申报",
        None,
        PolicyMode.NOTIFY,
        "industry in 13-43\nrevenue >= 20000\nyears_in_zone >= 3",
        True,
    ),
    (
        "zjtx-2027",
        "专精特新中小企业培育奖励（征求意见稿）",
        "济宁高新区经济发展局",
        "",
        "认定为市级专精特新中小企业的，一次性奖励10万元",
        100000,
        PolicyMode.GRANT,
        "scale = above\nrd_ratio >= 4\nyears_in_zone >= 2",
        False,
    ),
]


def load_policies(zone: Zone, users: dict[str, User], today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    actor = users.get("park")
    n = 0
    for code, title, issuer, document, benefit, amount, mode, rule, publish in POLICIES:
        policy = services.save_policy(
            actor,
            zone,
            Policy(
                code=code,
                title=title,
                issuer=issuer,
                document=document,
                benefit=benefit,
                amount_yuan=None if amount is None else Decimal(amount),
                mode=mode,
                data_year=today.year - 1,
                apply_by=dt.date(today.year + 1, 3, 31) if mode == PolicyMode.NOTIFY else None,
            ),
            rules_text=rule,
        )
        if publish:
            services.publish_policy(actor, zone, policy.pk, today=today - dt.timedelta(days=20))
        n += 1
    return {"policies": n, "policy_matches": PolicyMatch.objects.filter(policy__zone=zone).count()}
