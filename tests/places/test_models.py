import pytest
from django.core.exceptions import ValidationError

from gaoxin.places.models import Community, Facility, FacilityType, ResidentialArea, Street


def test_taxonomy_covers_the_six_classes_plus_education_and_eldercare(db):
    classes = set(FacilityType.objects.values_list("service_class", flat=True))
    assert classes == {
        "government",
        "convenience",
        "health",
        "culture_sports",
        "safety",
        "welfare",
        "education",
        "eldercare",
    }
    assert FacilityType.objects.get(code="kindergarten").radius_m == 300  # GB 50180-2018 Appendix C


def test_community_code_must_extend_its_street_code(zone):
    c = Community(street=Street.objects.get(code="370871001"), code="370871002999", name="错")
    with pytest.raises(ValidationError) as exc:
        c.full_clean()
    assert "code" in exc.value.message_dict


def test_community_code_has_twelve_digits(zone):
    c = Community(street=Street.objects.get(code="370871001"), code="37087100101", name="短")
    with pytest.raises(ValidationError):
        c.full_clean()


def test_area_population_is_the_sum_of_age_bands_and_street_follows_community(zone):
    a = ResidentialArea.objects.get(code="RA-DZ-01")
    assert a.population == 70 + 1500 + 300
    assert a.street.code == "370871001"


def test_invalid_polygon_is_refused(zone):
    a = ResidentialArea.objects.get(code="RA-DZ-01")
    a.polygon = {
        "type": "Polygon",
        "coordinates": [
            [[116.64, 35.41], [116.65, 35.42], [116.65, 35.41], [116.64, 35.42], [116.64, 35.41]]
        ],
    }
    with pytest.raises(ValidationError) as exc:
        a.full_clean(exclude=["street"])
    assert "polygon" in exc.value.message_dict


def test_facility_with_half_an_entrance_is_refused(zone):
    f = Facility.objects.get(code="F-GH-KG-1")
    f.entrance_lon = 116.64
    with pytest.raises(ValidationError) as exc:
        f.full_clean()
    assert "entrance_lon" in exc.value.message_dict


def test_access_point_is_the_entrance_when_known(zone):
    f = Facility.objects.get(code="F-GH-KG-1")
    assert f.access_point == (f.lon, f.lat)
    f.entrance_lon, f.entrance_lat = 116.6421, 35.4119
    assert f.access_point == (116.6421, 35.4119)
