def test_api_lists_facilities_with_filters(client_of, planner):
    data = client_of(planner).get("/api/places/facilities", {"q": "柳行"}).json()
    assert [f["code"] for f in data] == ["F-LX-KG-1"]


def test_api_needs_login(client, zone):
    response = client.get("/api/places/facilities")
    assert response.status_code == 401
    assert response.json()["error"] == "unauthenticated"


def test_api_refuses_a_resident(client_of, resident):
    response = client_of(resident).get("/api/places/areas")
    assert response.status_code == 403 and response.json()["error"] == "forbidden"


def test_openapi_schema_is_published(client_of, planner):
    schema = client_of(planner).get("/api/openapi.json").json()
    assert "/api/places/facilities" in schema["paths"]
