"""The KPI page as planners and the centre read it: chronic-disease management per team, institution and
street (with its bars), the tiered-care figures, the workbook — and no cell of fewer than five people."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from gaoxin.health import services
from gaoxin.health.choices import SignedVia
from gaoxin.places.models import Community
from tests.health.conftest import id_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def six_patients(care):  # type: ignore[no-untyped-def]
    """Eight hypertension patients of team A followed up four times this year: six controlled at their
    latest visit, two not; seven of them seen face to face four times."""
    today = timezone.localdate()
    community = Community.objects.get(code="370871001001")
    for k in range(8):
        person = services.register_resident(
            None, id_number=id_number("19600101", f"{101 + 2 * k:03d}"), name=f"患者{k}", community=community
        )
        record = services.create_record(None, person, care["centre"])
        services.add_condition(None, record, icd10="I10", name="原发性高血压", diagnosed_on=None)
        services.sign_contract(
            None, resident=person, team=care["team_a"], package=care["basic"], via=SignedVia.DOCTOR
        )
        for v in range(4):
            day = min(dt.date(today.year, 1, 2) + dt.timedelta(days=7 * v), today)
            uncontrolled = v == 3 and k >= 6
            services.record_followup(
                None,
                record,
                kind="hypertension",
                visit_on=day,
                way="phone" if (k == 7 and v == 0) else "clinic",
                sbp=150 if uncontrolled else 128,
                dbp=92 if uncontrolled else 80,
            )


def _main(html: str) -> str:
    """The page's <main>: a table in the <title> (once a misplaced block) is not on the page."""
    found = re.search(r"<main[^>]*>(.*)</main>", html, re.S)
    assert found is not None
    return found.group(1)


def test_the_chronic_disease_kpis_are_on_the_page_per_team_institution_and_street(
    six_patients, care, client_of, planner
):  # type: ignore[no-untyped-def]
    c = client_of(planner)
    page = c.get(reverse("health:kpis"))
    title = re.search(r"<title>(.*?)</title>", page.content.decode(), re.S).group(1)  # type: ignore[union-attr]
    assert "<table" not in title
    main = _main(page.content.decode())
    assert 'id="followup-kpis"' in main and "第1团队" in main
    row = re.search(r"第1团队</td><td>高血压</td><td class=\"num\">8</td>(.*?)</tr>", main, re.S)
    assert row is not None
    assert "87.5%" in row.group(1) and "75.0%" in row.group(1)  # 7 of 8 regular, 6 of 8 controlled
    assert 'aria-label="87.5%"' in row.group(1)  # the bar
    by_institution = _main(c.get(reverse("health:kpis") + "?by=institution").content.decode())
    assert '洸河街道社区卫生服务中心</td><td>高血压</td><td class="num">8<' in by_institution
    by_street = _main(c.get(reverse("health:kpis") + "?by=street").content.decode())
    assert '洸河街道</td><td>高血压</td><td class="num">8<' in by_street
    assert 'id="tiered-care"' in main
    assert "陈静" not in main and "患者0" not in main  # aggregates only


def test_the_workbook_carries_the_same_figures(six_patients, care, client_of, planner):  # type: ignore[no-untyped-def]
    answer = client_of(planner).get(reverse("health:kpis") + "?by=team&format=xlsx")
    assert answer.status_code == 200 and answer["Content-Disposition"].startswith("attachment")
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    assert len(book.sheetnames) == 4
    chronic = list(book.worksheets[2].values)
    (row,) = [r for r in chronic[1:] if r[0] == "第1团队" and r[1] == "高血压"]
    assert row[2] == 8 and row[3] == pytest.approx(0.875) and row[4] == pytest.approx(0.75)
    if timezone.localdate() >= dt.date(timezone.localdate().year, 5, 1):
        # each patient: three follow-ups due and met (the next visit a week later), the last one's missed
        assert row[5] == pytest.approx(0.75)
    (team_b,) = [r for r in chronic[1:] if r[0] == "第2团队" and r[1] == "高血压"]
    assert team_b[2] == 0 and team_b[3] == "—"
    streets = list(book.worksheets[0].values)
    assert all(isinstance(v, int) or v in ("<5",) or v == 0 for r in streets[1:] for v in r[1:3])


def test_a_small_group_is_not_shown(people, care, client_of, planner):  # type: ignore[no-untyped-def]
    record = people["records"][people["me"].pk]
    services.add_condition(None, record, icd10="I10", name="原发性高血压", diagnosed_on=None)
    services.record_followup(
        None, record, kind="hypertension", visit_on=timezone.localdate(), way="clinic", sbp=120, dbp=70
    )
    main = _main(client_of(planner).get(reverse("health:kpis")).content.decode())
    assert '第1团队</td><td>高血压</td><td class="num">&lt;5</td>' in main
