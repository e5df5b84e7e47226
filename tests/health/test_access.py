"""Privacy, proven: every health URL tried as every persona (no IDOR), audit of every read, masked
lists, the auditor's log and nothing else, append-only audit events, login lockout, idle sessions."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from gaoxin.accounts.choices import Role
from gaoxin.accounts.services import create_user
from gaoxin.common.models import AuditEvent
from gaoxin.health import services
from gaoxin.health.models import Institution
from tests.conftest import PASSWORD
from tests.health.conftest import id_number

CLEAR_ID = id_number("19850615", "002")


def object_urls(people) -> dict[str, list[tuple[str, str]]]:  # type: ignore[no-untyped-def]
    """URLs that open one resident's data, by resident, with the method."""
    out: dict[str, list[tuple[str, str]]] = {}
    for key in ("me", "neighbour", "son"):
        pk = people[key].pk
        out[key] = [
            ("get", reverse("health:resident", args=[pk])),
            ("post", reverse("health:resident", args=[pk])),  # reveal
            ("post", reverse("health:record_step", args=[pk, "review"])),
            ("post", reverse("health:contract_step", args=[pk, "terminate"])),
            ("get", reverse("health:ward", args=[pk])),
        ]
    return out


# who may open whose resident page (staff URLs); the ward URL is for the consenting guardian only
SCOPE = {
    "doctor": {"me"},  # team A holds 陈静's contract
    "other_doctor": {"neighbour"},  # team B holds 李明's
    "manager": {"me", "neighbour", "son"},  # the centre keeps all three records
}


@pytest.mark.parametrize(
    "persona",
    ["doctor", "other_doctor", "manager", "resident", "neighbour", "planner", "auditor", "guanghe_staff"],
)
def test_nobody_reaches_a_resident_outside_their_scope(client_of, request, care, people, persona) -> None:  # type: ignore[no-untyped-def]
    from gaoxin.accounts.models import User

    if persona in ("planner", "auditor", "guanghe_staff"):
        request.getfixturevalue(persona)
    user = User.objects.get(username={"guanghe_staff": "guanghe"}.get(persona, persona))
    c = client_of(user)
    allowed = SCOPE.get(persona, set())
    for key, urls in object_urls(people).items():
        for method, url in urls:
            if "/me/children/" in url:
                continue
            status = getattr(c, method)(url, {"reveal": "id_number", "reason": "x"}).status_code
            if key == "son" and "/contract/" in url:
                assert status in (403, 404), (persona, url, status)  # he has no contract to end
            elif key in allowed:
                assert status in (200, 302), (persona, url, status)
            else:
                assert status in (403, 404), (persona, url, status)
    # nobody but 陈静, the consenting guardian, opens her son's portal page
    son_page = reverse("health:ward", args=[people["son"].pk])
    if persona != "resident":
        assert c.get(son_page).status_code in (403, 404)


def test_the_guardian_sees_the_child_only_after_consent(client_of, people) -> None:  # type: ignore[no-untyped-def]
    from gaoxin.accounts.models import User

    c = client_of(User.objects.get(username="resident"))
    son_page = reverse("health:ward", args=[people["son"].pk])
    assert c.get(son_page).status_code == 404
    services.add_guardian(None, guardian=people["me"], child=people["son"], consent=True)
    assert c.get(son_page).status_code == 200
    assert c.get(reverse("health:ward", args=[people["neighbour"].pk])).status_code == 404


def test_a_resident_sees_her_open_record_and_no_one_else(client_of, people) -> None:  # type: ignore[no-untyped-def]
    from gaoxin.accounts.models import User

    me = client_of(User.objects.get(username="resident")).get(reverse("health:me")).content.decode()
    assert people["records"][people["me"].pk].code in me and "李明" not in me
    neighbour = client_of(User.objects.get(username="neighbour")).get(reverse("health:me")).content.decode()
    assert 'id="no-record"' in neighbour  # his record is not opened yet
    assert people["records"][people["neighbour"].pk].code not in neighbour


