"""信息采集零空档: a grid's coverage and its worklist of households due for a visit; visits move them;
household reads gated to the grid's people and audited; names masked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gaoxin.common.models import AuditEvent
from gaoxin.governance import queries, services
from gaoxin.governance.models import Household


@pytest.fixture
def homes(gov):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    grid = gov["grid"]
    return {
        "fresh": Household.objects.create(
            grid=grid,
            address="1号楼101",
            head_name="王明",
            members=3,
            last_visit_on=today - dt.timedelta(days=10),
        ),
        "lapsed": Household.objects.create(
            grid=grid,
            address="1号楼102",
            head_name="李华",
            members=2,
            last_visit_on=today - dt.timedelta(days=400),
        ),
        "alone": Household.objects.create(
            grid=grid,
            address="1号楼201",
            head_name="张芳",
            members=1,
            groups=["elderly_alone"],
            last_visit_on=today - dt.timedelta(days=45),
        ),
        "never": Household.objects.create(grid=grid, address="1号楼202", head_name="赵强", members=4),
    }


def test_coverage_and_the_worklist(client_of, zone, gov, homes):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    board = queries.coverage_by_grid(gov["leader"], zone, today)
    grid_row = next(c for g, c in board["rows"] if g == gov["grid"])
    assert (grid_row.households, grid_row.covered, grid_row.due) == (
        4,
        1,
        3,
    )  # the elderly living alone: 30 days
    work = queries.grid_worklist(gov["worker"], zone, gov["grid"].pk, today)
    assert [h.address for h, _due, _name, _groups in work["rows"]][:3] == [
        "1号楼202",
        "1号楼102",
        "1号楼201",
    ]  # due first
    assert [name for _h, _d, name, _g in work["rows"]][0] == "赵*"
    assert (
        AuditEvent.objects.filter(target_type="households", action="read", actor_name="worker").count() == 1
    )
    services.record_visit(gov["worker"], homes["never"], visited_on=today, today=today, change="birth")
    homes["never"].refresh_from_db()
    assert homes["never"].members == 5 and homes["never"].last_visit_on == today
    services.record_visit(gov["worker"], homes["lapsed"], visited_on=today, today=today, change="moved_out")
    homes["lapsed"].refresh_from_db()
    assert homes["lapsed"].vacant and homes["lapsed"].head_name == ""
    after = next(
        c for g, c in queries.coverage_by_grid(gov["centre"], zone, today)["rows"] if g == gov["grid"]
    )
    assert after.due == 1
    with pytest.raises(ValidationError):
        services.record_visit(
            gov["worker"], homes["alone"], visited_on=today + dt.timedelta(days=1), today=today
        )


def test_who_reads_the_households(client_of, zone, gov, homes):  # type: ignore[no-untyped-def]
    url = f"/governance/collection/grids/{gov['grid'].pk}/"
    page = client_of(gov["worker"]).get(url)
    assert page.status_code == 200 and "王*" in page.content.decode() and "王明" not in page.content.decode()
    assert client_of(gov["leader"]).get("/governance/collection/").status_code == 200  # figures, no names
    assert client_of(gov["leader"]).get(url).status_code == 403
    assert client_of(gov["other_worker"]).get(url).status_code in (403, 404)
    assert AuditEvent.objects.filter(target_type="households", outcome="denied").count() >= 1
    assert client_of(gov["resident"]).get("/governance/collection/").status_code == 403
    with pytest.raises(PermissionDenied):
        services.record_visit(
            gov["handler"], homes["fresh"], visited_on=timezone.localdate(), today=timezone.localdate()
        )
    posted = client_of(gov["worker"]).post(
        url, {"household": homes["never"].pk, "visited_on": timezone.localdate().isoformat(), "change": ""}
    )
    assert posted.status_code == 302 and Household.objects.get(pk=homes["never"].pk).last_visit_on is not None


def test_the_three_zeros_and_their_xlsx(client_of, zone, gov, homes):  # type: ignore[no-untyped-def]
    from io import BytesIO

    import openpyxl

    page = client_of(gov["centre"]).get("/governance/")
    html = page.content.decode()
    assert (
        page.status_code == 200
        and "为民服务零距离" in html
        and "纠纷化解零搁置" in html
        and "信息采集零空档" in html
    )
    book = openpyxl.load_workbook(BytesIO(client_of(gov["centre"]).get("/governance/?format=xlsx").content))
    grid_sheet = book.worksheets[1]
    row = next(r for r in grid_sheet.iter_rows(min_row=2, values_only=True) if r[0] == gov["grid"].name)
    assert row[5] == 4 and row[6] == 3  # households, due for a visit
