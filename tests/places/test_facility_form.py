"""The facility form helps: a point outside the zone is refused (swapped numbers are named), a blank
code gets the next one of its street and type, the community must lie in the street."""

from __future__ import annotations

from django.urls import reverse

from gaoxin.places.models import Community, Facility, FacilityType, Street


def _post(client, **fields):  # type: ignore[no-untyped-def]
    data = {
        "code": "",
        "name": "洸河第二幼儿园",
        "type": FacilityType.objects.get(code="kindergarten").pk,
        "street": Street.objects.get(code="370871001").pk,
        "community": Community.objects.get(code="370871001001").pk,
        "lon": "116.645",
        "lat": "35.415",
        "status": "open",
    } | fields
    return client.post(reverse("places:facility_create"), data)


def test_a_point_outside_the_zone_is_refused_and_swapped_numbers_are_named(client_of, planner):  # type: ignore[no-untyped-def]
    c = client_of(planner)
    beijing = _post(c, lon="116.40", lat="39.90")
    assert beijing.status_code == 200 and "济宁高新区" in beijing.content.decode()
    assert not Facility.objects.filter(name="洸河第二幼儿园").exists()
    swapped = _post(c, lon="35.415", lat="116.645").content.decode()
    assert "经纬度似乎填反了" in swapped
    only_one = _post(c, entrance_lon="116.645").content.decode()
    assert not Facility.objects.filter(name="洸河第二幼儿园").exists() and only_one


def test_a_blank_code_gets_the_next_of_its_street_and_type(client_of, planner):  # type: ignore[no-untyped-def]
    c = client_of(planner)
    saved = _post(c)
    assert saved.status_code == 302
    first = Facility.objects.get(name="洸河第二幼儿园")
    assert first.code == "F370871001-kindergarten-001"
    _post(c, name="洸河第三幼儿园")
    assert Facility.objects.get(name="洸河第三幼儿园").code == "F370871001-kindergarten-002"
    assert _post(c, name="自编码", code="MY-OWN-1").status_code == 302
    assert Facility.objects.filter(code="MY-OWN-1").exists()


def test_the_community_must_lie_in_the_street(client_of, planner):  # type: ignore[no-untyped-def]
    other = Community.objects.get(code="370871002007")  # 崇文社区, in 柳行
    page = _post(client_of(planner), community=other.pk).content.decode()
    assert not Facility.objects.filter(name="洸河第二幼儿园").exists() and "街道" in page


def test_the_form_has_a_map_to_pick_the_point(client_of, planner):  # type: ignore[no-untyped-def]
    page = client_of(planner).get(reverse("places:facility_create")).content.decode()
    assert 'id="pick-map"' in page and 'data-lon="id_lon"' in page and "picker.js" in page
    base = client_of(planner).get(reverse("places:map_base"))
    assert base.status_code == 200 and base.json()["zone"]["type"] == "Polygon"
    again = client_of(planner).get(reverse("places:map_base"), HTTP_IF_NONE_MATCH=base["ETag"])
    assert again.status_code == 304
