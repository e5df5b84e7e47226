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
from gaoxin.parks import queries, services
from gaoxin.parks.choices import (
    Outcome,
    PlantStage,
    PolicyMode,
    ProviderKind,
    Scale,
    UpgradeKind,
    UpgradeStage,
)
from gaoxin.parks.models import (
    Enterprise,
    IncubationCall,
    Park,
    ParkUpgrade,
    Plant,
    Policy,
    PolicyMatch,
    Provider,
    Service,
)
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
    upgrades = [
        (
            "beidou",
            UpgradeKind.SMALL_MICRO,
            "北斗小微产业园提升改造",
            18_000_000,
            UpgradeStage.ACCEPTED,
            -700,
            -120,
        ),
        (
            "textile",
            UpgradeKind.SMALL_MICRO,
            "纺织新材料小微园区提升改造",
            22_000_000,
            UpgradeStage.UNDERWAY,
            -200,
            None,
        ),
        (
            "equip",
            UpgradeKind.SMART,
            "高端装备产业城智慧园区平台",
            9_500_000,
            UpgradeStage.UNDERWAY,
            -150,
            None,
        ),
        (
            "health",
            UpgradeKind.GREEN,
            "金科生命健康城省级绿色园区创建",
            6_000_000,
            UpgradeStage.PLANNED,
            None,
            None,
        ),
    ]
    for code, kind, title, budget, stage, start, accept in upgrades:
        if code in parks:
            u = ParkUpgrade(
                park=parks[code],
                kind=kind,
                title=title,
                budget_yuan=Decimal(budget),
                stage=stage,
                started_on=None if start is None else today + dt.timedelta(days=start),
                accepted_on=None if accept is None else today + dt.timedelta(days=accept),
            )
            u.full_clean()
            u.save()
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


# name, kind, contact, industries, above, below, services: (field, name, terms)
PROVIDERS = [
    (
        "济宁银行高新区支行",
        ProviderKind.BANK,
        "对公业务部 0537-2355001",
        "",
        True,
        True,
        [
            ("finance", "科技型企业信用贷款", "额度最高1000万元，年化利率LPR+30BP起，7个工作日内审批"),
            ("finance", "知识产权质押贷款", "专利、商标质押，额度按评估值的30%–50%"),
        ],
    ),
    (
        "中国银行济宁高新区支行",
        ProviderKind.BANK,
        "普惠金融部 0537-2356001",
        "",
        True,
        False,
        [
            ("finance", "中银科技贷", "面向规上企业，额度最高3000万元"),
        ],
    ),
    (
        "齐鲁银行济宁分行",
        ProviderKind.BANK,
        "小企业金融部 0537-2357001",
        "",
        False,
        True,
        [
            ("finance", "小微企业“园区贷”", "入园小微企业，额度最高300万元，随借随还"),
        ],
    ),
    (
        "济宁高新区融资担保有限公司",
        ProviderKind.GUARANTEE,
        "业务部 0537-2358001",
        "",
        True,
        True,
        [
            ("finance", "创业担保贷款担保", "担保费率0.5%，反担保方式灵活"),
        ],
    ),
    (
        "山东鲁南律师事务所",
        ProviderKind.LAW,
        "公司法律部 0537-2359001",
        "",
        True,
        True,
        [
            ("consulting", "企业法律体检", "免费一次，合同、用工、知识产权合规"),
        ],
    ),
    (
        "济宁华信会计师事务所",
        ProviderKind.ACCOUNTING,
        "0537-2360001",
        "",
        True,
        True,
        [
            ("consulting", "财务规范与研发费用加计扣除辅导", "高企认定、加计扣除专项审计"),
        ],
    ),
    (
        "济宁市检验检测认证中心",
        ProviderKind.TESTING,
        "业务受理 0537-2361001",
        "26,27,29,33,34,35,38,39",
        True,
        True,
        [
            ("quality", "产品检验检测", "机械、电气、化工产品，CMA/CNAS 资质"),
            ("quality", "体系认证辅导", "ISO 9001/14001/45001"),
        ],
    ),
    (
        "济宁高新区知识产权服务中心",
        ProviderKind.IP,
        "0537-2362001",
        "",
        True,
        True,
        [
            ("quality", "专利申请与布局", "发明专利代理、专利导航"),
        ],
    ),
    (
        "济宁人力资源服务产业园",
        ProviderKind.RECRUITER,
        "招聘服务部 0537-2363001",
        "",
        True,
        True,
        [
            ("talent", "专场招聘与校园招聘", "每月一场，园区企业免展位费"),
            ("talent", "高层次人才猎聘", "按年薪的15%–20%收费"),
        ],
    ),
    (
        "山东理工职业学院",
        ProviderKind.UNIVERSITY,
        "校企合作处 0537-2364001",
        "34,35,36,38,39",
        True,
        True,
        [
            ("talent", "订单班与技能人才培养", "校企共建订单班，学徒制"),
            ("innovation", "技术攻关与中试", "智能制造实训中心共享设备"),
        ],
    ),
    (
        "济宁学院",
        ProviderKind.UNIVERSITY,
        "科研处 0537-2365001",
        "",
        True,
        True,
        [
            ("innovation", "产学研合作", "联合申报科技项目、共建研发中心"),
        ],
    ),
    (
        "麒麟岛创新创业园孵化器",
        ProviderKind.INCUBATOR,
        "0537-2366001",
        "",
        False,
        True,
        [
            ("innovation", "创业辅导与路演", "每月路演，对接天使投资"),
            ("info", "入驻与注册代办", "工商注册、税务登记一站式代办"),
        ],
    ),
    (
        "济宁高新区政务服务中心园区窗口",
        ProviderKind.GOVERNMENT,
        "0537-2367001",
        "",
        True,
        True,
        [
            ("info", "政策咨询与审批代办", "项目审批、资质许可帮办代办"),
            ("info", "用地与厂房咨询", "标准化厂房租赁、工业用地供应信息"),
        ],
    ),
    (
        "济宁智造企业管理咨询有限公司",
        ProviderKind.OTHER,
        "0537-2368001",
        "",
        True,
        True,
        [
            ("consulting", "精益生产与数字化转型诊断", "智能制造成熟度评估"),
        ],
    ),
]

