"""The kit's import pipeline (gaoxin.common.imports): stage → preview → apply, or run at once; all or
nothing; the size limit from settings; the gate; typed cells with problems by row and field."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import override

from gaoxin.common import imports
from gaoxin.common.choices import ImportStatus
from gaoxin.common.imports import Column, GeoFrame, ImportRejected, RowReader, header_map, lon_lat_problem
from gaoxin.common.models import ImportBatch
from gaoxin.common.tabular import Row
from gaoxin.places.models import Community, Facility

GOOD = "编码,名称,类型,街道,社区,经度,纬度\nK-1,新幼儿园,kindergarten,洸河街道,东闸社区,116.6455,35.4155\n"
BAD = GOOD + "K-2,坏行,kindergarten,洸河街道,,116.64,\n"


@pytest.fixture(autouse=True)
def english():
    with override("en"):
        yield


def test_run_writes_a_clean_file_and_keeps_an_applied_batch(zone, planner):
    batch = imports.run("places.facilities", actor=planner, filename="k.csv", content=GOOD.encode())
    assert batch.status == ImportStatus.APPLIED and batch.summary["created"] == 1
    assert batch.created_by == planner and batch.content == b""
    assert Facility.objects.filter(code="K-1").exists()


def test_run_with_one_bad_row_writes_nothing_and_keeps_no_batch(zone, planner):
    with pytest.raises(ImportRejected) as exc:
        imports.run("places.facilities", actor=planner, filename="k.csv", content=BAD.encode())
    assert [(p.row, p.field) for p in exc.value.problems] == [(3, "lat")]
    assert not Facility.objects.filter(code="K-1").exists() and not ImportBatch.objects.exists()


def test_stage_keeps_a_preview_and_apply_checks_again(zone, planner):
    batch = imports.stage("places.facilities", actor=planner, filename="k.csv", content=GOOD.encode())
    assert batch.status == ImportStatus.VALIDATED and batch.summary == {
        "create": 1,
        "update": 0,
        "rows": 1,
        "problem_count": 0,
    }
    assert not Facility.objects.filter(code="K-1").exists()
    Community.objects.filter(code="370871001001").update(
        name="改名社区"
    )  # the row's community is gone by name
    with pytest.raises(ImportRejected):
        imports.apply(batch, actor=planner)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.INVALID and batch.problems[0]["field"] == "community"
    assert not Facility.objects.filter(code="K-1").exists()


def test_a_batch_applies_once(zone, planner):
    batch = imports.stage("places.facilities", actor=planner, filename="k.csv", content=GOOD.encode())
    imports.apply(batch, actor=planner)
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportStatus.APPLIED
    with pytest.raises(ImportRejected):
        imports.apply(ImportBatch.objects.get(pk=batch.pk), actor=planner)


def test_the_size_limit_comes_from_settings(zone, planner, settings):
    settings.GAOXIN_IMPORT_MAX_BYTES = 50
    with pytest.raises(ImportRejected) as exc:
        imports.run("places.facilities", actor=planner, filename="k.csv", content=GOOD.encode())
    assert exc.value.problems[0].field == "file" and "larger than" in exc.value.problems[0].message


def test_an_unknown_format_and_an_unknown_kind_are_problems_not_errors(zone, planner):
    with pytest.raises(ImportRejected) as exc:
        imports.run("places.facilities", actor=planner, filename="k.txt", content=GOOD.encode())
    assert exc.value.problems[0].field == "file"
    with pytest.raises(ImportRejected) as unknown:
        imports.run("nothing.here", actor=planner, filename="k.csv", content=GOOD.encode())
    assert unknown.value.problems[0].field == "dataset"
    with pytest.raises(ImportRejected):
        imports.run("parks.tax", actor=None, filename="t.geojson", content=b"{}", options={"year": 2025})


def test_the_importers_gate_is_asked_by_every_function(zone, resident):
    for call in (imports.stage, imports.run):
        with pytest.raises(PermissionDenied):
            call("places.facilities", actor=resident, filename="k.csv", content=GOOD.encode())


def test_a_batch_is_seen_by_its_uploader_and_who_manages_its_kind(
    zone, planner, guanghe_staff, liuxing_staff
):
    own = imports.stage("places.facilities", actor=guanghe_staff, filename="k.csv", content=GOOD.encode())
    assert imports.batch_for(guanghe_staff, own.pk) == own
    assert imports.batch_for(planner, own.pk) == own  # zone-wide
    with pytest.raises(Http404):
        imports.batch_for(liuxing_staff, own.pk)
    assert [r.batch.pk for r in imports.recent_batches(liuxing_staff, ["places.facilities"])] == []
    assert [r.batch.pk for r in imports.recent_batches(planner, ["places.facilities"])] == [own.pk]


def test_every_registered_kind_has_a_label_and_formats(zone):
    assert {"places.facilities", "parks.tax", "parks.land", "lifecircle.candidates"} <= set(imports.REGISTRY)
    for importer in imports.REGISTRY.values():
        assert importer.label() and set(importer.formats) <= {"csv", "xlsx", "geojson"}


# --- the pieces ------------------------------------------------------------------------------------


def test_headers_match_by_code_chinese_alias_and_case():
    cols = [
        Column("code", "编码", True),
        Column("lon", "经度", aliases=("longitude",)),
        Column("name", "名称", True),
    ]
    found, problems = header_map(cols, ["CODE", "Longitude", "备注"])
    assert found == {"code": "CODE", "lon": "Longitude"}
    assert [(p.row, p.field) for p in problems] == [(1, "name")]


def reader(cells, geo=None):
    return RowReader(Row(7, cells), {k: k for k in cells}, geo)


def test_cells_are_typed_and_every_failure_is_a_problem_of_its_row():
    r = reader(
        {
            "n": "1,200",
            "x": "1.5",
            "inf": "inf",
            "d": "2024/03/01",
            "bad": "2024-13-01",
            "neg": "-3",
            "s": " a ",
        }
    )
    assert r.integer("n") == 1200 and r.integer("x") is None and r.integer("inf") is None
    assert str(r.date("d")) == "2024-03-01" and r.date("bad") is None
    assert r.decimal("neg") is None and r.text("s") == "a" and r.integer("missing") is None
    assert [(p.row, p.field) for p in r.problems] == [(7, "x"), (7, "inf"), (7, "bad"), (7, "neg")]


def test_points_are_checked_converted_and_kept_inside_the_zone():
    box = {
        "type": "Polygon",
        "coordinates": [[[116.6, 35.38], [116.7, 35.38], [116.7, 35.48], [116.6, 35.48], [116.6, 35.38]]],
    }
    r = reader({"lon": "35.41", "lat": "116.64"}, GeoFrame(boundary=box, zone_label="Z"))
    assert r.point("lon", "lat", required=True) is None and "swapped" in r.problems[0].message
    far = reader({"lon": "117.5", "lat": "35.41"}, GeoFrame(boundary=box, zone_label="Z"))
    assert far.point("lon", "lat", required=True) is None and "outside the zone Z" in far.problems[0].message
    gcj = reader({"lon": "116.6511", "lat": "35.4089"}, GeoFrame(coordinate_system="gcj02"))
    lon, lat = gcj.point("lon", "lat", required=True)
    assert abs(lon - 116.6511) > 1e-4 and abs(lat - 35.4089) > 1e-5  # moved back to WGS-84
    gates = reader({"g": "116.64,35.41; 116.65,35.42"})
    assert gates.points("g") == [[116.64, 35.41], [116.65, 35.42]]
    assert reader({"g": "116.64"}).points("g") == []


def test_one_coordinate_check_for_models_imports_and_forms():
    assert lon_lat_problem(116.6, 35.4) is None
    assert "outside -180..180" in lon_lat_problem(190, 35.4)
    assert "swapped" in lon_lat_problem(35.4, 116.6)
