"""The privacy findings of the security review, each proven closed: nothing beside a masked number
completes it; identifiers are ASCII only; ID searches are POSTed; a guardian's access ends at 14;
refused reads and refused registrations are audited; a manager keeps only her centre's residents;
KPI cells under five are suppressed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from gaoxin.accounts.models import User
from gaoxin.analysis.identifiers import IdentifierError, parse_id_number
from gaoxin.common.models import AuditEvent
from gaoxin.health import access, queries, services
from gaoxin.health.choices import SignedVia
from gaoxin.places.models import Community
from tests.health.conftest import id_number

CLEAR_ID = id_number("19850615", "002")


def birth_date_forms(day: dt.date) -> list[str]:
    return [
        f"{day:%Y%m%d}",
        day.isoformat(),
        f"{day.year}年{day.month}月{day.day}日",
        f"{day:%Y}/{day:%m}/{day:%d}",
        f"{day:%Y-%m-%d}",
    ]


def test_nothing_beside_the_masked_number_completes_it(client_of, care, people):  # type: ignore[no-untyped-def]
    c = client_of(care["doctor"])
    me = people["me"]
    for url in (
        reverse("health:resident", args=[me.pk]),
        reverse("health:residents"),
        f"/api/health/residents/{me.pk}",
    ):
        html = c.get(url).content.decode()
        assert me.id_masked in html
        assert not any(form in html for form in birth_date_forms(me.birth_date)), url
        assert CLEAR_ID not in html
    shown = c.post(reverse("health:resident", args=[me.pk]), {"reveal": "id_number"}).content.decode()
    assert CLEAR_ID in shown  # the audited reveal is the one way to the full number


@pytest.mark.parametrize(
    "typed",
    [
        CLEAR_ID.translate(str.maketrans("0123456789", "０１２３４５６７８９")),  # full-width digits
        "²" + CLEAR_ID[1:],  # a superscript digit
        "٣" + CLEAR_ID[1:],  # an Arabic-Indic digit
        CLEAR_ID[:17] + "Ｘ",
    ],
)
def test_only_ascii_digits_make_an_id_number(typed):  # type: ignore[no-untyped-def]
    with pytest.raises(IdentifierError) as exc:
        parse_id_number(typed)
    assert exc.value.code in ("id_not_ascii", "id_length")


def test_a_full_width_number_registers_nobody_twice(care, people):  # type: ignore[no-untyped-def]
    full_width = CLEAR_ID.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    with pytest.raises(services.HealthError):
        services.register_resident(
            None, id_number=full_width, name="陈静", community=Community.objects.get(code="370871001001")
        )


def test_a_search_by_id_number_is_posted_and_odd_digits_are_no_error(client_of, care, people):  # type: ignore[no-untyped-def]
    c = client_of(care["doctor"])
    page = c.get(reverse("health:residents")).content.decode()
    assert re.search(r'<form[^>]*method="post"[^>]*>.*name="q"', page, re.S)
    found = c.post(reverse("health:residents"), {"q": CLEAR_ID})
    assert found.status_code == 200 and [r["resident"] for r in found.context["rows"]] == [people["me"]]
    assert c.get(reverse("health:residents"), {"q": "²70871196001010017"}).status_code == 200
    assert c.post(reverse("health:residents"), {"q": "²70871196001010017"}).status_code == 200
    assert not AuditEvent.objects.filter(detail__contains=CLEAR_ID).exists()


def test_a_guardian_reads_the_childs_record_until_the_14th_birthday(client_of, care, people, monkeypatch):  # type: ignore[no-untyped-def]
    me_user = User.objects.get(username="resident")
    son = people["son"]
    services.add_guardian(None, guardian=people["me"], child=son, consent=True)
    url = reverse("health:ward", args=[son.pk])
    assert client_of(me_user).get(url).status_code == 200
    fourteen = dt.date(son.birth_date.year + 14, son.birth_date.month, son.birth_date.day)
    monkeypatch.setattr(timezone, "localdate", lambda *a: fourteen - dt.timedelta(days=1))
    assert access.is_guardian_of(people["me"], son)
    monkeypatch.setattr(timezone, "localdate", lambda *a: fourteen)
    assert client_of(me_user).get(url).status_code == 404
    assert access.wards_of(people["me"]) == []
    with pytest.raises(Exception):  # noqa: B017 - PermissionDenied from the service's gate
        services.renew_contract(
            me_user, son.contracts.first() or _contract(care, son), via=SignedVia.RESIDENT
        )


def _contract(care, person):  # type: ignore[no-untyped-def]
    return services.sign_contract(
        None, resident=person, team=care["team_a"], package=care["basic"], via=SignedVia.DOCTOR
    )


def test_a_refused_read_is_audited(client_of, care, people):  # type: ignore[no-untyped-def]
    c = client_of(care["other_doctor"])
    assert c.get(reverse("health:resident", args=[people["me"].pk])).status_code == 404
    assert c.get(f"/api/health/residents/{people['me'].pk}").status_code == 404
    denied = AuditEvent.objects.filter(actor=care["other_doctor"], outcome="denied", action="read")
    assert denied.count() == 2 and {e.target_id for e in denied} == {str(people["me"].pk)}


def test_a_refused_registration_is_audited(client_of, care, people):  # type: ignore[no-untyped-def]
    c = client_of(care["other_doctor"])
    response = c.post(
        reverse("health:register"),
        {
            "id_number": CLEAR_ID,
            "name": "某人",
            "sex": 2,
            "birth_date": "1985-06-15",
            "community": people["me"].community_id,
        },
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="register", outcome="denied")
    assert event.actor == care["other_doctor"] and event.target_label == people["me"].id_masked


def test_a_manager_keeps_only_what_her_centre_holds(care, people):  # type: ignore[no-untyped-def]
    manager = care["manager"]
    neighbour = people["neighbour"]
    assert access.care_residents(manager).filter(pk=neighbour.pk).exists()
    contract = services.holding_contract(neighbour)
    services.request_termination(None, contract, by="resident", reason="搬家")
    services.decide_termination(None, contract, approve=True)
    record = people["records"][neighbour.pk]
    services.cancel_record(None, record, "moved")
    assert not access.care_residents(manager).filter(pk=neighbour.pk).exists()


def test_kpi_cells_under_five_are_suppressed(client_of, care, people):  # type: ignore[no-untyped-def]
    rows = queries.street_kpis(timezone.localdate())
    assert rows and all(r["registered"] is None for r in rows)  # three people: a small cell
    assert all(g["people"] is None and g["rate"] is None for r in rows for g in r["groups"])
    page = client_of(care["manager"]).get(reverse("health:kpis")).content.decode()
    assert "&lt;5" in page and "child" not in page and "hypertension" not in page


def test_breaking_the_glass_needs_a_reason_lasts_a_while_and_is_seen(
    client_of, care, people, auditor, settings, monkeypatch
):  # type: ignore[no-untyped-def]
    other = care["other_doctor"]  # team B: 陈静 is not in her care
    me = people["me"]
    c = client_of(other)
    assert c.get(reverse("health:resident", args=[me.pk])).status_code == 404
    short = c.post(reverse("health:break_glass"), {"id_number": CLEAR_ID, "reason": "急"})
    assert short.status_code == 200 and not AuditEvent.objects.filter(action="break_glass").exists()
    unknown = c.post(
        reverse("health:break_glass"),
        {"id_number": id_number("19900101", "005"), "reason": "昏迷送医，需查过敏史"},
    )
    assert unknown.status_code == 200 and AuditEvent.objects.get(action="break_glass").outcome == "denied"
    opened = c.post(
        reverse("health:break_glass"), {"id_number": CLEAR_ID, "reason": "昏迷送医，需查过敏史和用药"}
    )
    assert opened.status_code == 302 and opened["Location"] == reverse("health:resident", args=[me.pk])
    page = c.get(reverse("health:resident", args=[me.pk])).content.decode()
    assert 'id="emergency"' in page and "昏迷送医" in page
    event = AuditEvent.objects.get(action="break_glass", outcome="ok")
    assert event.actor == other and "昏迷送医" in event.detail and event.target_label == me.id_masked
    for viewer in (care["manager"], auditor):
        listed = client_of(viewer).get(
            reverse("health:break_glass")
            if viewer != auditor
            else reverse("health:audit") + "?action=break_glass"
        )
        assert me.id_masked in listed.content.decode()
    assert queries.emergency_accesses(care["manager"]).count() == 1
    later = timezone.now() + dt.timedelta(hours=settings.GAOXIN_BREAK_GLASS_HOURS, minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert not access.care_residents(other).filter(pk=me.pk).exists()  # the access ended


def test_only_a_family_doctor_breaks_the_glass(client_of, care, people, planner):  # type: ignore[no-untyped-def]
    assert (
        client_of(planner)
        .post(reverse("health:break_glass"), {"id_number": CLEAR_ID, "reason": "昏迷送医，需查过敏史"})
        .status_code
        == 403
    )
    with pytest.raises(PermissionDenied):  # a manager is no team member
        services.break_glass(care["manager"], id_number=CLEAR_ID, reason="昏迷送医，需查过敏史")


def test_breaking_the_glass_opens_a_record_to_read_not_to_change(client_of, care, people):  # type: ignore[no-untyped-def]
    other, me = care["other_doctor"], people["me"]
    services.break_glass(other, id_number=CLEAR_ID, reason="昏迷送医，需查过敏史和用药")
    c = client_of(other)
    page = c.get(reverse("health:resident", args=[me.pk])).content.decode()
    assert 'id="emergency"' in page
    assert 'id="add-measurement"' not in page and "record_step" not in page and 'id="sign"' not in page
    record = people["records"][me.pk]
    changed = c.post(
        reverse("health:record_edit", args=[me.pk, "measurement"]),
        {"taken_on": "2026-12-01", "sbp": "120", "dbp": "80"},
    )
    assert changed.status_code in (403, 404) and not record.measurements.exists()
    assert access.in_care(care["doctor"], me) and not access.in_care(other, me)
    son = people["son"]  # no contract: opened in an emergency, he is not signed up by the opener
    services.break_glass(
        other, id_number=id_number(f"{son.birth_date:%Y%m%d}", "011"), reason="高热惊厥送医，查病史"
    )
    with pytest.raises(PermissionDenied):
        services.sign_contract(
            other, resident=son, team=care["team_b"], package=care["basic"], via=SignedVia.DOCTOR
        )
    assert not son.contracts.exists()
