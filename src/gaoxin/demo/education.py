"""The demo's education planning (synthetic, like every demo geometry; dates relative to the load day so
the ledger tells the same story whenever the demo is loaded): seven housing developments of the new town
— one kindergarten delivered the same day as its housing, one a hundred and fifty days late, one too
small, two small developments sharing one, one development with none recorded, one whose completion
acceptance must wait — the register of the schools (classes and pupils; one school with large classes),
school places sized so that the new housing makes primary places run short within five years, the current
catchments (each area to its nearest school on foot, as drawn before planning) and the vocational
school's upgrade targets in the targets board."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

from django.utils import timezone

from gaoxin.accounts.models import User
from gaoxin.education import services
from gaoxin.education.choices import FACILITY_TYPE, KindergartenStatus, Level, Objective
from gaoxin.education.models import CatchmentPlan, Development, Kindergarten, Phase, SchoolRecord
from gaoxin.places.models import Facility, ResidentialArea, Street, Zone


def _d(today: dt.date, days: int) -> dt.date:
    return today + dt.timedelta(days=days)


def _near(street: Street, k: int) -> tuple[float, float]:
    """A point among the street's residential areas (the k-th area's centre, shifted off it)."""
    areas = list(ResidentialArea.objects.filter(street=street).order_by("code"))
    a = areas[(k * 7) % len(areas)]
    return round(a.center_lon + 0.0012, 6), round(a.center_lat - 0.0009, 6)


def load_education(zone: Zone, users: dict[str, User], today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    CatchmentPlan.objects.filter(zone=zone).delete()
    Development.objects.filter(zone=zone).delete()
    Kindergarten.objects.filter(zone=zone).delete()
    SchoolRecord.objects.filter(facility__street__zone=zone).delete()
    profile = services.ensure_profile(zone)
    streets = {s.name: s for s in Street.objects.filter(zone=zone)}
    lx, wy, jz = streets["柳行街道"], streets["王因街道"], streets["接庄街道"]

    def kg(
        code: str, name: str, street: Street, classes: int, status: str, k: int, **dates: Any
    ) -> Kindergarten:
        lon, lat = _near(street, k)
        return Kindergarten.objects.create(
            zone=zone,
            code=code,
            name=name,
            street=street,
            lon=lon + 0.0004,
            lat=lat,
            classes=classes,
            places=classes * profile.kg_class_size,
            status=status,
            **dates,
        )

    def dev(
        code: str,
        name: str,
        developer: str,
        street: Street,
        k: int,
        permit: dt.date,
        kgc: Kindergarten | None,
    ) -> Development:
        lon, lat = _near(street, k)
        area = ResidentialArea.objects.filter(street=street).order_by("code")[
            (k * 7) % ResidentialArea.objects.filter(street=street).count()
        ]
        return Development.objects.create(
            zone=zone,
            code=code,
            name=name,
            developer=developer,
            street=street,
            lon=lon,
            lat=lat,
            permit_on=permit,
            kindergarten=kgc,
            area=area,
        )

    def phase(d: Development, number: int, dwellings: int, **dates: Any) -> None:
        Phase.objects.create(development=d, number=number, dwellings=dwellings, **dates)

    # 1. On time: the kindergarten reaches each stage the same day as the first phase.
    permit, start, accepted, delivered = _d(today, -1100), _d(today, -950), _d(today, -200), _d(today, -170)
    k1 = kg(
        "YEY-2023-01", "如意湖畔幼儿园", lx, 9, KindergartenStatus.IN_USE, 1,
        permit_on=permit, started_on=start, accepted_on=accepted, delivered_on=delivered,
        transferred_on=_d(today, -120),
    )  # fmt: skip
    d1 = dev("ZZ-2023-01", "如意湖畔", "济宁城投置业有限公司", lx, 1, permit, k1)
    phase(d1, 1, 1100, started_on=start, accepted_on=accepted, delivered_on=delivered)
    phase(
        d1,
        2,
        700,
        started_on=_d(today, -600),
        acceptance_planned=_d(today, 200),
        delivery_planned=_d(today, 230),
    )

    # 2. Late: built 230 days after the housing started, not delivered 150 days after the housing was.
    permit = _d(today, -1000)
    k2 = kg(
        "YEY-2024-02", "十里湖锦园幼儿园", wy, 12, KindergartenStatus.BUILDING, 2,
        permit_on=permit, start_planned=_d(today, -800), started_on=_d(today, -570),
        acceptance_planned=_d(today, 90), delivery_planned=_d(today, 120),
    )  # fmt: skip
    d2 = dev("ZZ-2024-02", "十里湖·锦园", "山东十里湖置业有限公司", wy, 2, permit, k2)
    phase(d2, 1, 1200, started_on=_d(today, -800), accepted_on=_d(today, -180), delivered_on=_d(today, -150))
    phase(
        d2,
        2,
        1200,
        started_on=_d(today, -400),
        acceptance_planned=_d(today, 250),
        delivery_planned=_d(today, 300),
    )

    # 3. Too small, and the housing's completion acceptance is due in 60 days: hold it.
    permit = _d(today, -700)
    k3 = kg(
        "YEY-2025-03", "前后苏安置区幼儿园", jz, 6, KindergartenStatus.BUILDING, 3,
        permit_on=permit, started_on=_d(today, -500), acceptance_planned=_d(today, 150), delivery_planned=_d(today, 200),
    )  # fmt: skip
    d3 = dev("ZZ-2025-03", "前后苏安置区", "济宁高新区城乡建设发展有限公司", jz, 3, permit, k3)
    phase(
        d3,
        1,
        2000,
        started_on=_d(today, -500),
        acceptance_planned=_d(today, 60),
        delivery_planned=_d(today, 120),
    )
    phase(
        d3,
        2,
        1200,
        start_planned=_d(today, 90),
        acceptance_planned=_d(today, 800),
        delivery_planned=_d(today, 860),
    )

    # 4. Two small developments share one kindergarten (联办), delivered with the first of them.
    permit = _d(today, -900)
    k4 = kg(
        "YEY-2024-04", "苏栗联办幼儿园", jz, 3, KindergartenStatus.DELIVERED, 4,
        permit_on=permit, started_on=_d(today, -760), accepted_on=_d(today, -90), delivered_on=_d(today, -60),
    )  # fmt: skip
    d4 = dev("ZZ-2024-04", "苏园小区", "济宁苏园置业有限公司", jz, 4, permit, k4)
    phase(d4, 1, 300, started_on=_d(today, -760), accepted_on=_d(today, -90), delivered_on=_d(today, -60))
    d5 = dev("ZZ-2024-05", "栗园小区", "济宁栗园置业有限公司", jz, 5, _d(today, -850), k4)
    phase(d5, 1, 260, started_on=_d(today, -700), accepted_on=_d(today, -40), delivered_on=_d(today, -20))

    # 5. Planned housing, no kindergarten recorded yet: the planning stage is already missing.
    d6 = dev("ZZ-2026-06", "麒麟岛人才公寓", "济宁麒麟岛开发建设有限公司", lx, 6, _d(today, -75), None)
    phase(
        d6,
        1,
        1600,
        start_planned=_d(today, 60),
        acceptance_planned=_d(today, 700),
        delivery_planned=_d(today, 760),
    )
    phase(d6, 2, 1400, start_planned=_d(today, 400), delivery_planned=_d(today, 1150))

    # 6. On schedule so far: planned and started with the housing, delivery still ahead.
    permit = _d(today, -400)
    k7 = kg(
        "YEY-2026-07", "红星天悦幼儿园", lx, 12, KindergartenStatus.BUILDING, 7,
        permit_on=permit, started_on=_d(today, -300), acceptance_planned=_d(today, 330), delivery_planned=_d(today, 390),
    )  # fmt: skip
    d7 = dev("ZZ-2026-07", "红星爱琴海·天悦", "济宁红星美凯龙置业有限公司", lx, 7, permit, k7)
    phase(
        d7,
        1,
        1500,
        started_on=_d(today, -300),
        acceptance_planned=_d(today, 330),
        delivery_planned=_d(today, 390),
    )
    phase(d7, 2, 1300, start_planned=_d(today, 100), delivery_planned=_d(today, 800))

    counts = {"developments": 7, "housing_kindergartens": 5}
    counts |= _schools(zone, users, profile, today)
    counts |= _vocational(zone, today)
    return counts


def _schools(zone: Zone, users: dict[str, User], profile: Any, today: dt.date) -> dict[str, int]:
    """The current catchments (nearest school on foot), then each school's register and places sized
    from the children it takes today: most with room to spare, the primary schools nearest to the new
    town's housing just enough for today — their places run short as the housing is delivered."""
    plans = 0
    records = []
    for level in Level:
        plan = services.compute_catchments(
            None,
            zone,
            level=level,
            year=today.year,
            objective=Objective.TOTAL,
            name=f"{today.year}年{level.label}学区（现行）",
            nearest=True,
            today=today,
        )
        services.publish(None, zone, plan)
        plans += 1
        size = profile.class_size(level)
        load: dict[int, float] = {}
        for row in plan.rows.all():
            if row.school_id:
                load[row.school_id] = load.get(row.school_id, 0.0) + row.children
        tight = _tight_schools(zone, level)
        crowded = max((pk for pk in load if pk not in tight), key=lambda pk: load[pk], default=None)
        for k, school in enumerate(
            Facility.objects.filter(street__zone=zone, type__code=FACILITY_TYPE[level]).order_by("code")
        ):
            children = load.get(school.pk, 0.0)
            pupils = int(round(children))
            factor = 1.02 if school.pk in tight else 1.25 + 0.05 * (k % 4)
            classes = max(3, math.ceil(pupils * factor / size))
            if (
                level == Level.PRIMARY and school.pk == crowded
            ):  # the busiest school has large classes (大班额)
                classes = max(1, math.ceil(pupils / 58))
            school.capacity = (
                classes * size if school.status == "open" else max(school.capacity or 0, 12 * size)
            )
            school.save(update_fields=["capacity"])
            if school.status == "open":
                records.append(SchoolRecord(facility=school, year=today.year, classes=classes, pupils=pupils))
    SchoolRecord.objects.bulk_create(records)
    return {"catchment_plans": plans, "school_records": len(records)}


