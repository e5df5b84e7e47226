"""`gaoxin parks score`: score and class a data file with a scheme, without touching the database.

The office tries a draft scheme on last year's figures before adopting it. File columns (CSV or
xlsx, one row per enterprise; a blank cell is "no figure"):

  id            统一社会信用代码 or any unique id (header ``id``, ``uscc`` or ``统一社会信用代码``)
  name          optional
  pool          ``above``/``below`` (or 规上/规下): the scheme's pool codes
  industry      optional GB/T 4754 code (44-46 go to class T when the scheme says so)
  years_in_production   optional, full years (start-up rule)
  flags         optional, comma-separated item codes (high_tech, env_penalty, major_accident, major_project)
  <metric>      every metric the scheme names, in its unit: land_mu, tax_10k_yuan, revenue_10k_yuan,
                value_added_10k_yuan, rd_10k_yuan, employees, energy_tce, cod_t, nh3n_t, so2_t, nox_t
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gaoxin.analysis import mu_benefit as mb
from gaoxin.analysis.errors import AnalysisError
from gaoxin.common.errors import describe
from gaoxin.common.imports import ImportRejected, read_rows
from gaoxin.common.tabular import write_xlsx
from gaoxin.parks.analysis import reason_text
from gaoxin.parks.validators import parse_scheme

POOL_ALIASES = {"规上": "above", "规下": "below"}


def _number(raw: Any, *, signed: bool = False) -> float:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return float("nan")
    value = float(str(raw).replace(",", "").strip())
    if not np.isfinite(value) or (value < 0 and not signed):
        raise ValueError
    return value


def read_firms(path: Path, scheme: mb.Scheme) -> tuple[mb.Firms, list[str]]:
    try:
        rows = read_rows(path.read_bytes(), filename=path.name, formats=("csv", "xlsx"))
    except ImportRejected as exc:
        raise CommandError(" ".join(p.message for p in exc.problems)) from None
    header = set(rows[0].cells)
    id_col = next((c for c in ("id", "uscc", "统一社会信用代码") if c in header), None)
    missing = [c for c in ("pool",) if c not in header] + ([] if id_col else ["id"])
    missing += [m for m in scheme.metrics if m not in header]
    if missing or id_col is None:
        raise CommandError(f"The data file lacks the column(s): {', '.join(missing)}.")
    problems: list[str] = []
    ids, names, pools, industry, years, flags = [], [], [], [], [], []
    metrics: dict[str, list[float]] = {m: [] for m in scheme.metrics}
    seen: set[str] = set()
    pool_codes = {p.code for p in scheme.pools}
    for row in rows:
        c = row.cells
        fid = str(c.get(id_col) or "").strip()
        if not fid or fid in seen:
            problems.append(f"row {row.number}, {id_col}: {'empty' if not fid else 'duplicate ' + fid}")
            continue
        seen.add(fid)
        pool = POOL_ALIASES.get(str(c.get("pool", "")).strip(), str(c.get("pool", "")).strip())
        if pool not in pool_codes:
            problems.append(f"row {row.number}, pool: {pool!r} is not one of {', '.join(sorted(pool_codes))}")
        values = {}
        for m in scheme.metrics:
            signed = m in mb.SIGNED_METRICS  # a net tax after refunds may be negative
            try:
                values[m] = _number(c.get(m), signed=signed)
            except ValueError:
                kind = "a number" if signed else "a non-negative number"
                problems.append(f"row {row.number}, {m}: {c.get(m)!r} is not {kind}")
        try:
            y = _number(c.get("years_in_production"))
        except ValueError:
            problems.append(
                f"row {row.number}, years_in_production: {c.get('years_in_production')!r} is not a number"
            )
            y = float("nan")
        ids.append(fid)
        names.append(str(c.get("name") or ""))
        pools.append(pool)
        industry.append(str(c.get("industry") or ""))
        years.append(y)
        flags.append(frozenset(f.strip() for f in str(c.get("flags") or "").split(",") if f.strip()))
        for m in scheme.metrics:
            metrics[m].append(values.get(m, float("nan")))
    if problems:
        raise CommandError("The data file has problems; nothing was scored:\n  " + "\n  ".join(problems))
    firms = mb.Firms(
        ids=ids,
        pool=pools,
        metrics={m: np.array(v) for m, v in metrics.items()},
        industry=industry,
        years_in_production=np.array(years),
        flags=flags,
    )
    return firms, names


class Command(BaseCommand):
    help = (
        "Park data: `gaoxin parks score --scheme S.toml --data D.csv|D.xlsx [--format json|xlsx] [-o FILE]` "
        "scores and classes a file with a scheme, without the database (columns: see the module docstring "
        "and docs/user-guide.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["score"])
        parser.add_argument(
            "--scheme",
            required=True,
            help="scheme TOML (e.g. src/gaoxin/standards/mu_benefit_jining_2025.toml)",
        )
        parser.add_argument("--data", required=True, help="CSV or xlsx, one row per enterprise")
        parser.add_argument(
            "--prior", help="JSON of last year's pool means {pool: {indicator: mean}}; default: this year's"
        )
        parser.add_argument("--format", choices=["json", "xlsx"], default="json")
        parser.add_argument("-o", "--output", help="file to write (xlsx needs one)")

    def handle(self, *args: Any, **o: Any) -> None:
        from django.core.exceptions import ValidationError

        scheme_path, data_path = Path(o["scheme"]), Path(o["data"])
        for p in (scheme_path, data_path):
            if not p.is_file():
                raise CommandError(f"No such file: {p}")
        try:
            scheme = parse_scheme(scheme_path.read_text(encoding="utf-8"))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        firms, names = read_firms(data_path, scheme)
        prior = None
        if o["prior"]:
            try:
                prior = json.loads(Path(o["prior"]).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(f"--prior: {exc}") from None
        try:
            result = mb.evaluate(scheme, firms, prior_means=prior)
        except AnalysisError as exc:
            raise CommandError(describe(exc)) from None
        rows = []
        for i, fid in enumerate(firms.ids):
            pool = scheme.pool(firms.pool[i])
            in_pool = result.excluded_by[i] != mb.NOT_IN_POOL  # the core's entry rule (land, 3 亩 for 规下)
            row: dict[str, Any] = {
                "id": fid,
                "name": names[i],
                "pool": firms.pool[i],
                "score": float(result.score[i]) if in_pool else None,
                "rank": int(result.rank[i]) if in_pool else None,
                "class": str(result.klass[i]),
            }
            for j, ind in enumerate(pool.indicators):
                v = float(result.values[i, j])
                row[ind.code] = None if v != v else round(v, 4)
                s = float(result.sub_scores[i, j])
                row[f"{ind.code}_points"] = None if s != s else round(s, 2)
            row["reasons"] = [reason_text({"code": r.code, "params": r.params}) for r in result.explain(i)]
            rows.append(row)
        summary = {
            p: {
                "counts": dict(info.counts),
                "benchmarks": dict(info.benchmarks),
                "benchmark_source": dict(info.benchmark_source),
            }
            for p, info in result.pools.items()
        }
        if o["format"] == "json":
            text = json.dumps(
                {"scheme": scheme.name, "pools": summary, "enterprises": rows}, ensure_ascii=False, indent=1
            )
            if o["output"]:
                Path(o["output"]).write_text(text, encoding="utf-8")
            else:
                sys.stdout.write(text + "\n")
            return
        if not o["output"]:
            raise CommandError("--format xlsx needs -o FILE.")
        columns = list(rows[0]) if rows else ["id"]
        flat = [{**r, "reasons": " | ".join(r["reasons"])} for r in rows]
        Path(o["output"]).write_bytes(write_xlsx(columns, flat, title="results"))
        self.stdout.write(f"{len(rows)} enterprises scored → {o['output']}")
