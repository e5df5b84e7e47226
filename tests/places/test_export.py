import json

import pytest

from gaoxin.common.tabular import read_csv, read_xlsx
from gaoxin.places.models import Community, Facility, ResidentialArea
from gaoxin.places.queries import export_file
from gaoxin.places.services import import_rows


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "geojson"])
@pytest.mark.parametrize("dataset", ["streets", "communities", "areas", "facilities"])
def test_an_export_imports_back_as_updates_only(zone, dataset, fmt):
    data = export_file(dataset, fmt)
    result = import_rows(
        actor=None, dataset=dataset, content=data, file_format=fmt, coordinate_system="wgs84"
    )
    assert result["created"] == 0 and result["updated"] > 0


def test_csv_export_opens_in_excel_with_chinese(zone):
    data = export_file("facilities", "csv")
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
    rows = read_csv(data)
    assert {r.cells["name"] for r in rows} == {"洸河幼儿园", "柳行中心幼儿园"}


def test_xlsx_export_has_every_area(zone):
    rows = read_xlsx(export_file("areas", "xlsx"))
    assert len(rows) == ResidentialArea.objects.count()


def test_geojson_export_carries_points(zone):
    fc = json.loads(export_file("facilities", "geojson"))
    assert len(fc["features"]) == Facility.objects.count()
    assert fc["features"][0]["geometry"]["type"] == "Point"


def test_community_kind_comes_from_the_code(zone):
    assert Community.objects.get(code="370871001001").kind == "urban"
    assert Community.objects.get(code="370871001201").kind == "village"
