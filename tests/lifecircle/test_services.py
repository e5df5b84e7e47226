"""Evaluation runs on a hand-made zone."""

import pytest
from django.core.exceptions import PermissionDenied

from gaoxin.lifecircle import services
from gaoxin.lifecircle.models import Evaluation, Profile
from gaoxin.places.models import Facility, FacilityType, ResidentialArea, Street


def test_builtin_profiles_are_loaded_from_the_standards_files(db):
    jining = Profile.objects.get(name="jining-2026", version=1)
    assert jining.builtin and jining.items.filter(mandatory=True).count() >= 15
    kg = jining.items.get(facility_type__code="kindergarten")
    assert kg.radius_m == 300 and kg.demand_group == "children_3_5" and "GB ▲" in kg.clause


def test_evaluation_stores_a_result_per_area(network_zone):
    run = services.evaluate(actor=None, zone=network_zone)
    assert run.area_results.count() == 2 and run.profile.name == "jining-2026"
    r = run.area_results.get(area__code="RA-DZ-01")
    kg = r.items["kindergarten"]
    # 240 m as the crow flies, but 91 m east + 222 m north along the streets: 313 m > 300 m
    assert kg["distance_m"] == pytest.approx(313, abs=3) and not kg["covered"] and kg["count"] == 0
    assert kg["facility_id"] == Facility.objects.get(code="F-GH-KG-1").pk
    assert kg["supply_ratio"] == 0.0  # no kindergarten place within 300 m
    primary = Facility.objects.create(
        code="F-PS",
        name="东闸小学",
        type=FacilityType.objects.get(code="primary_school"),
        street=r.street,
        lon=116.641,
        lat=35.411,
        capacity=120,
    )
    r = services.evaluate(actor=None, zone=network_zone).area_results.get(area__code="RA-DZ-01")
    assert r.items["primary_school"]["covered"] and r.items["primary_school"]["facility_id"] == primary.pk
    assert (
        r.items["primary_school"]["supply_ratio"] == 0.0
    )  # the area has no children aged 6-11 in the fixture
    assert not r.passes and r.missing > 0 and 0 < r.completeness < 1
    assert run.items[0]["clause"]  # the run keeps the profile items it used


def test_adding_the_missing_facility_turns_the_area_to_pass_for_that_item(network_zone):
    before = services.evaluate(actor=None, zone=network_zone).area_results.get(area__code="RA-DZ-01")
    assert not before.items["day_care_center"]["covered"]
    area = ResidentialArea.objects.get(code="RA-DZ-01")
    gate_lon, gate_lat = area.gates[0]
    Facility.objects.create(
        code="F-NEW-DC",
        name="东闸日间照料中心",
        type=FacilityType.objects.get(code="day_care_center"),
        street=area.street,
        lon=gate_lon + 0.0005,
        lat=gate_lat,
        capacity=30,
    )
    after = services.evaluate(actor=None, zone=network_zone).area_results.get(area__code="RA-DZ-01")
    assert after.items["day_care_center"]["covered"] and after.missing == before.missing - 1


def test_changing_a_facility_marks_runs_stale(network_zone):
    run = services.evaluate(actor=None, zone=network_zone)
    assert not Evaluation.objects.get(pk=run.pk).stale
    f = Facility.objects.get(code="F-GH-KG-1")
    f.status, f.closed_on = "closed", f.created_at.date()
    f.save()
    assert Evaluation.objects.get(pk=run.pk).stale


def test_a_closed_facility_no_longer_counts(network_zone):
    f = Facility.objects.get(code="F-GH-KG-1")
    f.status, f.closed_on = "closed", f.created_at.date()
    f.save()
    r = services.evaluate(actor=None, zone=network_zone).area_results.get(area__code="RA-DZ-01")
    assert not r.items["kindergarten"]["covered"]


def test_a_zone_without_network_is_a_clear_error(zone):
    with pytest.raises(services.EvaluationError):
        services.evaluate(actor=None, zone=zone)


def test_copying_a_profile_makes_an_editable_new_version(network_zone, client):
    from gaoxin.accounts.choices import Role
    from gaoxin.accounts.services import create_user

    admin = create_user("zadmin", "a-Strong-test-pass-42", roles=[Role.ZONE_ADMIN])
    source = Profile.objects.get(name="gb50180-2018", version=1)
    copy = services.copy_profile(actor=admin, profile=source)
    assert copy.version == 2 and not copy.builtin and copy.based_on == source
    assert copy.items.count() == source.items.count()
    copy.items.filter(facility_type__code="kindergarten").update(radius_m=500)
    run = services.evaluate(actor=None, zone=network_zone, profile=copy)
    assert (
        run.profile == copy and next(i for i in run.items if i["type"] == "kindergarten")["radius_m"] == 500
    )