# need, title, description, amount (yuan)
NEEDS = [
    ("loan", "流动资金贷款", "订单增加，需补充原材料采购流动资金。", 3000000),
    ("loan", "设备购置贷款", "新增数控加工中心两台，申请中长期贷款。", 5000000),
    ("recruit", "招聘数控技工", "急需数控车工、焊工各10名。", None),
    ("test", "出口产品检测", "出口欧盟产品需CE相关检测。", None),
    ("patent", "发明专利申请", "新工艺拟申请发明专利并做专利布局。", None),
    ("space", "租赁标准化厂房", "扩产需租赁2000平方米标准化厂房。", None),
    ("permit", "环评手续咨询", "技改项目环评审批流程咨询。", None),
    ("tech", "产学研合作", "寻找高校合作攻关轻量化材料。", None),
    ("advice", "数字化转型诊断", "希望对车间做数字化诊断。", None),
]


def load_requests(
    zone: Zone, users: dict[str, User], seed: int, today: dt.date | None = None
) -> dict[str, int]:
    today = today or timezone.localdate()
    rng = random.Random(seed + 29)
    staff = users.get("park")
    providers: list[Provider] = []
    for name, kind, contact, industries, above, below, offered in PROVIDERS:
        p = Provider.objects.create(
            zone=zone,
            name=name,
            kind=kind,
            contact=contact,
            industries=industries,
            serves_above=above,
            serves_below=below,
        )
        Service.objects.bulk_create([Service(provider=p, field=f, name=n, terms=t) for f, n, t in offered])
        providers.append(p)
    enterprises = list(Enterprise.objects.filter(park__zone=zone).select_related("park").order_by("pk"))
    demo_firm = next((e for e in enterprises if e.users.exists()), None)
    n = 0
    for k in range(72):
        e = demo_firm if k in (0, 1) and demo_firm is not None else rng.choice(enterprises)
        need, title, description, amount = NEEDS[0] if k in (0, 1) else rng.choice(NEEDS)
        if k < 2:
            filed = today - dt.timedelta(days=40 if k == 0 else 1)
        elif k < 6:
            filed = today - dt.timedelta(days=k - 2)  # a few waiting for the park staff, one too long
        else:
            filed = today - dt.timedelta(days=rng.randint(4, 150))
        r = services.file_request(
            users.get("enterprise") if e == demo_firm else staff,
            zone,
            enterprise=e,
            need=need,
            title=title,
            description=description,
            amount_yuan=None if amount is None else Decimal(amount),
            today=filed,
        )
        n += 1
        if k in (1, 2, 3, 4, 5):
            continue  # waiting for the park staff
        if k > 1 and rng.random() < 0.06:
            services.cancel_request(staff, zone, r.pk)
            continue
        suggestions = queries.request_detail(staff, zone, r.pk, filed)["suggestions"] if staff else []
        if not suggestions:
            continue
        choice = suggestions[0] if rng.random() < 0.7 or len(suggestions) == 1 else suggestions[1]
        provider = next(p for p in providers if p.pk == choice.provider.id)
        service = provider.services.filter(field=r.field).first()
        handed = filed + dt.timedelta(days=rng.randint(0, 3))
        if handed > today:
            continue
        r = services.hand_over(staff, zone, r.pk, provider=provider, service=service, today=handed)
        assert r.due_on is not None
        span = (r.due_on - handed).days
        took = rng.randint(2, int(span * 1.4))
        closed = handed + dt.timedelta(days=took)
        if closed > today:
            continue  # still with the provider (late if past its day)
        outcome = Outcome.DONE if rng.random() < 0.85 else Outcome.DECLINED
        services.close_request(
            staff,
            zone,
            r.pk,
            outcome=outcome,
            result="已办结：%s" % (provider.name)
            if outcome == Outcome.DONE
            else "经评估暂不符合条件，已说明原因。",
            today=closed,
        )
        if rng.random() < 0.75:
            rating = rng.choice([5, 5, 4, 4, 4, 3]) if outcome == Outcome.DONE else rng.choice([2, 3])
            rater = users.get("enterprise") if e == demo_firm else None
            services.rate_request(rater, zone, r.pk, rating=rating, comment="")
    return {"service_providers": len(providers), "service_requests": n}


