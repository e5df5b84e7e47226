"""Residents, records and contracts: the rules of health-rules.md ("Rules that make good test cases")."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from gaoxin.common import crypto
from gaoxin.common.models import AuditEvent
from gaoxin.health import services
from gaoxin.health.choices import ContractStatus, RecordStatus, SignedVia
from gaoxin.health.models import Contract, Resident
from gaoxin.places.models import Community
from tests.health.conftest import id_number


def test_the_id_number_is_stored_encrypted_masked_and_found_by_its_keyed_hash(people) -> None:  # type: ignore[no-untyped-def]
    me = people["me"]
    clear = id_number("19850615", "002")
    assert clear not in me.id_cipher and clear not in me.id_hash
    assert me.id_masked == clear[:6] + "********" + clear[-4:]
    assert crypto.decrypt(me.id_cipher) == clear
    assert services.find_resident(clear.lower()) == me
    assert (me.sex, me.birth_date) == (2, dt.date(1985, 6, 15))
    assert me.phone_masked == "138****2345" and "13853712345" not in me.phone_cipher


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"id_number": "370871196001010018"}, "id_number"),  # wrong check digit
        ({"id_number": "370871196001010017", "sex": 2}, "sex"),  # digit 17 odd: male
        ({"id_number": "370871196001010017", "birth_date": dt.date(1960, 1, 2)}, "birth_date"),
    ],
)
def test_a_bad_or_inconsistent_id_number_is_refused(zone, kwargs, field) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(services.HealthError) as err:
        services.register_resident(None, name="x", community=Community.objects.first(), **kwargs)
    assert field in err.value.message_dict
    assert not Resident.objects.exists()


def test_the_same_person_cannot_be_registered_twice(people) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(services.HealthError, match="已登记"):
        services.register_resident(
            None, id_number=id_number("19850615", "002"), name="陈静", community=people["me"].community
        )


def test_record_codes_count_per_community_and_one_person_has_one_record(care, people) -> None:  # type: ignore[no-untyped-def]
    codes = sorted(r.code for r in people["records"].values())
    assert codes == ["37087100100100001", "37087100100100002", "37087100100100003"]
    with pytest.raises(services.HealthError, match="一人一档"):
        services.create_record(None, people["me"], care["centre"])
    services.cancel_record(None, people["records"][people["neighbour"].pk], "moved")
    again = services.create_record(None, people["neighbour"], care["centre"])
    assert again.code == "37087100100100004"


def test_a_childs_record_opens_online_only_after_guardian_consent(people) -> None:  # type: ignore[no-untyped-def]
    record = people["records"][people["son"].pk]
    services.review_record(None, record)
    with pytest.raises(services.HealthError, match="监护人"):
        services.open_record(None, record)
    services.add_guardian(None, guardian=people["me"], child=people["son"], consent=False)
    with pytest.raises(services.HealthError, match="监护人"):
        services.open_record(None, record)
    services.add_guardian(None, guardian=people["me"], child=people["son"], consent=True)
    assert services.open_record(None, record).status == RecordStatus.OPEN


def test_a_guardian_manages_only_a_child_under_14(people) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(services.HealthError, match="未满14周岁"):
        services.add_guardian(None, guardian=people["me"], child=people["neighbour"], consent=True)


def test_a_contract_signed_2024_03_01_ends_2025_02_28(care, people) -> None:  # type: ignore[no-untyped-def]
    son = people["son"]
    contract = services.sign_contract(
        None,
        resident=son,
        team=care["team_a"],
        package=care["basic"],
        via=SignedVia.DOCTOR,
        starts_on=dt.date(2024, 3, 1),
    )
    assert contract.ends_on == dt.date(2025, 2, 28) and contract.status == ContractStatus.ACTIVE
    assert not contract.renewal_due(dt.date(2025, 1, 28), 30)
    assert contract.renewal_due(dt.date(2025, 1, 29), 30)  # 待续约 within 30 days of the end
    with pytest.raises(services.HealthError):
        services.renew_contract(None, contract, via=SignedVia.RESIDENT, today=dt.date(2025, 1, 1))
    new = services.renew_contract(None, contract, via=SignedVia.RESIDENT, today=dt.date(2025, 2, 10))
    assert (new.starts_on, new.ends_on, new.renewal_of) == (
        dt.date(2025, 3, 1),
        dt.date(2026, 2, 28),
        contract,
    )


def test_one_team_at_a_time_and_only_a_finished_termination_frees_the_resident(care, people) -> None:  # type: ignore[no-untyped-def]
    me = people["me"]
    with pytest.raises(services.HealthError, match="已与团队签约"):
        services.sign_contract(
            None, resident=me, team=care["team_b"], package=care["basic"], via=SignedVia.RESIDENT
        )
    contract = services.holding_contract(me)
    services.request_termination(None, contract, by="resident", reason="搬家")
    with pytest.raises(services.HealthError):
        services.sign_contract(
            None, resident=me, team=care["team_b"], package=care["basic"], via=SignedVia.RESIDENT
        )
    services.decide_termination(care["manager"], contract, approve=False)  # 拒绝解约: back in force
    assert contract.status == ContractStatus.ACTIVE
    services.request_termination(None, contract, by="resident", reason="搬家")
    services.decide_termination(care["manager"], contract, approve=True)  # 已解约
    application = services.sign_contract(
        None, resident=me, team=care["team_b"], package=care["basic"], via=SignedVia.RESIDENT
    )
    assert application.status == ContractStatus.APPLIED
    accepted = services.decide_application(
        care["other_doctor"], application, accept=True, on=dt.date(2026, 1, 5)
    )
    assert (accepted.status, accepted.ends_on) == (ContractStatus.ACTIVE, dt.date(2027, 1, 4))


def test_the_database_refuses_a_second_holding_contract(care, people) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(IntegrityError), transaction.atomic():
        Contract.objects.create(
            resident=people["me"],
            team=care["team_b"],
            package=care["basic"],
            status=ContractStatus.APPLIED,
            signed_via="resident",
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2026, 12, 31),
        )


def test_expired_contracts_end_on_their_last_day(care, people) -> None:  # type: ignore[no-untyped-def]
    contract = services.sign_contract(
        None,
        resident=people["son"],
        team=care["team_a"],
        package=care["basic"],
        via=SignedVia.DOCTOR,
        starts_on=dt.date(2024, 3, 1),
    )
    assert services.expire_contracts(today=dt.date(2025, 3, 1)) == 1
    contract.refresh_from_db()
    assert (contract.status, contract.ended_on) == (ContractStatus.EXPIRED, dt.date(2025, 2, 28))


def test_every_write_leaves_an_audit_event_without_the_clear_id(people) -> None:  # type: ignore[no-untyped-def]
    events = list(AuditEvent.objects.all())
    assert {e.action for e in events} >= {"create", "update"}
    clear = id_number("19850615", "002")
    assert all(clear not in (e.target_label + e.detail) for e in events)


def test_fulfilment_counts_each_item_up_to_its_frequency(care, people) -> None:  # type: ignore[no-untyped-def]
    from gaoxin.analysis.followup import fulfilment

    assert fulfilment([("血压测量", 4), ("健康评估", 1)], ["血压测量"] * 6 + ["健康评估"]) == (5, 5)
    assert fulfilment([("血压测量", 4), ("健康评估", 1)], ["血压测量"]) == (1, 5)
    package = care["basic"]
    package.items = [{"name": "血压测量", "per_year": 4}, {"name": "健康评估", "per_year": 1}]
    package.save()
    contract = services.holding_contract(people["me"])
    services.record_delivery(care["doctor"], contract, item="血压测量")
    with pytest.raises(services.HealthError):
        services.record_delivery(care["doctor"], contract, item="上门服务")  # not in the package
    with pytest.raises(services.HealthError):
        services.record_delivery(
            care["doctor"], contract, item="健康评估", delivered_on=contract.starts_on - dt.timedelta(days=1)
        )
    assert services.contract_fulfilment(contract) == (1, 5)


def test_merging_moves_the_content_and_cancels_the_duplicate(care, people) -> None:  # type: ignore[no-untyped-def]
    keep, dup = people["records"][people["me"].pk], people["records"][people["neighbour"].pk]
    # the neighbour holds no contract with the doctor's team: the centre's manager keeps both records
    services.add_condition(care["manager"], dup, icd10="e11", name="2型糖尿病", diagnosed_on=None)
    services.add_measurement(
        care["manager"],
        dup,
        taken_on=dt.date(2026, 1, 5),
        sbp=150,
        dbp=95,
        fpg=None,
        weight_kg=None,
        height_cm=None,
    )
    services.merge_records(care["manager"], keep, dup)
    dup.refresh_from_db()
    assert (dup.status, dup.cancel_reason, dup.merged_into) == (RecordStatus.CANCELLED, "merged", keep)
    assert [c.icd10 for c in keep.conditions.all()] == ["E11"] and keep.measurements.count() == 1
    with pytest.raises(services.HealthError):
        services.merge_records(care["manager"], keep, dup)


def test_a_bad_icd10_code_or_half_a_blood_pressure_is_refused(care, people) -> None:  # type: ignore[no-untyped-def]
    from django.core.exceptions import ValidationError

    record = people["records"][people["me"].pk]
    with pytest.raises(ValidationError):
        services.add_condition(care["doctor"], record, icd10="110", name="x", diagnosed_on=None)
    with pytest.raises(services.HealthError):
        services.add_measurement(
            care["doctor"],
            record,
            taken_on=dt.date(2026, 1, 5),
            sbp=150,
            dbp=None,
            fpg=None,
            weight_kg=None,
            height_cm=None,
        )


def test_audit_purge_keeps_what_is_younger_than_the_retention(people, settings) -> None:  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    before = AuditEvent.objects.count()
    call_command("audit", "purge")
    assert AuditEvent.objects.exclude(action="purge").count() == before  # everything is from today
    assert AuditEvent.objects.filter(action="purge").count() == 1  # and the purge itself is audited


def test_the_daily_command_expires_ended_contracts(care, people) -> None:  # type: ignore[no-untyped-def]
    from io import StringIO

    from django.core.management import call_command

    services.sign_contract(
        None,
        resident=people["son"],
        team=care["team_a"],
        package=care["basic"],
        via=SignedVia.DOCTOR,
        starts_on=dt.date(2020, 1, 1),
    )
    out = StringIO()
    call_command("health", "expire", stdout=out)
    assert out.getvalue().startswith("1 ")
    assert services.holding_contract(people["son"]) is None
