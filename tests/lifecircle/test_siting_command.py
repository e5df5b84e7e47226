"""`gaoxin siting` over files: the same models and answers as the core, clear errors for bad input."""

import io
import json

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from gaoxin.analysis import access, siting, siting_plan
from gaoxin.analysis.osm import read_network
from tests.lifecircle.conftest import grid_lines


def _files(tmp_path):
    lines = grid_lines(116.600, 35.400, n=9)  # 8 × 8 blocks of about 90 × 110 m
    (tmp_path / "net.geojson").write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {},
                        "geometry": {"type": "LineString", "coordinates": c},
                    }
                    for c in lines
                ],
            }
        ),
        encoding="utf-8",
    )
    rng = np.random.default_rng(7)
    demand = ["id,lon,lat,weight,weight_canteen,group"]
    for k in range(30):
        lon, lat = 116.600 + rng.uniform(0, 0.008), 35.400 + rng.uniform(0, 0.008)
        demand.append(
            f"d{k},{lon:.6f},{lat:.6f},{rng.integers(10, 200)},{rng.integers(10, 300)},{'东' if lon > 116.604 else '西'}"
        )
    (tmp_path / "demand.csv").write_text("\n".join(demand), encoding="utf-8")
    cands = ["ID,Lon,Lat,land_cost"]
    for k in range(20):
        lon, lat = 116.600 + rng.uniform(0, 0.008), 35.400 + rng.uniform(0, 0.008)
        cands.append(f"c{k},{lon:.6f},{lat:.6f},{int(rng.integers(0, 5)) * 100000}")
    (tmp_path / "cands.csv").write_text("\n".join(cands), encoding="utf-8")
    (tmp_path / "existing.csv").write_text("id,lon,lat,type\ne1,116.601,35.401,day_care\n", encoding="utf-8")
    return tmp_path


