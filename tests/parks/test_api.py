"""The parks JSON API: the same rules as the pages."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from gaoxin.parks.models import Fact, Result
from tests.parks.conftest import enterprise, uscc


def test_park_staff_run_the_workflow_through_the_api(client_of, park_staff, evaluation_2025) -> None:  # type: ignore[no-untyped-def]
    c = client_of(park_staff)
    r = c.post(f"/api/parks/evaluations/{evaluation_2025.pk}/steps/score")
    assert r.status_code == 200 and r.json()["status"] == "scored" and r.json()["counts"]["above"]["A"] == 4
    r = c.post(f"/api/parks/evaluations/{evaluation_2025.pk}/steps/finalize")
    assert r.status_code == 400 and r.json()["error"] == "workflow"
    assert c.post(f"/api/parks/evaluations/{evaluation_2025.pk}/steps/nope").status_code == 404
    results = c.get(f"/api/parks/evaluations/{evaluation_2025.pk}/results?klass=D").json()
    assert [x["enterprise"] for x in results] == ["E3 企业"]
    assert "排名第 20" in results[0]["reasons"][-1]  # zh-hans by default


def test_a_bad_import_through_the_api_lists_the_problems(client_of, park_staff, example_zone) -> None:  # type: ignore[no-untyped-def]
    c = client_of(park_staff)
    before = Fact.objects.count()
    bad = SimpleUploadedFile("tax.csv", f"uscc,tax_10k_yuan\n{uscc(1)},x\n".encode())
    r = c.post("/api/parks/imports", {"dataset": "tax", "year": 2025, "file": bad})
    assert r.status_code == 400 and r.json()["problems"][0]["row"] == 2 and Fact.objects.count() == before
    good = SimpleUploadedFile("tax.csv", f"uscc,tax_10k_yuan\n{uscc(1)},1600\n".encode())
    r = c.post("/api/parks/imports", {"dataset": "tax", "year": 2025, "file": good})
    assert r.status_code == 201 and r.json()["written"] == 1


def test_an_enterprise_gets_only_its_own_results(client_of, park_staff, e1_user, evaluation_2025) -> None:  # type: ignore[no-untyped-def]
    staff = client_of(park_staff)
    staff.post(f"/api/parks/evaluations/{evaluation_2025.pk}/steps/score")
    staff.post(f"/api/parks/evaluations/{evaluation_2025.pk}/steps/notice")
    c = client_of(e1_user)
    own = Result.objects.get(enterprise=enterprise("E1"))
    other = Result.objects.get(enterprise=enterprise("E3"))
    assert [x["enterprise"] for x in c.get("/api/parks/my/results").json()] == ["E1 企业"]
    assert c.get(f"/api/parks/results/{own.pk}").status_code == 200
    assert c.get(f"/api/parks/results/{other.pk}").status_code == 404
    assert c.get("/api/parks/evaluations").status_code == 403
    assert c.get(f"/api/parks/evaluations/{evaluation_2025.pk}/results").status_code == 403
    assert c.post("/api/parks/imports", {"dataset": "tax", "year": 2025}).status_code in (403, 422)
    assert c.post(f"/api/parks/evaluations/{evaluation_2025.pk}/steps/finalize").status_code == 403


def test_a_net_negative_tax_is_imported_and_scores_zero_points_like_the_core(  # type: ignore[no-untyped-def]
    client_of, park_staff, evaluation_2025
) -> None:
    """留抵退税 larger than the tax paid: the department's figure is negative; it is accepted and its
    tax sub-score is 0, as the core and the command line score it. Other figures stay non-negative."""
    c = client_of(park_staff)
    negative = SimpleUploadedFile("tax.csv", f"uscc,tax_10k_yuan\n{uscc(1)},-30\n".encode())
    r = c.post("/api/parks/imports", {"dataset": "tax", "year": 2025, "file": negative})
    assert r.status_code == 201 and r.json()["written"] == 1
    assert Fact.objects.get(enterprise=enterprise("E1"), year=2025, metric="tax_yuan", source="tax").value < 0
    r = c.post(f"/api/parks/evaluations/{evaluation_2025.pk}/steps/score")
    assert r.status_code == 200
    e1 = Result.objects.get(evaluation=evaluation_2025, enterprise=enterprise("E1"))
    tax = next(i for i in e1.indicators if i["code"] == "tax_per_mu")
    assert tax["value"] < 0 and tax["sub_score"] == 0.0
    energy = SimpleUploadedFile("stats.csv", f"uscc,energy_tce\n{uscc(1)},-5\n".encode())
    r = c.post("/api/parks/imports", {"dataset": "stats", "year": 2025, "file": energy})
    assert r.status_code == 400 and "-5" in r.json()["problems"][0]["message"]
