"""Demo institutions, family-doctor teams, packages and synthetic residents (valid ID check
characters, never real people), with records, conditions, measurements and contracts."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from gaoxin.accounts.models import User
from gaoxin.analysis.dates import term_end
from gaoxin.analysis.identifiers import id_check_char
from gaoxin.health import services
from gaoxin.health.choices import (
    ContractStatus,
    InstitutionKind,
    MemberRole,
    PackageKind,
    RecordStatus,
    SignedVia,
)
from gaoxin.health.models import (
    Condition,
    Contract,
    HealthRecord,
    Institution,
    Measurement,
    ServiceDelivery,
    ServicePackage,
    Team,
    TeamMember,
)
from gaoxin.places.models import Community, Street, Zone

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "华",
    "平",
    "刚",
    "桂英",
    "建国",
    "玉兰",
    "子涵",
    "浩然",
    "欣怡",
    "宇轩",
]
CONDITIONS = [
    ("I10", "原发性高血压", 0.22),
    ("E11", "2型糖尿病", 0.09),
    ("F20", "精神分裂症", 0.006),
    ("A16", "肺结核", 0.003),
]
PACKAGES = [
    (
        "basic",
        "基础服务包",
        PackageKind.BASIC,
        "0",
        "0",
        [{"name": "健康评估", "per_year": 1}, {"name": "健康咨询", "per_year": 4}],
    ),
    (
        "chronic",
        "慢病管理包",
        PackageKind.PERSONAL,
        "120",
        "30",
        [
            {"name": "血压/血糖测量", "per_year": 4},
            {"name": "慢病随访", "per_year": 4},
            {"name": "长处方", "per_year": 4},
        ],
    ),
    (
        "elderly",
        "老年人健康包",
        PackageKind.PERSONAL,
        "100",
        "20",
        [
            {"name": "年度体检", "per_year": 1},
            {"name": "中医药健康管理", "per_year": 1},
            {"name": "上门服务", "per_year": 2},
        ],
    ),
    (
        "child",
        "儿童健康包",
        PackageKind.PERSONAL,
        "80",
        "20",
        [{"name": "儿童健康检查", "per_year": 2}, {"name": "预防接种提醒", "per_year": 4}],
    ),
]


def _id_number(rng: random.Random, born: dt.date, sex: int) -> str:
    seq = rng.randint(0, 99) * 10 + (rng.choice([1, 3, 5, 7, 9]) if sex == 1 else rng.choice([0, 2, 4, 6, 8]))
    body = f"{rng.choice(['370811', '370871', '370830'])}{born:%Y%m%d}{seq:03d}"
    return body + id_check_char(body)


def _person(rng: random.Random, today: dt.date) -> tuple[str, int, dt.date]:
    age = rng.choice(
        [rng.randint(0, 6), rng.randint(7, 17), rng.randint(18, 64), rng.randint(18, 64), rng.randint(65, 92)]
    )
    born = today - dt.timedelta(days=age * 365 + rng.randint(0, 364))
    return rng.choice(SURNAMES) + rng.choice(GIVEN), rng.choice([1, 2]), born


def load_health(
    zone: Zone, users: dict[str, User], seed: int = 20261127, n_residents: int = 360
) -> dict[str, int]:
    rng = random.Random(seed + 6)
    today = timezone.localdate()
    packages = {
        code: ServicePackage.objects.create(
            code=code,
            name=name,
            kind=kind,
            price_yuan=Decimal(price),
            resident_pays_yuan=Decimal(pays),
            items=items,
        )
        for code, name, kind, price, pays, items in PACKAGES
    }
    streets = {s.code: s for s in Street.objects.filter(zone=zone)}
    institutions = []
    for code in ("370871001", "370871002", "370871004"):
        street = streets.get(code)
        if street is None:
            continue
        institutions.append(
            Institution.objects.create(
                zone=zone, name=f"{street.name}社区卫生服务中心", kind=InstitutionKind.CENTRE, street=street
            )
        )
    hospital = Institution.objects.create(
        zone=zone,
        name="高新区人民医院",
        kind=InstitutionKind.HOSPITAL,
        street=institutions[0].street if institutions else None,
    )
    if users.get("yiyuan") is not None:  # the hospital's referral desk (双向转诊办公室)
        hospital.managers.add(users["yiyuan"])
    teams: list[Team] = []
    for inst in institutions:
        for k in range(2):
            place = inst.street.name if inst.street else inst.name
            teams.append(
                Team.objects.create(
                    institution=inst, name=f"{place}家庭医生第{k + 1}团队", caseload_warning=2000
                )
            )
    doctor, manager = users.get("doctor"), users.get("manager")
    if doctor is not None:
        TeamMember.objects.create(team=teams[0], user=doctor, role=MemberRole.DOCTOR, lead=True)
    if manager is not None:
        institutions[0].managers.add(manager)
    communities = {
        inst.pk: list(Community.objects.filter(street=inst.street).order_by("code")[:8])
        for inst in institutions
    }
    n_contracts = 0
    for i in range(n_residents):
        team = teams[i % len(teams)]
        inst = team.institution
        name, sex, born = _person(rng, today)
        resident = services.register_resident(
            None,
            id_number=_id_number(rng, born, sex),
            name=name,
            community=rng.choice(communities[inst.pk]),
            phone=f"1{rng.choice([38, 39, 58, 86])}{rng.randint(10**7, 10**8 - 1)}",
            disabled=rng.random() < 0.03,
            low_income=rng.random() < 0.04,
        )
        record = services.create_record(None, resident, inst, allergies=rng.choice(["", "", "", "青霉素"]))
        age = resident.age(today)
        for code, cname, p in CONDITIONS:
            if age >= 35 and rng.random() < p * (2 if age >= 60 else 1):
                Condition.objects.create(
                    record=record,
                    icd10=code,
                    name=cname,
                    diagnosed_on=today - dt.timedelta(days=rng.randint(200, 3000)),
                )
        if age >= 35:
            for v in range(rng.randint(0, 4)):
                Measurement.objects.create(
                    record=record,
                    taken_on=today - dt.timedelta(days=30 + 90 * v),
                    sbp=rng.randint(112, 162),
                    dbp=rng.randint(68, 98),
                    fpg=Decimal(str(round(rng.uniform(4.6, 8.4), 1))),
                    weight_kg=Decimal(str(round(rng.uniform(48, 88), 1))),
                )
        status = rng.choice(
            [RecordStatus.CREATED, RecordStatus.REVIEWED, RecordStatus.OPEN, RecordStatus.OPEN]
        )
        if status != RecordStatus.CREATED:
            record.status = status
            record.save(update_fields=["status"])
        priority = age >= 65 or age <= 6 or record.conditions.exists()
        if rng.random() < (0.75 if priority else 0.3):
            start = today - dt.timedelta(days=rng.randint(0, 360))
            package = packages[
                "elderly"
                if age >= 65
                else "child"
                if age <= 6
                else "chronic"
                if record.conditions.exists()
                else "basic"
            ]
            contract = Contract.objects.create(
                resident=resident,
                team=team,
                package=package,
                status=ContractStatus.ACTIVE,
                signed_via=SignedVia.DOCTOR,
                starts_on=start,
                ends_on=term_end(start),
            )
            n_contracts += 1
            elapsed = (today - start).days / 365
            for item in package.items:  # services delivered so far; some behind (只签不约)
                for _ in range(round(item["per_year"] * elapsed * rng.uniform(0.3, 1.1))):
                    day = start + dt.timedelta(days=rng.randint(0, (today - start).days))
                    ServiceDelivery.objects.create(contract=contract, item=item["name"], delivered_on=day)
    # The demo resident: an adult of the doctor's team, record open, a contract due for renewal, a child.
    if "resident" in users:
        c0 = communities[institutions[0].pk][0]
        me = services.register_resident(
            None, id_number="370871198506150022", name="陈静", community=c0, phone="13853712345"
        )
        me.user = users["resident"]
        me.save(update_fields=["user"])
        rec = services.create_record(None, me, institutions[0], allergies="青霉素")
        Condition.objects.create(
            record=rec, icd10="I10", name="原发性高血压", diagnosed_on=dt.date(2021, 5, 10)
        )
        Measurement.objects.create(
            record=rec, taken_on=today - dt.timedelta(days=20), sbp=138, dbp=86, weight_kg=Decimal("61.5")
        )
        rec.status = RecordStatus.OPEN
        rec.save(update_fields=["status"])
        start = today - dt.timedelta(days=350)
        Contract.objects.create(
            resident=me,
            team=teams[0],
            package=packages["chronic"],
            status=ContractStatus.ACTIVE,
            signed_via=SignedVia.RESIDENT,
            starts_on=start,
            ends_on=term_end(start),
        )
        child_born = today - dt.timedelta(days=5 * 365)
        body = f"370871{child_born:%Y%m%d}012"
        child = services.register_resident(
            None, id_number=body + id_check_char(body), name="陈子涵", community=c0
        )
        services.add_guardian(None, guardian=me, child=child, consent=True)
        crec = services.create_record(None, child, institutions[0])
        services.review_record(None, crec)
        services.open_record(None, crec)
    n_followups = _followups(rng, today)
    n_slots = _slots(rng, institutions, teams, today)
    n_referrals = _referrals(rng, hospital)
    n_consultations = _consultations(rng)
    n_teleconsults = _teleconsults(hospital, users.get("yiyuan"))
    n_pregnancies = _pregnancies(today)
    return {
        "pregnancies": n_pregnancies,
        "remote_consultations": n_teleconsults,
        "consultations": n_consultations,
        "referrals": n_referrals,
        "appointment_slots": n_slots,
        "institutions": len(institutions),
        "teams": len(teams),
        "residents": n_residents,
        "contracts": n_contracts,
        "followups": n_followups,
    }


def _followups(rng: random.Random, today: dt.date) -> int:
    """A year of hypertension and diabetes follow-ups for the contracted patients: most quarterly and
    controlled, some not controlled (a referral proposed after the second), some behind (overdue), a few
    by phone (not counting towards regular management)."""
    from gaoxin.health.queries import chronic_kinds

    made = 0
    records = (
        HealthRecord.objects.filter(resident__contracts__status=ContractStatus.ACTIVE)
        .exclude(status=RecordStatus.CANCELLED)
        .prefetch_related("conditions")
        .distinct()
        .order_by("pk")
    )
    for record in records:
        for kind in chronic_kinds([c.icd10 for c in record.conditions.all()]):
            profile = rng.random()  # < 0.6 controlled; < 0.85 drifting; else behind on visits
            n = 4 if profile < 0.85 else rng.randint(1, 2)
            # a year of quarterly visits; late in the year, within the calendar year (规范管理 counts a year)
            new_year = dt.date(today.year, 1, 3)
            first = (
                new_year + dt.timedelta(days=rng.randint(0, 25))
                if (today - new_year).days > 300
                else today - dt.timedelta(days=rng.randint(330, 360))
            )
            for k in range(n):
                day = first + dt.timedelta(days=91 * k + rng.randint(-5, 5))
                if day > today:
                    break
                uncontrolled = profile >= 0.6 and k >= n - 2
                values: dict[str, Any] = {}
                if kind == "hypertension":
                    values = (
                        {"sbp": rng.randint(146, 165), "dbp": rng.randint(88, 99)}
                        if uncontrolled
                        else {"sbp": rng.randint(118, 138), "dbp": rng.randint(70, 88)}
                    )
                else:
                    values = {
                        "fpg": Decimal(
                            str(round(rng.uniform(7.2, 9.8) if uncontrolled else rng.uniform(5.0, 6.8), 1))
                        )
                    }
                services.record_followup(
                    None,
                    record,
                    kind=kind,
                    visit_on=day,
                    way="phone" if rng.random() < 0.08 else "clinic",
                    today=today,
                    **values,
                )
                made += 1
    for record in records.select_related("resident"):  # the elderly health check: most done this year
        if record.resident.age(today) >= 65 and rng.random() < 0.7:
            day = dt.date(today.year, 1, 1) + dt.timedelta(
                days=rng.randint(0, (today - dt.date(today.year, 1, 1)).days)
            )
            services.record_check(
                None,
                record,
                checked_on=day,
                self_care=rng.choice(["independent"] * 4 + ["mild"]),
                today=today,
            )
            made += 1
    from gaoxin.analysis.followup import schedule

    visits = services.child_visits()
    for record in records.select_related("resident"):  # the 0–6 schedule: most visits done in their window
        birth = record.resident.birth_date
        if record.resident.age(today) > 6:
            continue
        for item in schedule(birth, visits, {}, today):
            if item.due_by <= today and rng.random() < 0.85:
                day = item.due_from + dt.timedelta(days=rng.randint(0, (item.due_by - item.due_from).days))
                services.record_child_visit(None, record, code=item.code, visited_on=day, today=today)
                made += 1
    return made


def _slots(rng: random.Random, institutions: list[Any], teams: list[Any], today: dt.date) -> int:
    """A week of clinic times at each institution (4 places, one kept for contracted residents), some
    booked by the demo's residents; the demo resident 陈静 has one booking."""
    from gaoxin.health.models import Resident, Slot
    from gaoxin.health.services import book, publish_slots

    made: list[Slot] = []
    for k, institution in enumerate(institutions):
        team = next((t for t in teams if t.institution_id == institution.pk), None)
        for d in range(1, 8):
            day = today + dt.timedelta(days=d)
            if day.weekday() >= 5:
                continue
            made += publish_slots(
                None,
                institution,
                day=day,
                times=[dt.time(8, 30), dt.time(9, 30), dt.time(14, 30)],
                minutes=60,
                capacity=4,
                reserved=1,
                service="家庭医生门诊" if k % 2 == 0 else "慢病复诊",
                team=team,
            )
    now = timezone.now()
    people = list(Resident.objects.filter(community__street__zone=institutions[0].zone).order_by("pk")[:80])
    for slot in made:
        for person in rng.sample(people, rng.randint(0, 3)):
            try:
                book(None, person, slot.pk, zone_id=institutions[0].zone_id, now=now)
            except services.HealthError:
                pass  # the reserve or a full time: the demo books what the rules allow
    me = Resident.objects.filter(name="陈静", user__isnull=False).first()
    if me is not None and made:
        try:
            book(None, me, made[0].pk, zone_id=institutions[0].zone_id, now=now)
        except services.HealthError:
            pass
    return len(made)


