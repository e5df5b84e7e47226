"""ORM rows ⇄ arrays for the analysis core (the one place where places meets gaoxin.analysis)."""

from __future__ import annotations

import numpy as np

from gaoxin.analysis.geo import to_lon_lat
from gaoxin.analysis.network import Network, build_network
from gaoxin.places.models import WalkEdge, Zone


def network_for_zone(zone: Zone) -> Network:
    """The zone's stored walking network as a :class:`Network` (UTM 50N)."""
    lines = list(
        WalkEdge.objects.filter(zone=zone).values_list("coords", flat=True).iterator(chunk_size=5000)
    )
    return build_network(lines)


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