def _run(tmp_path, *args):
    out, err = io.StringIO(), io.StringIO()
    base = [
        "--network",
        str(tmp_path / "net.geojson"),
        "--demand",
        str(tmp_path / "demand.csv"),
        "--candidates",
        str(tmp_path / "cands.csv"),
    ]
    call_command("siting", *args, *base, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _core_pairs(tmp_path, max_m, with_existing=True):
    net = read_network(tmp_path / "net.geojson")
    rows = [line.split(",") for line in (tmp_path / "demand.csv").read_text().splitlines()[1:]]
    cands = [line.split(",") for line in (tmp_path / "cands.csv").read_text().splitlines()[1:]]
    o = access.snap(net, [float(r[1]) for r in rows], [float(r[2]) for r in rows])
    lon = [float(c[1]) for c in cands] + ([116.601] if with_existing else [])
    lat = [float(c[2]) for c in cands] + ([35.401] if with_existing else [])
    s = access.snap(net, lon, lat)
    p = access.pairs_within(net, o, s, max_m=max_m)
    return siting.Pairs(p.origin, p.facility, p.distance_m), np.array([float(r[3]) for r in rows]), len(cands)


def test_cover_with_p_equals_the_core_and_carries_the_curve(tmp_path):
    f = _files(tmp_path)
    out, err = _run(
        f, "cover", "--radius", "250", "--p", "3", "--existing", str(f / "existing.csv"), "--format", "json"
    )
    answer = json.loads(out)
    pairs, w, n = _core_pairs(f, 250)
    core = siting.mclp(
        pairs, n_demand=w.size, n_sites=n + 1, radius_m=250, p=3, fixed=np.array([n]), weights=w
    )
    assert answer["objective"] == pytest.approx(core.objective) and answer["status"] == "optimal"
    assert [s["candidate_id"] for s in answer["sites"]] == [f"c{j}" for j in core.chosen.tolist()]
    assert [pt["sites"] for pt in answer["curve"]] == [0, 1, 2, 3]
    assert answer["curve"][-1]["covered"] == pytest.approx(core.covered_weight)
    csv_out, csv_err = _run(f, "cover", "--radius", "250", "--p", "3", "--existing", str(f / "existing.csv"))
    assert csv_out.splitlines()[0] == "rank,candidate_id,lon,lat,gain" and len(csv_out.splitlines()) == 4
    assert "cover: optimal" in csv_err


def test_median_and_center_equal_the_core(tmp_path):
    f = _files(tmp_path)
    pairs, w, n = _core_pairs(f, 900, with_existing=False)
    median = json.loads(_run(f, "median", "--reach", "900", "--p", "2", "--format", "json")[0])
    core = siting.p_median(pairs, n_demand=w.size, n_sites=n, p=2, weights=w, unserved_m=900)
    assert median["objective"] == pytest.approx(core.objective)
    center = json.loads(_run(f, "center", "--reach", "900", "--p", "2", "--format", "json")[0])
    core_c = siting_plan.p_center(pairs, n_demand=w.size, n_sites=n, p=2, weights=w)
    assert center["objective"] == pytest.approx(core_c.objective)


def test_a_plan_of_two_types_under_a_budget(tmp_path):
    f = _files(tmp_path)
    out, _err = _run(
        f,
        "plan",
        "--type",
        "canteen:400:400000:100000",
        "--type",
        "day_care:250:800000:200000",
        "--budget",
        "6000000",
        "--years",
        "5",
        "--existing",
        str(f / "existing.csv"),
        "--format",
        "json",
    )
    plan = json.loads(out)
    assert plan["model"] == "plan" and plan["cost"] <= 6_000_000 and plan["status"] == "optimal"
    assert [t["name"] for t in plan["types"]] == ["canteen", "day_care"]
    assert plan["types"][1]["covered_before"] > 0  # the existing day-care centre counts for its type only
    assert plan["types"][0]["covered_before"] == 0
    assert [pt["sites"] for pt in plan["curve"]] == list(range(len(plan["sites"]) + 1))
    costs = [pt["cost"] for pt in plan["curve"]]
    assert all(c <= 6_000_000 for c in costs)
    csv_out, _ = _run(f, "plan", "--type", "canteen:400:400000:100000", "--budget", "2000000")
    assert csv_out.splitlines()[0] == "rank,candidate_id,lon,lat,gain,types,cost"


@pytest.mark.parametrize(
    "args, message",
    [
        (["cover"], "--radius"),
        (["cover", "--radius", "nan"], "positive"),
        (["cover", "--radius", "300", "--p", "51"], "--p"),
        (["median", "--radius", "300"], "--p"),
        (["center", "--p", "2", "--radius", "300", "--capacity", "10"], "capacitated"),
        (["plan", "--budget", "100"], "--type"),
        (["plan", "--type", "x:300:1"], "NAME:RADIUS"),
        (["plan", "--type", "x:300:1:1"], "--budget"),
        (["plan", "--type", "x:300:1:1", "--budget", "-1"], "zero or more"),
        (["cover", "--radius", "300", "--type", "x:300:1:1"], "plan"),
    ],
)
def test_bad_options_are_refused_before_any_file_is_read(tmp_path, args, message):
    with pytest.raises(CommandError) as exc:
        call_command(
            "siting", *args, "--network", "nothere", "--demand", "nothere", "--candidates", "nothere"
        )
    assert message in str(exc.value)


@pytest.mark.parametrize(
    "files, radius, message",
    [
        ({"demand": "id,lon,lat,weight\na,116.6,35.4,5\nb,200,35.4,5\n"}, "300", r"demand.csv, line 3"),
        ({"demand": "id,lon,lat,weight\na,116.601,35.401,-5\n"}, "300", "weight must be a finite number"),
        ({"cands": "id,lon,lat\nc,116.601,35.401\nc,116.602,35.401\n"}, "300", "more than once"),
        ({"net": None}, "300", "no such file"),
        ({}, "20", "no candidate site"),  # a point beyond every candidate: LSCP names it, as the core's error
    ],
)
def test_bad_files_name_file_and_line(tmp_path, files, radius, message):
    f = _files(tmp_path)
    paths = {"net": f / "net.geojson", "demand": f / "demand.csv", "cands": f / "cands.csv"}
    for key, text in files.items():
        if text is None:
            paths[key] = f / "none.geojson"
        else:
            paths[key].write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        call_command(
            "siting",
            "cover",
            "--radius",
            radius,
            "--network",
            str(paths["net"]),
            "--demand",
            str(paths["demand"]),
            "--candidates",
            str(paths["cands"]),
        )