def _tight_schools(zone: Zone, level: str) -> set[int]:
    """The schools of the level nearest to the developments whose housing is still to be delivered."""
    if level != Level.PRIMARY:
        return set()
    schools = list(Facility.objects.filter(street__zone=zone, type__code=FACILITY_TYPE[level], status="open"))
    out = set()
    for d in Development.objects.filter(zone=zone, phases__delivered_on=None).distinct():
        best = min(schools, key=lambda s: (s.lon - d.lon) ** 2 + (s.lat - d.lat) ** 2)
        out.add(best.pk)
    return out


def _vocational(zone: Zone, today: dt.date) -> dict[str, int]:
    """The vocational school's upgrade (3–5 years) as reported targets of the year in the targets board
    (gaoxin.plans), with the education bureau's latest figures."""
    from gaoxin.plans.choices import TargetKind
    from gaoxin.plans.models import Target, TargetReport, Unit

    unit, _created = Unit.objects.get_or_create(zone=zone, name="社会事业发展局")
    year = today.year
    rows = [
        ("ZJ-1", "职业中专实训楼建设（建筑面积）", Decimal("12000"), "m²", Decimal("8600")),
        ("ZJ-2", "职业中专专任教师", Decimal("180"), "人", Decimal("164")),
        ("ZJ-3", "实训设备投入", Decimal("1500"), "万元", Decimal("1180")),
        ("ZJ-4", "职业中专在校生", Decimal("3200"), "人", Decimal("2950")),
        ("ZJ-5", "对接园区产业的专业", Decimal("12"), "个", Decimal("10")),
        ("ZJ-6", "毕业生就业率", Decimal("95"), "%", Decimal("96.5")),
    ]
    made = 0
    for order, (code, title, goal, unit_label, value) in enumerate(rows, start=50):
        target = Target.objects.create(
            zone=zone,
            year=year,
            code=code,
            title=title,
            owner=unit,
            kind=TargetKind.REPORTED,
            goal=goal,
            unit_label=unit_label,
            start_on=dt.date(year, 1, 1),
            due_on=dt.date(year, 12, 31),
            source="职业中专提升工程（3–5年）年度目标",
            order=order,
        )
        TargetReport.objects.create(target=target, value=value, as_of=_d(today, -10), note="教育部门季度报送")
        made += 1
    return {"vocational_targets": made}
