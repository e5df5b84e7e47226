"""Demo parks, enterprises, parcels and two years of figures (deterministic).

The park names are illustrative: the official list of the zone's ten parks is not public
(no public source lists the ten parks of 一区十园); they borrow the carriers and clusters the sources name.
Enterprises, codes, parcels and figures are synthetic (valid GB 32100 check characters).
The 2024 evaluation is scored and published, so 2025 has last year's means as benchmarks and
consecutive D years; the 2025 evaluation is open and collecting.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from decimal import Decimal

from django.utils import timezone

from gaoxin.accounts.models import User
from gaoxin.analysis.identifiers import USCC_ALPHABET, uscc_check_char
from gaoxin.common.units import YUAN_PER_WAN, YUAN_PER_YI, m2_to_mu, mu_to_m2
from gaoxin.parks import queries, services
from gaoxin.parks.choices import Flag, LandRole, MeasureKind, Metric, Scale, Source
from gaoxin.parks.models import (
    Enterprise,
    Evaluation,
    Fact,
    LandParcel,
    LandUse,
    Park,
    ParkYear,
    Plant,
    PolicyMeasure,
    Scheme,
    YearFlag,
)
from gaoxin.places.models import Zone

PARKS = [
    ("equip", "国际高端装备产业城", "工程机械、高端装备", "3511", 180),
    ("korea", "中韩高端装备产业园", "智能制造、汽车零部件", "3670", 90),
    ("health", "金科生命健康城", "医药健康、医疗器械", "2720", 75),
    ("terminal", "智能终端产业园", "智能终端、电子信息", "3969", 70),
    ("material", "新材料产业基地", "新材料、新能源", "2651", 85),
    ("optics", "光电信息产业园", "光电信息、半导体", "3976", 55),
    ("bio", "生物技术产业园", "生物技术", "2761", 40),
    ("textile", "纺织新材料产业园", "纺织新材料", "1781", 45),
    ("beidou", "北斗产业化应用园", "北斗导航、软件", "6513", 25),
    ("startup", "麒麟岛创新创业园", "科技孵化", "7320", 20),
]
# Revenue of each park in 2025 (100 million yuan) and its yearly growth: two pass 100亿.
REVENUE_2025_YI = [428.0, 136.5, 92.4, 104.8, 86.1, 41.3, 22.8, 33.6, 9.7, 4.2]
WORDS_A = [
    "鲁",
    "济",
    "圣",
    "泰",
    "华",
    "宏",
    "瑞",
    "恒",
    "鑫",
    "博",
    "嘉",
    "中",
    "新",
    "远",
    "达",
    "腾",
    "科",
    "源",
]
WORDS_B = [
    "机械",
    "装备",
    "科技",
    "新材料",
    "生物",
    "医药",
    "电子",
    "精工",
    "智能",
    "光电",
    "纺织",
    "动力",
    "液压",
    "环保",
]
MEASURES = [
    ("A", MeasureKind.LAND, "新增用地、厂房优先保障", "济高新管发〔2024〕4号: A优先保障"),
    ("A", MeasureKind.CREDIT, "列入金融机构重点支持名单，优先信贷", "鲁政字〔2019〕235号"),
    ("A", MeasureKind.SUBSIDY, "优先享受各级财政奖补、评先评优", "鲁政字〔2019〕235号"),
    ("B", MeasureKind.ENERGY, "用能、排放指标积极支持", "济高新管发〔2024〕4号: B积极支持"),
    ("C", MeasureKind.ENERGY, "新增用能、排放指标相对控制；开展诊断帮扶", "济高新管发〔2024〕4号: C相对控制"),
    (
        "D",
        MeasureKind.ELECTRICITY,
        "差别电价：首年+0.05元/千瓦时，连续两年+0.10，连续三年及以上+0.15",
        "鲁发改价格〔2022〕56号",
    ),
    ("D", MeasureKind.LAND, "原则上不再新增用地；低效用地纳入盘活处置", "济高新管发〔2024〕4号: D严格限制"),
    ("D", MeasureKind.CREDIT, "不列入信贷支持名单", "鲁政字〔2019〕235号"),
]


M_PER_DEG_LAT = 111_320.0


def _square(lon: float, lat: float, side_m: float) -> dict[str, object]:
    """A square parcel of ``side_m`` metres with its south-west corner at (lon, lat)."""
    dlat = side_m / M_PER_DEG_LAT
    dlon = side_m / (M_PER_DEG_LAT * math.cos(math.radians(lat)))
    ring = [[lon, lat], [lon + dlon, lat], [lon + dlon, lat + dlat], [lon, lat + dlat], [lon, lat]]
    return {"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]]}


def _slot(zone: Zone, park_index: int, k: int) -> tuple[float, float]:
    """The south-west corner of a park's k-th parcel: parks in two rows east of the zone centre,
    parcels on a 450 m grid of six columns inside each park (synthetic layout)."""
    lon0 = zone.center_lon + 0.02 + (park_index % 5) * 0.035
    lat0 = zone.center_lat - 0.03 + (park_index // 5) * 0.045
    row, col = divmod(k, 6)
    return (
        lon0 + col * 450 / (M_PER_DEG_LAT * math.cos(math.radians(lat0))),
        lat0 + row * 450 / M_PER_DEG_LAT,
    )


def _uscc(rng: random.Random) -> str:
    body = (
        "913708"
        + "".join(rng.choice(USCC_ALPHABET[:10]) for _ in range(2))
        + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    )
    return body + uscc_check_char(body)


# The generator works in floats: 万元 and 亿元 in yuan.
WAN, YI = float(YUAN_PER_WAN), float(YUAN_PER_YI)


def _facts(
    rng: random.Random, scale: str, land_mu: float, quality: float, growth: float
) -> dict[str, Decimal]:
    """One year's figures (yuan, t, tce) of a firm; ``quality`` spreads firms from weak to strong."""
    revenue = land_mu * rng.lognormvariate(5.3, 0.35) * quality * WAN * growth
    out = {
        Metric.REVENUE: revenue,
        Metric.TAX: revenue * rng.uniform(0.025, 0.05),
        Metric.ELECTRICITY: revenue / rng.uniform(8, 30),
    }
    if scale == Scale.ABOVE:
        out |= {
            Metric.VALUE_ADDED: revenue * rng.uniform(0.18, 0.32),
            Metric.RD: revenue * rng.uniform(0.0, 0.045) * quality,
            Metric.EMPLOYEES: max(20.0, land_mu * rng.uniform(1.5, 4.0)),
            Metric.ENERGY: revenue / WAN / rng.uniform(1.5, 8.0) / quality,
            Metric.COD: revenue / WAN / rng.uniform(800, 4000) / quality,
            Metric.NH3N: revenue / WAN / rng.uniform(8000, 40000),
            Metric.SO2: revenue / WAN / rng.uniform(3000, 20000),
            Metric.NOX: revenue / WAN / rng.uniform(3000, 20000),
        }
    return {k: Decimal(str(round(v, 2))) for k, v in out.items()}


