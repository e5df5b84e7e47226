"""Importing places and facilities: whole-file validation, row/field problems, idempotent re-import."""

import io
import json

import openpyxl
import pytest
from django.utils.translation import override

from gaoxin.analysis.geo import haversine_m, wgs84_to_gcj02
from gaoxin.common.choices import ImportStatus
from gaoxin.common.models import ImportBatch
from gaoxin.places.models import Facility, ResidentialArea
from gaoxin.places.services import ImportRejected, apply_import, import_rows, validate_import


@pytest.fixture(autouse=True)
def english():
    """Problem messages are checked in English (the UI default is Chinese; see tests/site/test_i18n.py)."""
    with override("en"):
        yield


HEADER = "code,name,type,street,community,lon,lat,capacity,status\n"
GOOD = (
    HEADER
    + "F-NEW-1,崇文幼儿园,kindergarten,370871002,370871002007,116.645,35.455,180,open\nF-NEW-2,东闸社区卫生服务站,社区卫生服务站,洸河街道,,116.641,35.409,,open\n"
)


def facilities_csv(rows: str, encoding: str = "utf-8") -> bytes:
    return rows.encode(encoding)


def run(content: bytes, fmt: str = "csv", crs: str = "wgs84", dataset: str = "facilities"):
    return import_rows(actor=None, dataset=dataset, content=content, file_format=fmt, coordinate_system=crs)


def test_good_file_creates_facilities(zone):
    assert run(facilities_csv(GOOD)) == {"created": 2, "updated": 0}
    f = Facility.objects.get(code="F-NEW-2")
    assert f.type.code == "health_station" and f.street.code == "370871001" and f.community is None


def test_reimporting_the_same_file_updates_instead_of_duplicating(zone):
    run(facilities_csv(GOOD))
    changed = GOOD.replace("崇文幼儿园", "崇文第一幼儿园")
    assert run(facilities_csv(changed)) == {"created": 0, "updated": 2}
    assert Facility.objects.filter(code__startswith="F-NEW").count() == 2
    assert Facility.objects.get(code="F-NEW-1").name == "崇文第一幼儿园"


def test_one_bad_row_rejects_the_whole_file_and_names_row_and_field(zone):
    before = Facility.objects.count()
    bad = GOOD + "F-NEW-3,坏行,no_such_type,370871001,,116.64,35.41,,open\n"
    with pytest.raises(ImportRejected) as exc:
        run(facilities_csv(bad))
    assert [(p.row, p.field) for p in exc.value.problems] == [(4, "type")]
    assert Facility.objects.count() == before


def test_coordinates_outside_the_zone_are_a_problem(zone):
    bad = HEADER + "F-X,远处,kindergarten,370871001,,117.50,36.50,100,open\n"
    with pytest.raises(ImportRejected) as exc:
        run(facilities_csv(bad))
    assert exc.value.problems[0].field == "lon"
    assert "outside the zone" in exc.value.problems[0].message


def test_swapped_longitude_and_latitude_get_a_hint(zone):
    bad = HEADER + "F-X,颠倒,kindergarten,370871001,,35.41,116.64,100,open\n"
    with pytest.raises(ImportRejected) as exc:
        run(facilities_csv(bad))
    assert "swapped" in exc.value.problems[0].message


def test_non_numeric_coordinate_is_a_problem(zone):
    bad = HEADER + "F-X,文字,kindergarten,370871001,,东经116,35.41,100,open\n"
    with pytest.raises(ImportRejected) as exc:
        run(facilities_csv(bad))
    assert (exc.value.problems[0].row, exc.value.problems[0].field) == (2, "lon")


def test_duplicate_codes_in_one_file_are_reported_on_each_row(zone):
    dup = (
        HEADER
        + "F-D,甲,kindergarten,370871001,,116.64,35.41,,open\nF-D,乙,kindergarten,370871001,,116.64,35.41,,open\n"
    )
    with pytest.raises(ImportRejected) as exc:
        run(facilities_csv(dup))
    assert {(p.row, p.field) for p in exc.value.problems} == {(2, "code"), (3, "code")}


def test_gbk_encoded_csv_is_read(zone):
    assert run(facilities_csv(GOOD, "gbk"))["created"] == 2


def test_chinese_headers_are_accepted(zone):
    text = "编码,名称,类型,街道,经度,纬度\nF-ZH,中文表头幼儿园,幼儿园,柳行街道,116.645,35.455\n"
    assert run(text.encode("utf-8-sig"))["created"] == 1


def test_empty_file_is_rejected(zone):
    with pytest.raises(ImportRejected) as exc:
        run(b"")
    assert exc.value.problems[0].field == "file"


def test_header_only_file_is_rejected(zone):
    with pytest.raises(ImportRejected) as exc:
        run(HEADER.encode())
    assert "no data rows" in exc.value.problems[0].message


def test_binary_garbage_is_rejected_not_guessed(zone):
    with pytest.raises(ImportRejected) as exc:
        run(bytes(range(128, 256)) * 3)
    assert exc.value.problems[0].field == "file"


def test_missing_required_column_is_named(zone):
    with pytest.raises(ImportRejected) as exc:
        run(b"code,name,lon,lat\nX,Y,116.6,35.4\n")
    assert exc.value.problems[0].field == "type"


def test_community_in_another_street_is_a_problem(zone):
    bad = HEADER + "F-X,错社区,kindergarten,370871001,370871002007,116.64,35.41,,open\n"
    with pytest.raises(ImportRejected) as exc:
        run(facilities_csv(bad))
    assert exc.value.problems[0].field == "community"