# the furthest step each demo referral is taken to, in turn (time permitting): every state is on show
_REFERRAL_GOALS = [
    "followed_up",
    "down_referred",
    "followed_up",
    "completed",
    "arrived",
    "accepted",
    "followed_up",
    "submitted",
    "rejected",
    "down_referred",
    "cancelled",
    "followed_up",
]
_REFERRAL_PATH = ["submit", "accept", "arrive", "complete", "down_refer", "follow_up"]
_REFERRAL_NOTES = {
    "accept": "同意接诊，请持双向转诊单到心内科门诊",
    "arrive": "",
    "complete": "门诊调整降压方案：加用氨氯地平每日一次5毫克，复查肾功能、心电图未见异常",
    "down_refer": "血压已控制，转回社区继续管理：每周测血压，2周后社区随访",
    "follow_up": "已电话随访，按新方案服药，血压130/82 mmHg",
    "reject": "本院相关专科床位已满，建议转诊至市级医院",
    "cancel": "患者本人暂不愿转诊",
}


def _referrals(rng: random.Random, hospital: Institution) -> int:
    """Referrals up to the hospital of the patients whose follow-ups proposed one, taken along the
    workflow at realistic intervals (answers mostly within the day, some late), each stopping at the
    step its turn asks for or when its next step would lie in the future."""
    from gaoxin.health.models import FollowUp

    now = timezone.now()
    proposed = (
        FollowUp.objects.exclude(referral="none")
        .select_related("record__resident", "record__institution")
        .order_by("-visit_on", "pk")
    )
    seen: set[int] = set()
    made = 0
    for f in proposed:
        resident = f.record.resident
        if resident.pk in seen:
            continue
        seen.add(resident.pk)
        goal = _REFERRAL_GOALS[made % len(_REFERRAL_GOALS)]
        at = timezone.make_aware(dt.datetime.combine(f.visit_on, dt.time(10, 0))) + dt.timedelta(
            hours=rng.randint(1, 6)
        )
        if made == 0:  # the latest proposal: sent this morning, waiting for the hospital's answer
            goal, at = "submitted", now - dt.timedelta(hours=3)
        if at >= now:
            continue
        referral = services.create_referral(
            None,
            resident,
            from_institution=f.record.institution,
            to_institution=hospital,
            reason="uncontrolled" if f.referral == "proposed" else "emergency",
            summary=(
                f"{f.get_kind_display()}，{f.visit_on:%Y-%m-%d} 随访"
                + (f" 血压 {f.sbp}/{f.dbp} mmHg" if f.sbp else "")
                + (f" 空腹血糖 {f.fpg} mmol/L" if f.fpg else "")
                + "，连续两次控制不满意，调整用药后仍未达标，请上级医院协助诊治。"
            ),
            department="心血管内科" if f.kind == "hypertension" else "内分泌科",
            urgent=f.referral == "urgent",
            followup=f,
            submit=False,
            now=at,
        )
        made += 1
        path = ["submit", "reject"] if goal == "rejected" else list(_REFERRAL_PATH)
        if goal == "cancelled":
            path = ["submit", "cancel"]
        gaps = {"submit": 0, "accept": rng.choice([2, 3, 5, 20, 30]), "arrive": 40, "complete": 96}
        gaps |= {"down_refer": 120, "follow_up": rng.choice([72, 240, 400]), "reject": 6, "cancel": 10}
        for action in path:
            at += dt.timedelta(hours=gaps[action])
            if at >= now:
                break
            services.referral_step(
                None,
                referral,
                action,
                note=_REFERRAL_NOTES.get(action, ""),
                expected_at=at + dt.timedelta(hours=24) if action == "accept" else None,
                care_kind="outpatient" if action == "complete" else "",
                down_reason="stable" if action == "down_refer" else "",
                now=at,
            )
            if STEP_STATE[action] == goal:
                break
    return made