PROJECTS_A = ["智能", "新能源", "医疗", "北斗", "工业", "数字", "绿色", "精密", "生物", "光电"]
PROJECTS_B = [
    "检测仪",
    "储能模组",
    "康复机器人",
    "定位终端",
    "视觉质检",
    "孪生平台",
    "涂层材料",
    "减速器",
    "诊断试剂",
    "传感芯片",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
# cohort, applications, screened share, places, status
CALLS = [(2024, 120, 0.62, 12, "decided"), (2025, 150, 0.6, 15, "decided"), (2026, 56, 0.7, 12, "reviewing")]
INVESTORS = [
    "济宁高新区创业投资基金",
    "山东省新动能基金",
    "鲁信创投",
    "深创投",
    "济宁金控天使基金",
    "红土创新",
]


def load_incubation(
    zone: Zone, users: dict[str, User], seed: int, today: dt.date | None = None
) -> dict[str, int]:
    """Three cohorts of the incubation programme: two decided (agreements, tranches paid on milestones,
    financing rounds, one graduation and one exit) and this year's under expert review, with the demo
    expert's reviews partly done."""
    from gaoxin.parks.choices import ApplicationStatus
    from gaoxin.parks.models import Application

    today = today or timezone.localdate()
    rng = random.Random(seed + 31)
    staff = users.get("park")
    experts = [users[k] for k in ("zhuanjia", "zhuanjia2", "zhuanjia3") if k in users]
    n_apps = 0
    for cohort, count, screened_share, places, status in CALLS:
        opens = dt.date(cohort, 3, 1)
        call = services.save_call(
            staff,
            zone,
            IncubationCall(
                code=f"liuzhi-{cohort}",
                title=f"{cohort}年度“麒麟计划”创新创业项目孵化",
                cohort=cohort,
                opens_on=opens,
                closes_on=dt.date(cohort, 5, 31)
                if cohort < today.year
                else max(opens, min(today, dt.date(cohort, 9, 30))),
                places=places,
                min_score=Decimal(60),
                min_reviews=2,
                grant_yuan=Decimal(200000),
            ),
        )
        for k in range(count):
            when = timezone.make_aware(dt.datetime(cohort, 3, 1 + k % 28, 9 + k % 8, k % 60))
            a = services.submit_application(
                staff,
                zone,
                call.pk,
                project=f"{rng.choice(PROJECTS_A)}{rng.choice(PROJECTS_B)}",
                team_lead=f"{rng.choice(SURNAMES)}{rng.choice('明华强伟芳娜静磊洋勇')}",
                team_size=rng.randint(2, 15),
                stage=rng.choice(["idea", "prototype", "prototype", "revenue", "growth"]),
                industry_code=rng.choice(["3569", "3841", "3976", "6513", "2761", "3562", "3874"]),
                summary="团队拥有核心专利，产品已完成样机验证，拟在园区落地中试。",
                when=when,
            )
            n_apps += 1
            passed = rng.random() < screened_share
            services.screen(
                staff, zone, a.pk, passed=passed, note="" if passed else "材料不全或不属于支持领域"
            )
            if not passed or not experts:
                continue
            services.assign_experts(staff, zone, a.pk, experts=experts, today=opens + dt.timedelta(days=90))
            quality = rng.uniform(0.45, 0.95)
            for j, expert in enumerate(experts):
                review = a.reviews.get(reviewer=expert)
                if status == "reviewing" and j == 0 and k % 3 == 0:
                    continue  # the demo expert still has some to score
                if rng.random() < 0.04:
                    services.submit_review(
                        expert, zone, review.pk, conflict=True, conflict_note="曾为该团队提供咨询服务"
                    )
                    continue
                q = min(1.0, max(0.0, quality + rng.uniform(-0.08, 0.08)))
                scores = {
                    c: round(m * q, 1)
                    for c, m in (("team", 25), ("technology", 30), ("market", 25), ("business_model", 20))
                }
                services.submit_review(expert, zone, review.pk, conflict=False, scores=scores, comment="")
        if status == "reviewing":
            services.start_review(staff, zone, call.pk)
            continue
        services.start_review(staff, zone, call.pk)
        decided_on = dt.date(cohort, 7, 15)
        chosen = services.decide_call(staff, zone, call.pk, today=decided_on)
        for a in chosen:
            ms = list(a.milestones.order_by("order"))
            services.reach_milestone(staff, zone, a.pk, order=1, on=decided_on)
            services.pay_tranche(staff, zone, a.pk, order=1, on=decided_on + dt.timedelta(days=20))
            mid = ms[1].due_on
            if mid <= today and rng.random() < 0.8:
                services.reach_milestone(staff, zone, a.pk, order=2, on=mid)
                services.pay_tranche(staff, zone, a.pk, order=2, on=mid + dt.timedelta(days=15))
            if rng.random() < 0.3:
                closed = decided_on + dt.timedelta(days=rng.randint(60, 400))
                if closed <= today:
                    services.record_round(
                        staff,
                        zone,
                        a.pk,
                        kind=rng.choice(["angel", "angel", "pre_a", "a"]),
                        amount_yuan=Decimal(rng.choice([3, 5, 8, 10, 20, 30])) * 1_000_000,
                        investors="、".join(rng.sample(INVESTORS, 2)),
                        closed_on=closed,
                    )
        if chosen and cohort == min(c for c, *_r in CALLS):
            services.leave_programme(
                staff, zone, chosen[-1].pk, graduated=False, on=dt.date(cohort + 1, 9, 30), reason="团队解散"
            )
    return {
        "incubation_applications": n_apps,
        "incubated": Application.objects.filter(
            call__zone=zone, status__in=[ApplicationStatus.INCUBATED, ApplicationStatus.EXITED]
        ).count(),
    }
