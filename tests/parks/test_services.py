"""The yearly 亩产效益 workflow through the database: import, score, notice, appeal, publish."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from gaoxin.common.models import ImportBatch
from gaoxin.parks import exports, services
from gaoxin.parks.models import Fact, Result
from tests.parks.conftest import enterprise, uscc


def result_of(code: str, year: int = 2025) -> Result:
    return Result.objects.get(enterprise=enterprise(code), evaluation__year=year)


def test_scoring_the_registry_reproduces_the_worked_example(evaluation_2025) -> None:  # type: ignore[no-untyped-def]
    services.score(None, evaluation_2025)
    assert (result_of("E1").score, result_of("E1").klass, result_of("E1").rank) == (Decimal("157.00"), "A", 1)
    assert (result_of("E2").score, result_of("E2").klass, result_of("E2").rank) == (Decimal("37.70"), "C", 14)
    assert (result_of("E3").score, result_of("E3").klass) == (Decimal("7.30"), "D")
    evaluation_2025.refresh_from_db()
    assert evaluation_2025.status == "scored"
    # the shipped scheme's quotas (B 35 % rounded up, from the zone's 2023 split): B 7 of 20, not the
    # worked example's 8 (B 40 %); the scores, ranks and the three firms' classes are the example's
    assert evaluation_2025.counts["above"] == {"A": 4, "B": 7, "C": 8, "D": 1, "T": 0}
    assert evaluation_2025.benchmarks["above"]["tax_per_mu"] == pytest.approx(20)
    e1 = result_of("E1")
    assert e1.indicators[2]["capped"] and e1.indicators[0]["sources"] == ["tax"]
    assert [r["code"] for r in e1.reasons][-2:] == ["score", "class_A"]


def test_d_after_d_in_the_published_year_before_pays_the_second_tier(evaluation_2025) -> None:  # type: ignore[no-untyped-def]
    past = evaluation_2025.__class__.objects.get(year=2024)
    Result.objects.create(
        evaluation=past, enterprise=enterprise("E3"), pool="above", score=5, rank=20, klass="D"
    )
    services.score(None, evaluation_2025)
    e3 = result_of("E3")
    assert (e3.consecutive_d, e3.surcharge_yuan_per_kwh, e3.previous_klass) == (2, Decimal("0.100"), "D")


def _csv(rows: list[list[str]]) -> bytes:
    return "\n".join(",".join(r) for r in rows).encode()


def test_a_file_with_one_bad_row_writes_nothing_and_names_the_row(evaluation_2025) -> None:  # type: ignore[no-untyped-def]
    before = Fact.objects.count()
    content = _csv(
        [
            ["统一社会信用代码", "实缴税收(万元)", "营业收入(万元)"],
            [uscc(1), "1600", "61000"],
            [uscc(2), "abc", "25000"],
            ["91370800MA00000031", "10", "10"],
        ]
    )
    report = services.import_department_file(
        None, dataset="tax", year=2025, filename="tax.csv", content=content
    )
    assert report.batch is None
    assert [(p.row, p.field) for p in report.problems] == [(3, "实缴税收(万元)"), (4, "统一社会信用代码")]
    assert Fact.objects.count() == before and not ImportBatch.objects.exists()
    fixed = _csv(
        [
            ["统一社会信用代码", "实缴税收(万元)", "营业收入(万元)"],
            [uscc(1), "1600", "61000"],
            [uscc(2), "500", "25000"],
        ]
    )
    report = services.import_department_file(
        None, dataset="tax", year=2025, filename="tax.csv", content=fixed
    )
    assert report.problems == [] and report.written == 4
    assert Fact.objects.get(
        enterprise=enterprise("E1"), year=2025, metric="tax_yuan", source="tax"
    ).value == Decimal("16000000")


def test_an_unknown_enterprise_and_a_duplicate_row_are_reported(example_zone) -> None:  # type: ignore[no-untyped-def]
    good = "91350100M000100Y43"  # valid, but not in the registry
    content = _csv([["uscc", "tax_10k_yuan"], [good, "1"], [uscc(1), "2"], [uscc(1), "3"], [uscc(2), ""]])
    report = services.import_department_file(
        None, dataset="tax", year=2025, filename="t.csv", content=content
    )
    assert [p.row for p in report.problems] == [2, 4, 5]


def test_a_department_figure_wins_over_the_self_reported_one(evaluation_2025, e1_user) -> None:  # type: ignore[no-untyped-def]
    services.save_own_figures(e1_user, enterprise("E1"), 2025, {"tax_yuan": Decimal("99990000")})
    services.score(None, evaluation_2025)
    assert result_of("E1").indicators[0]["value"] == pytest.approx(30.0, abs=1e-3)


def test_self_reported_figures_count_where_no_department_has_one(evaluation_2025, e3_user) -> None:  # type: ignore[no-untyped-def]
    Fact.objects.filter(enterprise=enterprise("E3"), metric="rd_yuan").delete()
    services.save_own_figures(
        e3_user, enterprise("E3"), 2025, {"rd_yuan": Decimal("1200000")}
    )  # 120 万元 = 3 %
    services.score(None, evaluation_2025)
    assert result_of("E3").indicators[3]["value"] == pytest.approx(3.0)
    assert result_of("E3").indicators[3]["sources"] == ["self", "tax"]  # R&D (own) over revenue (tax)


def test_the_notice_window_and_appeals(evaluation_2025, e3_user) -> None:  # type: ignore[no-untyped-def]
    services.score(None, evaluation_2025)
    with pytest.raises(ValidationError):
        services.file_appeal(e3_user, result_of("E3"), "land is wrong")  # no notice yet
    # published on Wednesday 1 July 2026: the zone's scheme counts five working days after that day —
    # Thu 2, Fri 3, Mon 6, Tue 7, Wed 8 July (five calendar days would have ended on Monday 6 July)
    services.publish_notice(None, evaluation_2025, on=dt.date(2026, 7, 1))
    assert evaluation_2025.notice_ends_on == dt.date(2026, 7, 8)
    appeal = services.file_appeal(e3_user, result_of("E3"), "用地面积有误", today=dt.date(2026, 7, 8))
    with pytest.raises(ValidationError):
        services.file_appeal(e3_user, result_of("E3"), "too late", today=dt.date(2026, 7, 9))
    with pytest.raises(ValidationError):
        services.finalize(None, evaluation_2025, today=dt.date(2026, 7, 8))  # window open
    with pytest.raises(ValidationError):
        services.finalize(None, evaluation_2025, today=dt.date(2026, 7, 9))  # an objection is open
    services.decide_appeal(None, appeal, upheld=False, response="面积以不动产登记为准")  # type: ignore[arg-type]
    services.finalize(None, evaluation_2025, today=dt.date(2026, 7, 9))
    evaluation_2025.refresh_from_db()
    assert evaluation_2025.status == "final" and evaluation_2025.published_on == dt.date(2026, 7, 9)
    with pytest.raises(ValidationError):
        services.score(None, evaluation_2025)  # published results are frozen
    with pytest.raises(ValidationError):
        services.save_own_figures(e3_user, enterprise("E3"), 2025, {"tax_yuan": Decimal(1)})


def test_an_upheld_appeal_sends_the_evaluation_back_to_scoring(evaluation_2025, e3_user) -> None:  # type: ignore[no-untyped-def]
    services.score(None, evaluation_2025)
    services.publish_notice(None, evaluation_2025, on=dt.date(2026, 7, 1))
    appeal = services.file_appeal(e3_user, result_of("E3"), "税收漏计", today=dt.date(2026, 7, 2))
    services.decide_appeal(None, appeal, upheld=True, response="补录税务核定数后重新测算")  # type: ignore[arg-type]
    evaluation_2025.refresh_from_db()
    assert evaluation_2025.status == "scored" and evaluation_2025.notice_on is None
    # the corrected data is scored again: the objection and its decision stay with the firm's result
    services.score(None, evaluation_2025)
    kept = result_of("E3").appeals.get()
    assert kept.pk == appeal.pk and kept.status == "upheld" and kept.response == "补录税务核定数后重新测算"
    assert kept.evaluation_id == evaluation_2025.pk and kept.enterprise == enterprise("E3")


def test_an_objection_outlives_its_firm_leaving_and_reentering_the_pool(evaluation_2025, e3_user) -> None:  # type: ignore[no-untyped-def]
    from gaoxin.parks.models import Appeal, LandUse

    services.score(None, evaluation_2025)
    services.publish_notice(None, evaluation_2025, on=dt.date(2026, 7, 1))
    appeal = services.file_appeal(e3_user, result_of("E3"), "用地面积有误", today=dt.date(2026, 7, 2))
    services.decide_appeal(None, appeal, upheld=True, response="核减用地后重新测算")  # type: ignore[arg-type]
    evaluation_2025.refresh_from_db()
    uses = list(LandUse.objects.filter(enterprise=enterprise("E3")))
    LandUse.objects.filter(enterprise=enterprise("E3")).delete()  # no land: out of the pool
    services.score(None, evaluation_2025)
    orphan = Appeal.objects.get(pk=appeal.pk)
    assert orphan.result is None and orphan.status == "upheld"
    for use in uses:
        use.save()  # land back: the firm's new result carries the objection again
    services.score(None, evaluation_2025)
    assert Appeal.objects.get(pk=appeal.pk).result == result_of("E3")


def test_the_surcharge_list_carries_the_account_numbers(evaluation_2025) -> None:  # type: ignore[no-untyped-def]
    services.score(None, evaluation_2025)
    book = openpyxl.load_workbook(io.BytesIO(exports.surcharge_xlsx(evaluation_2025)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[3][1:] == ("E3 企业", enterprise("E3").uscc, enterprise("E3").power_account, 1, 0.05)
    notice = openpyxl.load_workbook(io.BytesIO(exports.notice_xlsx(evaluation_2025)))
    text = [c for row in notice.worksheets[0].iter_rows(values_only=True) for c in row if c]
    assert "E1 企业" in text and "E3 企业" in text


def test_a_bad_scheme_edit_is_refused_and_a_good_one_is_a_new_version(example_zone) -> None:  # type: ignore[no-untyped-def]
    from gaoxin.parks.models import Scheme

    base = Scheme.objects.get(name="jining-2025", version=1)
    with pytest.raises(ValidationError, match="A \\+ B \\+ D"):
        services.save_scheme_copy(
            None, base, title="t", source=base.source.replace("b_share = 0.40", "b_share = 0.90", 1)
        )  # type: ignore[arg-type]
    new = services.save_scheme_copy(
        None, base, title="2025 修订", source=base.source.replace("weight = 40", "weight = 45", 1)
    )  # type: ignore[arg-type]
    assert new.version == 2 and not new.builtin


def test_a_below_scale_firm_under_3_mu_is_not_in_the_pool(evaluation_2025) -> None:  # type: ignore[no-untyped-def]
    small = enterprise("O17")
    small.scale = "below"
    small.save()
    services.score(None, evaluation_2025)  # O17 has 1 mu
    assert not Result.objects.filter(enterprise=small, evaluation=evaluation_2025).exists()


def test_the_land_file_replaces_the_uses_of_its_parcels_or_writes_nothing(example_zone) -> None:  # type: ignore[no-untyped-def]
    from gaoxin.parks.models import LandParcel, LandUse

    parcel = LandParcel.objects.get(uses__enterprise=enterprise("E1"))  # 50 mu = 33,333.33 m²
    header = ["统一社会信用代码", "宗地编号", "使用方式", "使用面积(平方米)"]
    bad = _csv(
        [
            header,
            [uscc(1), parcel.code, "自有", "30000"],
            [uscc(2), parcel.code, "转让", "2000"],
            [uscc(3), "NOPE", "", "5"],
        ]
    )
    report = services.import_department_file(
        None, dataset="land", year=2025, filename="land.csv", content=bad
    )
    assert [(p.row, p.field) for p in report.problems] == [(3, "使用方式"), (4, "宗地编号")]
    too_much = _csv([header, [uscc(1), parcel.code, "自有", "30000"], [uscc(2), parcel.code, "租赁", "5000"]])
    report = services.import_department_file(
        None, dataset="land", year=2025, filename="land.csv", content=too_much
    )
    assert "add up to more" in report.problems[0].message or "超过" in report.problems[0].message
    assert LandUse.objects.get(parcel=parcel).area_m2 == parcel.area_m2  # nothing written
    good = _csv([header, [uscc(1), parcel.code, "自有", "30000"], [uscc(2), parcel.code, "租赁", "3000"]])
    report = services.import_department_file(
        None, dataset="land", year=2025, filename="land.csv", content=good
    )
    assert report.written == 2
    assert {(u.enterprise.name, u.role, u.area_m2) for u in LandUse.objects.filter(parcel=parcel)} == {
        ("E1 企业", "owner", Decimal("30000")),
        ("E2 企业", "tenant", Decimal("3000")),
    }


def test_the_score_button_is_offered_only_where_scoring_is_allowed(
    client_of, park_staff, evaluation_2025
) -> None:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    c = client_of(park_staff)
    url = reverse("parks:evaluation", args=[evaluation_2025.pk])
    assert 'id="step-score"' in c.get(url).content.decode()  # collecting figures
    services.score(None, evaluation_2025)
    services.publish_notice(None, evaluation_2025, on=dt.date(2026, 7, 1))
    page = c.get(url).content.decode()
    assert 'id="step-score"' not in page  # during the notice ("notice" is not "land_notice")


def test_the_policies_by_class_on_the_page_in_xlsx_and_the_api(
    evaluation_2025, client_of, park_staff
) -> None:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    services.score(None, evaluation_2025)
    c = client_of(park_staff)
    url = reverse("parks:evaluation", args=[evaluation_2025.pk])
    page = c.get(url).content.decode()
    assert 'id="class-policies"' in page and "差别化水价" in page and "城镇土地使用税减免" in page
    water = openpyxl.load_workbook(io.BytesIO(c.get(url, {"format": "policy", "policy": "water"}).content))
    rows = list(water.active.iter_rows(values_only=True))
    e3 = enterprise("E3")
    d_rows = [r for r in rows[3:] if r[4] == "D"]
    assert [(r[1], r[5], r[6], r[7]) for r in d_rows] == [("E3 企业", e3.water_account, 1, 0.5)]
    relief = openpyxl.load_workbook(
        io.BytesIO(c.get(url, {"format": "policy", "policy": "land_use_tax"}).content)
    )
    rrows = list(relief.active.iter_rows(values_only=True))[3:]
    e1 = result_of("E1")
    a_row = next(r for r in rrows if r[1] == "E1 企业")
    assert a_row[4] == "A" and a_row[6] == 1.0
    assert a_row[7] == pytest.approx(float(e1.land_mu) * 10_000 / 15 * 6.0, abs=0.01)
    assert {r[4] for r in rrows} <= {"A", "B"}
    assert c.get(url, {"format": "policy", "policy": "nothere"}).status_code == 404
    api = c.get(f"/api/parks/evaluations/{evaluation_2025.pk}/policies")
    assert api.status_code == 200
    by_code = {p["code"]: p for p in api.json()}
    assert [f["enterprise"] for f in by_code["water"]["firms"] if f["klass"] == "D"] == ["E3 企业"]
    assert by_code["credit"]["kind"] == "list" and all(f["treatment"] for f in by_code["credit"]["firms"])


def test_an_enterprise_reads_and_downloads_its_report_against_its_peers(  # type: ignore[no-untyped-def]
    evaluation_2025, client_of, park_staff, e1_user
) -> None:
    from django.urls import reverse

    from gaoxin.parks import queries

    services.score(None, evaluation_2025)
    e1 = result_of("E1")
    report = queries.result_report(park_staff, e1)
    peers = (
        Result.objects.filter(evaluation=evaluation_2025, pool=e1.pool).exclude(pk=e1.pk).exclude(klass="T")
    )
    same = [r for r in peers if r.enterprise.industry_code[:2] == e1.enterprise.industry_code[:2]]
    assert report["industry_peers"] == len(same) and report["pool_peers"] == peers.count()
    tax = report["rows"][0]
    values = sorted(
        x["value"] for r in same for x in r.indicators if x["code"] == "tax_per_mu" and x["value"] is not None
    )
    import statistics

    assert tax["industry"].median == pytest.approx(statistics.median(values))
    assert [t["year"] for t in report["trend"]] == [2025]
    # before the notice the enterprise sees nothing; from the notice on its own report, as PDF too
    c = client_of(e1_user)
    url = reverse("parks:result", args=[e1.pk])
    assert c.get(url).status_code == 404
    services.run_step(None, evaluation_2025, "notice")
    page = c.get(url)
    assert page.status_code == 200 and 'id="peers"' in page.content.decode()
    pdf = c.get(url, {"format": "pdf"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content[:4] == b"%PDF"
    other = result_of("E2")
    assert c.get(reverse("parks:result", args=[other.pk]), {"format": "pdf"}).status_code == 404


def test_the_parks_and_industries_ranked_by_tax_per_mu(evaluation_2025, client_of, park_staff) -> None:  # type: ignore[no-untyped-def]
    from django.urls import reverse

    from gaoxin.parks import queries

    services.score(None, evaluation_2025)
    tables = queries.group_tables(evaluation_2025)
    rated = Result.objects.filter(evaluation=evaluation_2025).exclude(klass="T")
    tax = sum(
        x["value"] * float(r.land_mu)
        for r in rated
        for x in r.indicators
        if x["code"] == "tax_per_mu" and x["value"]
    )
    land = sum(
        float(r.land_mu) for r in rated for x in r.indicators if x["code"] == "tax_per_mu" and x["value"]
    )
    (zone,) = tables["zone"]
    assert zone.firms == rated.count() and zone.tax_per_mu == pytest.approx(tax / land)
    parks = tables["park"]
    assert [g.rank for g in parks] == list(range(1, len(parks) + 1))
    figures = [g.tax_per_mu for g in parks if g.tax_per_mu is not None]
    assert figures == sorted(figures, reverse=True)
    page = client_of(park_staff).get(reverse("parks:evaluation", args=[evaluation_2025.pk])).content.decode()
    assert 'id="group-figures"' in page


def test_every_step_of_the_year_is_in_the_audit_log(evaluation_2025, client_of, park_staff, e3_user) -> None:  # type: ignore[no-untyped-def]
    """Import, land notice, score, notice, an objection and its decision, publication and every export:
    each leaves an audit event naming who and what."""
    from django.urls import reverse

    from gaoxin.common.models import AuditEvent

    c = client_of(park_staff)
    start = AuditEvent.objects.count()
    content = _csv([["统一社会信用代码", "实缴税收(万元)"], [enterprise("E1").uscc, "1700"]])
    report = services.import_department_file(
        park_staff, dataset="tax", year=2025, filename="tax.csv", content=content
    )
    assert report.batch is not None
    for step in ("land_notice", "score", "notice"):
        services.run_step(park_staff, evaluation_2025, step)
    appeal = services.file_appeal(e3_user, result_of("E3"), "用地面积有误，见附件")
    services.decide_appeal(park_staff, appeal, upheld=False, response="面积以不动产登记为准")
    url = reverse("parks:evaluation", args=[evaluation_2025.pk])
    for params in ({"format": "notice"}, {"format": "surcharge"}, {"format": "policy", "policy": "water"}):
        assert c.get(url, params).status_code == 200
    assert c.get(reverse("parks:result", args=[result_of("E1").pk]), {"format": "pdf"}).status_code == 200
    services.finalize(
        park_staff, evaluation_2025, today=evaluation_2025.notice_ends_on + dt.timedelta(days=1)
    )
    events = list(AuditEvent.objects.order_by("pk")[start:])
    actions = [(e.action, e.target_type) for e in events]
    for wanted in [
        ("import", "parks.tax"),
        ("land_notice", "mu_evaluation"),
        ("score", "mu_evaluation"),
        ("notice", "mu_evaluation"),
        ("create", "mu_appeal"),
        ("decide", "mu_appeal"),
        ("publish", "mu_evaluation"),
    ]:
        assert wanted in actions, wanted
    exports_taken = [e.target_label for e in events if e.action == "export"]
    assert len(exports_taken) == 4 and any(label.endswith(".pdf") for label in exports_taken)
    assert all(e.actor_name for e in events)


def test_the_notice_over_national_day_counts_the_holiday_calendar(evaluation_2025, e3_user) -> None:  # type: ignore[no-untyped-def]
    """Published Wednesday 30 September 2026: 1–7 October are public holidays, Saturday 10 October is
    worked (standards/holidays_cn.toml) — the five working days are 8, 9, 10, 12 and 13 October."""
    services.score(None, evaluation_2025)
    services.publish_notice(None, evaluation_2025, on=dt.date(2026, 9, 30))
    evaluation_2025.refresh_from_db()
    assert evaluation_2025.notice_until == dt.date(2026, 10, 13)
    services.file_appeal(e3_user, result_of("E3"), "用地面积有误", today=dt.date(2026, 10, 13))
    with pytest.raises(ValidationError):
        services.file_appeal(e3_user, result_of("E3"), "too late", today=dt.date(2026, 10, 14))
