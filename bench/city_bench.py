"""City-scale accessibility through the worker path: the Helsinki extract tiled 20 x 20 (about 2.1 million
nodes), every node an origin, 20,000 facilities in 10 categories; nearest within 1,200 m and counts within
300/500/1,000 m. Once in one process, once in blocks of origins on two Celery workers (the platform's
own: `gaoxin worker`, Redis on 127.0.0.1:6379 as the broker; an installation of its own in a temporary
directory) — time, peak memory per process, and whether the merged answer equals the single one.

Usage: python bench/city_bench.py [--tiles 20] [--blocks 4] [--append docs/performance.md]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

N_FACILITIES = 20_000
N_CATEGORIES = 10
CUTOFF_M = 1200.0
THRESHOLDS_M = [300.0, 500.0, 1000.0]


def build(tiles: int, out: Path) -> dict:
    """The tiled network (saved as .npz), all nodes as origins, the facilities snapped."""
    from access_bench import tiled_helsinki

    from gaoxin.analysis import access
    from gaoxin.analysis.geo import to_lon_lat
    from gaoxin.analysis.network import from_arrays, save_npz

    data = tiled_helsinki(tiles)
    rng = np.random.default_rng(11)
    fac_nodes = rng.choice(data["x"].size, N_FACILITIES, replace=False)
    cats = rng.integers(0, N_CATEGORIES, N_FACILITIES)
    lon, lat = to_lon_lat(data["x"], data["y"], crs=data["crs"])
    net = from_arrays(lon, lat, data["u"], data["v"], crs=data["crs"])
    save_npz(net, out / "city.npz")
    fac = access.snap(net, lon[fac_nodes], lat[fac_nodes])
    np.savez(
        out / "facilities.npz",
        edge=fac.edge,
        offset=fac.offset_m,
        distance=fac.distance_m,
        reachable=fac.reachable,
        node=fac.node,
        cats=cats,
    )
    return {"nodes": net.n_nodes, "edges": net.n_edges}


SINGLE = r"""
import json, resource, sys, time, hashlib
import numpy as np
from gaoxin.analysis import access
from gaoxin.analysis.network import load_npz
out = sys.argv[1]; query = sys.argv[2]
t = time.perf_counter()
net = load_npz(out + "/city.npz")
f = np.load(out + "/facilities.npz")
fac = access.Snapped(edge=f["edge"], offset_m=f["offset"], distance_m=f["distance"], reachable=f["reachable"], node=f["node"])
origins = access.at_nodes(net, np.arange(net.n_nodes))
p = access.prepare(net, origins, fac)
if query == "nearest":
    r = access.nearest(net, origins, fac, f["cats"], n_categories=10, cutoff_m=1200.0, prepared=p)
    digest = hashlib.sha256(r.distance_m.tobytes() + r.facility.tobytes()).hexdigest()
else:
    r = access.counts(net, origins, fac, f["cats"], n_categories=10, thresholds_m=[300.0, 500.0, 1000.0], prepared=p)
    digest = hashlib.sha256(r.count.tobytes() + r.weight.tobytes()).hexdigest()
print(json.dumps({"seconds": time.perf_counter() - t, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "digest": digest}))
"""

BLOCKS = r"""
import json, resource, sys, time, hashlib
import numpy as np
from gaoxin.analysis import access
from gaoxin.analysis.network import load_npz
from gaoxin.places.services import access_in_blocks
out = sys.argv[1]; query = sys.argv[2]; n_blocks = int(sys.argv[3])
t = time.perf_counter()
net = load_npz(out + "/city.npz")
f = np.load(out + "/facilities.npz")
fac = access.Snapped(edge=f["edge"], offset_m=f["offset"], distance_m=f["distance"], reachable=f["reachable"], node=f["node"])
origins = access.at_nodes(net, np.arange(net.n_nodes))
params = {"query": query, "cutoff": 1200.0, "k": 1, "thresholds": [300.0, 500.0, 1000.0], "n_categories": 10}
merged, reports = access_in_blocks(net, origins, net.x_m, net.y_m, fac, f["cats"], None, params, n_blocks)
if query == "nearest":
    digest = hashlib.sha256(merged["distance"].tobytes() + merged["facility"].tobytes()).hexdigest()
