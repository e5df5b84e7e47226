"""The FHIR R4 read API: every resource it emits validates with fhir.resources (R4B models) and is read by
the fhirclient package (R4 4.0.1 models) as a client of the running server; the gates and the audit are
the pages' own."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from gaoxin.accounts.choices import Role
from gaoxin.accounts.services import create_user
from gaoxin.common.models import AuditEvent
from gaoxin.health import services
from gaoxin.health.choices import InstitutionKind
from gaoxin.health.models import Institution
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

FHIR_JSON = "application/fhir+json"


@pytest.fixture
def chart(care, people, zone):  # type: ignore[no-untyped-def]
    """陈静 (team A) with hypertension and diabetes, two follow-ups, a measurement, a booking and a referral."""
    me = people["me"]
    record = people["records"][me.pk]
    services.add_condition(None, record, icd10="I10", name="原发性高血压", diagnosed_on=dt.date(2020, 1, 1))
    services.add_condition(None, record, icd10="E11", name="2型糖尿病", diagnosed_on=dt.date(2021, 1, 1))
    today = timezone.localdate()
    services.record_followup(
        None,
        record,
        kind="hypertension",
        visit_on=today - dt.timedelta(days=14),
        way="clinic",
        sbp=150,
        dbp=95,
    )
    services.record_followup(None, record, kind="hypertension", visit_on=today, way="clinic", sbp=152, dbp=96)
    services.record_followup(None, record, kind="diabetes", visit_on=today, way="clinic", fpg="7.0")
    services.add_measurement(care["doctor"], record, taken_on=today, sbp=138, dbp=86, fpg="6.9")
    hospital = Institution.objects.create(zone=zone, name="高新区人民医院", kind=InstitutionKind.HOSPITAL)
    referral = services.create_referral(
        care["doctor"],
        me,
        from_institution=care["centre"],
        to_institution=hospital,
        reason="uncontrolled",
        summary="两次随访血压未达标",
    )
    slot = services.publish_slots(
        None,
        care["centre"],
        day=today + dt.timedelta(days=2),
        times=[dt.time(9, 0)],
        minutes=30,
        capacity=2,
        reserved=0,
        service="慢病复诊",
    )[0]
    services.book(None, me, slot.pk, zone_id=zone.pk)
    return {"me": me, "record": record, "referral": referral, "hospital": hospital}


def _validate(resource):  # type: ignore[no-untyped-def]
    """Parse with fhir.resources' R4B model of its type (types, cardinality, no unknown element)."""
    kind = resource["resourceType"]
    module = importlib.import_module(f"fhir.resources.R4B.{kind.lower()}")
    return getattr(module, kind).model_validate(resource)


def test_every_resource_validates_and_the_codes_are_loinc(chart, care, client_of):  # type: ignore[no-untyped-def]
    c = client_of(care["doctor"])
    pk = chart["me"].pk
    seen = {}
    for kind in ["Condition", "Observation", "EpisodeOfCare", "CareTeam", "Appointment", "ServiceRequest"]:
        answer = c.get(f"/fhir/{kind}?patient={pk}")
        assert answer.status_code == 200 and answer["Content-Type"] == FHIR_JSON, kind
        bundle = answer.json()
        _validate(bundle)
        assert bundle["total"] == len(bundle["entry"]) > 0, kind
        for entry in bundle["entry"]:
            _validate(entry["resource"])
            assert entry["fullUrl"].endswith(f"/fhir/{kind}/{entry['resource']['id']}")
            # the same resource read by its id
            again = c.get(f"/fhir/{kind}/{entry['resource']['id']}").json()
            assert again == entry["resource"], kind
        seen[kind] = [e["resource"] for e in bundle["entry"]]
    patient = c.get(f"/fhir/Patient/{pk}").json()
    _validate(patient)
    assert patient["identifier"][0] == {
        "use": "official",
        "system": "urn:oid:2.16.156.10011.1.2",
        "value": chart["record"].code,
    }
    assert "370871" not in str(patient.get("identifier", [])[1:]) and chart["me"].id_masked not in str(
        patient
    )
    bp = [o for o in seen["Observation"] if o["code"]["coding"][0]["code"] == "85354-9"]
    assert {
        (o["component"][0]["valueQuantity"]["value"], o["component"][1]["valueQuantity"]["value"]) for o in bp
    } == {
        (150, 95),
        (152, 96),
        (138, 86),
    }
    for o in bp:
        assert [x["code"]["coding"][0]["code"] for x in o["component"]] == ["8480-6", "8462-4"]
        assert {x["valueQuantity"]["code"] for x in o["component"]} == {"mm[Hg]"}
    glucose = [o for o in seen["Observation"] if o["code"]["coding"][0]["code"] == "14771-0"]
    assert sorted(o["valueQuantity"]["value"] for o in glucose) == [6.9, 7.0]
    assert {o["valueQuantity"]["unit"] for o in glucose} == {"mmol/L"}
    assert {x["code"]["coding"][0]["code"] for x in seen["Condition"]} == {"I10", "E11"}
    (request,) = seen["ServiceRequest"]
    assert request["status"] == "active" and request["category"][0]["coding"][0]["code"] == "3457005"
    assert request["performer"] == [{"reference": f"Organization/{chart['hospital'].pk}"}]
    assert seen["EpisodeOfCare"][0]["status"] == "active" and seen["Appointment"][0]["status"] == "booked"
    only_bp = c.get(f"/fhir/Observation?patient={pk}&code=http://loinc.org|85354-9").json()
    assert only_bp["total"] == 3
    for kind, rid in [
        ("Organization", chart["hospital"].pk),
        ("Practitioner", care["doctor"].pk),
        ("CareTeam", care["team_a"].pk),
    ]:
        _validate(c.get(f"/fhir/{kind}/{rid}").json())
    metadata = Client().get("/fhir/metadata")  # public
    assert metadata.status_code == 200
    statement = _validate(metadata.json())
    assert statement.fhirVersion == "4.0.1"