STEP_STATE = {"submit": "submitted", "accept": "accepted", "arrive": "arrived", "complete": "completed"}
STEP_STATE |= {"down_refer": "down_referred", "follow_up": "followed_up", "reject": "rejected"}
STEP_STATE |= {"cancel": "cancelled"}


_QUESTIONS = [
    (
        "血压偏高要不要加药",
        "这几天早上量血压 148/92 mmHg，药一直按时吃，要不要加药？",
        "先不加药，每天早晚各测一次，记录一周后来门诊复诊，少盐饮食。",
    ),
    (
        "降糖药漏服怎么办",
        "昨天晚饭后的二甲双胍忘了吃，今天要补吗？",
        "不用补服，按原时间继续服药即可，注意监测血糖。",
    ),
    (
        "体检报告咨询",
        "体检说血脂偏高，需要吃药吗？",
        "请把报告带到门诊，医生结合您的情况评估是否用药，先控制饮食、多运动。",
    ),
    ("长处方续药", "降压药快吃完了，能开长处方吗？", "可以，签约居民可开具长处方，请本周内到中心取药。"),
    ("饮食注意", "糖尿病可以吃水果吗？", "血糖控制平稳时可在两餐之间适量吃低糖水果，如苹果、柚子。"),
    ("头晕", "这两天起床时有点头晕。", ""),
]