else:
    digest = hashlib.sha256(merged["count"].tobytes() + merged["weight"].tobytes()).hexdigest()
print(json.dumps({"seconds": time.perf_counter() - t, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "digest": digest, "blocks": reports}))
"""


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tiles", type=int, default=20)
    parser.add_argument("--blocks", type=int, default=4)
    parser.add_argument("--append", default="")
    args = parser.parse_args()
    gaoxin = str(Path(sys.executable).parent / "gaoxin")
    with tempfile.TemporaryDirectory() as home:
        out = Path(home)
        size = build(args.tiles, out)
        print(f"network: {size['nodes']:,} nodes, {size['edges']:,} edges", flush=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("GAOXIN_") and k != "DATABASE_URL"}
        env |= {
            "GAOXIN_HOME": home,
            "DATABASE_URL": f"sqlite:///{home}/city.sqlite3",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/11",
            "DJANGO_SETTINGS_MODULE": "gaoxin.site.settings",
        }
        subprocess.run([gaoxin, "migrate", "--no-input", "-v0"], env=env, check=True)
        before = _load()
        rows = []
        for query in ("nearest", "counts"):
            single = json.loads(
                subprocess.run(
                    [sys.executable, "-c", SINGLE, home, query],
                    env=env,
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout.splitlines()[-1]
            )
            print(query, "one process", json.dumps(single), flush=True)
            workers = [
                subprocess.Popen(
                    [gaoxin, "worker", "--concurrency", "1"],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                for _ in range(2)
            ]
            try:
                time.sleep(8)  # both workers connected to the broker
                shell = [
                    gaoxin,
                    "shell",
                    "-c",
                    f"import sys; sys.argv = ['x', {home!r}, {query!r}, '{args.blocks}']\n" + BLOCKS,
                ]
                run = subprocess.run(shell, env=env, check=True, capture_output=True, text=True)
                blocks = json.loads(run.stdout.strip().splitlines()[-1])
            finally:
                for w in workers:
                    w.terminate()
                    w.wait(timeout=60)
            print(query, "blocks", json.dumps(blocks), flush=True)
            rows.append((query, single, blocks))
        after = _load()
    lines = [
        f"### City-scale: {size['nodes']:,} nodes (Helsinki tiled {args.tiles} x {args.tiles}), through two Celery workers",
        "",
        f"`python bench/city_bench.py`, {time.strftime('%Y-%m-%d')}, {platform.machine()}, {os.cpu_count()} cores. Every node an origin; "
        f"{N_FACILITIES:,} facilities in {N_CATEGORIES} categories; nearest within {CUTOFF_M:.0f} m, counts within "
        f"{', '.join(f'{t:.0f}' for t in THRESHOLDS_M)} m. One process vs {args.blocks} blocks of origins queued as jobs and taken by "
        "two `gaoxin worker` processes (Celery, Redis), each block on the region its origins can reach. "
        f"Load average before: {before}; after: {after}.",
        "",
        "| question | one process (s) | peak (MB) | in blocks on two workers (s, end to end) | blocks: origins / graph nodes / s / peak MB / worker | same answer |",
        "|---|---|---|---|---|---|",
    ]
    for query, single, blocks in rows:
        detail = "<br>".join(
            f"{b['origins']:,} / {b['graph_nodes']:,} / {b['seconds']:.1f} / {b['peak_mb']:.0f} / {b['worker'].split(':')[-1]}"
            for b in blocks["blocks"]
        )
        lines.append(
            f"| {query} | {single['seconds']:.1f} | {single['peak_mb']:.0f} | {blocks['seconds']:.1f} | {detail} | "
            + ("yes (bit for bit)" if single["digest"] == blocks["digest"] else "**no**")
            + " |"
        )
    lines.append("")
    text = "\n".join(lines)
    print(text)
    if args.append:
        with open(args.append, "a", encoding="utf-8") as fh:
            fh.write("\n" + text + "\n")


if __name__ == "__main__":
    main()
