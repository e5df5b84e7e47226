"""`gaoxin access nearest|counts`: walking distances over the pure core, from files, no database.

Inputs (CSV, UTF-8 or GBK; headers as below):
  --network   an OpenStreetMap .osm.pbf file or a GeoJSON file of LineStrings
  --origins   id, lon, lat                       (e.g. residential-area gates)
  --facilities id, category, lon, lat[, weight]  (category: any label; weight: e.g. capacity)
Output, one row per origin and category (nearest) or per origin, category and threshold (counts):
  nearest: origin_id, category, rank, facility_id, distance_m, minutes   (empty when none within the cutoff)
  counts:  origin_id, category, threshold_m, count, weight
Headers in any case. Points farther than --snap-tolerance from any street are reported on stderr and get empty results.
--profile elderly|child weighs steps and crossings and a slower speed (standards/walk_profiles.toml); distances
are then the walk's cost in metres at 1.0 m/s.
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

from gaoxin.analysis import access
from gaoxin.analysis.errors import AnalysisError
from gaoxin.analysis.geo import gcj02_to_wgs84, to_projected
from gaoxin.analysis.network import with_profile
from gaoxin.analysis.osm import read_network
from gaoxin.common import jobs
from gaoxin.common.tabular import TableError, read_csv
from gaoxin.places.analysis import walk_profiles
from gaoxin.places.services import access_in_blocks


def _points(path: Path, *, needs_category: bool, gcj02: bool) -> dict[str, Any]:
    try:
        rows = read_csv(path.read_bytes())
    except (TableError, OSError) as exc:
        raise CommandError(f"{path}: {exc}") from None
    ids, lon, lat, cats, weights = [], [], [], [], []
    for row in rows:
        cells = {str(k).strip().lower(): v for k, v in row.cells.items()}  # headers in any case
        try:
            x, y = float(cells["lon"]), float(cells["lat"])
            if not (math.isfinite(x) and math.isfinite(y)):
                raise ValueError("lon and lat must be finite numbers")
            if abs(x) > 180 or abs(y) > 90:
                raise ValueError(f"({x}, {y}) lies outside the lon/lat range")
            if gcj02:
                x, y = gcj02_to_wgs84(x, y)
            ids.append(cells["id"])
            lon.append(x)
            lat.append(y)
            if needs_category:
                cats.append(cells["category"])
                weight = float(cells.get("weight") or 1.0)
                if not math.isfinite(weight):
                    raise ValueError("the weight must be a finite number")
                weights.append(weight)
        except KeyError as exc:
            raise CommandError(f"{path}: missing column {exc} (line {row.number})") from None
        except (ValueError, AnalysisError) as exc:
            raise CommandError(f"{path}, line {row.number}: {exc}") from None
    duplicates = sorted({i for i in ids if ids.count(i) > 1}) if len(set(ids)) != len(ids) else []
    if duplicates:
        raise CommandError(f"{path}: the id {duplicates[0]} appears more than once")
    if not ids:
        raise CommandError(f"{path}: no rows")
    return {
        "ids": ids,
        "lon": np.array(lon),
        "lat": np.array(lat),
        "categories": cats,
        "weights": np.array(weights),
    }


class Command(BaseCommand):
    help = __doc__ or ""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("query", choices=["nearest", "counts"])
        parser.add_argument("--network", required=True)
        parser.add_argument("--origins", required=True)
        parser.add_argument("--facilities", required=True)
        parser.add_argument("--cutoff", type=float, default=1200.0, help="metres (nearest)")
        parser.add_argument("--k", type=int, default=1, help="how many nearest per category (1-5)")
        parser.add_argument("--thresholds", default="300,500,1000", help="metres, comma-separated (counts)")
        parser.add_argument(
            "--speed",
            type=float,
            default=access.DEFAULT_WALKING_SPEED_M_S,
            help="walking speed in m/s for minutes",
        )
        parser.add_argument(
            "--profile",
            choices=list(walk_profiles()),
            default="distance",
            help="who walks (standards/walk_profiles.toml): distance as GB 50180-2018 measures it, or a slower "
            "walker for whom steps and crossings cost more; then distance_m is the walk's cost in metres at "
            "1.0 m/s and minutes its time",
        )
        parser.add_argument("--snap-tolerance", type=float, default=access.DEFAULT_SNAP_TOLERANCE_M)
        parser.add_argument(
            "--crs", choices=["wgs84", "gcj02"], default="wgs84", help="coordinate system of the CSV files"
        )
        parser.add_argument(
            "--blocks",
            type=int,
            default=1,
            help="cut the origins into this many blocks, each a background job on the platform's workers "
            "(Celery with a broker set, else this process) over the part of the network it can reach; the "
            "merged answer is the same as in one process. For networks too large or slow for one process",
        )
        parser.add_argument("--format", choices=["csv", "json"], default="csv")
        parser.add_argument("-o", "--output", help="file to write; default standard output")

    def _check_options(self, o: dict[str, Any]) -> list[float]:
        """The options, checked before any file is read (a network takes long to load)."""
        if not (o["cutoff"] > 0 and math.isfinite(o["cutoff"])):
            raise CommandError("--cutoff must be a positive number of metres")
        if not 1 <= o["k"] <= access.MAX_K:
            raise CommandError(f"--k must lie in 1..{access.MAX_K}")
        if not (o["speed"] > 0 and math.isfinite(o["speed"])):
            raise CommandError("--speed must be a positive number of m/s")
        if o["profile"] != "distance" and o["speed"] != access.DEFAULT_WALKING_SPEED_M_S:
            raise CommandError("--speed and --profile exclude each other: the profile sets the speed")
        if not 1 <= o["blocks"] <= 1000:
            raise CommandError("--blocks must lie in 1..1000")
        if not (o["snap_tolerance"] > 0 and math.isfinite(o["snap_tolerance"])):
            raise CommandError("--snap-tolerance must be a positive number of metres")
        try:
            thresholds = [float(t) for t in o["thresholds"].split(",") if t.strip()]
        except ValueError:
            raise CommandError("--thresholds must be metres separated by commas, e.g. 300,500,1000") from None
        if not thresholds or not all(t > 0 and math.isfinite(t) for t in thresholds):
            raise CommandError("--thresholds must be positive distances in metres")
        return thresholds

    def _in_blocks(
        self,
        o: dict[str, Any],
        net: Any,
        origins: dict[str, Any],
        so: access.Snapped,
        sf: access.Snapped,
        cat_index: np.ndarray,
        n_categories: int,
        thresholds: list[float],
        facilities: dict[str, Any],
    ) -> dict[str, np.ndarray]:
        """The question in blocks of origins, one background job each; the blocks merged."""
        x, y = to_projected(origins["lon"], origins["lat"], crs=net.crs)
        weights = facilities["weights"]
        params = {
            "query": o["query"],
            "cutoff": o["cutoff"],
            "k": o["k"],
            "thresholds": thresholds,
            "n_categories": n_categories,
        }
        try:
            merged, reports = access_in_blocks(
                net,
                so,
                np.asarray(x),
                np.asarray(y),
                sf,
                cat_index,
                None if weights is None else np.asarray(weights, dtype=np.float64),
                params,
                o["blocks"],
            )
        except jobs.JobFailed as exc:
            raise CommandError(str(exc)) from None
        for res in reports:
            self.stderr.write(
                f"block {res['block']}: {res['origins']} origins, {res['graph_nodes']} graph nodes, "
                f"{res['seconds']:.2f} s, peak {res['peak_mb']:.0f} MB on {res['worker']}"
            )
        return merged

    def handle(self, *args: Any, **o: Any) -> None:
        thresholds = self._check_options(o)
        gcj = o["crs"] == "gcj02"
        origins = _points(Path(o["origins"]), needs_category=False, gcj02=gcj)
        facilities = _points(Path(o["facilities"]), needs_category=True, gcj02=gcj)
        labels = sorted(set(facilities["categories"]))
        cat_index = np.array([labels.index(c) for c in facilities["categories"]], dtype=np.int64)
        try:
            net = read_network(Path(o["network"]))
            so = access.snap(net, origins["lon"], origins["lat"], tolerance_m=o["snap_tolerance"])
            sf = access.snap(net, facilities["lon"], facilities["lat"], tolerance_m=o["snap_tolerance"])
            for name, pts, snapped in (("origin", origins, so), ("facility", facilities, sf)):
                for i in np.flatnonzero(~snapped.reachable):
                    self.stderr.write(
                        f"{name} {pts['ids'][i]} is {snapped.distance_m[i]:.0f} m from the nearest street: unreachable"
                    )
            net = with_profile(net, walk_profiles()[o["profile"]])  # snapped points stay valid
            if o["blocks"] > 1:
                merged = self._in_blocks(
                    o, net, origins, so, sf, cat_index, len(labels), thresholds, facilities
                )
            else:
                prepared = access.prepare(net, so, sf)
            if o["query"] == "nearest":
                if o["blocks"] > 1:
                    r = access.NearestResult(distance_m=merged["distance"], facility=merged["facility"])
                else:
                    r = access.nearest(
                        net,
                        so,
                        sf,
                        cat_index,
                        n_categories=len(labels),
                        cutoff_m=o["cutoff"],
                        k=o["k"],
                        prepared=prepared,
                    )
                mins = access.minutes(r.distance_m, speed_m_s=o["speed"])
                columns = ["origin_id", "category", "rank", "facility_id", "distance_m", "minutes"]
                rows = [
                    [
                        origins["ids"][i],
                        labels[c],
                        rank + 1,
                        facilities["ids"][r.facility[i, c, rank]] if r.facility[i, c, rank] >= 0 else "",
                        round(float(r.distance_m[i, c, rank]), 2)
                        if np.isfinite(r.distance_m[i, c, rank])
                        else "",
                        round(float(mins[i, c, rank]), 2) if np.isfinite(mins[i, c, rank]) else "",
                    ]
                    for i in range(len(origins["ids"]))
                    for c in range(len(labels))
                    for rank in range(o["k"])
                ]
            else:
                if o["blocks"] > 1:
                    cr = access.CountsResult(
                        count=merged["count"], weight=merged["weight"], thresholds_m=merged["thresholds"]
                    )
                else:
                    cr = access.counts(
                        net,
                        so,
                        sf,
                        cat_index,
                        n_categories=len(labels),
                        thresholds_m=thresholds,
                        weights=facilities["weights"],
                        prepared=prepared,
                    )
                columns = ["origin_id", "category", "threshold_m", "count", "weight"]
                rows = [
                    [
                        origins["ids"][i],
                        labels[c],
                        float(t),
                        int(cr.count[i, c, j]) if so.reachable[i] else "",  # unreachable: empty, not 0
                        round(float(cr.weight[i, c, j]), 3) if so.reachable[i] else "",
                    ]
                    for i in range(len(origins["ids"]))
                    for c in range(len(labels))
                    for j, t in enumerate(cr.thresholds_m)
                ]
        except (AnalysisError, ValueError) as exc:
            raise CommandError(getattr(exc, "message", str(exc))) from None
        if o["format"] == "json":
            text = json.dumps([dict(zip(columns, r, strict=True)) for r in rows], ensure_ascii=False)
        else:
            buf = io.StringIO()
            writer = csv.writer(buf, lineterminator="\n")
            writer.writerow(columns)
            writer.writerows(rows)
            text = buf.getvalue()
        if o["output"]:
            Path(o["output"]).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
