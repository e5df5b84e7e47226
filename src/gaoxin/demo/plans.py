"""The demo's targets and task table: the zone's targets for the year of the day the demo is loaded (the
seed's programme, targets-and-projects §1), each computed from the registry where the data allows, and
the parks' 双带 action plan as a task allocation table of 30 tasks whose time nodes lie around the load
day — most done on time, a few done late, some due in the next days and exactly two overdue, with their
supervision notices issued. Dates are relative to the load day, so the board tells the same story
whenever the demo is loaded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from gaoxin.accounts.models import User
from gaoxin.places.models import Facility, Zone
from gaoxin.plans import services
from gaoxin.plans.choices import TargetKind
from gaoxin.plans.models import Node, Programme, Project, Target, TargetReport, Task, Unit

UNITS = [
    "党工委管委会办公室（督查室）",
    "社会事业发展局",
    "园区发展服务中心",
    "经济发展局",
    "科技创新局",
    "投资促进局",
    "财政金融局",
    "自然资源和规划分局",
    "建设局",
    "人力资源和社会保障局",
    "生态环境分局",
    "市场监管分局",
    "洸河街道办事处",
    "柳行街道办事处",
    "王因街道办事处",
]
SOURCE = "济宁高新区年度工作要点（民政、园区、新城建设）"

# code, title, owner, measure, params, goal, goal_max, unit
TARGETS: list[tuple[str, str, str, str, dict[str, Any], int, int | None, str]] = [
    (
        "MZ-1",
        "建成示范社区养老服务中心",
        "社会事业发展局",
        "places.facilities_open",
        {"type": "elderly_service_center"},
        1,
        None,
        "处",
    ),
    (
        "MZ-2",
        "建成城市社区日间照料中心",
        "社会事业发展局",
        "places.facilities_open",
        {"type": "day_care_center"},
        1,
        None,
        "处",
    ),
    (
        "MZ-3",
        "建成互助养老院",
        "社会事业发展局",
        "places.facilities_open",
        {"type": "mutual_aid_home"},
        2,
        None,
        "处",
    ),
    (
        "MZ-4",
        "建成社区老年人食堂",
        "社会事业发展局",
        "places.facilities_open",
        {"type": "community_canteen"},
        3,
        5,
        "处",
    ),
    ("MZ-5", "支持养老机构建设国学书屋", "社会事业发展局", "plans.reading_rooms", {}, 5, None, "处"),
    (
        "MZ-6",
        "提升街道敬老院服务能力",
        "社会事业发展局",
        "plans.improved_institutions",
        {"type": "nursing_home"},
        3,
        None,
        "处",
    ),
    (
        "YQ-1",
        "营业收入过百亿元园区",
        "园区发展服务中心",
        "parks.revenue_parks",
        {"threshold_yi": "100"},
        5,
        None,
        "个",
    ),
    (
        "YQ-2",
        "规划建设标准化厂房",
        "园区发展服务中心",
        "parks.standard_plants_m2",
        {"stage": "completed"},
        300000,
        None,
        "m²",
    ),
    (
        "YQ-3",
        "小微产业园提升改造试点",
        "园区发展服务中心",
        "parks.upgrades_accepted",
        {"kind": "small_micro"},
        2,
        None,
        "个",
    ),
    ("YQ-4", "创建省级绿色园区", "园区发展服务中心", "", {}, 1, None, "个"),
    (
        "SQ-1",
        "洸河、柳行、王因街道各建成一个标准化一刻钟社区服务圈",
        "社会事业发展局",
        "lifecircle.standardized_streets",
        {"streets": "370871001,370871002,370871004"},
        3,
        None,
        "个",
    ),
]
NEW_THIS_YEAR = {
    "elderly_service_center": 0,
    "day_care_center": 1,
    "mutual_aid_home": 1,
    "community_canteen": 2,
}

# The 双带 action plan (EST: tasks of the kind the seed names; text invented for the demo).
TASK_TEXTS = [
    ("实施园区“双招双引”，引进过亿元产业项目", "引进亿元以上项目10个", "投资促进局"),
    ("编制十园产业链图谱和招商清单", "完成10张图谱", "园区发展服务中心"),
    ("推进小微企业产业园提档升级试点", "2个园区完成改造", "园区发展服务中心"),
    ("开展亩产效益综合评价并兑现差别化政策", "评价覆盖率100%", "园区发展服务中心"),
    ("盘活低效闲置土地", "处置闲置土地500亩", "自然资源和规划分局"),
    ("建设标准化厂房", "新开工标准化厂房10万平方米", "建设局"),
    ("培育高新技术企业", "新增高新技术企业30家", "科技创新局"),
    ("建设园区公共服务平台", "平台上线运行", "园区发展服务中心"),
    ("组建产业引导基金", "基金规模10亿元", "财政金融局"),
    ("开展银企对接活动", "对接活动12场", "财政金融局"),
    ("实施智慧园区建设", "2个园区达到智慧园区标准", "经济发展局"),
    ("创建绿色园区", "1个园区创建省级绿色园区", "生态环境分局"),
    ("引进高层次人才团队", "引进团队5个", "人力资源和社会保障局"),
    ("建设人才公寓", "交付人才公寓500套", "建设局"),
    ("推进规上工业企业技术改造", "技改项目50个", "经济发展局"),
    ("培育专精特新企业", "新增省级专精特新企业20家", "经济发展局"),
    ("推动企业上市挂牌", "新增挂牌企业3家", "财政金融局"),
    ("建设孵化器和加速器", "新增孵化面积5万平方米", "科技创新局"),
    ("完善园区道路和管网配套", "新建道路5公里", "建设局"),
    ("推进园区污水集中处理", "污水收集率95%", "生态环境分局"),
    ("开展质量品牌提升行动", "新增山东名牌5个", "市场监管分局"),
    ("落实企业服务专员制度", "服务专员覆盖规上企业", "园区发展服务中心"),
    ("建立重点项目周调度机制", "每周调度", "党工委管委会办公室（督查室）"),
    ("开展园区安全生产专项整治", "隐患整改率100%", "园区发展服务中心"),
    ("推进产学研合作平台建设", "新建合作平台5个", "科技创新局"),
    ("实施园区亮化绿化工程", "绿化面积10万平方米", "建设局"),
    ("建立园区统计监测体系", "按月报送园区数据", "经济发展局"),
    ("开展“双带”工作考核", "年度考核完成", "党工委管委会办公室（督查室）"),
    ("推进企业用电用气保障", "保障重点企业用能", "经济发展局"),
    ("举办园区招商推介会", "推介会4场", "投资促进局"),
]


def _day(today: dt.date, offset: int) -> dt.date:
    """A day ``offset`` days from the load day, kept inside the load day's year (the plan's year)."""
    day = today + dt.timedelta(days=offset)
    return min(max(day, dt.date(today.year, 1, 1)), dt.date(today.year, 12, 31))


def load_plans(zone: Zone, users: dict[str, User], today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    year = today.year
    Project.objects.filter(zone=zone).delete()
    Programme.objects.filter(zone=zone).delete()
    Target.objects.filter(zone=zone).delete()
    Unit.objects.filter(zone=zone).delete()
    units = {name: Unit.objects.create(zone=zone, name=name) for name in UNITS}
    units["园区发展服务中心"].members.add(users["park"])
    units["社会事业发展局"].members.add(users["planner"])

    # Facilities opened this year (the registry's newest of each type, re-dated into the year): the
    # targets count them; the rest of the registry opened before.
    for type_code, n in NEW_THIS_YEAR.items():
        found = list(
            Facility.objects.filter(street__zone=zone, type__code=type_code, status="open").order_by("code")[
                :n
            ]
        )
        for k, f in enumerate(found):
            f.opened_on = _day(today, -40 - 90 * k)
            f.save(update_fields=["opened_on"])

    load_care(zone, today)
    start, due = dt.date(year, 1, 1), dt.date(year, 12, 31)
    for order, (code, title, owner, measure, params, goal, goal_max, unit_label) in enumerate(
        TARGETS, start=1
    ):
        if measure in ("places.facilities_open", "plans.reading_rooms"):
            params = params | {"opened_from": start.isoformat()}
        if measure == "plans.improved_institutions":
            params = params | {"since": start.isoformat()}
        target = services.save_target(
            None,
            zone,
            {
                "year": year,
                "code": code,
                "title": title,
                "owner": units[owner],
                "kind": TargetKind.COMPUTED if measure else TargetKind.REPORTED,
                "measure": measure,
                "params": params,
                "goal": Decimal(goal),
                "goal_max": None if goal_max is None else Decimal(goal_max),
                "unit_label": unit_label,
                "start_on": start,
                "due_on": due,
                "source": SOURCE,
                "order": order,
            },
        )
        reported = {
            "YQ-4": (0, "金科生命健康城已完成创建方案，待省工信厅评审（园区发展服务中心月报）"),
        }
        if code in reported:
            value, note = reported[code]
            TargetReport.objects.create(
                target=target, value=Decimal(value), as_of=_day(today, -20), note=note
            )

    programme = Programme.objects.create(
        zone=zone,
        name=f"{year}年园区“双带”行动计划",
        year=year,
        coordinator=units["园区发展服务中心"],
        document="济高新发〔%s〕12号（演示）" % year,
    )
    # Node offsets (days from the load day) and whether done: most tasks have a finished node
    # behind them and an open one ahead; two are overdue (12 and 5 days), three due within 7 days,
    # two finished late.
    leaders = ["李强", "王磊", "张敏", "刘军"]
    for i, (content, measurable, lead) in enumerate(TASK_TEXTS, start=1):
        task = Task.objects.create(
            programme=programme,
            number=str(i),
            content=content,
            measurable=measurable,
            lead=units[lead],
            leader=leaders[i % len(leaders)],
            order=i,
        )
        partners = [units[n] for n in UNITS[2:12] if n != lead][(i % 5) : (i % 5) + 2]
        task.partners.set(partners)
        plan: list[tuple[str, int, int | None]]
        if i in (4, 9):  # the two overdue nodes
            plan = [
                ("完成工作方案", -90, -92),
                ("完成阶段目标", -12 if i == 4 else -5, None),
                ("全面完成", 30, None),
            ]
        elif i in (2, 17, 25):  # due within the next 7 days
            plan = [("完成工作方案", -100, -101), ("完成阶段目标", 2 + i % 5, None)]
        elif i in (6, 21):  # a node finished late
            plan = [("完成工作方案", -120, -110), ("完成阶段目标", 20, None)]
        elif i in (11, 28):  # finished
            plan = [("完成工作方案", -150, -152), ("全面完成", -30, -31)]
        else:
            plan = [
                ("完成工作方案", -130 + i, -131 + i),
                ("完成阶段目标", 15 + 3 * i, None),
                ("全面完成", 60 + 3 * i, None),
            ]
        for title, due_offset, done_offset in plan:
            Node.objects.create(
                task=task,
                title=title,
                due_on=_day(today, due_offset),
                done_on=None if done_offset is None else _day(today, done_offset),
            )
    notices = services.escalate(None, zone, today)
    projects = load_projects(zone, units, today)
    return {
        "projects": projects,
        "targets": Target.objects.filter(zone=zone).count(),
        "tasks": Task.objects.filter(programme=programme).count(),
        "supervision_notices": len(notices),
    }


# code, name, kind, category, stage, owner, total (亿元), this year's plan (亿元), pace of the year's
# work (share of the plan done by now), offset from the zone centre (lon, lat), households / homes
PROJECTS: list[
    tuple[str, str, str, str, str, str, float, float, float, tuple[float, float], tuple[int, int] | None]
] = [
    (
        "XC-01",
        "蓼河新城城市生态水系PPP项目",
        "ppp",
        "water",
        "ppp_execute",
        "建设局",
        21.0,
        5.0,
        0.95,
        (-0.030, -0.030),
        None,
    ),
    (
        "XC-02",
        "如意湖工程",
        "government",
        "lake",
        "gov_build",
        "建设局",
        6.5,
        2.4,
        1.0,
        (-0.038, -0.024),
        None,
    ),
    (
        "XC-03",
        "十里湖工程",
        "government",
        "lake",
        "gov_tender",
        "建设局",
        4.8,
        1.2,
        0.55,
        (-0.022, -0.040),
        None,
    ),
    (
        "XC-04",
        "麒麟岛创新园",
        "government",
        "innovation",
        "gov_design",
        "科技创新局",
        12.0,
        1.5,
        0.85,
        (-0.045, -0.034),
        None,
    ),
    (
        "XC-05",
        "红星爱琴海商业综合体",
        "enterprise",
        "commercial",
        "ent_build",
        "投资促进局",
        15.0,
        4.0,
        0.9,
        (-0.026, -0.020),
        None,
    ),
    (
        "XC-06",
        "龙城公馆",
        "enterprise",
        "housing",
        "ent_build",
        "建设局",
        8.0,
        2.0,
        1.02,
        (-0.018, -0.028),
        None,
    ),
    (
        "XC-07",
        "中南漫悦湾",
        "enterprise",
        "housing",
        "ent_complete",
        "建设局",
        9.5,
        1.0,
        1.0,
        (-0.034, -0.014),
        None,
    ),
    (
        "XC-08",
        "前后苏棚户区改造",
        "government",
        "renovation",
        "gov_build",
        "建设局",
        7.2,
        2.6,
        0.8,
        (-0.010, -0.036),
        (620, 700),
    ),
    (
        "XC-09",
        "前后栗棚户区改造",
        "government",
        "renovation",
        "gov_build",
        "建设局",
        5.6,
        2.0,
        0.6,
        (-0.006, -0.026),
        (480, 520),
    ),
]


NEW_TOWN = (116.64, 35.41)  # 蓼河新城 lies in the west of 洸河街道 (the demo's points are placed around it)


def load_projects(zone: Zone, units: dict[str, Unit], today: dt.date) -> int:
    """The new town's projects with their plans, the months of the year so far and their milestones."""
    from gaoxin.plans.choices import PROJECT_STAGES
    from gaoxin.plans.models import Milestone, Project, ProjectMonth, ProjectStageChange, ProjectYear

    yi = Decimal(100_000_000)
    year = today.year
    for code, name, kind, category, stage, owner, total, plan, pace, (dlon, dlat), renovation in PROJECTS:
        project = Project.objects.create(
            zone=zone,
            code=code,
            name=name,
            kind=kind,
            category=category,
            stage=stage,
            owner=units[owner],
            total_investment_yuan=Decimal(str(total)) * yi,
            start_year=year - 2,
            end_year=year + 2,
            lon=round(NEW_TOWN[0] + dlon / 2, 6),
            lat=round(NEW_TOWN[1] + dlat / 2 + 0.01, 6),
            description="蓼河新城重点项目（演示数据）",
            households=renovation[0] if renovation else None,
            resettlement_units=renovation[1] if renovation else None,
        )
        stages = PROJECT_STAGES[kind]
        for k, s in enumerate(stages[: stages.index(stage) + 1]):
            ProjectStageChange.objects.create(
                project=project, stage=s, entered_on=dt.date(year - 2, 3, 1) + dt.timedelta(days=150 * k)
            )
        ProjectYear.objects.create(project=project, year=year - 1, planned_yuan=Decimal(str(plan * 0.9)) * yi)
        ProjectYear.objects.create(project=project, year=year, planned_yuan=Decimal(str(plan)) * yi)
        monthly = Decimal(str(plan)) * yi / 12
        for m in range(1, 13):  # last year, as planned
            ProjectMonth.objects.create(
                project=project,
                month=dt.date(year - 1, m, 1),
                completed_yuan=(monthly * Decimal("0.9")).quantize(Decimal("0.01")),
            )
        for m in range(1, today.month + 1):
            wave = Decimal(str(1 + 0.15 * ((m % 3) - 1)))  # uneven months
            row = ProjectMonth(
                project=project,
                month=dt.date(year, m, 1),
                completed_yuan=(monthly * Decimal(str(pace)) * wave).quantize(Decimal("0.01")),
                note="按计划推进" if pace >= 0.9 else "进度滞后，已督促",
            )
            if renovation:
                households, homes = renovation
                share = min(1.0, (0.55 + 0.04 * m) * pace)
                row.signed = int(households * share)
                row.demolished = int(households * share * 0.8)
                row.units_started = homes
                row.units_finished = int(homes * min(1.0, 0.05 * m))
                row.units_delivered = 0
            row.save()
        Milestone.objects.create(
            project=project,
            title="年度投资计划下达",
            due_on=dt.date(year, 3, 1),
            done_on=dt.date(year, 2, 26),
        )
        late = code in ("XC-03", "XC-09")
        Milestone.objects.create(
            project=project,
            title="完成招标" if code == "XC-03" else "完成阶段建设任务",
            due_on=today - dt.timedelta(days=10)
            if late
            else today + dt.timedelta(days=20 + 5 * int(code[-1])),
        )
        Milestone.objects.create(project=project, title="年度投资计划完成", due_on=dt.date(year, 12, 31))
    return len(PROJECTS)


