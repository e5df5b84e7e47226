"""孕产妇健康管理 on the resident's page and the worklist: 建册 dated by the last menstrual period (a first
contact after 13 weeks flagged), the prenatal contacts, the birth, the home visit within a week of the
discharge."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from gaoxin.common.models import AuditEvent
from gaoxin.health import services
from gaoxin.health.models import MaternalVisit, Pregnancy

pytestmark = pytest.mark.django_db


def _post(c, resident, part, **data):  # type: ignore[no-untyped-def]
    values = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in data.items()}
    return c.post(reverse("health:record_edit", args=[resident.pk, part]), values, follow=True)


def test_a_pregnancy_from_registration_to_the_home_visit(people, care, client_of):  # type: ignore[no-untyped-def]
    me = people["me"]  # 陈静, born 1985, team A
    today = timezone.localdate()
    doctor = client_of(care["doctor"])
    lmp = today - dt.timedelta(weeks=14)
    page = _post(doctor, me, "pregnancy", lmp=lmp, registered_on=today).content.decode()
    pregnancy = Pregnancy.objects.get()
    assert pregnancy.late_registration and 'id="late-registration"' in page and "孕早期未建册" in page
    assert "14+0" in page
    # the first exam's window has passed: missed, on the page and on the worklist
    worklist = doctor.get(reverse("health:followups")).content.decode()
    assert "早孕" in worklist or "首次产前检查" in worklist
    _post(doctor, me, "maternal", code="first", visited_on=today)
    assert MaternalVisit.objects.get().code == "first"
    again = _post(doctor, me, "maternal", code="first", visited_on=today).content.decode()
    assert MaternalVisit.objects.count() == 1 and "已记录" in again
    too_early = _post(doctor, me, "maternal", code="home_visit", visited_on=today).content.decode()
    assert MaternalVisit.objects.count() == 1 and "分娩" in too_early
    assert AuditEvent.objects.filter(detail="孕产妇健康管理随访").exists()


def test_the_home_visit_is_due_within_a_week_of_discharge(people, care, client_of):  # type: ignore[no-untyped-def]
    me = people["me"]
    today = timezone.localdate()
    record = people["records"][me.pk]
    lmp = today - dt.timedelta(weeks=40)
    pregnancy = services.register_pregnancy(None, record, lmp=lmp, registered_on=lmp + dt.timedelta(weeks=10))
    assert not pregnancy.late_registration  # 10 weeks: in time
    services.record_birth(
        None, pregnancy, born_on=today - dt.timedelta(days=9), discharged_on=today - dt.timedelta(days=7)
    )
    page = client_of(care["doctor"]).get(reverse("health:resident", args=[me.pk])).content.decode()
    row = page.split('data-code="home_visit"')[1].split("</tr>")[0]
    assert today.isoformat() in row and "s-due_soon" in row  # the 7th day after discharge: due, not missed
    services.record_maternal_visit(None, pregnancy, code="home_visit", visited_on=today)
    page = client_of(care["doctor"]).get(reverse("health:resident", args=[me.pk])).content.decode()
    assert "s-on_track" in page.split('data-code="home_visit"')[1].split("</tr>")[0]


def test_who_records_and_what_is_refused(people, care, client_of):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    record = people["records"][people["me"].pk]
    other = client_of(care["other_doctor"])  # 陈静 is team A's
    _post(other, people["me"], "pregnancy", lmp=today - dt.timedelta(weeks=8), registered_on=today)
    assert not Pregnancy.objects.exists()
    with pytest.raises(services.HealthError):  # the son is no woman
        services.register_pregnancy(None, people["records"][people["son"].pk], lmp=today, registered_on=today)
    with pytest.raises(services.HealthError):  # an LMP in the future
        services.register_pregnancy(None, record, lmp=today + dt.timedelta(days=3), registered_on=today)
    p = services.register_pregnancy(None, record, lmp=today - dt.timedelta(weeks=8), registered_on=today)
    with pytest.raises(services.HealthError):  # one pregnancy at a time
        services.register_pregnancy(None, record, lmp=today - dt.timedelta(weeks=7), registered_on=today)
    with pytest.raises(services.HealthError):  # a discharge before the birth
        services.record_birth(None, p, born_on=today, discharged_on=today - dt.timedelta(days=1))
