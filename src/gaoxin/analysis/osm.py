"""Read a walking network from an OpenStreetMap ``.osm.pbf`` file (pyosmium).

Walking filter (the tag rules; documented in docs/methods.md):

* a way is a candidate when it has a ``highway`` tag whose value is in :data:`WALKABLE_HIGHWAYS`
  (footways, paths, steps, pedestrian streets, crossings drawn as ``footway=crossing``, living and
  residential streets, service roads, tracks, cycleways and the ordinary road classes, whose
  pavements are walked);
* it is dropped when ``highway`` is in :data:`EXCLUDED_HIGHWAYS` (motorways, trunk roads and their
  links, roads under construction or proposed, race tracks, bus guideways), when ``area=yes``
  (a plaza outline is not a path), or when walking is forbidden: ``foot=no``/``foot=use_sidepath``,
  or ``access`` in {no, private} without ``foot`` in {yes, designated, permissive};
* every pair of consecutive nodes of a kept way becomes an edge (straight, length in the projected
  CRS); ways are joined by their shared OSM node ids;
* each edge keeps its way's kind for walking profiles (``network.kind_of_tags``: steps, crossings,
  paths, streets).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import osmium

from gaoxin.analysis.errors import AnalysisError
from gaoxin.analysis.geo import utm_crs
from gaoxin.analysis.network import (
    Network,
    build_network,
    from_arrays,
    kind_of_tags,
    kinds_and_lines_from_geojson,
)

WALKABLE_HIGHWAYS = frozenset(
    {
        "footway",
        "path",
        "pedestrian",
        "steps",
        "living_street",
        "residential",
        "service",
        "unclassified",
        "track",
        "cycleway",
        "corridor",
        "bridleway",
        "crossing",
        "road",
        "tertiary",
        "tertiary_link",
        "secondary",
        "secondary_link",
        "primary",
        "primary_link",
    }
)
EXCLUDED_HIGHWAYS = frozenset(
    {
        "motorway",
        "motorway_link",
        "trunk",
        "trunk_link",
        "construction",
        "proposed",
        "raceway",
        "bus_guideway",
        "abandoned",
        "platform",
    }
)
_FOOT_ALLOWED = frozenset({"yes", "designated", "permissive"})


def is_walkable(tags: dict[str, str]) -> bool:
    """The walking filter of this module, on one way's tags."""
    highway = tags.get("highway")
    if highway is None or highway in EXCLUDED_HIGHWAYS or highway not in WALKABLE_HIGHWAYS:
        return False
    if tags.get("area") == "yes":
        return False
    foot = tags.get("foot")
    if foot in ("no", "use_sidepath"):
        return False
    return not (tags.get("access") in ("no", "private") and foot not in _FOOT_ALLOWED)


def read_pbf(path: str | Path, *, crs: str | None = None) -> Network:
    """The walking network of an ``.osm.pbf`` file (largest connected component), projected to
    ``crs`` (default: the UTM zone of the data's centre, EPSG:32650 for Jining).

    Raises :class:`AnalysisError` when the file cannot be read or holds no walkable way.
    """
    path = Path(path)
    if not path.is_file():
        raise AnalysisError("file", f"no such file: {path}")
    node_index: dict[int, int] = {}
    lon: list[float] = []
    lat: list[float] = []
    us: list[int] = []
    vs: list[int] = []
    kinds: list[int] = []
    try:
        processor = osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY).with_locations()
        for way in processor:
            if not isinstance(way, osmium.osm.Way):
                continue
            tags = dict(way.tags)
            if not is_walkable(tags):
                continue
            kind = kind_of_tags(tags)
            previous = -1
            for node in way.nodes:
                if not node.location.valid():
                    previous = -1
                    continue
                idx = node_index.get(node.ref)
                if idx is None:
                    idx = node_index[node.ref] = len(lon)
                    lon.append(node.location.lon)
                    lat.append(node.location.lat)
                if previous >= 0 and previous != idx:
                    us.append(previous)
                    vs.append(idx)
                    kinds.append(kind)
                previous = idx
    except RuntimeError as exc:
        raise AnalysisError("pbf", f"cannot read {path.name}: {exc}") from None
    if not us:
        raise AnalysisError("no_walkable_ways", f"{path.name} holds no walkable way")
    lon_a, lat_a = np.array(lon), np.array(lat)
    if crs is None:
        crs = utm_crs(float(np.median(lon_a)), float(np.median(lat_a)))
    return from_arrays(
        lon_a,
        lat_a,
        np.array(us, dtype=np.int64),
        np.array(vs, dtype=np.int64),
        crs=crs,
        edge_kind=np.array(kinds, dtype=np.int8),
    )


def read_network(path: str | Path) -> Network:
    """A walking network from a file: an OpenStreetMap ``.osm.pbf`` extract or a GeoJSON file of
    LineStrings; a missing file, a directory or an unreadable one is the core's error."""
    path = Path(path)
    if not path.is_file():
        raise AnalysisError(
            "network_file", f"{path}: no such file" if not path.exists() else f"{path}: not a file"
        )
    if path.name.endswith(".pbf"):
        return read_pbf(path)
    try:
        kinds, lines = kinds_and_lines_from_geojson(json.loads(path.read_text(encoding="utf-8")))
        return build_network(lines, kinds=kinds)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise AnalysisError("network_file", f"{path.name} is neither .osm.pbf nor GeoJSON: {exc}") from None
    except OSError as exc:
        raise AnalysisError("network_file", f"{path}: {exc.strerror or exc}") from None