def _consultations(rng: random.Random) -> int:
    """Questions of contracted residents to their teams: most answered within hours, one answered late,
    one sent to the clinic, two still waiting (one past the limit); the demo resident 陈静 asked one."""
    from gaoxin.health.models import Contract, Resident

    now = timezone.now()
    holders = list(Resident.objects.filter(contracts__status=ContractStatus.ACTIVE).distinct().order_by("pk"))
    me = Resident.objects.filter(name="陈静", user__isnull=False).first()
    askers = ([me] if me is not None else []) + rng.sample(holders, min(47, len(holders)))
    first_team = Contract.objects.filter(resident=me, status=ContractStatus.ACTIVE).values("team").first()
    mates = [p for p in holders if p.contracts.filter(team=first_team["team"]).exists()] if first_team else []
    made = 0
    for k, person in enumerate(askers):
        if k in (4, 9) and mates:  # the demo doctor's team has questions waiting
            person = mates[k % len(mates)]
        if not Contract.objects.filter(resident=person, status=ContractStatus.ACTIVE).exists():
            continue
        subject, question, reply = _QUESTIONS[k % len(_QUESTIONS)]
        asked = now - dt.timedelta(days=rng.randint(1, 60), hours=rng.randint(0, 8))
        if k in (4, 9):  # still waiting: one past the limit, one fresh
            asked = now - dt.timedelta(hours=30 if k == 4 else 2)
            reply = ""
        c = services.ask(None, person, subject=subject, body=question, now=asked)
        made += 1
        if k == 5:
            services.end_consultation(
                None,
                c,
                side="team",
                escalate=True,
                note="头晕需要当面测血压和检查，请预约门诊。",
                now=asked + dt.timedelta(hours=3),
            )
            continue
        if reply:
            delay = rng.choice([1, 2, 3, 5, 8, 30 if k == 7 else 20])
            services.post_message(None, c, side="team", body=reply, now=asked + dt.timedelta(hours=delay))
            services.end_consultation(None, c, side="resident", now=asked + dt.timedelta(hours=delay + 2))
    return made


