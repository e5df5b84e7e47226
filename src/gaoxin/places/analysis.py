"""ORM rows ⇄ arrays for the analysis core (the one place where places meets gaoxin.analysis)."""

from __future__ import annotations

import functools
import json
import re
import resource
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings

from gaoxin import standards
from gaoxin.analysis.access import Region, Snapped, counts, nearest, prepare, split_blocks, subset
from gaoxin.analysis.geo import to_lon_lat
from gaoxin.analysis.network import (
    Network,
    WalkProfile,
    build_network,
    kind_of_tags,
    load_npz,
    profile_from_toml,
    save_npz,
    with_profile,
)
from gaoxin.places.choices import WalkProfileCode
from gaoxin.places.models import WalkEdge, Zone

# Built networks by network version, a UUID renewed on every change and read from the database on every
# call, so a change made by any process (or a reloaded zone) is seen by all (see bump_network_version).
_NETWORKS: dict[uuid.UUID, Network] = {}


def network_for_zone(zone: Zone) -> Network:
    """The zone's stored walking network as a :class:`Network` (UTM 50N), built once per version."""
    key = Zone.objects.filter(pk=zone.pk).values_list("network_version", flat=True).first() or uuid.uuid4()
    network = _NETWORKS.get(key)
    if network is None:
        rows = list(
            WalkEdge.objects.filter(zone=zone).values_list("coords", "highway").iterator(chunk_size=5000)
        )
        # each edge's kind from its road class (steps, crossings, paths), for the walking profiles
        network = build_network(
            [coords for coords, _hw in rows], kinds=[kind_of_tags({"highway": hw}) for _c, hw in rows]
        )
        _NETWORKS.clear()  # keep only the current network
        _NETWORKS[key] = network
        _PROFILED.clear()
    return network


_PROFILED: dict[tuple[str, str], Network] = {}


def network_for_profile(zone: Zone, code: str) -> Network:
    """The zone's network with the costs of a walking profile (the network itself for distance)."""
    network = network_for_zone(zone)
    profile = walk_profiles()[code]
    if profile.is_distance:
        return network
    key = (network.key, code)
    if key not in _PROFILED:
        _PROFILED[key] = with_profile(network, profile)
    return _PROFILED[key]


@functools.cache
def walk_profiles() -> dict[str, WalkProfile]:
    """The walking profiles of standards/walk_profiles.toml by code (every WalkProfileCode has one)."""
    profiles = {p.code: p for p in map(profile_from_toml, standards.load("walk_profiles")["profile"])}
    missing = set(WalkProfileCode.values) - set(profiles)
    if missing:
        raise ValueError(f"standards/walk_profiles.toml lacks the profiles {sorted(missing)}")
    return profiles


def bump_data_version(zone_id: int | None) -> None:
    """Mark the zone's places as changed: the caches built from them (map layers, lists) are rebuilt."""
    if zone_id is not None:
        Zone.objects.filter(pk=zone_id).update(data_version=uuid.uuid4())


def bump_network_version(zone_id: int) -> None:
    """Mark the zone's network as changed (every process rebuilds it on its next use)."""
    Zone.objects.filter(pk=zone_id).update(network_version=uuid.uuid4())


def network_lines(network: Network) -> list[list[list[float]]]:
    """Each edge of a network as a WGS-84 polyline ``[[lon, lat], …]`` (7 decimals ≈ 1 cm)."""
    if network.edge_coords is None:
        lon, lat = to_lon_lat(network.x_m, network.y_m, crs=network.crs)
        lon, lat = np.round(lon, 7), np.round(lat, 7)
        return [
            [[float(lon[u]), float(lat[u])], [float(lon[v]), float(lat[v])]]
            for u, v in zip(network.edge_u.tolist(), network.edge_v.tolist(), strict=True)
        ]
    lines = []
    for coords in network.edge_coords:
        lon, lat = to_lon_lat(coords[:, 0], coords[:, 1], crs=network.crs)
        lines.append([[round(float(a), 7), round(float(b), 7)] for a, b in zip(lon, lat, strict=True)])
    return lines


# --- city-scale accessibility jobs: blocks of origins on several workers ------------------------------
# The command (gaoxin access … --blocks N) saves the network and the located points once in a work
# directory under var/access-jobs/, queues one job per block of origins (the platform's jobs: Celery
# workers when a broker is set, else this process), and merges the blocks in order. Every worker reads
# the same files, so workers on several machines need that directory shared.

ACCESS_JOBS = "access-jobs"


def new_access_workdir() -> Path:
    """A fresh work directory for one city-scale job."""
    path = Path(settings.VAR_DIR) / ACCESS_JOBS / uuid.uuid4().hex
    path.mkdir(parents=True)
    return path


