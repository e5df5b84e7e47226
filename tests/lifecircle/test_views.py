"""Pages, downloads and permissions of the life-circle app."""

import io
import re

import openpyxl
import pytest
import shapely.geometry
from django.urls import reverse

from gaoxin.lifecircle import services
from gaoxin.lifecircle.models import Evaluation, Profile
from gaoxin.places.models import ResidentialArea, Street


@pytest.fixture
def run(network_zone):
    return services.evaluate(actor=None, zone=network_zone)


def area(code):
    return ResidentialArea.objects.get(code=code)


def test_planner_sees_every_page(client_of, planner, run):
    c = client_of(planner)
    guanghe = Street.objects.get(code="370871001")
    for url in [
        reverse("lifecircle:index"),
        reverse("lifecircle:map"),
        reverse("lifecircle:map_results", args=[run.pk]),
        reverse("lifecircle:area_report", args=[run.pk, area("RA-DZ-01").pk]),
        reverse("lifecircle:street", args=[run.pk, guanghe.pk]),
        reverse("lifecircle:compare") + f"?a={run.pk}&b={run.pk}",
    ]:
        assert c.get(url).status_code == 200, url


def test_planner_runs_an_evaluation_from_the_page(client_of, planner, network_zone):
    profile = Profile.objects.get(name="gb50180-2018")
    response = client_of(planner).post(reverse("lifecircle:run"), {"profile": profile.pk})
    assert response.status_code == 302 and Evaluation.objects.get().profile == profile


def test_street_staff_see_only_their_street(client_of, guanghe_staff, run):
    c = client_of(guanghe_staff)
    liuxing = Street.objects.get(code="370871002")
    assert c.get(reverse("lifecircle:street", args=[run.pk, liuxing.pk])).status_code == 403
    assert c.get(reverse("lifecircle:area_report", args=[run.pk, area("RA-CW-01").pk])).status_code == 404
    assert c.get(reverse("lifecircle:area_report", args=[run.pk, area("RA-DZ-01").pk])).status_code == 200
    names = [
        f["properties"]["name"]
        for f in c.get(reverse("lifecircle:map_results", args=[run.pk])).json()["features"]
    ]
    assert names == ["东闸花园"]
    started = c.post(reverse("lifecircle:run"), {"profile": run.profile_id})  # a job; they keep working
    assert started.status_code == 302 and started["Location"].startswith("/jobs/")
    assert c.get(reverse("lifecircle:siting")).status_code == 403


def test_resident_cannot_open_the_life_circle(client_of, resident, run):
    c = client_of(resident)
    assert c.get(reverse("lifecircle:index")).status_code == 403
    assert c.get(reverse("lifecircle:area_report", args=[run.pk, area("RA-DZ-01").pk])).status_code == 403


def test_area_report_shows_each_item_with_pass_or_fail(client_of, planner, run):
    response = client_of(planner).get(reverse("lifecircle:area_report", args=[run.pk, area("RA-DZ-01").pk]))
    rows = response.context["rows"]
    kg = next(r for r in rows if r["type"] == "kindergarten")
    assert not kg["covered"] and kg["facility"].code == "F-GH-KG-1"
    assert "洸河幼儿园" in response.content.decode()