def load_care(zone: Zone, today: dt.date) -> None:
    """Places, meals and reading rooms of the elderly-care facilities; star assessments of the nursing
    homes last year and, for some, again this year; the canteens' meals of the year's months."""
    from gaoxin.plans.analysis import stars_of
    from gaoxin.plans.models import CareFacility, MealMonth, StarAssessment

    year = today.year
    care = (
        Facility.objects.filter(street__zone=zone, type__service_class="eldercare")
        .select_related("type")
        .order_by("code")
    )
    reading = 0
    for k, f in enumerate(care):
        cap = f.capacity or 0
        c = CareFacility(facility=f)
        if f.type.code in ("nursing_home", "elderly_service_center", "mutual_aid_home"):
            c.beds = cap
        if f.type.code in ("day_care_center", "elderly_service_center"):
            c.day_places = cap if f.type.code == "day_care_center" else cap // 2
        if f.type.code == "community_canteen":
            c.meals_per_day = cap * 2
            c.delivers_meals = k % 3 == 0
        if f.type.code in ("nursing_home", "elderly_service_center") and f.status == "open" and reading < 4:
            # three reading rooms opened this year, one before
            c.reading_room_opened_on = (
                _day(today, -30 - 50 * reading) if reading < 3 else dt.date(year - 1, 9, 1)
            )
            reading += 1
        c.save()
        if f.type.code == "community_canteen" and f.status == "open":
            for m in range(1, today.month + 1):
                served = int(cap * 2 * 26 * (0.7 + 0.05 * (m % 4)))
                MealMonth.objects.create(
                    facility=f,
                    month=dt.date(year, m, 1),
                    meals_served=served,
                    meals_subsidised=served * 2 // 5,
                )
    homes = list(
        Facility.objects.filter(street__zone=zone, type__code="nursing_home", status="open").order_by("code")
    )
    for k, f in enumerate(homes):
        before = Decimal(520 + 40 * k)
        StarAssessment.objects.create(
            facility=f,
            assessed_on=dt.date(year - 1, 10, 15),
            score=before,
            stars=stars_of(before),
            assessor="市民政局评定委员会",
        )
        if k < 2:  # re-assessed this year: the first improved, the second not (yet)
            after = before + (Decimal(95) if k == 0 else Decimal(-10))
            StarAssessment.objects.create(
                facility=f,
                assessed_on=_day(today, -25),
                score=after,
                stars=stars_of(after),
                assessor="市民政局评定委员会",
            )