def load_parks(zone: Zone, users: dict[str, User], seed: int = 20261127) -> dict[str, int]:
    rng = random.Random(seed)
    services.sync_builtin_schemes()
    PolicyMeasure.objects.all().delete()
    PolicyMeasure.objects.bulk_create(
        [PolicyMeasure(klass=k, kind=kind, text=t, clause=c) for k, kind, t, c in MEASURES]
    )
    parks = []
    for (code, name, focus, _industry, _n), revenue in zip(PARKS, REVENUE_2025_YI, strict=True):
        park = Park.objects.create(zone=zone, code=code, name=name, focus_industries=focus)
        growth = rng.uniform(1.04, 1.12)
        ParkYear.objects.bulk_create(
            [
                ParkYear(
                    park=park,
                    year=y,
                    revenue_yuan=Decimal(str(round(revenue / growth ** (2025 - y) * YI, 2))),
                    source="统计局（演示数据）",
                )
                for y in range(2021, 2026)
            ]
        )
        parks.append(park)
    enterprises: list[Enterprise] = []
    quality: dict[int, float] = {}
    n_parcels = 0
    for pi, (park, (_code, _name, _focus, industry, n)) in enumerate(zip(parks, PARKS, strict=True)):
        count = max(6, n // 6)  # a sample of each park's firms
        for k in range(count):
            scale = Scale.ABOVE if rng.random() < 0.72 else Scale.BELOW
            code = industry if rng.random() < 0.8 else rng.choice(["3411", "3484", "2929", "3311", "4430"])
            if code == "4430" and scale == Scale.BELOW:
                code = "3411"
            started = dt.date(rng.randint(2005, 2024), rng.randint(1, 12), 1)
            e = Enterprise.objects.create(
                uscc=_uscc(rng),
                name=f"济宁{rng.choice(WORDS_A)}{rng.choice(WORDS_A)}{rng.choice(WORDS_B)}有限公司",
                park=park,
                industry_code=code,
                scale=scale,
                high_tech=rng.random() < 0.3,
                founded_on=started - dt.timedelta(days=rng.randint(200, 900)),
                production_started_on=started,
                power_account=f"37{rng.randint(10**9, 10**10 - 1)}",
                water_account=f"SW{rng.randint(10**6, 10**7 - 1)}",
            )
            enterprises.append(e)
            quality[e.pk] = rng.lognormvariate(0, 0.45)
            area = rng.uniform(12, 180) if scale == Scale.ABOVE else rng.uniform(2, 25)
            area_m2 = mu_to_m2(Decimal(str(area))).quantize(Decimal("0.01"))
            n_parcels += 1
            granted = started - dt.timedelta(days=rng.randint(400, 900))
            lon, lat = _slot(zone, pi, k)
            parcel = LandParcel.objects.create(
                geometry=_square(lon, lat, math.sqrt(float(area_m2))),
                lon=lon,
                lat=lat,
                park=park,
                code=f"JNGX-{park.code.upper()}-{k + 1:03d}",
                certificate=f"鲁(2019)济宁市不动产权第{rng.randint(10**6, 10**7 - 1)}号",
                area_m2=area_m2,
                granted_on=granted,
                contract_start_by=granted + dt.timedelta(days=180),
                contract_complete_by=granted + dt.timedelta(days=900),
                started_on=granted + dt.timedelta(days=rng.randint(60, 200)),
                completed_on=started,
                contracted_tax_per_mu_yuan=Decimal(rng.choice([30000, 40000, 50000])),
                plot_ratio=Decimal(str(round(rng.uniform(0.85, 2.0), 2))),
            )
            LandUse.objects.create(parcel=parcel, enterprise=e, role=LandRole.OWNER, area_m2=area_m2)
            if rng.random() < 0.15:
                Plant.objects.create(
                    park=park,
                    parcel=parcel,
                    name=f"{e.name[:8]}{k + 1}号厂房",
                    floor_area_m2=area_m2 * Decimal("0.6"),
                    owner=e,
                    completed_on=started,
                )
    # Idle parcels: three granted and never started, one started and stopped at 20 % developed.
    for k in range(4):
        park = parks[k]
        n_parcels += 1
        granted = dt.date(2022 + min(k, 2), 3, 1)
        lon, lat = _slot(zone, k, 40)
        LandParcel.objects.create(
            park=park,
            code=f"JNGX-{park.code.upper()}-X{k + 1:02d}",
            area_m2=Decimal("40000"),
            granted_on=granted,
            contract_start_by=granted + dt.timedelta(days=180),
            contract_complete_by=granted + dt.timedelta(days=900),
            started_on=dt.date(2023, 9, 1) if k == 3 else None,
            stopped_since=dt.date(2024, 5, 1) if k == 3 else None,
            developed_share=Decimal("0.2") if k == 3 else None,
            invested_share=Decimal("0.3") if k == 3 else None,
            land_price_yuan=Decimal("9600000"),
            geometry=_square(lon, lat, 200),
            lon=lon,
            lat=lat,
        )
    facts, flags = [], []
    n_cases = _idle_cases(users)
    for year, growth in ((2024, 1.0), (2025, 1.07)):
        for e in enterprises:
            use = e.land_uses.first()
            land_mu = float(m2_to_mu(use.area_m2)) if use is not None else 0.0
            q = quality[e.pk] * rng.uniform(0.85, 1.15)
            for metric, value in _facts(rng, e.scale, land_mu, q, growth).items():
                source = Source.TAX if metric in (Metric.TAX, Metric.REVENUE) else Source.STATS
                if metric == Metric.ELECTRICITY:
                    source = Source.POWER
                if metric in (Metric.COD, Metric.NH3N, Metric.SO2, Metric.NOX):
                    source = Source.ECO
                facts.append(Fact(enterprise=e, year=year, metric=metric, source=source, value=value))
            if rng.random() < 0.04:
                flags.append(
                    YearFlag(enterprise=e, year=year, code=Flag.ENV_PENALTY, evidence="济环罚字（演示）")
                )
    Fact.objects.bulk_create(facts, batch_size=2000)
    YearFlag.objects.bulk_create(flags)
    # The enterprise login speaks for the first above-scale firm of the first park.
    first = next(e for e in enterprises if e.scale == Scale.ABOVE and not e.industry_code.startswith("44"))
    if "enterprise" in users:
        first.users.add(users["enterprise"])
    scheme = Scheme.objects.get(name="jining-2025", version=1)
    actor = users.get("park")
    # the 2024 evaluation on its own year's scheme: the 2025 rules, titled and dated 2024
    title_2024 = "济宁高新区2024年度亩产效益评价方案（演示：规则同2025年度）"
    source_2024 = scheme.source.replace("year = 2025", "year = 2024", 1).replace("2025年度", "2024年度", 1)
    scheme_2024 = Scheme.objects.filter(
        name=scheme.name, title=title_2024
    ).first() or services.save_scheme_copy(actor, scheme, title=title_2024, source=source_2024)
    past = services.open_evaluation(actor, zone=zone, year=2024, scheme=scheme_2024)
    services.score(actor, past)
    services.publish_notice(actor, past, on=dt.date(2025, 7, 10))
    services.finalize(actor, past, today=dt.date(2025, 7, 20))
    Evaluation.objects.filter(pk=past.pk).update(published_on=dt.date(2025, 7, 20))
    services.open_evaluation(actor, zone=zone, year=2025, scheme=scheme)
    return {
        "parks": len(parks),
        "enterprises": len(enterprises),
        "parcels": n_parcels,
        "figures": len(facts),
        "idle_cases": n_cases,
        "redevelopments": _redevelopments(zone, users),
    }


def _redevelopments(zone: Zone, users: dict[str, User]) -> int:
    """Two redevelopments of low-efficiency parcels (by the 2024 results): one completed after an upgrade
    that raised its plot ratio (measured on completion), one under way and past its date."""
    staff = users.get("park")
    start = dt.date(2025, 8, 1)
    rows = [
        r
        for r in queries.land_rows(zone.pk, queries.latest_evaluation(zone.pk), start)
        if r["flags"].low_efficiency and r["parcel"].completed_on is not None
    ][:2]
    if len(rows) < 2:
        return 0
    done, late = rows[0]["parcel"], rows[1]["parcel"]
    first = services.start_redevelopment(
        staff,
        done,
        approach="upgrade",
        started_on=start,
        due_on=dt.date(2026, 6, 30),
        plan="加建二层厂房，技改投资（演示）",
    )
    services.report_redevelopment(
        staff, first, on=dt.date(2025, 10, 15), progress=40, note="规划许可已批，开工建设"
    )
    services.report_redevelopment(staff, first, on=dt.date(2026, 4, 20), progress=100, note="新厂房竣工验收")
    done.plot_ratio = Decimal("1.60")  # the new floors, as the land register records them
    done.save(update_fields=["plot_ratio", "updated_at"])
    services.finish_redevelopment(staff, first, on=dt.date(2026, 5, 10), done=True)
    second = services.start_redevelopment(
        staff,
        late,
        approach="replace",
        started_on=start,
        due_on=dt.date(2026, 9, 30),
        plan="引入新企业（腾笼换鸟，演示）",
    )
    services.report_redevelopment(
        staff, second, on=dt.date(2025, 12, 1), progress=20, note="原企业退出协议已签"
    )
    return 2


def _idle_cases(users: dict[str, User]) -> int:
    """Two idle-land case files: the oldest idle parcel taken back step by step in 2026 with its five
    documents, and a second one just opened, its answer due soon."""
    staff = users.get("park")
    oldest = LandParcel.objects.filter(code__endswith="-X01").first()
    second = LandParcel.objects.filter(code__endswith="-X02").first()
    if oldest is None or second is None:
        return 0
    case = services.open_idle_case(staff, oldest, on=dt.date(2026, 3, 5), note="现场核查：未动工，场地闲置")
    services.advance_idle_case(
        staff, case, "determine", on=dt.date(2026, 4, 10), government_cause=False, note="企业自身原因未动工"
    )
    services.advance_idle_case(staff, case, "decide_fee", on=dt.date(2026, 4, 20))
    services.advance_idle_case(staff, case, "record_payment", on=dt.date(2026, 5, 12), note="已足额缴纳")
    services.advance_idle_case(
        staff, case, "reclaim", on=dt.date(2026, 6, 1), note="闲置满两年，依法无偿收回"
    )
    today = timezone.localdate()
    services.open_idle_case(staff, second, on=today - dt.timedelta(days=25), note="调查通知书已送达")
    return 2