def test_every_read_is_audited_and_lists_show_masked_ids(client_of, care, people) -> None:  # type: ignore[no-untyped-def]
    c = client_of(care["doctor"])
    page = c.get(reverse("health:residents")).content.decode()
    assert people["me"].id_masked in page and CLEAR_ID not in page
    before = AuditEvent.objects.filter(action="read").count()
    c.get(reverse("health:resident", args=[people["me"].pk]))
    read = AuditEvent.objects.filter(action="read").latest("pk")
    assert AuditEvent.objects.filter(action="read").count() == before + 1
    assert (read.actor, read.target_type, read.target_label) == (
        care["doctor"],
        "record",
        people["records"][people["me"].pk].code,
    )
    shown = c.post(
        reverse("health:resident", args=[people["me"].pk]), {"reveal": "id_number"}
    ).content.decode()
    assert CLEAR_ID in shown
    reveal = AuditEvent.objects.filter(action="reveal").latest("pk")
    assert (reveal.actor, reveal.detail, CLEAR_ID in reveal.target_label) == (
        care["doctor"],
        "身份证号",  # what was shown, in the log's language
        False,
    )


def test_the_resident_reading_her_record_is_audited(client_of, people) -> None:  # type: ignore[no-untyped-def]
    from gaoxin.accounts.models import User

    client_of(User.objects.get(username="resident")).get(reverse("health:me"))
    event = AuditEvent.objects.filter(action="read").latest("pk")
    assert event.actor_name == "resident" and event.target_id == str(people["records"][people["me"].pk].pk)


def test_the_auditor_reads_the_log_and_nothing_else(client_of, auditor, care, people) -> None:  # type: ignore[no-untyped-def]
    c = client_of(auditor)
    assert c.get(reverse("health:audit")).status_code == 200
    assert c.get(reverse("health:audit") + "?action=reveal").status_code == 200
    assert c.get(reverse("health:residents")).status_code == 403
    assert c.get(reverse("health:resident", args=[people["me"].pk])).status_code == 403
    assert c.get(reverse("health:kpis")).status_code == 403
    assert client_of(care["doctor"]).get(reverse("health:audit")).status_code == 403


def test_planners_see_aggregates_only(client_of, planner, people) -> None:  # type: ignore[no-untyped-def]
    c = client_of(planner)
    page = c.get(reverse("health:kpis")).content.decode()
    assert "洸河街道" in page and "陈静" not in page and people["me"].id_masked not in page
    assert c.get(reverse("health:residents")).status_code == 403


