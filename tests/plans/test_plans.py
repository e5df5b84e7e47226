"""The plans app: computed targets follow the registry, supervision at the date boundary, the gates,
the pages and the API, the task table's xlsx round trip and bad rows, evidence files."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from gaoxin.accounts.choices import Role
from gaoxin.accounts.services import create_user
from gaoxin.common import attachments, imports, measures
from gaoxin.common.models import AuditEvent
from gaoxin.parks.models import Park, ParkYear
from gaoxin.places.models import Facility, FacilityType, Street, Zone
from gaoxin.plans import queries, services
from gaoxin.plans.imports import KIND
from gaoxin.plans.models import Node, Programme, SupervisionNotice, Target, Task, Unit
from tests.conftest import PASSWORD

TODAY = dt.date(2026, 7, 2)


@pytest.fixture
def units(zone: Zone) -> dict[str, Unit]:
    return {
        n: Unit.objects.create(zone=zone, name=n) for n in ("社会事业发展局", "园区发展服务中心", "建设局")
    }


def canteen(zone: Zone, code: str, opened: dt.date | None, status: str = "open") -> Facility:
    return Facility.objects.create(
        code=code,
        name=f"长者食堂{code}",
        type=FacilityType.objects.get(code="community_canteen"),
        street=Street.objects.get(code="370871001"),
        lon=116.641,
        lat=35.411,
        status=status,
        opened_on=opened,
    )


def canteen_target(zone: Zone, owner: Unit) -> Target:
    return services.save_target(
        None,
        zone,
        {
            "year": 2026,
            "code": "MZ-4",
            "title": "建成社区老年人食堂",
            "owner": owner,
            "kind": "computed",
            "measure": "places.facilities_open",
            "params": {"type": "community_canteen", "opened_from": "2026-01-01"},
            "goal": Decimal(3),
            "goal_max": Decimal(5),
            "unit_label": "处",
            "start_on": dt.date(2026, 1, 1),
            "due_on": dt.date(2026, 12, 31),
        },
    )


def test_a_canteen_opened_moves_its_target_and_closing_it_moves_it_back(zone, units):  # type: ignore[no-untyped-def]
    target = canteen_target(zone, units["社会事业发展局"])
    canteen(zone, "C1", dt.date(2026, 3, 1))
    canteen(zone, "C2", dt.date(2026, 5, 1))
    canteen(zone, "OLD", dt.date(2019, 5, 1))  # opened before the year: not one of the year's
    canteen(zone, "PLAN", None, status="planned")
    v = queries.value_of(target, TODAY, with_rows=True)
    assert (
        v.value == 2 and v.state == "on_track" and [r.label for r in v.rows] == ["长者食堂C1", "长者食堂C2"]
    )
    third = canteen(zone, "C3", TODAY)  # opened today
    assert queries.value_of(target, TODAY).value == 3 and queries.value_of(target, TODAY).state == "met"
    assert queries.value_of(target, TODAY - dt.timedelta(days=1)).value == 2  # as of yesterday
    third.status, third.closed_on = "closed", TODAY
    third.save()
    assert queries.value_of(target, TODAY).value == 2  # closed today: not open today
    assert queries.value_of(target, TODAY - dt.timedelta(days=1)).value == 2  # not yet open then
    # the trend reads each month end as of that day
    trend = dict(queries.trend(target, TODAY))
    assert trend[dt.date(2026, 1, 31)] == 0 and trend[dt.date(2026, 3, 31)] == 1 and trend[TODAY] == 2


def test_a_park_measure_counts_the_parks_above_the_threshold(zone, units):  # type: ignore[no-untyped-def]
    for i, yi in enumerate((120, 99.99, 100)):
        park = Park.objects.create(zone=zone, code=f"p{i}", name=f"园{i}")
        ParkYear.objects.create(park=park, year=2025, revenue_yuan=Decimal(str(yi)) * Decimal(10) ** 8)
        ParkYear.objects.create(park=park, year=2024, revenue_yuan=Decimal(50) * Decimal(10) ** 8)
    m = measures.get("parks.revenue_parks")
    assert m is not None
    assert measures.read(m, zone, {}, TODAY).value == 2  # 100 亿 exactly counts
    assert measures.read(m, zone, {"year": 2024}, TODAY).value == 0
    assert measures.read(m, zone, {"threshold_yi": "99.99"}, TODAY).value == 3
    assert measures.read(m, zone, {}, dt.date(2024, 6, 1)).value == 0  # as of 2024: 2024's figures


def test_measure_parameters_are_checked(zone, units):  # type: ignore[no-untyped-def]
    m = measures.get("places.facilities_open")
    assert m is not None
    for bad in (
        {},
        {"type": "nope"},
        {"type": "community_canteen", "opened_from": "2026-02-30"},
        {"type": "community_canteen", "x": 1},
    ):
        with pytest.raises(ValidationError):
            measures.clean_params(m, bad)
    data = {
        "year": 2026,
        "code": "X",
        "title": "x",
        "owner": units["建设局"],
        "kind": "computed",
        "measure": "nope.nothing",
        "params": {},
        "goal": Decimal(1),
        "start_on": dt.date(2026, 1, 1),
        "due_on": dt.date(2026, 12, 31),
    }
    with pytest.raises(ValidationError):
        services.save_target(None, zone, data)
    with pytest.raises(ValidationError):
        services.save_target(
            None, zone, data | {"kind": "reported", "measure": "", "due_on": dt.date(2025, 1, 1)}
        )


def programme_with_nodes(zone: Zone, units: dict[str, Unit]) -> tuple[Programme, dict[str, Node]]:
    programme = Programme.objects.create(
        zone=zone, name="双带行动计划", year=2026, coordinator=units["园区发展服务中心"]
    )
    task = Task.objects.create(
        programme=programme, number="1", content="建设标准化厂房", lead=units["建设局"]
    )
    task.partners.add(units["园区发展服务中心"])
    nodes = {
        "yesterday": Node.objects.create(task=task, title="开工", due_on=TODAY - dt.timedelta(days=1)),
        "today": Node.objects.create(task=task, title="主体完工", due_on=TODAY),
        "done": Node.objects.create(
            task=task,
            title="方案",
            due_on=TODAY - dt.timedelta(days=30),
            done_on=TODAY - dt.timedelta(days=31),
        ),
    }
    return programme, nodes


def test_escalation_issues_one_notice_per_node_from_the_day_after_its_date(zone, units):  # type: ignore[no-untyped-def]
    programme, nodes = programme_with_nodes(zone, units)
    issued = services.escalate(None, zone, TODAY)
    assert [n.node for n in issued] == [nodes["yesterday"]]  # due today: not late yet; done: none
    notice = issued[0]
    assert notice.unit.name == "建设局" and notice.days_late == 1 and notice.number == "督办〔2026〕001号"
    assert services.escalate(None, zone, TODAY) == []  # idempotent
    tomorrow = services.escalate(None, zone, TODAY + dt.timedelta(days=1))
    assert [n.node for n in tomorrow] == [nodes["today"]] and tomorrow[0].number == "督办〔2026〕002号"
    services.finish_node(None, nodes["yesterday"], done_on=TODAY, today=TODAY)
    notice.refresh_from_db()
    assert notice.closed_on == TODAY
    rows = queries.task_rows(programme, TODAY)
    assert rows[0].light == "yellow"  # the node due today remains; the overdue one is done (late)
    with pytest.raises(ValidationError):
        services.finish_node(None, nodes["today"], done_on=TODAY + dt.timedelta(days=1), today=TODAY)


def test_who_may_do_what(zone, units, planner):  # type: ignore[no-untyped-def]
    programme, nodes = programme_with_nodes(zone, units)
    task = programme.tasks.get()
    builder = create_user("builder", PASSWORD, roles=[])
    units["建设局"].members.add(builder)
    partner = create_user("partner", PASSWORD, roles=[Role.PARK_STAFF])
    units["园区发展服务中心"].members.add(partner)
    stranger = create_user("stranger", PASSWORD, roles=[Role.PARK_STAFF])
    leader = create_user("leader", PASSWORD, roles=[Role.LEADERSHIP])
    # the lead unit reports and finishes; a partner reports but does not finish; others neither
    services.report_progress(builder, task, period="2026-07", text="已开工", today=TODAY)
    report = services.report_progress(partner, task, period="2026-07", text="配合", today=TODAY)
    assert report.unit == units["园区发展服务中心"]
    with pytest.raises(PermissionDenied):
        services.finish_node(partner, nodes["today"], done_on=TODAY, today=TODAY)
    services.finish_node(builder, nodes["today"], done_on=TODAY, today=TODAY)
    for outsider in (stranger, leader, planner):
        with pytest.raises(PermissionDenied):
            services.report_progress(outsider, task, period="2026-07", text="x", today=TODAY)
    with pytest.raises(PermissionDenied):
        services.escalate(builder, zone, TODAY)
    with pytest.raises(PermissionDenied):
        queries.board(stranger, zone, 2026, TODAY)  # park staff outside any unit: not a reader
    assert queries.board(leader, zone, 2026, TODAY) == []  # leadership reads
    assert AuditEvent.objects.filter(action="report", target_type="task").count() == 2


def test_pages_and_api(client_of, zone, units):  # type: ignore[no-untyped-def]
    target = canteen_target(zone, units["社会事业发展局"])
    canteen(zone, "C1", dt.date(2026, 1, 2))
    programme, nodes = programme_with_nodes(zone, units)
    services.escalate(None, zone, dt.date.today() if dt.date.today() > TODAY else TODAY)
    leader = create_user("leader", PASSWORD, roles=[Role.LEADERSHIP])
    c = client_of(leader)
    board = c.get("/plans/", {"year": 2026})
    assert board.status_code == 200 and "建成社区老年人食堂" in board.content.decode()
    detail = c.get(f"/plans/targets/{target.pk}/")
    assert detail.status_code == 200 and "长者食堂C1" in detail.content.decode()
    table = c.get(f"/plans/programmes/{programme.pk}/")
    assert table.status_code == 200 and "督办〔" in table.content.decode()
    assert c.get(f"/plans/tasks/{programme.tasks.get().pk}/").status_code == 200
    assert c.get("/plans/targets/new/").status_code == 403  # leadership reads, changes nothing
    assert c.post(f"/plans/programmes/{programme.pk}/escalate/").status_code == 403
    api = c.get("/api/plans/targets", {"year": 2026}).json()
    assert api[0]["code"] == "MZ-4" and api[0]["value"] == 1.0 and api[0]["goal_max"] == 5.0
    one = c.get(f"/api/plans/targets/{target.pk}").json()
    assert [r["label"] for r in one["counted"]] == ["长者食堂C1"]
    assert c.get("/api/plans/targets", {"year": 1900}).status_code == 422
    prog = c.get(f"/api/plans/programmes/{programme.pk}").json()
    assert {n["title"] for n in prog["tasks"][0]["nodes"]} == {"开工", "主体完工", "方案"}
    assert c.post(f"/api/plans/nodes/{nodes['today'].pk}/finish").status_code == 403
    xlsx = c.get("/plans/targets.xlsx", {"year": 2026})
    assert xlsx.status_code == 200 and openpyxl.load_workbook(BytesIO(xlsx.content)).active.max_row == 2
    resident = create_user("someone", PASSWORD, roles=[Role.RESIDENT])
    assert client_of(resident).get("/plans/").status_code == 403


def xlsx_of(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


HEADER = ["序号", "任务内容", "量化目标", "牵头单位", "责任单位", "责任领导", "时间节点"]


def test_the_task_table_round_trips_through_xlsx(client_of, zone, units):  # type: ignore[no-untyped-def]
    programme = Programme.objects.create(
        zone=zone, name="双带", year=2026, coordinator=units["园区发展服务中心"]
    )
    content = xlsx_of(
        [
            HEADER,
            [
                1,
                "编制产业链图谱",
                "10张",
                "园区发展服务中心",
                "经济发展局、投资促进局",
                "李强",
                "2026-03-31 完成初稿（已完成 2026-03-30）\n2026年6月底 印发",
            ],
            ["2", "盘活闲置土地", "500亩", "新设单位", "", "", "2026-09-30 完成处置"],
        ]
    )
    batch = imports.run(
        KIND, actor=None, filename="t.xlsx", content=content, options={"programme": programme.pk}
    )
    assert batch.summary["tasks"] == 2 and batch.summary["units_created"] == 3
    first = programme.tasks.get(number="1")
    assert sorted(u.name for u in first.partners.all()) == ["投资促进局", "经济发展局"]
    assert [(n.due_on, n.done_on) for n in first.nodes.order_by("due_on")] == [
        (dt.date(2026, 3, 31), dt.date(2026, 3, 30)),
        (dt.date(2026, 6, 30), None),
    ]
    admin = create_user("zadmin", PASSWORD, roles=[Role.ZONE_ADMIN])
    exported = client_of(admin).get(f"/plans/programmes/{programme.pk}/table.xlsx")
    assert exported.status_code == 200
    sheet = openpyxl.load_workbook(BytesIO(exported.content)).active
    assert [c.value for c in sheet[1]] == HEADER
    node_ids = set(Node.objects.filter(task__programme=programme).values_list("pk", flat=True))
    again = imports.run(
        KIND, actor=None, filename="t.xlsx", content=exported.content, options={"programme": programme.pk}
    )
    assert again.summary["new_tasks"] == 0 and again.summary["units_created"] == 0
    assert (
        set(Node.objects.filter(task__programme=programme).values_list("pk", flat=True)) == node_ids
    )  # same nodes kept
    assert (
        openpyxl.load_workbook(
            BytesIO(client_of(admin).get(f"/plans/programmes/{programme.pk}/table.xlsx").content)
        )
        .active["G2"]
        .value
        == sheet["G2"].value
    )


def test_a_bad_table_is_refused_by_row_and_field_and_nothing_is_written(client_of, zone, units):  # type: ignore[no-untyped-def]
    programme = Programme.objects.create(zone=zone, name="双带", year=2026, coordinator=units["建设局"])
    content = xlsx_of(
        [
            HEADER,
            [1, "甲", "", "建设局", "", "", "2026-02-30 开工"],
            [1, "乙", "", "", "", "", "下月 开工"],
            [3, "", "", "建设局", "", "", ""],
        ]
    )
    with pytest.raises(imports.ImportRejected) as err:
        imports.run(KIND, actor=None, filename="t.xlsx", content=content, options={"programme": programme.pk})
    found = {(p.row, p.field) for p in err.value.problems}
    assert {(2, "时间节点"), (3, "序号"), (3, "牵头单位"), (3, "时间节点"), (4, "任务内容")} <= found
    assert not Task.objects.exists() and Unit.objects.count() == 3
    admin = create_user("zadmin", PASSWORD, roles=[Role.ZONE_ADMIN])
    page = client_of(admin).post(
        f"/plans/programmes/{programme.pk}/import/", {"file": SimpleUploadedFile("t.xlsx", content)}
    )
    assert page.status_code == 400 and "下月" in page.content.decode()
    hostile = client_of(admin).post(
        f"/plans/programmes/{programme.pk}/import/", {"file": SimpleUploadedFile("t.xlsx", b"not a workbook")}
    )
    assert hostile.status_code == 400 and not Task.objects.exists()


def test_evidence_is_checked_by_content_and_size(settings, zone, units):  # type: ignore[no-untyped-def]
    settings.GAOXIN_ATTACHMENT_MAX_BYTES = 2048
    ok = SimpleUploadedFile("报告.pdf", b"%PDF-1.7 body")
    assert attachments.check(ok)[1] == "application/pdf"
    for bad in (
        SimpleUploadedFile("x.pdf", b"MZ\x90\x00 an executable"),  # claims PDF, is not
        SimpleUploadedFile("x.exe", b"%PDF-1.7"),  # a PDF under a refused name
        SimpleUploadedFile("x.xlsx", b"PK\x03\x04 not a zip"),
        SimpleUploadedFile("x.pdf", b""),
        SimpleUploadedFile("x.pdf", b"%PDF-" + b"0" * 4096),
    ):
        with pytest.raises(ValidationError):
            attachments.check(bad)
    target = services.save_target(
        None,
        zone,
        {
            "year": 2026,
            "code": "MZ-5",
            "title": "国学书屋",
            "owner": units["社会事业发展局"],
            "kind": "reported",
            "measure": "",
            "params": {},
            "goal": Decimal(5),
            "start_on": dt.date(2026, 1, 1),
            "due_on": dt.date(2026, 12, 31),
        },
    )
    services.report_target(
        None,
        target,
        value=Decimal(3),
        as_of=TODAY,
        evidence=SimpleUploadedFile("照片.png", b"\x89PNG\r\n\x1a\nrest"),
    )
    v = queries.value_of(target, TODAY)
    assert v.value == 3 and v.report is not None and v.report.evidence is not None
    assert v.report.evidence.content_type == "image/png"
    assert queries.value_of(target, TODAY - dt.timedelta(days=1)).value is None  # reported as of today
    with pytest.raises(ValidationError):
        services.report_target(None, target, value=Decimal(-1), as_of=TODAY)


def test_the_task_table_reads_the_same_queries_for_few_and_many_tasks(client_of, zone, units):  # type: ignore[no-untyped-def]
    from tests.site.test_query_counts import assert_no_n_plus_one

    programme, _nodes = programme_with_nodes(zone, units)
    serial = iter(range(2, 1000))

    def grow(n: int) -> None:
        for _ in range(n):
            k = next(serial)
            task = Task.objects.create(
                programme=programme, number=str(k), content=f"任务{k}", lead=units["建设局"]
            )
            task.partners.add(units["园区发展服务中心"])
            node = Node.objects.create(task=task, title="节点", due_on=TODAY - dt.timedelta(days=k))
            SupervisionNotice.objects.create(
                node=node, number=f"N{k}", unit=units["建设局"], issued_on=TODAY, days_late=k
            )

    admin = create_user("zadmin", PASSWORD, roles=[Role.ZONE_ADMIN])
    for url in (f"/plans/programmes/{programme.pk}/", f"/api/plans/programmes/{programme.pk}"):
        assert_no_n_plus_one(client_of(admin), url, grow)
