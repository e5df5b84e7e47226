"""Remote consultation: the doctor asks the hospital with the patient's consent recorded; the hospital
reads the record while the case is before it, accepts and signs its opinion; a later change of the
opinion breaks its seal; each side takes only its own steps."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from gaoxin.accounts.choices import Role
from gaoxin.accounts.services import create_user
from gaoxin.common.models import AuditEvent
from gaoxin.health import services
from gaoxin.health.choices import InstitutionKind
from gaoxin.health.models import Institution, Teleconsult
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def hospital(zone):  # type: ignore[no-untyped-def]
    h = Institution.objects.create(zone=zone, name="高新区人民医院", kind=InstitutionKind.HOSPITAL)
    expert = create_user("expert", PASSWORD, roles=[Role.DOCTOR], display_name="心内科 李主任")
    h.managers.add(expert)
    return {"hospital": h, "expert": expert}


def _form(hospital, **extra):  # type: ignore[no-untyped-def]
    return {
        "invited": hospital["hospital"].pk,
        "specialty": "心血管内科",
        "summary": "高血压10年，近两月血压 150-165/90-100 mmHg，已联合两种降压药",
        "question": "是否需要调整方案或进一步检查继发性高血压？",
        "consent": "on",
        "consent_note": "患者签署远程会诊知情同意书（编号 2026-031）",
    } | extra


def test_the_doctor_asks_the_hospital_signs(people, care, hospital, client_of):  # type: ignore[no-untyped-def]
    me = people["me"]
    doctor = client_of(care["doctor"])
    url = reverse("health:teleconsult_new", args=[me.pk])
    page = doctor.post(url, _form(hospital, consent="", consent_note=""), follow=True).content.decode()
    assert not Teleconsult.objects.exists() and "知情同意" in page  # no consent, no request
    doctor.post(url, _form(hospital))
    t = Teleconsult.objects.get()
    assert t.state == "requested" and t.inviting == care["centre"] and "2026-031" in t.consent_note
    expert = client_of(hospital["expert"])
    assert expert.get(reverse("health:resident", args=[me.pk])).status_code == 200  # the case is before it
    page = expert.get(reverse("health:teleconsult", args=[t.pk])).content.decode()
    assert 'id="step-accept"' in page and "2026-031" in page
    expert.post(reverse("health:teleconsult", args=[t.pk]), {"action": "accept", "note": "明日上午视频会诊"})
    expert.post(
        reverse("health:teleconsult", args=[t.pk]),
        {"action": "opinion", "note": "建议查肾素-醛固酮比值、肾动脉超声；氨氯地平加量至10mg"},
    )
    t.refresh_from_db()
    assert t.state == "done" and t.opinion_by == hospital["expert"] and t.opinion_seal
    assert services.opinion_intact(t) is True
    page = expert.get(reverse("health:teleconsult", args=[t.pk])).content.decode()
    assert 'id="seal-ok"' in page and "李主任" in page
    assert (
        expert.get(reverse("health:resident", args=[me.pk])).status_code == 404
    )  # done: no longer before it
    # a change of the words after signing shows
    Teleconsult.objects.filter(pk=t.pk).update(opinion="无需检查")
    t.refresh_from_db()
    assert services.opinion_intact(t) is False
    doctor = client_of(care["doctor"])
    assert 'id="seal-broken"' in doctor.get(reverse("health:teleconsult", args=[t.pk])).content.decode()
    assert AuditEvent.objects.filter(
        action="sign", target_type="teleconsult", actor=hospital["expert"]
    ).exists()


def test_each_side_its_own_steps_and_nobody_else_reads(people, care, hospital, client_of, zone):  # type: ignore[no-untyped-def]
    t = services.request_teleconsult(
        care["doctor"],
        people["me"],
        inviting=care["centre"],
        invited=hospital["hospital"],
        summary="s",
        question="q",
        consent=True,
        consent_note="口头同意，护士王某见证",
    )
    with pytest.raises(PermissionDenied):
        services.teleconsult_step(care["doctor"], t, "accept")
    with pytest.raises(PermissionDenied):
        services.teleconsult_step(hospital["expert"], t, "cancel", note="x")
    with pytest.raises(ValidationError):  # no opinion before accepting
        services.teleconsult_step(hospital["expert"], t, "opinion", note="x")
    with pytest.raises(ValidationError):  # a reason for declining
        services.teleconsult_step(hospital["expert"], t, "decline", note=" ")
    other = Institution.objects.create(zone=zone, name="另一中心", kind=InstitutionKind.CENTRE)
    stranger = create_user("stranger", PASSWORD, roles=[Role.DOCTOR])
    other.managers.add(stranger)
    assert client_of(stranger).get(reverse("health:teleconsult", args=[t.pk])).status_code == 404
    assert client_of(care["other_doctor"]).get(
        reverse("health:teleconsult_new", args=[people["me"].pk])
    ).status_code in (403, 404)
    with pytest.raises(PermissionDenied):  # not her carer
        services.request_teleconsult(
            care["other_doctor"],
            people["me"],
            inviting=care["centre"],
            invited=hospital["hospital"],
            summary="s",
            question="q",
            consent=True,
            consent_note="x",
        )
    services.teleconsult_step(hospital["expert"], t, "decline", note="本院无该专科")
    assert (
        client_of(hospital["expert"]).get(reverse("health:resident", args=[people["me"].pk])).status_code
        == 404
    )