def test_audit_events_cannot_be_changed_or_deleted(people) -> None:  # type: ignore[no-untyped-def]
    event = AuditEvent.objects.first()
    event.detail = "tampered"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(detail="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


def test_the_database_refuses_to_change_or_delete_a_young_audit_event(people) -> None:  # type: ignore[no-untyped-def]
    """On PostgreSQL and on SQLite (the default database) alike: raw SQL cannot bend the log."""
    from django.db import DatabaseError, transaction

    if connection.vendor == "sqlite":  # the switch only the test suite's transactional flushes turn off
        with connection.cursor() as cursor:
            cursor.execute("UPDATE common_audit_guard SET enforced = 1")
    pk = AuditEvent.objects.first().pk
    for sql in (
        "UPDATE common_auditevent SET detail = 'x' WHERE id = %s",
        "DELETE FROM common_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [pk])


def test_login_locks_after_five_failures_and_is_audited(client, zone, settings) -> None:  # type: ignore[no-untyped-def]
    create_user("doc2", PASSWORD, roles=[Role.DOCTOR])
    for _ in range(settings.GAOXIN_LOGIN_MAX_FAILURES):
        assert (
            client.post(reverse("login"), {"username": "doc2", "password": "wrong-one-1234"}).status_code
            == 200
        )
    response = client.post(reverse("login"), {"username": "doc2", "password": PASSWORD})
    assert (
        response.status_code == 200 and "_auth_user_id" not in client.session
    )  # locked, even with the right password
    assert AuditEvent.objects.filter(action="login_failed", target_id="doc2").count() == 5
    assert AuditEvent.objects.filter(action="login_locked", target_id="doc2").exists()
    create_user("doc3", PASSWORD, roles=[Role.DOCTOR])
    assert client.post(reverse("login"), {"username": "doc3", "password": PASSWORD}).status_code == 302


def test_an_idle_session_ends(client_of, care, settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import time

    c = client_of(care["doctor"])
    assert c.get(reverse("health:residents")).status_code == 200
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + settings.GAOXIN_IDLE_SECONDS + 5)
    assert c.get(reverse("health:residents")).status_code == 302  # back to the login page


def test_the_api_has_the_same_gates_and_audit(client_of, care, people) -> None:  # type: ignore[no-untyped-def]
    from gaoxin.accounts.models import User

    me = client_of(User.objects.get(username="resident")).get("/api/health/me").json()
    assert (
        me["record"]["code"] == people["records"][people["me"].pk].code
        and me["id_masked"] == people["me"].id_masked
    )
    assert CLEAR_ID not in str(me)
    neighbour = client_of(User.objects.get(username="neighbour")).get("/api/health/me").json()
    assert neighbour["record"] is None  # not opened yet
    doctor = client_of(care["doctor"])
    assert doctor.get(f"/api/health/residents/{people['me'].pk}").status_code == 200
    assert AuditEvent.objects.filter(action="read", actor=care["doctor"]).exists()
    assert doctor.get(f"/api/health/residents/{people['neighbour'].pk}").status_code == 404
    assert (
        client_of(User.objects.get(username="resident"))
        .get(f"/api/health/residents/{people['me'].pk}")
        .status_code
        == 403
    )
    assert client_of(care["doctor"]).get("/api/health/me").status_code == 403


def test_the_doctor_adds_a_diagnosis_and_records_a_service_in_the_page(client_of, care, people) -> None:  # type: ignore[no-untyped-def]
    c = client_of(care["doctor"])
    pk = people["me"].pk
    c.post(reverse("health:record_edit", args=[pk, "condition"]), {"icd10": "I10", "name": "原发性高血压"})
    assert people["records"][pk].conditions.get().icd10 == "I10"
    care["basic"].items = [{"name": "血压测量", "per_year": 4}]
    care["basic"].save()
    c.post(
        reverse("health:contract_step", args=[pk, "deliver"]),
        {"item": "血压测量", "delivered_on": str(services.holding_contract(people["me"]).starts_on)},
    )
    page = c.get(reverse("health:resident", args=[pk])).content.decode()
    assert "1" in page and "血压测量" in page
    # the other team's doctor cannot write into this record
    other = client_of(care["other_doctor"])
    assert (
        other.post(
            reverse("health:record_edit", args=[pk, "condition"]), {"icd10": "E11", "name": "x"}
        ).status_code
        == 404
    )
    kpis = client_of(care["manager"]).get(reverse("health:kpis")).content.decode()
    assert "25.0%" in kpis  # team A: 1 of 4 blood-pressure checks delivered


# Every health page and endpoint, and who may open it with 陈静's objects (the others: 403/404).
# A new URL that is not listed here fails test_every_health_url_is_in_the_table.
ROUTES = {
    "home": (
        {},
        {"doctor", "other_doctor", "manager", "resident", "neighbour", "auditor", "planner", "leader"},
    ),
    "residents": ({}, {"doctor", "other_doctor", "manager"}),
    "register": ({}, {"doctor", "other_doctor", "manager"}),
    "break_glass": ({}, {"doctor", "other_doctor", "manager"}),
    "resident": ({"pk": "me"}, {"doctor", "manager"}),
    "record_step": ({"pk": "me", "step": "review"}, {"doctor", "manager"}),
    "record_edit": ({"pk": "me", "part": "history"}, {"doctor", "manager"}),
    "contract_step": ({"pk": "me", "step": "renew"}, {"doctor", "manager"}),
    "me": ({}, {"resident", "neighbour"}),
    "ward": ({"pk": "son"}, {"resident"}),
    "audit": ({}, {"auditor"}),
    "kpis": ({}, {"doctor", "other_doctor", "manager", "planner", "leader"}),
    "followups": ({}, {"doctor", "other_doctor", "manager"}),  # each sees the patients of their own care
    "appointments": ({}, {"resident", "neighbour"}),  # a resident's own bookings and the public times
    "slots": ({}, {"doctor", "other_doctor", "manager"}),  # who publishes times for an institution
    "referrals": ({}, {"doctor", "other_doctor", "manager"}),  # each sees its own side's referrals
    "referral": ({"pk": "referral"}, {"doctor", "manager"}),  # the referring team and its manager
    "referral_new": ({"pk": "me"}, {"doctor", "manager"}),  # the resident's carers refer her
    "teleconsults": ({}, {"doctor", "other_doctor", "manager"}),  # their institutions' remote consultations
    "teleconsult": ({"pk": "teleconsult"}, {"doctor", "manager"}),  # the patient's team and its manager
    "teleconsult_new": ({"pk": "me"}, {"doctor", "manager"}),  # the resident's carers ask
    "my_consultations": ({}, {"resident", "neighbour"}),  # a resident's own questions
    "consultations": ({}, {"doctor", "other_doctor", "manager"}),  # each team's inbox
    "consultation": ({"pk": "consultation"}, {"resident", "doctor", "manager"}),  # she and her team
    "consultation_file": (
        {"pk": "consultation", "file_pk": "consultation_file"},
        {"resident", "doctor", "manager"},
    ),
}
API = {
    "/api/health/me": {"resident", "neighbour"},
    "/api/health/residents/{me}": {"doctor", "manager"},
    "/api/health/referrals?box=sent": {"doctor", "other_doctor", "manager"},
    "/api/health/referrals/{referral}": {"doctor", "manager"},
}
PERSONAS = [
    "doctor",
    "other_doctor",
    "manager",
    "resident",
    "neighbour",
    "planner",
    "auditor",
    "guanghe",
    "park",
    "leader",
]


def test_every_health_url_is_in_the_table() -> None:
    from gaoxin.health.urls import urlpatterns

    assert {p.name for p in urlpatterns} == set(ROUTES)


@pytest.fixture
def everyone(care, people, planner, auditor, guanghe_staff):  # type: ignore[no-untyped-def]
    from gaoxin.accounts.models import User

    create_user("park", PASSWORD, roles=[Role.PARK_STAFF])
    create_user("leader", PASSWORD, roles=[Role.LEADERSHIP])
    services.add_guardian(None, guardian=people["me"], child=people["son"], consent=True)
    hospital = Institution.objects.create(zone=care["centre"].zone, name="医院", kind="hospital")
    people["referral"] = services.create_referral(
        care["doctor"],
        people["me"],
        from_institution=care["centre"],
        to_institution=hospital,
        reason="other",
        summary="x",
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    people["consultation"] = services.ask(
        people["me"].user,
        people["me"],
        subject="血压",
        body="问题",
        upload=SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 16),
    )
    people["consultation_file"] = people["consultation"].messages.get().attachment
    people["teleconsult"] = services.request_teleconsult(
        care["doctor"],
        people["me"],
        inviting=care["centre"],
        invited=hospital,
        summary="s",
        question="q",
        consent=True,
        consent_note="书面同意",
    )
    return {u.username: u for u in User.objects.all()}


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_health_url_and_endpoint_as_every_persona(client_of, everyone, people, persona) -> None:  # type: ignore[no-untyped-def]
    c = client_of(everyone[persona])
    for name, (kwargs, allowed) in ROUTES.items():
        args = {k: (people[v].pk if v in people else v) for k, v in kwargs.items()}
        url = reverse(f"health:{name}", kwargs=args)
        method = "post" if name in ("record_step", "record_edit", "contract_step") else "get"
        status = getattr(c, method)(url).status_code
        if persona in allowed:
            assert status in (200, 302), (persona, name, status)
        else:
            assert status in (403, 404), (persona, name, status)
    for template, allowed in API.items():
        status = c.get(template.format(me=people["me"].pk, referral=people["referral"].pk)).status_code
        assert (status == 200) == (persona in allowed), (persona, template, status)


def test_the_manager_merges_a_duplicate_and_a_doctor_cannot(client_of, care, people) -> None:  # type: ignore[no-untyped-def]
    keep, dup = people["records"][people["me"].pk], people["records"][people["son"].pk]
    url = reverse("health:record_step", args=[people["me"].pk, "merge"])
    assert client_of(care["doctor"]).post(url, {"duplicate_code": dup.code}).status_code == 403
    client_of(care["manager"]).post(url, {"duplicate_code": dup.code})
    dup.refresh_from_db()
    assert dup.merged_into == keep
    assert AuditEvent.objects.filter(actor=care["manager"], detail__startswith="合并至").exists()
