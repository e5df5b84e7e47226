"""ORM rows ⇄ arrays for the analysis core (the one place where places meets gaoxin.analysis)."""

from __future__ import annotations

import functools
import uuid

import numpy as np

from gaoxin import standards
from gaoxin.analysis.geo import to_lon_lat
from gaoxin.analysis.network import (
    Network,
    WalkProfile,
    build_network,
    kind_of_tags,
    profile_from_toml,
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
