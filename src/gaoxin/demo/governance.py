"""The demo's grid governance: two grids in each community of the three pilot streets (the community's
outline cut at its centre), their grid workers and Party branches, the units requests go to, and about
240 requests of every type and state over the last 60 days — some running late (escalated), some sent
back once, most closed and rated. Times are relative to the load moment (EST: invented for the demo)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone
from shapely.geometry import box, mapping, shape

from gaoxin.accounts.models import User
from gaoxin.demo.zone import _random_point_in
from gaoxin.governance import analysis
from gaoxin.governance.models import Case, CaseEvent, Department, Grid, ServiceType
from gaoxin.governance.services import sync_service_types
from gaoxin.places.models import Community, Zone

PILOT_STREETS = ("370871001", "370871002", "370871004")
DEPARTMENTS = {
    "市政公用处": ("street_lamp", "manhole", "road_damage"),
    "城市管理执法局": ("parking", "noise"),
    "环境卫生服务中心": ("rubbish",),
    "社会事业发展局": ("government_service", "convenience", "health", "culture_sports", "welfare"),
    "公安分局高新区派出所": ("safety",),
}
DESCRIPTIONS = {
    "street_lamp": "小区门口路灯晚上不亮，行人看不清路",
    "manhole": "人行道井盖松动，踩上去晃动",
    "road_damage": "路面出现坑洼，雨天积水",
    "rubbish": "绿化带旁堆放建筑垃圾多日无人清理",
    "parking": "消防通道被车辆长期占用",
    "noise": "夜间施工噪声扰民",
    "government_service": "咨询居住证办理需要的材料",
    "convenience": "希望社区增设便民维修点",
    "health": "家庭医生签约后上门随访时间咨询",
    "culture_sports": "健身器材损坏需要维修",
    "safety": "楼道堆放杂物存在消防隐患",
    "welfare": "独居老人生活困难申请帮扶",
}


def _halves(outline: dict[str, Any]) -> list[dict[str, Any]]:
    poly = shape(outline)
    minx, miny, maxx, maxy = poly.bounds
    mid = poly.centroid.x
    parts = [
        poly.intersection(box(minx - 1, miny - 1, mid, maxy + 1)),
        poly.intersection(box(mid, miny - 1, maxx + 1, maxy + 1)),
    ]
    out = []
    for part in parts:
        if part.is_empty:
            continue
        if part.geom_type == "MultiPolygon":
            part = max(part.geoms, key=lambda g: g.area)
        if part.geom_type == "Polygon":
            out.append(mapping(part))
    return out


def load_governance(zone: Zone, users: dict[str, User], seed: int = 20261127) -> dict[str, int]:
    rng = random.Random(seed)
    sync_service_types()
    Case.objects.filter(zone=zone).delete()
    Grid.objects.filter(community__street__zone=zone).delete()
    Department.objects.filter(zone=zone).delete()
    departments = {name: Department.objects.create(zone=zone, name=name) for name in DEPARTMENTS}
    departments["市政公用处"].members.add(users["shizheng"])
    departments["环境卫生服务中心"].members.add(users["shizheng"])
    workers = {"370871001": users["guanghe"], "370871002": users["liuxing"]}
    grids: list[Grid] = []  # the zone's grids, in code order
    for community in (
        Community.objects.filter(street__zone=zone, street__code__in=PILOT_STREETS)
        .exclude(boundary=None)
        .order_by("code")
    ):
        for k, part in enumerate(_halves(community.boundary or {}), start=1):
            grid = Grid.objects.create(
                community=community,
                code=f"{community.code}-G{k}",
                name=f"{community.name}第{k}网格",
                boundary=part,
                party_branch=f"{community.name}党支部",
            )
            worker = workers.get(community.street.code)
            if worker is not None:
                grid.workers.add(worker)
            grids.append(grid)
    types = list(ServiceType.objects.all())
    unit_of = {code: departments[name] for name, codes in DEPARTMENTS.items() for code in codes}
    now = timezone.now().replace(microsecond=0)
    states = (
        ["reported"] * 8
        + ["opened"] * 4
        + ["dispatched"] * 10
        + ["handling"] * 12
        + ["fed_back"] * 8
        + ["closed"] * 52
        + ["cancelled"] * 6
    )
    cases: list[Case] = []
    events: list[tuple[int, str, str, dt.datetime, str]] = []
    for n in range(240):
        place = grids[rng.randrange(len(grids))] if grids else None
        service = types[rng.randrange(len(types))]
        state = states[rng.randrange(len(states))]
        urgency = "urgent" if rng.random() < 0.15 else "normal"
        reported = now - dt.timedelta(hours=rng.uniform(2, 60 * 24))
        if state in ("reported", "opened", "dispatched", "handling"):  # still open: recent, on time
            reported = now - dt.timedelta(
                hours=rng.uniform(1.5, max(3.0, service.limit_hours(urgency) * 0.5))
            )
        point = _random_point_in(shape(place.boundary), rng) if place is not None else None
        case = Case(
            zone=zone,
            number=f"GX{reported:%Y%m%d}D{n:03d}",
            service=service,
            urgency=urgency,
            description=DESCRIPTIONS.get(service.code, service.name_zh),
            lon=round(point.x, 6) if point is not None else None,
            lat=round(point.y, 6) if point is not None else None,
            address=f"{place.community.name}附近" if place is not None else "高新区",
            street=place.community.street if place is not None else None,
            grid=place,
            source=rng.choice(["resident", "resident", "grid_worker", "hotline"]),
            requester=users["resident"] if n % 7 == 0 else None,
            contact_name="居民" if n % 3 else "",
            contact_phone=f"138{rng.randrange(10**8):08d}" if n % 2 else "",
            status=state,
            reported_at=reported,
        )
        steps = [("report", "reported", reported, "")]
        t = reported
        if state == "cancelled":
            t += dt.timedelta(hours=rng.uniform(0.5, 6))
            case.cancel_reason = "重复上报"
            case.closed_at = t
            steps.append(("cancel", "cancelled", t, "重复上报"))
        elif state != "reported":
            t += dt.timedelta(hours=rng.uniform(0.5, 8))
            steps.append(("open", "opened", t, ""))
            if state != "opened":
                t = min(t + dt.timedelta(hours=rng.uniform(0.2, 4)), now - dt.timedelta(minutes=30))
                limit = service.limit_hours(urgency)
                case.department = unit_of.get(service.code, departments["社会事业发展局"])
                case.dispatched_at = t
                case.due_at = analysis.due_at(t, limit)
                steps.append(("dispatch", "dispatched", t, ""))
                if state in ("handling", "fed_back", "closed"):
                    t = min(t + dt.timedelta(hours=rng.uniform(0.5, 6)), now - dt.timedelta(minutes=20))
                    steps.append(("accept", "handling", t, ""))
                if state in ("fed_back", "closed"):
                    late = rng.random() < 0.12
                    took = limit * (rng.uniform(1.05, 1.6) if late else rng.uniform(0.2, 0.95))
                    t = min(case.dispatched_at + dt.timedelta(hours=took), now - dt.timedelta(minutes=10))
                    if t <= steps[-1][2]:
                        t = steps[-1][2] + dt.timedelta(minutes=5)
                    if state == "closed" and rng.random() < 0.08:  # sent back once, then fixed
                        steps.append(("feedback", "fed_back", t, "已处理"))
                        t += dt.timedelta(hours=2)
                        steps.append(("send_back", "handling", t, "现场核查未修复"))
                        case.sent_back = 1
                        t += dt.timedelta(hours=3)
                    case.fed_back_at = t
                    case.answer = "已安排人员现场处置完毕"
                    steps.append(("feedback", "fed_back", t, case.answer))
                if state == "closed":
                    t = min(t + dt.timedelta(hours=rng.uniform(1, 24)), now - dt.timedelta(minutes=1))
                    case.closed_at = t
                    steps.append(("close", "closed", t, ""))
                    if rng.random() < 0.7:
                        case.rating = rng.choices([5, 4, 3, 2], weights=[60, 25, 10, 5])[0]
                        t += dt.timedelta(hours=1)
                        steps.append(("rate", "closed", min(t, now), ""))
        if state in ("dispatched", "handling") and rng.random() < 0.2:  # running late
            case.dispatched_at = now - dt.timedelta(hours=service.limit_hours(urgency) + rng.uniform(2, 48))
            case.due_at = analysis.due_at(case.dispatched_at, service.limit_hours(urgency))
            for i, s in enumerate(steps):
                if s[0] == "dispatch":
                    steps[i] = (s[0], s[1], case.dispatched_at, s[3])
            case.reported_at = min(case.reported_at, case.dispatched_at - dt.timedelta(hours=2))
            steps[0] = ("report", "reported", case.reported_at, "")
        cases.append(case)
        events.extend((n, *s) for s in steps)
    Case.objects.bulk_create(cases)
    CaseEvent.objects.bulk_create(
        [CaseEvent(case=cases[n], action=a, status=s, at=at, note=note) for n, a, s, at, note in events]
    )
    from gaoxin.governance.services import escalate_overdue

    escalated = escalate_overdue(None, zone, now)
    disputes = _load_disputes(zone, rng, timezone.localdate())
    households = load_households(zone, rng, timezone.localdate())
    return {
        "grids": len(grids),
        "requests": len(cases),
        "escalated": len(escalated),
        **disputes,
        **households,
    }


DISPUTE_TEXTS = {
    "neighbours": "楼上漏水浸泡楼下天花板，双方就维修费用协商未果",
    "family": "赡养老人费用分担纠纷",
    "property": "业主与物业公司就停车费收取发生争议",
    "land_housing": "宅基地界址争议",
    "wages": "农民工讨要工程款",
    "traffic": "电动车与行人碰撞赔偿纠纷",
    "consumer": "装修质量问题退款纠纷",
    "medical": "诊所收费争议",
}


def _load_disputes(zone: Zone, rng: random.Random, today: dt.date) -> dict[str, int]:
    from gaoxin.governance.models import Dispute, DisputeSession
    from gaoxin.governance.services import escalate_disputes
    from gaoxin.places.models import Street

    Dispute.objects.filter(zone=zone).delete()
    streets = list(Street.objects.filter(zone=zone, code__in=PILOT_STREETS).order_by("code"))
    kinds = list(DISPUTE_TEXTS)
    surnames = "王李张刘陈杨赵黄周吴"
    made = []
    for n in range(36):
        street = streets[n % len(streets)]
        community = Community.objects.filter(street=street).order_by("code").first()
        kind = kinds[rng.randrange(len(kinds))]
        accepted = today - dt.timedelta(days=rng.randint(0, 75))
        d = Dispute.objects.create(
            zone=zone,
            number=f"TJ{accepted:%Y}D{n:03d}",
            street=street,
            community=community,
            kind=kind,
            summary=DISPUTE_TEXTS[kind],
            parties="、".join(rng.choice(surnames) + rng.choice("明华强芳静伟") for _ in range(2)),
            committee=f"{community.name if community else street.name}人民调解委员会",
            mediators="调解员 " + rng.choice(surnames) + "老师",
            accepted_on=accepted,
        )
        age = (today - accepted).days
        late_case = n in (3, 11)  # left without any action past the first-action limit
        if age >= 1 and not late_case:
            first = accepted + dt.timedelta(days=rng.randint(0, min(2, age)))
            DisputeSession.objects.create(dispute=d, held_on=first, note="召集双方首次调解")
            d.first_action_on = first
            d.status = "mediating"
            if age > 10 and rng.random() < 0.75 and n != 7:  # most end; n = 7 stays open past a month
                d.ended_on = min(today, accepted + dt.timedelta(days=rng.randint(5, 28)))
                d.status = rng.choices(["agreed", "referred", "withdrawn"], weights=[75, 18, 7])[0]
                d.referred_to = "court" if d.status == "referred" else ""
                d.outcome = "双方达成调解协议" if d.status == "agreed" else "未达成协议，引导诉讼"
            d.save()
        made.append(d)
    escalated = escalate_disputes(None, zone, today)
    return {"disputes": len(made), "disputes_escalated": len(escalated)}


def load_households(zone: Zone, rng: random.Random, today: dt.date) -> dict[str, int]:
    """About twelve dwellings per grid with their households and last visits — mostly within their interval,
    with a gap in a few grids (visits that lapsed, dwellings never visited)."""
    from gaoxin.governance.models import Household, Visit

    Household.objects.filter(grid__community__street__zone=zone).delete()
    surnames = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
    grids = list(
        Grid.objects.filter(community__street__zone=zone).select_related("community").order_by("code")
    )
    gaps = {g.pk for g in grids[5::17]}  # a few grids where collection lapsed
    made: list[Household] = []
    for g in grids:
        for k in range(rng.randint(8, 16)):
            groups = []
            if rng.random() < 0.08:
                groups.append("elderly_alone")
            if rng.random() < 0.04:
                groups.append("disabled")
            if rng.random() < 0.03:
                groups.append("left_behind_child")
            if rng.random() < 0.05:
                groups.append("low_income")
            if g.pk in gaps:
                last = None if rng.random() < 0.3 else today - dt.timedelta(days=rng.randint(200, 500))
            else:
                last = today - dt.timedelta(days=rng.randint(5, 25 if groups else 330))
            made.append(
                Household(
                    grid=g,
                    address=f"{g.community.name}{k // 4 + 1}号楼{k % 4 + 1}单元{rng.randint(1, 6)}0{rng.randint(1, 2)}室",
                    head_name=rng.choice(surnames) + rng.choice("明华强芳静伟敏军丽"),
                    members=rng.randint(1, 5),
                    groups=groups,
                    last_visit_on=last,
                )
            )
    # addresses must be unique in a grid
    seen: set[tuple[int, str]] = set()
    unique = []
    for h in made:
        if (h.grid.pk, h.address) not in seen:
            seen.add((h.grid.pk, h.address))
            unique.append(h)
    Household.objects.bulk_create(unique, batch_size=1000)
    visits = []
    for h in Household.objects.filter(grid__in=grids, last_visit_on__isnull=False):
        if h.last_visit_on is not None:
            visits.append(Visit(household=h, visited_on=h.last_visit_on, note="入户核实"))
    Visit.objects.bulk_create(visits, batch_size=1000)
    return {"households": len(unique)}
