import io
import json

from django.core.management import call_command

from gaoxin.lifecircle import queries
from gaoxin.lifecircle.models import Evaluation


def test_api_runs_and_reads_evaluations(client_of, planner, network_zone):
    c = client_of(planner)
    created = c.post("/api/lifecircle/evaluations", data={}, content_type="application/json")
    assert created.status_code == 202  # a job (run where it is submitted in the test suite)
    job = c.get(created.json()["status_url"]).json()
    assert job["status"] == "done" and job["finished"] and job["result_url"]
    pk = job["result"]["evaluation"]
    assert c.get("/api/lifecircle/evaluations").json()[0]["id"] == pk
    areas = c.get(f"/api/lifecircle/evaluations/{pk}/areas").json()
    assert {a["area_code"] for a in areas} == {"RA-DZ-01", "RA-CW-01"}
    gaps = c.get(f"/api/lifecircle/evaluations/{pk}/gaps").json()
    assert all(g["missing"] for g in gaps)


def test_api_street_staff_get_their_street_only_and_start_evaluations(client_of, guanghe_staff, network_zone):
    from gaoxin.lifecircle import services

    run = services.evaluate(actor=None, zone=network_zone)
    c = client_of(guanghe_staff)
    assert [a["area_code"] for a in c.get(f"/api/lifecircle/evaluations/{run.pk}/areas").json()] == [
        "RA-DZ-01"
    ]
    started = c.post("/api/lifecircle/evaluations", data={}, content_type="application/json")
    assert started.status_code == 202 and started.json()["status"] == "done"
    assert (
        c.post(
            "/api/lifecircle/siting", data={"type": "kindergarten"}, content_type="application/json"
        ).status_code
        == 403
    )


def test_api_without_network_the_job_fails_with_its_reason(client_of, planner, zone):
    response = client_of(planner).post(
        "/api/lifecircle/evaluations", data={}, content_type="application/json"
    )
    assert response.status_code == 202 and response.json()["status"] == "failed"
    assert response.json()["error"].startswith("本区没有可用的步行路网")  # the reason, in Chinese


def test_command_evaluates_and_prints_json(network_zone, tmp_path, capsys):
    call_command("lifecircle", "evaluate", "--zone", "370871", "--profile", "gb50180-2018")
    doc = json.loads(capsys.readouterr().out)
    assert doc["profile"].startswith("GB 50180-2018") and len(doc["areas"]) == 2
    out = tmp_path / "e.xlsx"
    call_command(
        "lifecircle", "evaluate", "--zone", "370871", "--format", "xlsx", "-o", str(out), stderr=io.StringIO()
    )
    assert out.read_bytes()[:2] == b"PK" and Evaluation.objects.count() == 2


def test_api_proposes_sites_and_compares_a_scenario(client_of, planner, guanghe_staff, network_zone):
    from gaoxin.lifecircle import services
    from gaoxin.places.models import Street

    guanghe = Street.objects.get(code="370871001")
    c = client_of(planner)
    body = {"type": "day_care_center", "street_id": guanghe.pk, "p": 1}
    r = c.post("/api/lifecircle/siting", data=body, content_type="application/json")
    assert r.status_code == 200, r.content
    out = r.json()
    assert out["proposals"][0]["gain"] == 300 and out["radius_m"] == 300 and out["covered_before"] == 0
    capped = c.post(
        "/api/lifecircle/siting", data=body | {"p": None, "capacity": 120}, content_type="application/json"
    ).json()
    assert len(capped["proposals"]) == 3 and capped["covered_after"] == 300
    bad = c.post(
        "/api/lifecircle/siting", data=body | {"p": queries.MAX_NEW_SITES}, content_type="application/json"
    )
    assert bad.status_code == 400 and bad.json()["error"] == "siting_failed"  # more sites than points
    huge = c.post(
        "/api/lifecircle/siting",
        data=body | {"p": queries.MAX_NEW_SITES + 1},
        content_type="application/json",
    )
    assert huge.status_code == 422 and huge.json()["problems"][0]["field"] == "body.payload.p"
    assert (
        client_of(guanghe_staff)
        .post("/api/lifecircle/siting", data=body, content_type="application/json")
        .status_code
        == 403
    )
    site = out["proposals"][0]
    scenario = services.create_scenario(
        actor=planner, zone=network_zone, name="日照", type_code="day_care_center", sites=[site]
    )
    c = client_of(planner)
    assert c.get("/api/lifecircle/scenarios").json()[0]["id"] == scenario.pk
    cmp = c.get(f"/api/lifecircle/scenarios/{scenario.pk}/comparison").json()
    day_care = next(i for i in cmp["items"] if i["type"] == "day_care_center")
    assert day_care["after"] > day_care["before"]
    assert day_care["group_after"] > day_care["group_before"]  # of the residents aged 60+
    assert any(i["group_before"] is None for i in cmp["items"])  # items without a demand group
    assert {
        "area": "东闸花园",
        "before": cmp["changed"][0]["before"],
        "after": cmp["changed"][0]["after"],
    } in cmp["changed"]
    eldercare = next(k for k in cmp["classes"] if k["code"] == "eldercare")
    assert eldercare["after"] >= eldercare["before"]
