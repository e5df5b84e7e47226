"""Pages and permissions of the places app."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gaoxin.places.models import Facility, FacilityType, ResidentialArea, Street

LIST_PAGES = [
    "places:facility_list",
    "places:area_list",
    "places:community_list",
    "places:street_list",
    "places:map",
    "home",
]


@pytest.mark.parametrize("name", LIST_PAGES + ["places:import"])
def test_planner_sees_every_page(client_of, planner, name):
    assert client_of(planner).get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", LIST_PAGES)
def test_anonymous_is_sent_to_login(client, zone, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize(
    "name", ["places:facility_list", "places:area_list", "places:map", "places:map_layers", "places:import"]
)
def test_resident_cannot_open_the_registry(client_of, resident, name):
    assert client_of(resident).get(reverse(name)).status_code == 403


def test_street_staff_edit_their_own_street(client_of, guanghe_staff):
    f = Facility.objects.get(code="F-GH-KG-1")
    c = client_of(guanghe_staff)
    url = reverse("places:facility_edit", args=[f.pk])
    assert c.get(url).status_code == 200
    data = {
        "code": f.code,
        "name": "洸河实验幼儿园",
        "type": f.type_id,
        "street": f.street_id,
        "community": f.community_id or "",
        "lon": f.lon,
        "lat": f.lat,
        "capacity": 300,
        "status": "open",
    }
    response = c.post(url, data)
    assert response.status_code == 302
    f.refresh_from_db()
    assert f.name == "洸河实验幼儿园" and f.capacity == 300


def test_street_staff_cannot_edit_another_street(client_of, guanghe_staff):
    f = Facility.objects.get(code="F-LX-KG-1")
    c = client_of(guanghe_staff)
    url = reverse("places:facility_edit", args=[f.pk])
    assert c.get(url).status_code == 403
    assert c.post(url, {"name": "改名"}).status_code == 403
    f.refresh_from_db()
    assert f.name == "柳行中心幼儿园"


def test_street_staff_cannot_move_a_facility_into_another_street(client_of, guanghe_staff):
    f = Facility.objects.get(code="F-GH-KG-1")
    other = Street.objects.get(code="370871002")
    data = {
        "code": f.code,
        "name": f.name,
        "type": f.type_id,
        "street": other.pk,
        "lon": f.lon,
        "lat": f.lat,
        "status": "open",
    }
    response = client_of(guanghe_staff).post(reverse("places:facility_edit", args=[f.pk]), data)
    assert response.status_code == 200  # the form refuses the street (not in its choices)
    f.refresh_from_db()
    assert f.street.code == "370871001"


def test_street_staff_cannot_edit_an_area_of_another_street(client_of, liuxing_staff):
    area = ResidentialArea.objects.get(code="RA-DZ-01")
    assert client_of(liuxing_staff).get(reverse("places:area_edit", args=[area.pk])).status_code == 403


def test_form_error_is_shown_beside_the_field_not_a_500(client_of, planner):
    f = Facility.objects.get(code="F-GH-KG-1")
    data = {
        "code": f.code,
        "name": f.name,
        "type": FacilityType.objects.get(code="public_toilet").pk,
        "street": f.street_id,
        "lon": f.lon,
        "lat": f.lat,
        "capacity": 10,
        "status": "open",
    }
    response = client_of(planner).post(reverse("places:facility_edit", args=[f.pk]), data)
    assert response.status_code == 200
    assert "capacity" in response.context["form"].errors


def test_facility_list_filters_and_searches(client_of, planner):
    c = client_of(planner)
    street = Street.objects.get(code="370871002")
    page = c.get(reverse("places:facility_list"), {"street": street.pk}).context["page"]
    assert [f.code for f in page] == ["F-LX-KG-1"]
    page = c.get(reverse("places:facility_list"), {"q": "洸河"}).context["page"]
    assert [f.code for f in page] == ["F-GH-KG-1"]


def test_facility_list_query_count_does_not_grow_with_rows(client_of, planner):
    c = client_of(planner)
    kg = FacilityType.objects.get(code="kindergarten")
    street = Street.objects.get(code="370871001")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(reverse("places:facility_list")).status_code == 200
        return len(ctx.captured_queries)

    count()  # the first page of a session also fills its caches (the menu): measure the steady state
    before = count()
    for i in range(20):
        Facility.objects.create(
            code=f"F-N{i}", name=f"幼儿园{i}", type=kg, street=street, lon=116.64, lat=35.41
        )
    assert count() == before


def test_home_shows_zone_figures_per_street(client_of, planner):
    response = client_of(planner).get(reverse("home"))
    rows = response.context["rows"]
    assert [r["street"].code for r in rows] == ["370871001", "370871002"]
    assert rows[0]["population"] == 1870 and rows[0]["facilities"][6] == 1  # education


def test_map_layers_are_geojson(client_of, planner):
    data = client_of(planner).get(reverse("places:map_layers")).json()
    assert {f["properties"]["code"] for f in data["facilities"]["features"]} == {"F-GH-KG-1", "F-LX-KG-1"}
    assert data["areas"]["features"][0]["geometry"]["type"] == "Point"


def test_map_page_uses_no_internet_assets(client_of, planner):
    html = client_of(planner).get(reverse("places:map")).content.decode()
    assert "/static/leaflet/leaflet.js" in html
    assert "http://" not in html.replace("http://testserver", "") and "https://" not in html


def test_import_page_upload_shows_bad_row_then_nothing_changes(client_of, planner):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = client_of(planner)
    bad = "code,name,type,street,lon,lat\nF-A,好,kindergarten,370871001,116.64,35.41\nF-B,坏,kindergarten,370871001,116.64,北纬35\n"
    response = c.post(
        reverse("places:import"),
        {
            "dataset": "facilities",
            "coordinate_system": "wgs84",
            "file": SimpleUploadedFile("f.csv", bad.encode()),
        },
        follow=True,
    )
    assert response.status_code == 200
    assert response.context["batch"].problems[0]["row"] == 3
    assert not Facility.objects.filter(code__in=["F-A", "F-B"]).exists()


def test_export_download(client_of, planner):
    response = client_of(planner).get(reverse("places:export", args=["facilities", "csv"]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert client_of(planner).get("/places/export/nothing.csv").status_code == 404