def _teleconsults(hospital: Institution, expert: User | None) -> int:
    """Remote consultations of the first centre with the hospital: one waiting, one with the hospital
    doctor's signed opinion, one declined."""
    from gaoxin.health.models import FollowUp

    now = timezone.now()
    cases = list(
        FollowUp.objects.exclude(referral="none")
        .filter(record__institution__kind=InstitutionKind.CENTRE)
        .select_related("record__resident", "record__institution")
        .order_by("pk")[:3]
    )
    made = 0
    for k, f in enumerate(cases):
        at = now - dt.timedelta(days=10 - 4 * k, hours=2)
        t = services.request_teleconsult(
            None,
            f.record.resident,
            inviting=f.record.institution,
            invited=hospital,
            specialty="心血管内科" if f.kind == "hypertension" else "内分泌科",
            summary=f"{f.get_kind_display()}，近两次随访控制不满意，已调整用药。",
            question="请协助评估用药方案，是否需要进一步检查？",
            consent=True,
            consent_note=f"患者签署远程会诊知情同意书（编号 YC-{at:%Y%m%d}-{k + 1:02d}）",
            now=at,
        )
        made += 1
        if k == 0 and expert is not None:
            services.teleconsult_step(
                expert, t, "accept", note="同意，视频会诊", now=at + dt.timedelta(hours=3)
            )
            services.teleconsult_step(
                expert,
                t,
                "opinion",
                note="建议完善肾功能、电解质和心电图检查；降压方案加用氨氯地平每日一次5毫克，两周后社区复测。",
                now=at + dt.timedelta(days=1),
            )
        elif k == 1 and expert is not None:
            services.teleconsult_step(
                expert,
                t,
                "decline",
                note="本院该专科近期无会诊时段，建议转诊市级医院",
                now=at + dt.timedelta(hours=5),
            )
    return made


