"""Candidate site lists (vacant parcels, ground-floor 配套用房): upload with row-level problems, and the
siting models choosing among the listed sites."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gaoxin.lifecircle import queries, services
from gaoxin.lifecircle.models import CandidateList, Scenario
from gaoxin.places.models import Street
from tests.lifecircle.conftest import siting_page

GOOD = (
    "名称,经度,纬度,类别,名额,地址\n"
    "东闸配套用房A,116.6405,35.4100,配套用房,40,东闸花园3号楼底商\n"
    "东闸空地,116.6400,35.4095,空闲地块,,\n"
    "中途地块,116.6450,35.4300,空闲地块,,\n"  # between the two grids, 700 m from the connecting road
)


def _upload(client, name, content, filename="sites.csv"):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("lifecircle:candidates"),
        {"name": name, "file": SimpleUploadedFile(filename, content), "coordinate_system": "wgs84"},
    )


def test_a_bad_file_reports_row_and_field_and_writes_nothing(client_of, planner, network_zone):
    bad = (
        "名称,经度,纬度,名额\n"
        "好的,116.6405,35.4100,40\n"
        "缺纬度,116.6405,,\n"
        ",116.6405,35.4100,\n"
        "区外,117.5,36.2,\n"
        "名额错,116.6405,35.4100,四十\n"
    ).encode()
    response = _upload(client_of(planner), "坏清单", bad)
    assert response.status_code == 400
    problems = {(p["row"], p["field"]) for p in response.context["problems"]}
    assert {(3, "lat"), (4, "name"), (5, "lon"), (6, "capacity")} <= problems
    assert not CandidateList.objects.exists()
    wrong_kind = _upload(client_of(planner), "坏类别", "名称,经度,纬度,类别\nA,116.64,35.41,菜地\n".encode())
    assert wrong_kind.status_code == 400 and wrong_kind.context["problems"][0]["field"] == "kind"
    not_a_table = _upload(client_of(planner), "坏格式", b"\xff\xfe\x00garbage", filename="sites.txt")
    assert not_a_table.status_code == 400 and not CandidateList.objects.exists()


def test_upload_an_xlsx_list_and_only_planners_may(client_of, planner, guanghe_staff, network_zone):
    book = openpyxl.Workbook()
    book.active.append(["name", "lon", "lat", "kind", "capacity"])
    book.active.append(["Lot 1", 116.6405, 35.41, "vacant_land", 60])
    out = io.BytesIO()
    book.save(out)
    response = _upload(client_of(planner), "Lots", out.getvalue(), filename="lots.xlsx")
    listed = CandidateList.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "lifecircle:candidate_list", args=[listed.pk]
    )
    site = listed.sites.get()
    assert (site.kind, site.capacity, listed.created_by) == ("vacant_land", 60, planner)
    assert _upload(client_of(guanghe_staff), "x", GOOD.encode()).status_code == 403
    page = client_of(guanghe_staff).get(reverse("lifecircle:candidate_list", args=[listed.pk]))
    assert page.status_code == 200 and "Lot 1" in page.content.decode()
    assert (
        client_of(guanghe_staff).post(reverse("lifecircle:candidate_list", args=[listed.pk])).status_code
        == 403
    )
    client_of(planner).post(reverse("lifecircle:candidate_list", args=[listed.pk]))
    assert not CandidateList.objects.exists()


def test_siting_chooses_among_the_listed_sites(client_of, planner, network_zone):
    listed = services.import_candidates(
        actor=planner, zone=network_zone, name="东闸候选", content=GOOD.encode(), filename="s.csv"
    )
    guanghe = Street.objects.get(code="370871001")
    kwargs = {"actor": planner, "zone": network_zone, "type_code": "day_care_center"}
    one = queries.propose_sites(p=1, street=guanghe, candidate_list=listed, **kwargs)
    assert one["candidates"] == 2 and one["candidate_list"] == "东闸候选"  # the far lot is not near 东闸
    site = one["proposals"][0]
    assert site["name"] in {"东闸配套用房A", "东闸空地"} and site["gain"] == 300
    # with capacities a listed site's own places count (40 at 配套用房A), others take the default 200
    capped = queries.propose_sites(
        p=1, street=guanghe, candidate_list=listed, capacity_per_site=200, **kwargs
    )
    assert capped["proposals"][0]["name"] == "东闸空地" and capped["proposals"][0]["gain"] == 200
    both = queries.propose_sites(p=2, street=guanghe, candidate_list=listed, capacity_per_site=200, **kwargs)
    assert sorted(s["gain"] for s in both["proposals"]) == [40, 200]
    # zone-wide the middle lot lies in the box of the two areas but 700 m from every street
    zone_wide = queries.propose_sites(p=1, candidate_list=listed, **kwargs)
    assert zone_wide["unreachable_candidates"] == ["中途地块"]
    empty = CandidateList.objects.create(zone=network_zone, name="空")
    with pytest.raises(services.EvaluationError):
        queries.propose_sites(p=1, candidate_list=empty, **kwargs)

    c = client_of(planner)
    page = siting_page(
        c,
        {
            "type": "day_care_center",
            "street": guanghe.pk,
            "p": 2,
            "candidates": listed.pk,
            "capacitated": 1,
            "capacity": 200,
        },
    )
    html = page.content.decode()
    assert "东闸配套用房A" in html and "东闸空地" in html
    values = [f"{s['lon']},{s['lat']},{s['gain']}" for s in page.context["proposal"]["proposals"]]
    post = {"type": "day_care_center", "name": "候选方案", "capacity": "200", "site": values}
    post |= {
        f"name:{v}": s["name"] for v, s in zip(values, page.context["proposal"]["proposals"], strict=True)
    }
    post |= {
        f"cap:{v}": s["capacity"]
        for v, s in zip(values, page.context["proposal"]["proposals"], strict=True)
        if s["capacity"]
    }
    c.post(reverse("lifecircle:scenario_create"), post)
    added = {f.name: f.capacity for f in Scenario.objects.get().added.all()}
    assert added == {"东闸配套用房A": 40, "东闸空地": 200}
    api = c.post(
        "/api/lifecircle/siting",
        data={"type": "day_care_center", "street_id": guanghe.pk, "p": 1, "candidate_list_id": listed.pk},
        content_type="application/json",
    )
    assert api.status_code == 200 and api.json()["proposals"][0]["name"] in {"东闸配套用房A", "东闸空地"}


def test_a_file_over_the_import_limit_is_refused(client_of, planner, network_zone, settings):
    settings.GAOXIN_IMPORT_MAX_BYTES = 1024
    response = _upload(client_of(planner), "大文件", GOOD.encode() * 20)
    assert response.status_code == 400 and response.context["problems"][0]["field"] == "file"
    assert not CandidateList.objects.exists()
