"""The parks JSON API: the same rules as the pages."""

from __future__ import annotations

from decimal import Decimal

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


def test_a_department_pushes_its_figures_without_a_file(client_of, park_staff, example_zone) -> None:  # type: ignore[no-untyped-def]
    from gaoxin.common.models import AuditEvent, ImportBatch
    from gaoxin.parks.models import Fact
    from tests.parks.conftest import enterprise

    c = client_of(park_staff)
    e1, e2 = enterprise("E1"), enterprise("E2")
    body = {
        "year": 2025,
        "rows": [
            {"统一社会信用代码": e1.uscc, "实缴税收(万元)": 1234.5, "营业收入(万元)": "50000"},
            {"统一社会信用代码": e2.uscc, "实缴税收(万元)": -30},  # a net refund (留抵退税), as in a file
        ],
    }
    before = Fact.objects.count()
    r = c.post("/api/parks/departments/tax/figures", data=body, content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["written"] == 3

    def tax_of(e):  # type: ignore[no-untyped-def]
        return Fact.objects.get(enterprise=e, year=2025, metric="tax_yuan", source="tax").value

    assert (tax_of(e1), tax_of(e2)) == (Decimal("12345000"), Decimal("-300000"))  # 万元 stored as yuan
    before = Fact.objects.count()
    batch = ImportBatch.objects.get(pk=r.json()["batch_id"])
    assert batch.filename == "接口推送（2025）" and batch.status == "applied" and batch.kind == "parks.tax"
    assert AuditEvent.objects.filter(action="import", target_id=str(batch.pk)).exists()
    # one bad row: nothing is written, the row and the field are named
    # the columns' codes work as well; one bad row: nothing is written, the row and the field are named
    bad = body | {
        "rows": [
            {"uscc": e1.uscc, "tax_10k_yuan": 99},
            {"uscc": e2.uscc, "tax_10k_yuan": "abc"},
            {"uscc": "nope", "tax_10k_yuan": 1},
        ]
    }
    r = c.post("/api/parks/departments/tax/figures", data=bad, content_type="application/json")
    assert r.status_code == 400 and Fact.objects.count() == before and tax_of(e1) == Decimal("12345000")
    rows = {(p["row"], p["field"]) for p in r.json()["problems"]}
    assert (3, "tax_10k_yuan") in rows and (4, "uscc") in rows
    for wrong in ({"year": 1999}, {"rows": []}, {"rows": [{"uscc": {"x": 1}}]}):
        assert (
            c.post(
                "/api/parks/departments/tax/figures", data=body | wrong, content_type="application/json"
            ).status_code
            == 422
        )
    assert (
        c.post("/api/parks/departments/nope/figures", data=body, content_type="application/json").status_code
        == 422
    )