def _pregnancies(today: dt.date) -> int:
    """Three pregnancies of women of 22–38 with a contract: one registered in time at 10 weeks and seen
    since (now at 22 weeks), one registered late at 15 weeks (孕早期未建册), one who gave birth nine days ago
    and was discharged six days ago (the home visit due)."""
    women = list(
        HealthRecord.objects.filter(
            resident__sex=2,
            resident__birth_date__lte=today - dt.timedelta(days=22 * 365),
            resident__birth_date__gte=today - dt.timedelta(days=38 * 365),
            resident__contracts__status=ContractStatus.ACTIVE,
        )
        .exclude(status=RecordStatus.CANCELLED)
        .select_related("resident")
        .distinct()
        .order_by("pk")[:3]
    )
    for k, record in enumerate(women):
        if k == 0:
            lmp = today - dt.timedelta(weeks=22)
            p = services.register_pregnancy(
                None, record, lmp=lmp, registered_on=lmp + dt.timedelta(weeks=10), today=today
            )
            services.record_maternal_visit(
                None, p, code="first", visited_on=lmp + dt.timedelta(weeks=10), today=today
            )
            services.record_maternal_visit(
                None, p, code="mid_1", visited_on=lmp + dt.timedelta(weeks=17), today=today
            )
        elif k == 1:
            lmp = today - dt.timedelta(weeks=15)
            services.register_pregnancy(None, record, lmp=lmp, registered_on=today, today=today)
        else:
            lmp = today - dt.timedelta(weeks=40)
            p = services.register_pregnancy(
                None, record, lmp=lmp, registered_on=lmp + dt.timedelta(weeks=9), today=today
            )
            for code, week in (("first", 9), ("mid_1", 18), ("mid_2", 23), ("late_1", 32), ("late_2", 38)):
                services.record_maternal_visit(
                    None, p, code=code, visited_on=lmp + dt.timedelta(weeks=week), today=today
                )
            services.record_birth(
                None,
                p,
                born_on=today - dt.timedelta(days=9),
                discharged_on=today - dt.timedelta(days=6),
                today=today,
            )
    return len(women)
