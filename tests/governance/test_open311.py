"""The Open311 GeoReport v2 endpoint, with a real GeoReport client library (``georeport``) as the client
over HTTP: the types, a request filed with an API key, listed and read with its status as the workflow
moves it; refusals in the standard's error shape."""

from __future__ import annotations

import os

import pytest
import requests
from georeport import GeoReport

from gaoxin.governance import services
from gaoxin.governance.models import Case


@pytest.fixture
def root(live_server, gov, zone):  # type: ignore[no-untyped-def]
    os.environ.pop("GEOREPORT_API_KEY", None)
    return f"{live_server.url}/open311/v2"


def test_a_georeport_client_round_trip(root, zone, gov):  # type: ignore[no-untyped-def]
    client, key = services.new_api_client(None, zone, "市民随手拍")
    api = GeoReport(root)
    types = api.get_service_list()
    lamp = next(t for t in types if t["service_code"] == "street_lamp")
    assert lamp["service_name"] and lamp["type"] == "realtime" and lamp["metadata"] is False
    assert api.get_service_definition("street_lamp")["attributes"] == []

    filed = requests.post(
        f"{root}/requests.json",
        data={
            "api_key": key,
            "service_code": "street_lamp",
            "lat": "35.411",
            "long": "116.641",
            "description": "路灯不亮",
            "phone": "13812345678",
        },
        timeout=10,
    )
    assert filed.status_code == 201, filed.text
    number = filed.json()[0]["service_request_id"]
    case = Case.objects.get(number=number)
    assert case.source == "open311" and case.grid == gov["grid"]

    listed = api.get_service_requests(status="open")
    assert [r["service_request_id"] for r in listed] == [number]
    one = api.get_service_request(number)
    assert one["status"] == "open" and one["long"] == 116.641 and "13812345678" not in str(one)

    services.step(gov["worker"], case, "open")
    services.step(gov["centre"], case, "dispatch", department=gov["lamps"])
    services.step(gov["handler"], case, "accept")
    services.step(gov["handler"], case, "feedback", note="已修复")
    services.step(gov["worker"], case, "close")
    closed = api.get_service_request(number)
    assert (
        closed["status"] == "closed"
        and closed["service_notice"] == "已修复"
        and closed["agency_responsible"] == "市政公用处"
    )
    assert api.get_service_requests(status="open") == []
    assert [r["service_request_id"] for r in api.get_service_requests(service_code="street_lamp,noise")] == [
        number
    ]
    assert api.get_service_requests(service_request_id="nothing") == []


def test_refusals_in_the_standard_shape(root, zone, gov):  # type: ignore[no-untyped-def]
    _client, key = services.new_api_client(None, zone, "app")
    no_key = requests.post(
        f"{root}/requests.json",
        data={"service_code": "street_lamp", "description": "x", "lat": "35.4", "long": "116.6"},
        timeout=10,
    )
    assert no_key.status_code == 403 and no_key.json()[0]["code"] == 403
    unknown = requests.post(
        f"{root}/requests.json",
        data={"api_key": key, "service_code": "nope", "description": "x", "address_string": "a"},
        timeout=10,
    )
    assert unknown.status_code == 400 and "service_code" in unknown.json()[0]["description"]
    nowhere = requests.post(
        f"{root}/requests.json",
        data={"api_key": key, "service_code": "street_lamp", "description": "x"},
        timeout=10,
    )
    assert nowhere.status_code == 400  # a place is needed
    half = requests.post(
        f"{root}/requests.json",
        data={"api_key": key, "service_code": "street_lamp", "description": "x", "lat": "35.4"},
        timeout=10,
    )
    assert half.status_code == 400
    assert requests.get(f"{root}/requests/NOPE.json", timeout=10).status_code == 404
    assert requests.get(f"{root}/services/nope.json", timeout=10).status_code == 404
    assert requests.get(f"{root}/requests.json", params={"status": "maybe"}, timeout=10).status_code == 400
    assert not Case.objects.exists()
