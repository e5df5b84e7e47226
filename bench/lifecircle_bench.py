"""Life-circle re-evaluation speed on the demo zone (issue 4: goal under 0.5 s so it can run on save).

Sets up a throw-away SQLite database with the demo zone, then times `lifecircle.services.evaluate`
(load the network, areas and facilities from the database, compute, store every area's result) and,
separately, the pure computation `gaoxin.analysis.circles.evaluate` on the same inputs.

Usage: python bench/lifecircle_bench.py [--runs 5] [--append docs/performance.md]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--append", default="")
    args = parser.parse_args()
    from demo_db import demo_database

    counts = demo_database()
    from gaoxin.analysis.circles import evaluate as evaluate_arrays
    from gaoxin.lifecircle import queries, services
    from gaoxin.lifecircle.analysis import item_snapshot, load
    from gaoxin.places.analysis import bump_network_version, network_for_zone
    from gaoxin.places.models import Zone

    zone = Zone.objects.get()
    profile = queries.default_profile()
    services.evaluate(actor=None, zone=zone, profile=profile)  # warm-up: numba loads its cache

    whole = []
    for _ in range(args.runs):
        t = time.perf_counter()
        services.evaluate(actor=None, zone=zone, profile=profile)
        whole.append(time.perf_counter() - t)
    items = item_snapshot(profile.items.select_related("facility_type").order_by("facility_type__order"))
    bump_network_version(zone.pk)  # as after an edit of the network: the next use rebuilds it
    t = time.perf_counter()
    network = network_for_zone(zone)
    t_network = time.perf_counter() - t
    t = time.perf_counter()
    loaded = load(zone, items)
    t_load = time.perf_counter() - t
    core = []
    for _ in range(args.runs):
        t = time.perf_counter()
        evaluate_arrays(network, loaded.inputs)
        core.append(time.perf_counter() - t)
    text = "\n".join(
        [
            "### Life-circle re-evaluation of the demo zone",
            "",
            f"Demo zone: {counts['areas']} residential areas ({len(loaded.inputs.gate_area)} gates), {counts['facilities']} facilities, "
            f"{counts['edges']:,} network edges; profile {profile} ({len(items)} items). Median of {args.runs} runs after one warm-up.",
            "",
            "| step | seconds |",
            "|---|---|",
            f"| whole re-evaluation after a facility change (`lifecircle.services.evaluate`: load, compute, store) | {statistics.median(whole):.3f} |",
            f"| rebuilding the network after the network itself changed (then cached by version) | {t_network:.3f} |",
            f"| of which: areas and facilities from the database | {t_load:.3f} |",
            f"| of which: computation (`analysis.circles.evaluate`) | {statistics.median(core):.3f} |",
            "",
            "Goal (issue 4): the whole re-evaluation under 0.5 s.",
            "",
        ]
    )
    print(text)
    if args.append:
        with Path(args.append).open("a", encoding="utf-8") as fh:
            fh.write("\n" + text)


if __name__ == "__main__":
    main()