def test_search_by_identifier_and_the_gates(chart, care, people, client_of):  # type: ignore[no-untyped-def]
    pk = chart["me"].pk
    doctor = client_of(care["doctor"])
    by_code = doctor.get(
        "/fhir/Patient", {"identifier": f"urn:oid:2.16.156.10011.1.2|{chart['record'].code}"}
    ).json()
    assert [e["resource"]["id"] for e in by_code["entry"]] == [str(pk)]
    from tests.health.conftest import id_number

    by_id = doctor.get(
        "/fhir/Patient", {"identifier": f"urn:oid:2.16.156.10011.1.3|{id_number('19850615', '002')}"}
    )
    assert [e["resource"]["id"] for e in by_id.json()["entry"]] == [str(pk)]
    # team B's doctor: 陈静 is not in her care — nothing found, nothing read
    other = client_of(care["other_doctor"])
    assert (
        other.get(
            "/fhir/Patient", {"identifier": f"urn:oid:2.16.156.10011.1.2|{chart['record'].code}"}
        ).json()["total"]
        == 0
    )
    assert other.get(f"/fhir/Patient/{pk}").status_code == 404
    assert other.get(f"/fhir/Observation?patient={pk}").json()["total"] == 0
    hidden = other.get(f"/fhir/Observation/fu-{chart['record'].followups.first().pk}-bp")
    assert hidden.status_code == 404 and hidden.json()["resourceType"] == "OperationOutcome"
    assert other.get(f"/fhir/ServiceRequest/{chart['referral'].pk}").status_code == 404
    assert AuditEvent.objects.filter(actor=care["other_doctor"], outcome="denied").exists()
    # the resident and a planner are no clients of this API; nobody logged out is
    assert client_of(people["me"].user).get(f"/fhir/Patient/{pk}").status_code == 404
    out = Client().get(f"/fhir/Patient/{pk}")
    assert out.status_code == 401 and out.json()["issue"][0]["code"] == "login"
    # the hospital reads the referred patient (the referral is open), and the referral
    desk = create_user("desk", PASSWORD, roles=[Role.DOCTOR])
    chart["hospital"].managers.add(desk)
    h = client_of(desk)
    assert h.get(f"/fhir/Patient/{pk}").status_code == 200
    assert h.get(f"/fhir/ServiceRequest/{chart['referral'].pk}").json()["status"] == "active"
    # unsupported searches are refused in FHIR's words
    bad = h.get("/fhir/Observation?subject=1")
    assert bad.status_code == 400 and bad.json()["issue"][0]["code"] == "invalid"
    assert h.get("/fhir/Observation").status_code == 400
    assert h.get("/fhir/Observation", {"patient": "1" * 50}).status_code == 400  # longer than any id
    assert h.get("/fhir/Medication/1").status_code == 404
    assert h.get("/fhir/Observation/fu-x-bp").status_code == 404
    assert h.get("/fhir/Observation/xx-1-bp").status_code == 404
    for huge in ("9" * 30, "١٢", "-1", "1e3"):  # ids that name no row: not found, never an error
        assert h.get(f"/fhir/Patient/{huge}").status_code == 404, huge
        assert h.get(f"/fhir/Condition/{huge}").status_code == 404, huge
        assert h.get(f"/fhir/Observation/fu-{huge}-bp").status_code == 404, huge
        assert h.get("/fhir/Observation", {"patient": huge}).json()["total"] == 0, huge
    assert client_of(care["doctor"]).get(f"/fhir/Observation?patient={pk}").json()["total"] == 5
    reads = AuditEvent.objects.filter(actor=care["doctor"], action="read", detail__startswith="FHIR")
    assert (
        reads.filter(detail="FHIR接口：Observation").exists()
        and reads.filter(detail="FHIR接口：Patient").exists()
    )


def test_a_fhir_client_reads_the_observations_and_the_referral(chart, care, live_server):  # type: ignore[no-untyped-def]
    from fhirclient import client
    from fhirclient.models.observation import Observation
    from fhirclient.models.patient import Patient
    from fhirclient.models.servicerequest import ServiceRequest

    browser = Client()
    browser.force_login(care["doctor"])
    smart = client.FHIRClient(settings={"app_id": "gaoxin-test", "api_base": live_server.url + "/fhir/"})
    smart.server.session.cookies.set(
        settings.SESSION_COOKIE_NAME, browser.cookies[settings.SESSION_COOKIE_NAME].value
    )
    pk = str(chart["me"].pk)
    patient = Patient.read(pk, smart.server)
    assert patient.birthDate.isostring == chart["me"].birth_date.isoformat()
    assert patient.identifier[0].value == chart["record"].code
    observations = Observation.where(struct={"patient": pk}).perform_resources_iter(smart.server)
    readings = sorted(
        (o.component[0].valueQuantity.value, o.component[1].valueQuantity.value)
        for o in observations
        if o.code.coding[0].code == "85354-9"
    )
    assert readings == [(138, 86), (150, 95), (152, 96)]
    (referral,) = list(ServiceRequest.where(struct={"patient": pk}).perform_resources_iter(smart.server))
    assert referral.status == "active" and referral.subject.reference == f"Patient/{pk}"
    assert ServiceRequest.read(referral.id, smart.server).identifier[0].value == chart["referral"].number
