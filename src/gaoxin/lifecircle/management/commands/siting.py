"""`gaoxin siting cover|median|center|plan`: where to build next, from files, no database — the same
models as the siting page and the API, for scripted use (like `gaoxin access`).

Inputs (CSV, UTF-8 or GBK; headers in any case):
  --network     an OpenStreetMap .osm.pbf file or a GeoJSON file of LineStrings
  --demand      id, lon, lat, weight[, group]       (e.g. residential-area gates and their people aged 60+;
                                                      for a plan of several types, weight_<type> per type)
  --candidates  id, lon, lat[, capacity][, land_cost]   (land_cost in yuan, paid once per lot in a plan)
  --existing    id, lon, lat[, type][, capacity][, running_cost]   (optional; kept open, or closable in a plan;
                a row without a type belongs to every type of a plan)

Models:
  cover   with --p: the p new sites reaching the most weight within --radius (MCLP); without: the fewest
          that reach everyone (LSCP); --capacity N: places per new site (the capacitated models)
  median  --p new sites with the shortest total walk (p-median) over walks up to --reach
  center  at most --p new sites making the longest walk the shortest (p-center) over walks up to --reach
  plan    several --type NAME:RADIUS:BUILD:RUNNING (yuan; running per year) on shared candidate lots under
          --budget (yuan) over --years, with --colocate, --closable and --min-group-share
Output: one row per proposed site in the order of what it adds (CSV), or with --format json the summary,
the sites and the coverage curve. --time-limit stops each solve and says "not proven optimal" with the gap.
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gaoxin.analysis import access, siting, siting_plan
from gaoxin.analysis.errors import AnalysisError
from gaoxin.analysis.geo import gcj02_to_wgs84
from gaoxin.analysis.osm import read_network
from gaoxin.common.tabular import TableError, read_csv

MAX_SITES = 50  # as the page and the API


def _number(cells: dict[str, str], key: str, where: str, *, default: float | None = None) -> float | None:
    raw = (cells.get(key) or "").strip()
    if not raw:
        return default
    try:
        value = float(raw.replace(",", ""))
    except ValueError:
        raise CommandError(f"{where}: {key} {raw!r} is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise CommandError(f"{where}: {key} must be a finite number of zero or more")
    return value


def _table(path: Path, *, gcj02: bool) -> list[dict[str, Any]]:
    """The rows of a points file: id, lon, lat checked (file and line named), the other cells as text."""
    try:
        rows = read_csv(path.read_bytes())
    except (TableError, OSError) as exc:
        raise CommandError(f"{path}: {getattr(exc, 'strerror', None) or exc}") from None
    out, seen = [], set()
    for row in rows:
        cells = {str(k).strip().lower(): ("" if v is None else str(v)) for k, v in row.cells.items()}
        where = f"{path}, line {row.number}"
        for key in ("id", "lon", "lat"):
            if not cells.get(key, "").strip():
                raise CommandError(f"{where}: missing {key}")
        try:
            x, y = float(cells["lon"]), float(cells["lat"])
        except ValueError:
            raise CommandError(f"{where}: lon and lat must be numbers") from None
        if not (math.isfinite(x) and math.isfinite(y)) or abs(x) > 180 or abs(y) > 90:
            raise CommandError(f"{where}: ({cells['lon']}, {cells['lat']}) lies outside the lon/lat range")
        if gcj02:
            try:
                x, y = gcj02_to_wgs84(x, y)
            except AnalysisError as exc:
                raise CommandError(f"{where}: {exc.message}") from None
        if cells["id"] in seen:
            raise CommandError(f"{path}: the id {cells['id']} appears more than once")
        seen.add(cells["id"])
        out.append(cells | {"lon": x, "lat": y, "_where": where})
    if not out:
        raise CommandError(f"{path}: no rows")
    return out


def _type_spec(text: str) -> dict[str, Any]:
    parts = text.split(":")
    if len(parts) != 4 or not parts[0]:
        raise CommandError(f"--type {text}: write NAME:RADIUS:BUILD:RUNNING, e.g. day_care:300:800000:200000")
    try:
        radius, build, running = (float(p) for p in parts[1:])
    except ValueError:
        raise CommandError(f"--type {text}: radius and costs are numbers") from None
    if not (math.isfinite(radius) and radius > 0) or not all(
        math.isfinite(v) and v >= 0 for v in (build, running)
    ):
        raise CommandError(f"--type {text}: a positive radius and costs of zero or more")
    return {"name": parts[0], "radius": radius, "build": build, "running": running}


class Command(BaseCommand):
    help = __doc__ or ""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("model", choices=["cover", "median", "center", "plan"])
        parser.add_argument("--network", required=True)
        parser.add_argument("--demand", required=True)
        parser.add_argument("--candidates", required=True)
        parser.add_argument("--existing")
        parser.add_argument("--radius", type=float, help="metres (cover)")
        parser.add_argument("--p", type=int, help="new sites (cover, median, center); lots at most (plan)")
        parser.add_argument(
            "--reach", type=float, help="metres: the longest walk considered (median, center)"
        )
        parser.add_argument("--capacity", type=float, help="places per new site (capacitated cover/median)")
        parser.add_argument("--type", action="append", default=[], help="NAME:RADIUS:BUILD:RUNNING (plan)")
        parser.add_argument("--budget", type=float, help="yuan (plan)")
        parser.add_argument("--years", type=int, default=5, help="years of running costs (plan)")
        parser.add_argument(
            "--land-cost", type=float, default=0.0, help="yuan per lot without its own (plan)"
        )
        parser.add_argument("--colocate", action="store_true", help="every lot used hosts every type (plan)")
        parser.add_argument("--closable", action="store_true", help="existing sites may close (plan)")
        parser.add_argument("--min-group-share", type=float, help="0..1 of each demand group reached (plan)")
        parser.add_argument("--time-limit", type=float, help="seconds per solve")
        parser.add_argument("--snap-tolerance", type=float, default=access.DEFAULT_SNAP_TOLERANCE_M)
        parser.add_argument("--crs", choices=["wgs84", "gcj02"], default="wgs84")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument("-o", "--output", help="file to write; default standard output")

    def _check_options(self, o: dict[str, Any]) -> list[dict[str, Any]]:
        """The options, checked before any file is read (a network takes long to load)."""
        model = o["model"]
        for key in ("radius", "reach", "capacity", "time_limit", "snap_tolerance"):
            v = o[key]
            if v is not None and not (math.isfinite(v) and v > 0):
                raise CommandError(f"--{key.replace('_', '-')} must be a positive number")
        if o["p"] is not None and not 0 <= o["p"] <= MAX_SITES:
            raise CommandError(f"--p lies in 0..{MAX_SITES}")
        if model in ("median", "center") and o["p"] is None:
            raise CommandError(f"{model} needs --p")
        if model == "cover" and o["radius"] is None:
            raise CommandError("cover needs --radius")
        if model in ("median", "center") and o["radius"] is None and o["reach"] is None:
            raise CommandError(f"{model} needs --reach (or --radius: the reach is then 3 × the radius)")
        if model == "center" and o["capacity"] is not None:
            raise CommandError("center has no capacitated variant")
        types = [_type_spec(t) for t in o["type"]]
        if model == "plan":
            if not types:
                raise CommandError("plan needs at least one --type NAME:RADIUS:BUILD:RUNNING")
            if len({t["name"] for t in types}) != len(types):
                raise CommandError("each --type once")
            if o["budget"] is None and o["p"] is None:
                raise CommandError("plan needs --budget (yuan) or --p (lots)")
            for key in ("budget", "land_cost"):
                v = o[key]
                if v is not None and not (math.isfinite(v) and v >= 0):
                    raise CommandError(f"--{key.replace('_', '-')} must be zero or more yuan")
            if not 1 <= o["years"] <= 50:
                raise CommandError("--years lies in 1..50")
            share = o["min_group_share"]
            if share is not None and not (math.isfinite(share) and 0 <= share <= 1):
                raise CommandError("--min-group-share lies in 0..1")
        elif types:
            raise CommandError("--type belongs to plan")
        return types

    def handle(self, *args: Any, **o: Any) -> None:
        types = self._check_options(o)
        gcj = o["crs"] == "gcj02"
        demand = _table(Path(o["demand"]), gcj02=gcj)
        cands = _table(Path(o["candidates"]), gcj02=gcj)
        existing = _table(Path(o["existing"]), gcj02=gcj) if o["existing"] else []
        try:
            net = read_network(Path(o["network"]))
            tol = o["snap_tolerance"]

            def snap(rows: list[dict[str, Any]], name: str) -> access.Snapped:
                s = access.snap(net, [r["lon"] for r in rows], [r["lat"] for r in rows], tolerance_m=tol)
                for i in np.flatnonzero(~s.reachable).tolist():
                    self.stderr.write(
                        f"{name} {rows[i]['id']} is {s.distance_m[i]:.0f} m from the nearest street: left out"
                    )
                return s

            origins, lots = snap(demand, "demand point"), snap(cands, "candidate")
            ex_snap = snap(existing, "existing site") if existing else None
            with siting.time_limit(o["time_limit"]):
                if o["model"] == "plan":
                    out = self._plan(o, types, net, demand, cands, existing, origins, lots, ex_snap)
                else:
                    out = self._single(o, net, demand, cands, existing, origins, lots, ex_snap)
        except AnalysisError as exc:
            raise CommandError(exc.message) from None
        self._write(o, out)

    def _single(
        self,
        o: dict[str, Any],
        net: Any,
        demand: list[dict[str, Any]],
        cands: list[dict[str, Any]],
        existing: list[dict[str, Any]],
        origins: access.Snapped,
        lots: access.Snapped,
        ex_snap: access.Snapped | None,
    ) -> dict[str, Any]:
        model, p = o["model"], o["p"]
        radius = o["radius"]
        reach = o["reach"] if o["reach"] is not None else 3 * radius
        sites = lots if ex_snap is None else access.concat(lots, ex_snap)
        n_new, n_sites = len(cands), len(cands) + len(existing)
        pairs = access.pairs_within(net, origins, sites, max_m=radius if model == "cover" else reach)
        sp = siting.Pairs(demand=pairs.origin, site=pairs.facility, distance_m=pairs.distance_m)
        w = np.array([_number(r, "weight", r["_where"], default=1.0) for r in demand], dtype=float)
        common: dict[str, Any] = {
            "n_demand": len(demand),
            "n_sites": n_sites,
            "fixed": np.arange(n_new, n_sites, dtype=np.int64),
            "weights": w,
        }
        capacity = None
        if o["capacity"] is not None:
            capacity = np.array(
                [_number(r, "capacity", r["_where"], default=o["capacity"]) for r in cands]
                + [_number(r, "capacity", r["_where"], default=o["capacity"]) for r in existing],
                dtype=float,
            )
        curve: list[dict[str, Any]] = []
        if model == "cover":
            if capacity is not None:
                result: siting.SitingResult = (
                    siting.capacitated_lscp(sp, radius_m=radius, capacity=capacity, **common)
                    if p is None
                    else siting.capacitated_mclp(sp, radius_m=radius, p=p, capacity=capacity, **common)
                )
            else:
                result = (
                    siting.lscp(sp, radius_m=radius, **common)
                    if p is None
                    else siting.mclp(sp, radius_m=radius, p=p, **common)
                )
                for k in range(result.chosen.size + 1):
                    best = siting.mclp(sp, radius_m=radius, p=k, **common)
                    curve.append(
                        {"sites": k, "covered": round(best.covered_weight, 3), "proven": best.gap is None}
                    )
        elif model == "median":
            result = (
                siting.p_median(sp, p=p, unserved_m=reach, **common)
                if capacity is None
                else siting.capacitated_p_median(sp, p=p, unserved_m=reach, capacity=capacity, **common)
            )
        else:
            result = siting_plan.p_center(sp, p=p, **common)
        rows = [
            {
                "rank": k + 1,
                "candidate_id": cands[j]["id"],
                "lon": round(cands[j]["lon"], 6),
                "lat": round(cands[j]["lat"], 6),
                "gain": round(float(g), 3),
            }
            for k, (j, g) in enumerate(zip(result.chosen.tolist(), result.gain.tolist(), strict=True))
        ]
        return {
            "model": model,
            "status": "optimal" if result.gap is None else "not proven optimal",
            "gap": result.gap,
            "objective": result.objective,
            "covered": result.covered_weight,
            "total": float(w.sum()),
            "sites": rows,
            "curve": curve,
            "unassigned": [demand[i]["id"] for i in np.flatnonzero((result.assigned < 0) & (w > 0)).tolist()],
        }

    def _plan(
        self,
        o: dict[str, Any],
        types: list[dict[str, Any]],
        net: Any,
        demand: list[dict[str, Any]],
        cands: list[dict[str, Any]],
        existing: list[dict[str, Any]],
        origins: access.Snapped,
        lots: access.Snapped,
        ex_snap: access.Snapped | None,
    ) -> dict[str, Any]:
        groups = None
        if o["min_group_share"]:
            labels = sorted({r.get("group", "") for r in demand})
            groups = np.array([labels.index(r.get("group", "")) for r in demand], dtype=np.int64)
        demands = []
        for t in types:
            mine = [k for k, r in enumerate(existing) if r.get("type", t["name"]) in ("", t["name"])]
            sites = lots
            if mine and ex_snap is not None:
                keep = np.array(mine, dtype=np.int64)
                sites = access.concat(
                    lots,
                    access.Snapped(
                        edge=ex_snap.edge[keep],
                        offset_m=ex_snap.offset_m[keep],
                        distance_m=ex_snap.distance_m[keep],
                        reachable=ex_snap.reachable[keep],
                        node=ex_snap.node[keep],
                    ),
                )
            pairs = access.pairs_within(net, origins, sites, max_m=t["radius"])
            key = f"weight_{t['name']}".lower()
            w = [_number(r, key if key in r else "weight", r["_where"], default=1.0) for r in demand]
            running = [
                _number(existing[k], "running_cost", existing[k]["_where"], default=t["running"])
                for k in mine
            ]
            demands.append(
                siting_plan.TypeDemand(
                    name=t["name"],
                    pairs=siting.Pairs(demand=pairs.origin, site=pairs.facility, distance_m=pairs.distance_m),
                    n_demand=len(demand),
                    n_existing=len(mine),
                    radius_m=t["radius"],
                    weights=np.array(w, dtype=float),
                    site_cost=t["build"] + t["running"] * o["years"],
                    existing_cost=np.array(running, dtype=float) * o["years"],
                    groups=groups,
                    min_share=o["min_group_share"],
                )
            )
            t["existing"] = [existing[k]["id"] for k in mine]
        land = [_number(r, "land_cost", r["_where"], default=o["land_cost"]) for r in cands]
        plan, curve = siting_plan.coverage_curve(
            demands,
            n_lots=len(cands),
            lot_cost=np.array(land, dtype=float),
            budget=o["budget"],
            max_lots=o["p"],
            colocate=o["colocate"],
            closable=o["closable"],
        )
        rows = []
        for k, (j, g) in enumerate(zip(plan.lots.tolist(), plan.gain.tolist(), strict=True)):
            here = [tp.name for tp in plan.types if j in set(tp.lots.tolist())]
            cost = float(land[j] or 0.0) + sum(
                float(d.site_cost) for d, tp in zip(demands, plan.types, strict=True) if tp.name in here
            )
            rows.append(
                {
                    "rank": k + 1,
                    "candidate_id": cands[j]["id"],
                    "lon": round(cands[j]["lon"], 6),
                    "lat": round(cands[j]["lat"], 6),
                    "gain": round(float(g), 3),
                    "types": "|".join(here),
                    "cost": round(cost, 2),
                }
            )
        return {
            "model": "plan",
            "status": "optimal" if plan.gap is None else "not proven optimal",
            "gap": plan.gap,
            "objective": plan.objective,
            "cost": plan.cost,
            "budget": o["budget"],
            "types": [
                {
                    "name": tp.name,
                    "total": tp.total,
                    "covered_before": tp.covered_before,
                    "covered": tp.covered,
                    "new_sites": int(tp.lots.size),
                    "cost": tp.cost,
                    "saved": tp.saved,
                    "closed": [t["existing"][k] for k in np.flatnonzero(~tp.kept).tolist()],
                }
                for t, tp in zip(types, plan.types, strict=True)
            ],
            "sites": rows,
            "curve": [
                {
                    "sites": pt.lots,
                    "covered": round(pt.objective, 3),
                    "cost": round(pt.cost, 2),
                    "proven": pt.gap is None,
                }
                for pt in curve
            ],
        }

    def _write(self, o: dict[str, Any], out: dict[str, Any]) -> None:
        if o["format"] == "json":
            text = json.dumps(out, ensure_ascii=False, indent=1) + "\n"
        else:
            buf = io.StringIO()
            columns = ["rank", "candidate_id", "lon", "lat", "gain"] + (
                ["types", "cost"] if out["model"] == "plan" else []
            )
            writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(out["sites"])
            text = buf.getvalue()
            summary = f"{out['model']}: {out['status']}" + (
                f" (gap {out['gap']:.4f})" if out["gap"] is not None else ""
            )
            summary += f", objective {out['objective']:.1f}"
            if "cost" in out:
                summary += f", cost {out['cost']:.0f} yuan"
            self.stderr.write(summary)
            for pt in out["curve"]:
                self.stderr.write(f"  {pt['sites']} new sites: {pt['covered']:.0f}")
        if o["output"]:
            Path(o["output"]).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
