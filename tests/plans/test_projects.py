"""Major projects: investment against the plan, stages of the project's kind, monthly progress (form,
import, refusals), the portfolio's page, map, API and xlsx, and who may record what."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gaoxin.accounts.choices import Role
from gaoxin.accounts.services import create_user
from gaoxin.common import imports
from gaoxin.places.models import Zone
from gaoxin.plans import queries, services
from gaoxin.plans.imports import MONTHS_KIND
from gaoxin.plans.models import Milestone, Project, ProjectMonth, ProjectYear, Unit
from tests.conftest import PASSWORD

YI = Decimal(100_000_000)
TODAY = dt.date(2026, 7, 15)


@pytest.fixture
def ppp(zone: Zone) -> Project:
    unit = Unit.objects.create(zone=zone, name="建设局")
    project = Project.objects.create(
        zone=zone,
        code="XC-01",
        name="城市生态水系PPP项目",
        kind="ppp",
        category="water",
        stage="ppp_execute",
        owner=unit,
        total_investment_yuan=21 * YI,
        start_year=2024,
        end_year=2028,
        lon=116.62,
        lat=35.40,
    )
    ProjectYear.objects.create(project=project, year=2026, planned_yuan=5 * YI)
    for m in range(1, 7):
        ProjectMonth.objects.create(
            project=project, month=dt.date(2026, m, 1), completed_yuan=Decimal("0.4") * YI
        )
    Milestone.objects.create(project=project, title="二期主体完工", due_on=dt.date(2026, 9, 30))
    Milestone.objects.create(
        project=project, title="方案批复", due_on=dt.date(2026, 3, 1), done_on=dt.date(2026, 2, 20)
    )
    return project


def test_the_project_shows_its_stage_rate_and_next_milestone(ppp):  # type: ignore[no-untyped-def]
    v = queries.project_view(Project.objects.get(pk=ppp.pk), 2026, TODAY)
    assert v.invest.year_done == Decimal("2.4") * YI and v.invest.year_rate == Decimal("0.4800")
    assert v.next_milestone is not None and v.next_milestone.title == "二期主体完工" and not v.late_milestone
    assert [state for _c, _l, state in v.stages] == ["done", "done", "done", "current", "ahead"]
    feature = queries.project_geojson([v])["features"][0]["properties"]
    assert feature["stage"] and feature["rate"] == 0.48 and feature["next"] == "2026-09-30 二期主体完工"


def test_stages_belong_to_the_kind_and_months_to_the_past(ppp):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        services.change_stage(None, ppp, stage="gov_build", entered_on=TODAY, today=TODAY)
    with pytest.raises(ValidationError):
        services.change_stage(
            None, ppp, stage="ppp_handover", entered_on=TODAY + dt.timedelta(days=1), today=TODAY
        )
    services.change_stage(None, ppp, stage="ppp_handover", entered_on=TODAY, today=TODAY)
    assert Project.objects.get(pk=ppp.pk).stage == "ppp_handover" and ppp.stage_changes.count() == 1
    with pytest.raises(ValidationError):
        services.record_month(None, ppp, month=dt.date(2026, 8, 1), completed_yuan=Decimal(1), today=TODAY)
    services.record_month(
        None, ppp, month=dt.date(2026, 7, 9), completed_yuan=Decimal(5), today=TODAY
    )  # this month: any day of it
    assert ProjectMonth.objects.get(project=ppp, month=dt.date(2026, 7, 1)).completed_yuan == 5
    services.record_month(
        None, ppp, month=dt.date(2026, 7, 1), completed_yuan=Decimal(7), today=TODAY
    )  # corrected
    assert ProjectMonth.objects.filter(project=ppp, month=dt.date(2026, 7, 1)).get().completed_yuan == 7
    ppp.households = 100
    ppp.save()
    with pytest.raises(ValidationError):
        services.record_month(
            None, ppp, month=dt.date(2026, 7, 1), completed_yuan=Decimal(7), today=TODAY, signed=101
        )


def test_who_records_progress(ppp):  # type: ignore[no-untyped-def]
    member = create_user("builder", PASSWORD, roles=[])
    ppp.owner.members.add(member)
    other = create_user("other", PASSWORD, roles=[Role.LEADERSHIP])
    services.record_month(member, ppp, month=dt.date(2026, 7, 1), completed_yuan=Decimal(1), today=TODAY)
    with pytest.raises(PermissionDenied):
        services.record_month(other, ppp, month=dt.date(2026, 7, 1), completed_yuan=Decimal(1), today=TODAY)
    milestone = ppp.milestones.get(done_on=None)
    with pytest.raises(PermissionDenied):
        services.finish_milestone(other, milestone, done_on=TODAY, today=TODAY)
    services.finish_milestone(member, milestone, done_on=TODAY, today=TODAY)


def xlsx_of(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


HEADER = ["项目编号", "月份", "本月完成投资(万元)", "累计签约户数", "形象进度"]


def test_the_monthly_import_writes_yuan_and_refuses_bad_rows_whole(zone, ppp):  # type: ignore[no-untyped-def]
    options = {"zone": zone.pk, "today": TODAY.isoformat()}
    good = xlsx_of(
        [
            HEADER,
            ["XC-01", "2026-07", 3500, None, "主体施工"],
            ["XC-01", dt.datetime(2026, 6, 1), "4000.5", None, ""],
        ]
    )
    batch = imports.run(MONTHS_KIND, actor=None, filename="m.xlsx", content=good, options=options)
    assert batch.summary["months"] == 2
    assert ProjectMonth.objects.get(project=ppp, month=dt.date(2026, 7, 1)).completed_yuan == Decimal(
        35_000_000
    )
    assert ProjectMonth.objects.get(project=ppp, month=dt.date(2026, 6, 1)).completed_yuan == Decimal(
        "40005000"
    )
    bad = xlsx_of(
        [
            HEADER,
            ["XC-01", "2026-08", 1, None, ""],  # not begun
            ["NOPE", "2026-07", 1, None, ""],
            ["XC-01", "七月", -5, None, ""],
            ["XC-01", "2026-05", "", None, ""],
        ]
    )
    with pytest.raises(imports.ImportRejected) as err:
        imports.run(MONTHS_KIND, actor=None, filename="m.xlsx", content=bad, options=options)
    assert {(p.row, p.field) for p in err.value.problems} >= {
        (2, "month"),
        (3, "project"),
        (4, "month"),
        (4, "completed_10k_yuan"),
        (5, "completed_10k_yuan"),
    }
    assert (
        ProjectMonth.objects.get(project=ppp, month=dt.date(2026, 5, 1)).completed_yuan == Decimal("0.4") * YI
    )  # untouched


def test_portfolio_page_map_api_and_xlsx(client_of, zone, ppp):  # type: ignore[no-untyped-def]
    leader = create_user("leader", PASSWORD, roles=[Role.LEADERSHIP])
    c = client_of(leader)
    year = timezone.localdate().year
    page = c.get("/plans/projects/", {"year": 2026})
    assert page.status_code == 200 and "城市生态水系PPP项目" in page.content.decode()
    geo = c.get("/plans/projects/", {"year": 2026, "format": "geojson"}).json()
    assert geo["features"][0]["properties"]["code"] == "XC-01"
    book = openpyxl.load_workbook(
        BytesIO(c.get("/plans/projects/", {"year": 2026, "format": "xlsx"}).content)
    ).active
    assert book.max_row == 2 and book["A2"].value == "XC-01"
    detail = c.get(f"/plans/projects/{ppp.pk}/")
    assert detail.status_code == 200 and "二期主体完工" in detail.content.decode()
    api = c.get("/api/plans/projects", {"year": 2026}).json()
    assert api[0]["year_planned_yuan"] == float(5 * YI) and api[0]["year"] == 2026
    one = c.get(f"/api/plans/projects/{ppp.pk}").json()
    assert one["code"] == "XC-01" and one["year"] == year
    assert (
        c.post(
            f"/plans/projects/{ppp.pk}/", {"action": "month", "month": "2026-07", "completed_10k_yuan": "1"}
        ).status_code
        == 403
    )
    assert not ProjectMonth.objects.filter(
        project=ppp, month=dt.date(2026, 7, 1)
    ).exists()  # leadership reads only
    admin = create_user("zadmin", PASSWORD, roles=[Role.ZONE_ADMIN])
    a = client_of(admin)
    refused = a.post(
        f"/plans/projects/{ppp.pk}/", {"action": "month", "month": "明年", "completed_10k_yuan": "1"}
    )
    assert (
        refused.status_code == 200 and "2026-11" in refused.content.decode()
    )  # the form says how to write a month
    ok = a.post(
        f"/plans/projects/{ppp.pk}/",
        {"action": "month", "month": timezone.localdate().strftime("%Y-%m"), "completed_10k_yuan": "12.5"},
    )
    assert ok.status_code == 302
    assert ProjectMonth.objects.get(
        project=ppp, month=timezone.localdate().replace(day=1)
    ).completed_yuan == Decimal(125_000)


def test_the_portfolio_reads_the_same_queries_for_few_and_many_projects(client_of, zone, ppp):  # type: ignore[no-untyped-def]
    from tests.site.test_query_counts import assert_no_n_plus_one

    serial = iter(range(2, 1000))

    def grow(n: int) -> None:
        for _ in range(n):
            k = next(serial)
            p = Project.objects.create(
                zone=zone,
                code=f"P{k}",
                name=f"项目{k}",
                kind="government",
                category="lake",
                stage="gov_build",
                owner=ppp.owner,
                total_investment_yuan=YI,
                start_year=2026,
                end_year=2027,
                lon=116.62,
                lat=35.40,
            )
            ProjectYear.objects.create(project=p, year=2026, planned_yuan=YI)
            ProjectMonth.objects.create(project=p, month=dt.date(2026, 1, 1), completed_yuan=YI / 10)
            Milestone.objects.create(project=p, title="节点", due_on=dt.date(2026, 12, 1))

    admin = create_user("zadmin", PASSWORD, roles=[Role.ZONE_ADMIN])
    for url in (
        "/plans/projects/?year=2026",
        "/plans/projects/?year=2026&format=geojson",
        "/api/plans/projects?year=2026",
    ):
        assert_no_n_plus_one(client_of(admin), url, grow)