def test_capacity_on_a_type_without_capacity_is_a_model_rule(zone):
    bad = HEADER + "F-X,厕所,public_toilet,370871001,,116.64,35.41,10,open\n"
    with pytest.raises(ImportRejected) as exc:
        run(facilities_csv(bad))
    assert exc.value.problems[0].field == "capacity"


def test_closed_facility_needs_its_closing_date(zone):
    bad = HEADER + "F-X,关了,kindergarten,370871001,,116.64,35.41,,closed\n"
    with pytest.raises(ImportRejected) as exc:
        run(facilities_csv(bad))
    assert exc.value.problems[0].field == "closed_on"


def test_gcj02_coordinates_are_converted_on_import(zone):
    glon, glat = wgs84_to_gcj02(116.645, 35.455)
    text = HEADER + f"F-GCJ,高德坐标,kindergarten,370871002,,{glon},{glat},,open\n"
    run(text.encode(), crs="gcj02")
    f = Facility.objects.get(code="F-GCJ")
    assert haversine_m(f.lon, f.lat, 116.645, 35.455) < 0.01


def test_xlsx_file_is_imported(zone):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["code", "name", "type", "street", "lon", "lat", "capacity", "opened_on"])
    sheet.append(["F-XL", "表格幼儿园", "kindergarten", 370871002, 116.646, 35.456, 200, "2020-09-01"])
    buf = io.BytesIO()
    book.save(buf)
    assert run(buf.getvalue(), fmt="xlsx")["created"] == 1
    f = Facility.objects.get(code="F-XL")
    assert f.capacity == 200 and f.opened_on.isoformat() == "2020-09-01" and f.street.code == "370871002"


def test_geojson_points_give_the_location(zone):
    fc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [116.647, 35.457]},
                "properties": {
                    "code": "F-GJ",
                    "name": "点要素",
                    "type": "kindergarten",
                    "street": "370871002",
                },
            }
        ],
    }
    assert run(json.dumps(fc).encode(), fmt="geojson")["created"] == 1
    assert Facility.objects.get(code="F-GJ").lon == 116.647


def test_residential_areas_import_with_polygon_and_gates(zone):
    fc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [
                            [116.640, 35.420],
                            [116.642, 35.420],
                            [116.642, 35.421],
                            [116.640, 35.421],
                            [116.640, 35.420],
                        ]
                    ],
                },
                "properties": {
                    "code": "RA-NEW",
                    "name": "新小区",
                    "community": "370871001001",
                    "gates": "116.641,35.420; 116.642,35.4205",
                    "households": 300,
                    "pop_3_5": 30,
                    "pop_15_59": 600,
                    "pop_65_plus": 90,
                    "status": "under_construction",
                    "construction_year": 2025,
                    "delivery_year": 2027,
                },
            }
        ],
    }
    run(json.dumps(fc).encode(), fmt="geojson", dataset="areas")
    area = ResidentialArea.objects.get(code="RA-NEW")
    assert area.population == 720 and area.street.code == "370871001" and len(area.gates) == 2
    assert 116.640 < area.center_lon < 116.642


def test_area_delivered_before_construction_is_rejected(zone):
    text = "code,name,community,center_lon,center_lat,status,construction_year,delivery_year\nRA-X,倒序,370871001001,116.641,35.411,delivered,2025,2020\n"
    with pytest.raises(ImportRejected) as exc:
        run(text.encode(), dataset="areas")
    assert exc.value.problems[0].field == "delivery_year"


def test_street_staff_cannot_import_into_another_street(zone, guanghe_staff):
    with pytest.raises(ImportRejected) as exc:
        import_rows(
            actor=guanghe_staff,
            dataset="facilities",
            content=GOOD.encode(),
            file_format="csv",
            coordinate_system="wgs84",
        )
    assert [(p.row, p.field) for p in exc.value.problems] == [(2, "street")]
    assert not Facility.objects.filter(code__startswith="F-NEW").exists()


def test_upload_is_validated_then_applied_only_on_confirmation(zone, planner):
    batch = validate_import(
        actor=planner,
        dataset="facilities",
        file_format="csv",
        filename="f.csv",
        content=GOOD.encode(),
        coordinate_system="wgs84",
    )
    assert batch.status == ImportStatus.VALIDATED and batch.summary["create"] == 2
    assert not Facility.objects.filter(code="F-NEW-1").exists()
    apply_import(actor=planner, batch=batch)
    assert Facility.objects.filter(code__startswith="F-NEW").count() == 2
    batch.refresh_from_db()
    assert batch.status == ImportStatus.APPLIED
    with pytest.raises(ImportRejected):
        apply_import(actor=planner, batch=batch)  # a batch applies once


def test_invalid_upload_keeps_its_problems_and_cannot_be_applied(zone, planner):
    bad = HEADER + "F-X,坏,kindergarten,370871001,,abc,35.41,,open\n"
    batch = validate_import(
        actor=planner,
        dataset="facilities",
        file_format="csv",
        filename="bad.csv",
        content=bad.encode(),
        coordinate_system="wgs84",
    )
    assert batch.status == ImportStatus.INVALID
    assert batch.problems == [{"row": 2, "field": "lon", "message": "abc is not a number."}]
    with pytest.raises(ImportRejected):
        apply_import(actor=planner, batch=ImportBatch.objects.get(pk=batch.pk))


def test_problems_are_reported_in_chinese_by_default(zone):
    bad = HEADER + "F-X,颠倒,kindergarten,370871001,,35.41,116.64,100,open\n"
    with override("zh-hans"), pytest.raises(ImportRejected) as exc:
        run(facilities_csv(bad))
    assert exc.value.problems[0].message == "纬度 116.64 超出 -90..90 范围。 经纬度似乎填反了。"