def test_area_report_downloads_as_xlsx_and_pdf(client_of, planner, run):
    url = reverse("lifecircle:area_report", args=[run.pk, area("RA-DZ-01").pk])
    c = client_of(planner)
    xlsx = c.get(url, {"format": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.worksheets[0]["B5"].value == "东闸花园"
    pdf = c.get(url, {"format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_street_export_and_checklist(client_of, planner, run):
    guanghe = Street.objects.get(code="370871001")
    c = client_of(planner)
    page = c.get(reverse("lifecircle:street", args=[run.pk, guanghe.pk]))
    checklist = page.context["checklist"]
    assert checklist["rows"] and not checklist["passes"]
    kg = next(r for r in checklist["rows"] if r["type"] == "kindergarten")
    assert (
        kg["target_percent"] == 90.0
        and not kg["passes"]
        and [u.area.code for u in kg["uncovered"]] == ["RA-DZ-01"]
    )
    xlsx = c.get(reverse("lifecircle:street", args=[run.pk, guanghe.pk]), {"format": "xlsx"})
    assert openpyxl.load_workbook(io.BytesIO(xlsx.content)).worksheets[1].max_row > 10


def test_isochrone_endpoint(client_of, planner, run):
    c = client_of(planner)
    ok = c.get(reverse("lifecircle:isochrone"), {"lon": 116.640, "lat": 35.410, "distance": 300}).json()
    assert ok["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert c.get(reverse("lifecircle:isochrone"), {"lon": "x", "lat": 35.41}).status_code == 400
    far = c.get(reverse("lifecircle:isochrone"), {"lon": 116.9, "lat": 35.9})
    assert far.status_code == 400 and far.json()["error"] == "unreachable"
    # the same 5 minutes for a resident aged 60+ reach less of the street
    slow = c.get(
        reverse("lifecircle:isochrone"),
        {"lon": 116.640, "lat": 35.410, "distance": 300, "profile": "elderly"},
    ).json()
    assert slow["properties"] == {"distance_m": 300.0, "minutes": 5.0, "profile": "elderly"}
    area = shapely.geometry.shape(ok["geometry"]).area
    assert shapely.geometry.shape(slow["geometry"]).area < area
    bad = c.get(reverse("lifecircle:isochrone"), {"lon": 116.640, "lat": 35.410, "profile": "horse"})
    assert bad.status_code == 400


def test_compare_lists_changed_areas(client_of, planner, run, network_zone):
    from gaoxin.places.models import Facility, FacilityType

    a = area("RA-DZ-01")
    Facility.objects.create(
        code="F-DC",
        name="日间照料",
        type=FacilityType.objects.get(code="day_care_center"),
        street=a.street,
        lon=a.gates[0][0],
        lat=a.gates[0][1],
        capacity=20,
    )
    second = services.evaluate(actor=None, zone=network_zone)
    cmp = client_of(planner).get(reverse("lifecircle:compare"), {"a": run.pk, "b": second.pk}).context["cmp"]
    assert [c["area"].code for c in cmp["changed"]] == ["RA-DZ-01"]


def test_index_warns_when_results_are_stale(client_of, planner, run):
    from gaoxin.places.models import Facility

    f = Facility.objects.get(code="F-GH-KG-1")
    f.name = "改名"
    f.save()
    assert 'id="stale"' in client_of(planner).get(reverse("lifecircle:index")).content.decode()


def test_a_missing_item_proposes_a_new_facility_at_the_gate(client_of, planner, run):
    c = client_of(planner)
    a = area("RA-DZ-01")
    rows = c.get(reverse("lifecircle:area_report", args=[run.pk, a.pk])).context["rows"]
    day_care = next(r for r in rows if r["type"] == "day_care_center")
    assert "lon=116.641" in day_care["propose"]
    form = c.get(reverse("places:facility_create") + "?" + day_care["propose"]).context["form"]
    assert form.initial["lon"] == "116.641" and form.initial["street"] == str(a.street_id)


def test_dashboard_charts_use_the_local_echarts(client_of, planner, run):
    html = client_of(planner).get(reverse("lifecircle:index")).content.decode()
    assert "/static/vendor/echarts/echarts.min.js" in html and 'id="class-chart"' in html
    assert "https://" not in html


def test_compare_shows_the_last_change_by_default(client_of, planner, run, network_zone):
    only_one = client_of(planner).get(reverse("lifecircle:compare"))
    assert "cmp" not in only_one.context and 'id="one-run"' in only_one.content.decode()
    second = services.evaluate(actor=None, zone=network_zone)
    page = client_of(planner).get(reverse("lifecircle:compare"))
    assert (page.context["a"], page.context["b"]) == (run, second)  # the run before against the latest


def test_the_area_report_pdf_embeds_its_chinese_font(client_of, planner, run):
    """The PDF carries (a subset of) its CJK font, so that it prints the same on any reader. CI installs
    Debian's fonts-wqy-zenhei; without a CJK TrueType font the report uses a CID font (not embedded)."""
    import os

    from gaoxin.common.fonts import cjk_truetype_font

    if cjk_truetype_font() is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install fonts-wqy-zenhei")
        pytest.skip("no CJK TrueType font on this machine (apt install fonts-wqy-zenhei)")
    url = reverse("lifecircle:area_report", args=[run.pk, area("RA-DZ-01").pk])
    pdf = client_of(planner).get(url, {"format": "pdf"}).content
    assert b"/FontFile2" in pdf and b"/Subtype /TrueType" in pdf  # the TrueType program is in the file
    assert re.search(rb"/BaseFont /[A-Z]{6}\+", pdf)  # as a subset (its glyphs only)
    assert b"STSong-Light" not in pdf
