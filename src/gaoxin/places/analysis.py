"""ORM rows ⇄ arrays for the analysis core (the one place where places meets gaoxin.analysis)."""

from __future__ import annotations

import uuid

import numpy as np

from gaoxin.analysis.geo import to_lon_lat
from gaoxin.analysis.network import Network, build_network
from gaoxin.places.models import WalkEdge, Zone

# Built networks by network version, a UUID renewed on every change and read from the database on every
# call, so a change made by any process (or a reloaded zone) is seen by all (see bump_network_version).
_NETWORKS: dict[uuid.UUID, Network] = {}


def network_for_zone(zone: Zone) -> Network:
    """The zone's stored walking network as a :class:`Network` (UTM 50N), built once per version."""
    key = Zone.objects.filter(pk=zone.pk).values_list("network_version", flat=True).first() or uuid.uuid4()
    network = _NETWORKS.get(key)
    if network is None:
        lines = list(
            WalkEdge.objects.filter(zone=zone).values_list("coords", flat=True).iterator(chunk_size=5000)
        )
        network = build_network(lines)
        _NETWORKS.clear()  # keep only the current network
        _NETWORKS[key] = network
    return network


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