def test_street_staff_evaluate_but_cannot_copy_profiles_or_site(network_zone, guanghe_staff, resident):
    assert services.evaluate(actor=guanghe_staff, zone=network_zone).area_results.count() == 2
    with pytest.raises(PermissionDenied):
        services.evaluate(actor=resident, zone=network_zone)
    with pytest.raises(PermissionDenied):
        services.copy_profile(actor=guanghe_staff, profile=Profile.objects.first())


def test_results_follow_the_street_of_the_area(network_zone):
    run = services.evaluate(actor=None, zone=network_zone)
    liuxing = Street.objects.get(code="370871002")
    assert list(run.area_results.filter(street=liuxing).values_list("area__code", flat=True)) == ["RA-CW-01"]


def test_replacing_the_network_marks_runs_stale(network_zone):
    from gaoxin.places.services import replace_walk_network

    run = services.evaluate(actor=None, zone=network_zone)
    replace_walk_network(actor=None, zone=network_zone, lines=[[[116.63, 35.40], [116.64, 35.40]]])
    assert Evaluation.objects.get(pk=run.pk).stale


def test_a_profile_can_weigh_catchments_with_the_gaussian_decay(network_zone):
    from gaoxin.places.models import FacilityType

    area = ResidentialArea.objects.get(code="RA-DZ-01")
    Facility.objects.create(
        code="F-DC",
        name="日照",
        type=FacilityType.objects.get(code="day_care_center"),
        street=area.street,
        lon=area.gates[0][0] + 0.001,
        lat=area.gates[0][1],
        capacity=20,
    )
    flat = (
        services.evaluate(actor=None, zone=network_zone)
        .area_results.get(area=area)
        .items["day_care_center"]["supply_ratio"]
    )
    profile = Profile.objects.get(name="jining-2026", version=1)
    profile.catchment_decay = "gaussian"
    profile.save()
    gaussian = (
        services.evaluate(actor=None, zone=network_zone, profile=profile)
        .area_results.get(area=area)
        .items["day_care_center"]["supply_ratio"]
    )
    # one area, one centre: the Gaussian weight cancels out (R_j and A_i carry the same weight)
    assert flat == pytest.approx(20 / 300 / 0.02, rel=1e-3) and gaussian == pytest.approx(flat, rel=1e-3)


def test_an_item_measured_for_residents_aged_60_plus_walks_slower_than_the_distance(network_zone):
    """The zone's profile measures the mutual-aid home for residents aged 60+ (0.9 m/s): the same walk
    costs distance / 0.9; the day-care centre stays on plain distance. The run keeps the profile."""
    jining = Profile.objects.get(name="jining-2026", version=1)
    item = jining.items.get(facility_type__code="mutual_aid_home")
    assert item.walk_profile == "elderly"
    area = ResidentialArea.objects.get(code="RA-DZ-01")
    gate_lon, gate_lat = area.gates[0]
    for code, type_code in (("F-MA", "mutual_aid_home"), ("F-DC", "day_care_center")):
        Facility.objects.create(
            code=code,
            name=code,
            type=FacilityType.objects.get(code=type_code),
            street=area.street,
            lon=gate_lon + 0.002,
            lat=gate_lat,
            capacity=10,
        )
    run = services.evaluate(actor=None, zone=network_zone)
    r = run.area_results.get(area__code="RA-DZ-01")
    walk = r.items["day_care_center"]["distance_m"]
    assert r.items["mutual_aid_home"]["distance_m"] == pytest.approx(walk / 0.9, rel=1e-3)
    snapshot = {it["type"]: it for it in run.items}
    assert snapshot["mutual_aid_home"]["walk_profile"] == "elderly"
    assert snapshot["day_care_center"]["walk_profile"] == "distance"
    # distance everywhere when the item is switched back
    item.walk_profile = "distance"
    item.save()
    r = services.evaluate(actor=None, zone=network_zone).area_results.get(area__code="RA-DZ-01")
    assert r.items["mutual_aid_home"]["distance_m"] == pytest.approx(walk, abs=0.01)
