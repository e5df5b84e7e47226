"""`gaoxin parks score` on a file, without the database."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from gaoxin.standards import STANDARDS_DIR
from tests.analysis.test_mu_benefit import PRIOR, example_rows

SCHEME = STANDARDS_DIR / "mu_benefit_jining_2025.toml"
COLUMNS = [
    "id",
    "name",
    "pool",
    "industry",
    "years_in_production",
    "flags",
    "land_mu",
    "tax_10k_yuan",
    "revenue_10k_yuan",
    "energy_tce",
    "cod_t",
    "nh3n_t",
    "so2_t",
    "nox_t",
    "rd_10k_yuan",
    "value_added_10k_yuan",
    "employees",
]


def write_example(path: Path, *, bad: bool = False) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        for r in example_rows():
            w.writerow(
                [
                    r["id"],
                    f"{r['id']} 企业",
                    "规上",
                    "3411",
                    10,
                    ",".join(sorted(r["flags"])),
                    *(r.get(c, "") for c in COLUMNS[6:]),
                ]
            )  # type: ignore[attr-defined]
        if bad:
            w.writerow(["X1", "坏行", "规上", "3411", 10, "", "-5", *([1] * 10)])
    return path


def test_score_a_file_to_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    prior = tmp_path / "prior.json"
    prior.write_text(json.dumps(PRIOR))
    call_command(
        "parks",
        "score",
        "--scheme",
        str(SCHEME),
        "--data",
        str(write_example(tmp_path / "d.csv")),
        "--prior",
        str(prior),
    )
    out = json.loads(capsys.readouterr().out)
    by_id = {e["id"]: e for e in out["enterprises"]}
    assert [(by_id[e]["score"], by_id[e]["class"]) for e in ("E1", "E2", "E3")] == [
        (157.0, "A"),
        (37.7, "C"),
        (7.3, "D"),
    ]
    assert by_id["E1"]["sales_per_emission_points"] == 30.0
    assert out["pools"]["above"]["counts"]["A"] == 4


def test_score_a_file_to_xlsx(tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    call_command(
        "parks",
        "score",
        "--scheme",
        str(SCHEME),
        "--data",
        str(write_example(tmp_path / "d.csv")),
        "--format",
        "xlsx",
        "-o",
        str(out),
    )
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0][:6] == ("id", "name", "pool", "score", "rank", "class") and len(rows) == 21


def test_a_bad_row_is_named_and_nothing_is_scored(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="row 22, land_mu"):
        call_command(
            "parks",
            "score",
            "--scheme",
            str(SCHEME),
            "--data",
            str(write_example(tmp_path / "d.csv", bad=True)),
        )


def test_a_bad_scheme_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "s.toml"
    bad.write_text(
        SCHEME.read_text(encoding="utf-8").replace("a_share = 0.20", "a_share = 2", 1), encoding="utf-8"
    )
    with pytest.raises(CommandError, match="share"):
        call_command("parks", "score", "--scheme", str(bad), "--data", str(write_example(tmp_path / "d.csv")))


def _score(path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, object]]:
    call_command("parks", "score", "--scheme", str(SCHEME), "--data", str(path))
    return {e["id"]: e for e in json.loads(capsys.readouterr().out)["enterprises"]}


def _write(path: Path, rows: list[dict[str, object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        for r in rows:
            w.writerow(
                [r["id"], f"{r['id']} 企业", r["pool"], "3411", 10, "", *(r.get(c, "") for c in COLUMNS[6:])]
            )
    return path


def test_the_entry_rule_and_a_negative_tax_are_the_cores_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 2.5-亩 规下 firm and a firm without land are not in N (no rank, no class) and change nobody's
    class; a net negative tax (refunds above the tax paid) is accepted and scores 0 points."""
    rows = [dict(r) | {"pool": "规下" if k < 10 else "规上"} for k, r in enumerate(example_rows())]
    rows[0] |= {"land_mu": 2.5}
    rows[1] |= {"land_mu": 0}
    rows[12] |= {"tax_10k_yuan": -30}
    got = _score(_write(tmp_path / "all.csv", rows), capsys)
    for small in (rows[0]["id"], rows[1]["id"]):
        assert got[small]["class"] == "" and got[small]["rank"] is None and got[small]["score"] is None
        assert "3" in got[small]["reasons"][0]
    without = _score(_write(tmp_path / "members.csv", rows[2:]), capsys)
    assert {k: (v["class"], v["rank"], v["score"]) for k, v in without.items()} == {
        k: (v["class"], v["rank"], v["score"]) for k, v in got.items() if k in without
    }
    negative = got[rows[12]["id"]]
    assert negative["class"] in "ABCD" and negative["tax_per_mu_points"] == 0.0