def access_workdir(name: str) -> Path:
    """The work directory of a job by its name (32 hex digits); ValueError for anything else."""
    if not re.fullmatch(r"[0-9a-f]{32}", name or ""):
        raise ValueError("not a work directory of an accessibility job")
    path = Path(settings.VAR_DIR) / ACCESS_JOBS / name
    if not path.is_dir():
        raise ValueError("the work directory of this accessibility job is gone")
    return path


def _snapped_arrays(prefix: str, s: Snapped) -> dict[str, np.ndarray]:
    return {
        f"{prefix}_edge": s.edge,
        f"{prefix}_offset": s.offset_m,
        f"{prefix}_distance": s.distance_m,
        f"{prefix}_reachable": s.reachable,
        f"{prefix}_node": s.node,
    }


def _snapped_of(data: Any, prefix: str) -> Snapped:
    return Snapped(
        edge=data[f"{prefix}_edge"],
        offset_m=data[f"{prefix}_offset"],
        distance_m=data[f"{prefix}_distance"],
        reachable=data[f"{prefix}_reachable"],
        node=data[f"{prefix}_node"],
    )


def save_access_job(
    workdir: Path,
    network: Network,
    origins: Snapped,
    origin_x: np.ndarray,
    origin_y: np.ndarray,
    facilities: Snapped,
    categories: np.ndarray,
    weights: np.ndarray | None,
    params: dict[str, Any],
    n_blocks: int,
) -> list[np.ndarray]:
    """Write what every block needs; return the blocks (origin indices), compact in space."""
    save_npz(network, workdir / "network.npz")
    blocks = split_blocks(origin_x, origin_y, n_blocks)
    arrays: dict[str, Any] = {
        "origin_x": origin_x,
        "origin_y": origin_y,
        "categories": categories,
        "weights": np.zeros(0) if weights is None else weights,
        **_snapped_arrays("o", origins),
        **_snapped_arrays("f", facilities),
        **{f"block_{i}": b for i, b in enumerate(blocks)},
    }
    np.savez(workdir / "points.npz", **arrays)
    (workdir / "params.json").write_text(
        json.dumps(params | {"blocks": n_blocks, "has_weights": weights is not None})
    )
    return blocks


def run_access_block(workdir: Path, block: int) -> dict[str, Any]:
    """One block of a city-scale job: its origins on the region they can reach, written to
    ``block-<i>.npz``; returns what it did (origins, graph size, seconds, peak memory, worker)."""
    started = time.perf_counter()
    params = json.loads((workdir / "params.json").read_text())
    if not 0 <= block < int(params["blocks"]):
        raise ValueError("no such block")
    network = load_npz(workdir / "network.npz")
    with np.load(workdir / "points.npz", allow_pickle=False) as data:
        index = data[f"block_{block}"]
        origins = subset(_snapped_of(data, "o"), index)
        facilities = _snapped_of(data, "f")
        ox, oy = data["origin_x"][index], data["origin_y"][index]
        categories = data["categories"]
        weights = data["weights"] if params["has_weights"] else None
    reach = float(params["cutoff"]) if params["query"] == "nearest" else float(max(params["thresholds"]))
    # a walk starts where the origin met the street, up to its snapping distance from its point
    off = float(origins.distance_m[origins.reachable].max()) if origins.reachable.any() else 0.0
    prepared = prepare(
        network, origins, facilities, region=Region.around(ox, oy, reach + off) if index.size else None
    )
    n_cat = int(params["n_categories"])
    if params["query"] == "nearest":
        r = nearest(
            network,
            origins,
            facilities,
            categories,
            n_categories=n_cat,
            cutoff_m=reach,
            k=int(params["k"]),
            prepared=prepared,
        )
        np.savez(workdir / f"block-{block}.npz", distance=r.distance_m, facility=r.facility)
    else:
        c = counts(
            network,
            origins,
            facilities,
            categories,
            n_categories=n_cat,
            thresholds_m=params["thresholds"],
            weights=weights,
            prepared=prepared,
        )
        np.savez(workdir / f"block-{block}.npz", count=c.count, weight=c.weight, thresholds=c.thresholds_m)
    return {
        "block": block,
        "origins": int(index.size),
        "graph_nodes": int(prepared.graph.n),
        "seconds": round(time.perf_counter() - started, 3),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1),
    }


def merge_access_blocks(workdir: Path, blocks: list[np.ndarray], n_origins: int) -> dict[str, np.ndarray]:
    """The blocks' answers as one, each origin's row where it was (the same as one process)."""
    merged: dict[str, np.ndarray] = {}
    for i, index in enumerate(blocks):
        with np.load(workdir / f"block-{i}.npz", allow_pickle=False) as data:
            for key in data.files:
                part = data[key]
                if key == "thresholds":
                    merged[key] = part
                    continue
                if key not in merged:
                    merged[key] = np.empty((n_origins, *part.shape[1:]), dtype=part.dtype)
                merged[key][index] = part
    return merged
