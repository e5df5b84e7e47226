"""Heavy read-only answers are built once per version of their data and compressed; a change of the
data is seen at once (a new version), an unchanged answer is not sent again."""

from __future__ import annotations

import gzip
import json

from django.urls import reverse

from gaoxin.places.models import Facility, FacilityType, Street


def test_the_map_layers_are_cached_by_the_zone_data_version(
    client_of, planner, django_assert_max_num_queries
):  # type: ignore[no-untyped-def]
    c = client_of(planner)
    url = reverse("places:map_layers")
    first = c.get(url)
    tag = first["ETag"]
    assert first.status_code == 200 and tag
    assert c.get(url, HTTP_IF_NONE_MATCH=tag).status_code == 304  # the browser's copy is still good
    with django_assert_max_num_queries(12):  # served from the cache: the session, the user, the zone …
        again = c.get(url)
    assert again.content == first.content
    Facility.objects.create(
        code="F-NEW",
        name="新幼儿园",
        type=FacilityType.objects.get(code="kindergarten"),
        street=Street.objects.get(code="370871001"),
        lon=116.645,
        lat=35.415,
    )
    changed = c.get(url, HTTP_IF_NONE_MATCH=tag)
    assert changed.status_code == 200 and changed["ETag"] != tag
    names = [f["properties"]["name"] for f in json.loads(changed.content)["facilities"]["features"]]
    assert "新幼儿园" in names


def test_json_is_compressed_and_pages_are_not(client_of, planner):  # type: ignore[no-untyped-def]
    c = client_of(planner)
    layers = c.get(reverse("places:map_layers"), HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert layers["Content-Encoding"] == "gzip" and json.loads(gzip.decompress(layers.content))
    page = c.get(reverse("places:facility_list"), HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert not page.has_header("Content-Encoding")  # pages carry a CSRF token: no compression (BREACH)
