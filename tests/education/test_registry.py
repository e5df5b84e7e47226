"""Developments, phases, kindergartens and school registers in: the import (every problem by row and
column, nothing written), the forms (clear errors, nothing lost), who may write."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gaoxin.common.models import AuditEvent
from gaoxin.education.models import Development, Kindergarten, Phase, SchoolRecord
from tests.education.conftest import make_development, make_kindergarten

pytestmark = pytest.mark.django_db

KG_CSV = (
    "幼儿园编号,幼儿园名称,街道,经度,纬度,班数,学位数,状态,规划许可日期,开工日期\n"
    "K-1,东闸配套幼儿园,洸河街道,116.6415,35.4105,6,180,在建,2025-01-10,2025/06/01\n"
)
DEV_CSV = (
    "项目编号,项目名称,开发企业,街道,经度,纬度,规划许可日期,配套幼儿园编号,期次,住宅套数,开工日期,计划交付\n"
    "D-1,东闸新城,济宁某置业,370871001,116.641,35.411,2025-01-10,K-1,1,800,2025-06-01,2027-06-30\n"
    "D-1,,,,,,,,2,600,,2028-06-30\n"
    "D-2,崇文雅苑,,柳行街道,116.643,35.453,,,1,300,,\n"
)


def _upload(client, what: str, text: str, name: str = "f.csv"):  # type: ignore[no-untyped-def]
    file = SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")
    return client.post(reverse("education:import"), {"what": what, "file": file})


def test_kindergartens_then_developments_import_and_update(edu, client_of):  # type: ignore[no-untyped-def]
    c = client_of(edu["staff"])
    assert _upload(c, "kindergartens", KG_CSV).status_code == 302
    kg = Kindergarten.objects.get(code="K-1")
    assert (kg.classes, kg.places, kg.status, str(kg.started_on)) == (6, 180, "building", "2025-06-01")
    assert _upload(c, "developments", DEV_CSV).status_code == 302
    d1 = Development.objects.get(code="D-1")
    assert d1.kindergarten == kg and d1.street.code == "370871001"
    assert list(d1.phases.values_list("number", "dwellings")) == [(1, 800), (2, 600)]
    assert Development.objects.get(code="D-2").street.name == "柳行街道"
    # a re-import updates by code and replaces the phases
    _upload(
        c, "developments", DEV_CSV.replace(",2,600,", ",2,650,").replace("D-2,崇文雅苑", "D-2,崇文雅苑二期")
    )
    assert Development.objects.count() == 2 and Phase.objects.get(development=d1, number=2).dwellings == 650
    assert AuditEvent.objects.filter(action="import").count() == 3


@pytest.mark.parametrize(
    ("text", "column"),
    [
        (DEV_CSV.replace("2025-06-01", "2025-13-01"), "started_on"),
        (DEV_CSV.replace("370871001,", "370871999,"), "street"),
        (DEV_CSV.replace(",K-1,", ",K-9,"), "kindergarten"),
        (DEV_CSV.replace(",800,", ",-5,"), "dwellings"),
        (DEV_CSV.replace(",800,", ",八百,"), "dwellings"),
        (DEV_CSV.replace("D-1,,,,,,,,2,", "D-1,,,,,,,,1,"), "phase"),
        (DEV_CSV.replace("116.641,35.411", "35.411,116.641"), "lon"),
        (DEV_CSV.replace("东闸新城", "城" * 200), "name"),
    ],
)
def test_a_bad_row_is_named_and_nothing_is_written(edu, client_of, text, column):  # type: ignore[no-untyped-def]
    c = client_of(edu["staff"])
    _upload(c, "kindergartens", KG_CSV)
    answer = _upload(c, "developments", text)
    assert answer.status_code == 400
    problems = answer.context["problems"]
    assert any(p["row"] in (2, 3) and p["field"] == column and p["message"] for p in problems), problems
    assert Development.objects.count() == 0 and Phase.objects.count() == 0


def test_empty_and_hostile_files(edu, client_of):  # type: ignore[no-untyped-def]
    c = client_of(edu["staff"])
    assert _upload(c, "developments", "").status_code in (302, 400)
    assert _upload(c, "developments", "项目编号\n").status_code == 400
    hostile = DEV_CSV.replace("东闸新城", "<script>alert(1)</script>=cmd|' /C calc'!A0")
    _upload(c, "kindergartens", KG_CSV)
    assert _upload(c, "developments", hostile).status_code == 302
    page = c.get(reverse("education:ledger")).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    data = c.get(reverse("education:developments_export")).content
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet.max_row == 4  # three phases, in the import layout
    assert [cell.value for cell in sheet[1]][:3] == ["项目编号", "项目名称", "开发企业"]
    assert Development.objects.count() == 2


def test_only_the_education_bureau_imports_and_edits(edu, client_of, planner):  # type: ignore[no-untyped-def]
    for user in (planner, edu["leader"]):
        c = client_of(user)
        assert _upload(c, "kindergartens", KG_CSV).status_code == 403
        assert c.get(reverse("education:kindergarten_new")).status_code == 403
    assert Kindergarten.objects.count() == 0


def test_forms_report_mistakes_and_keep_what_was_there(edu, client_of):  # type: ignore[no-untyped-def]
    c = client_of(edu["staff"])
    kg = make_kindergarten(edu, "K1")
    url = reverse("education:kindergarten_edit", args=[kg.pk])
    base = {"code": "K1", "name": "改名", "street": edu["guanghe"].pk, "classes": 4, "places": 120}
    # accepted without the day of acceptance; started before the permit
    answer = c.post(url, base | {"status": "accepted", "permit_on": "2025-05-01", "started_on": "2025-04-01"})
    assert answer.status_code == 200
    errors = answer.context["form"].errors
    assert "accepted_on" in errors and "started_on" in errors
    kg.refresh_from_db()
    assert kg.name == "幼儿园K1"
    assert c.post(url, base | {"status": "planned"}).status_code == 302
    kg.refresh_from_db()
    assert kg.name == "改名"
    # a development's code is unique in the zone; a phase's number in its development
    dev = make_development(edu, "D1")
    other = make_development(edu, "D2")
    answer = c.post(
        reverse("education:development_edit", args=[other.pk]),
        {"code": "D1", "name": "x", "street": edu["guanghe"].pk, "lon": 116.64, "lat": 35.41},
    )
    assert answer.status_code == 200 and "code" in answer.context["form"].errors
    answer = c.post(reverse("education:development", args=[dev.pk]), {"number": 1, "dwellings": 10})
    assert answer.status_code == 200 and "number" in answer.context["form"].errors
    answer = c.post(
        reverse("education:development", args=[dev.pk]),
        {"number": 2, "dwellings": 500, "acceptance_planned": "2027-06-01", "delivery_planned": "2027-05-01"},
    )
    assert answer.status_code == 200 and "delivery_planned" in answer.context["form"].errors
    assert (
        c.post(reverse("education:development", args=[dev.pk]), {"number": 2, "dwellings": 500}).status_code
        == 302
    )
    assert dev.phases.count() == 2
    new = c.post(
        reverse("education:development_new"),
        {"code": "新-1", "name": "新项目", "street": edu["liuxing"].pk, "lon": 116.643, "lat": 35.453},
    )
    assert new.status_code == 302 and Development.objects.get(code="新-1").zone == edu["zone"]


def test_a_school_register_with_its_class_sizes(edu, client_of):  # type: ignore[no-untyped-def]
    c = client_of(edu["staff"])
    url = reverse("education:school", args=[edu["dz_school"].pk])
    assert c.post(url, {"year": 2026, "classes": 6, "pupils": 276}).status_code == 302
    assert c.post(url, {"year": 2025, "classes": 6, "pupils": 270}).status_code == 302
    page = c.get(url)
    states = [check.state for _r, check in page.context["records"]]
    assert states == ["over", "within"]  # 46 a class is over 45; 45 is within
    assert c.post(url, {"year": 2026, "classes": 6, "pupils": -1}).status_code == 200
    assert SchoolRecord.objects.count() == 2
    assert client_of(edu["leader"]).post(url, {"year": 2024, "classes": 6, "pupils": 1}).status_code == 403


def test_a_birth_register_counts_children_at_the_cut_off_and_starts_the_forecast(edu, client_of):  # type: ignore[no-untyped-def]
    from gaoxin.education import queries
    from gaoxin.education.models import ChildCount
    from tests.education.conftest import TODAY

    c = client_of(edu["staff"])
    register = (
        "小区编码,出生日期,人数\n"
        "RA-DZ-01,2020-08-31,1\n"  # six on 31 August 2026: enters this year
        "RA-DZ-01,2020-09-01,1\n"  # a day later: five, next year
        "RA-DZ-01,2018-01-15,40\n"
        "RA-CW-01,2000-01-01,\n"  # 26: not a child of the forecast
    )
    file = SimpleUploadedFile("births.csv", register.encode(), content_type="text/csv")
    answer = c.post(reverse("education:import"), {"what": "births", "year": 2026, "file": file})
    assert answer.status_code == 302
    counts = dict(ChildCount.objects.filter(area__code="RA-DZ-01", year=2026).values_list("age", "children"))
    assert counts == {6: 1, 5: 1, 8: 40}
    fc = queries.zone_forecast(None, edu["zone"], TODAY)
    i = [a.code for a in fc.areas].index("RA-DZ-01")
    assert fc.by_age[0, i, 6] == 1 and fc.by_age[0, i, 8] == 40 and fc.by_age[1, i, 7] == 1
    assert fc.demand("primary")[0, i] == 41  # ages 6 and 8, not the 300 of the area's age band
    # the cut-off is the zone's: with 31 December both children born in 2020 are six
    profile = edu["profile"]
    profile.cutoff_month, profile.cutoff_day = 12, 31
    profile.save()
    file = SimpleUploadedFile("births.csv", register.encode(), content_type="text/csv")
    c.post(reverse("education:import"), {"what": "births", "year": 2026, "file": file})
    counts = dict(ChildCount.objects.filter(area__code="RA-DZ-01", year=2026).values_list("age", "children"))
    assert counts == {6: 2, 8: 40}
    # a register of an earlier year is aged to this one
    ChildCount.objects.filter(year=2026).update(year=2024)
    fc = queries.zone_forecast(None, edu["zone"], TODAY)
    assert fc.by_age[0, i, 8] == 2 and fc.by_age[0, i, 10] == 40


def test_a_bad_birth_register_is_refused_whole(edu, client_of):  # type: ignore[no-untyped-def]
    from gaoxin.education.models import ChildCount

    c = client_of(edu["staff"])
    bad = "小区编码,出生日期,人数\nRA-DZ-01,2020-08-31,1\nRA-XX,2020-01-01,1\nRA-DZ-01,2027-01-01,1\nRA-DZ-01,20200101x,1\nRA-DZ-01,2020-01-01,0\n"
    file = SimpleUploadedFile("births.csv", bad.encode(), content_type="text/csv")
    answer = c.post(reverse("education:import"), {"what": "births", "year": 2026, "file": file})
    assert answer.status_code == 400
    assert {(p["row"], p["field"]) for p in answer.context["problems"]} == {
        (3, "area"),
        (4, "birth_date"),
        (5, "birth_date"),
        (6, "count"),
    }
    assert ChildCount.objects.count() == 0
