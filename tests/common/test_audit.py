"""An audit log that cannot be bent: the database refuses changes on SQLite as on PostgreSQL, users who
acted are kept, and every export, import, workflow step and change of a role is recorded."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from gaoxin.accounts.choices import Role
from gaoxin.accounts.models import User
from gaoxin.accounts.services import create_user
from gaoxin.common import audit
from gaoxin.common.models import AuditEvent
from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def guarded(db):  # type: ignore[no-untyped-def]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("UPDATE common_audit_guard SET enforced = 1")


def test_raw_sql_cannot_change_or_delete_a_young_event(db):  # type: ignore[no-untyped-def]
    event = audit.record(None, "read", "resident", 1)
    for sql in (
        "UPDATE common_auditevent SET actor_name = 'someone else' WHERE id = %s",
        "UPDATE common_auditevent SET actor_id = NULL WHERE id = %s",
        "DELETE FROM common_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk, actor_name="system").exists()


def test_an_event_older_than_the_floor_is_purged(db, settings):  # type: ignore[no-untyped-def]
    settings.GAOXIN_AUDIT_RETENTION_DAYS = 180
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO common_auditevent (at, actor_name, action, target_type, target_id, target_label, outcome, detail)"
            " VALUES (%s, 'old', 'read', 'resident', '1', '', 'ok', '')",
            ["2020-01-01 00:00:00"],
        )
    young = audit.record(None, "read", "resident", 2)
    call_command("audit", "purge")
    assert not AuditEvent.objects.filter(actor_name="old").exists()
    assert AuditEvent.objects.filter(pk=young.pk).exists()


def test_a_user_who_acted_is_deactivated_not_deleted(client, zone):  # type: ignore[no-untyped-def]
    root = User.objects.create_superuser("root", password=PASSWORD)
    doctor = create_user("doc9", PASSWORD, roles=[Role.DOCTOR])
    fresh = create_user("nobody", PASSWORD, roles=[Role.DOCTOR])
    audit.record(doctor, "read", "resident", 7)
    client.force_login(root)
    assert client.get(reverse("admin:accounts_user_delete", args=[doctor.pk])).status_code == 403
    assert client.get(reverse("admin:accounts_user_delete", args=[fresh.pk])).status_code == 200
    changelist = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "delete_selected" not in changelist and "deactivate" in changelist
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "deactivate", "_selected_action": [doctor.pk]},
    )
    doctor.refresh_from_db()
    assert not doctor.is_active
    assert AuditEvent.objects.filter(action="read", actor=doctor, actor_name="doc9").exists()


def test_deleting_a_user_never_rewrites_their_events(zone):  # type: ignore[no-untyped-def]
    someone = create_user("tmp1", PASSWORD, roles=[Role.DOCTOR])
    event = audit.record(someone, "read", "resident", 3)
    pk = someone.pk
    someone.delete()  # possible only outside the admin, and it leaves the log alone
    event = AuditEvent.objects.get(pk=event.pk)
    assert (event.actor_id, event.actor_name) == (pk, "tmp1")


def test_a_change_of_a_role_or_a_permission_is_audited(client, zone):  # type: ignore[no-untyped-def]
    root = User.objects.create_superuser("root", password=PASSWORD)
    user = create_user("clerk", PASSWORD, roles=[Role.PLANNER])
    client.force_login(root)
    response = client.post(
        reverse("admin:accounts_user_change", args=[user.pk]),
        {
            "username": "clerk",
            "is_active": "on",
            "is_staff": "on",
            "groups": [Group.objects.get(name=Role.AUDITOR.value).pk],
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "initial-date_joined_0": "2026-01-01",
            "initial-date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    changes = AuditEvent.objects.filter(target_id="clerk").values_list("action", "actor_name", "detail")
    actions = {(a, who) for a, who, _d in changes}
    assert ("role_change", "root") in actions and ("user_change", "root") in actions
    assert any("工作人员状态：False → True" in d for _a, _w, d in changes)  # in the log's language


def test_every_download_is_audited(client_of, planner):  # type: ignore[no-untyped-def]
    client_of(planner).get(reverse("places:export", args=["facilities", "csv"]))
    event = AuditEvent.objects.get(action="export")
    assert event.actor == planner and event.target_label == "gaoxin-facilities.csv"


def test_every_applied_import_is_audited(zone, planner):  # type: ignore[no-untyped-def]
    from gaoxin.common import imports

    content = "编码,名称,类型,街道,经度,纬度\nK-9,幼儿园,kindergarten,洸河街道,116.6455,35.4155\n".encode()
    batch = imports.run("places.facilities", actor=planner, filename="k.csv", content=content)
    event = AuditEvent.objects.get(action="import")
    assert event.actor == planner and event.target_id == str(batch.pk) and "created=1" in event.detail


def test_an_action_name_too_long_for_the_log_fails_on_every_database(db):  # type: ignore[no-untyped-def]
    """SQLite would store it; PostgreSQL refuses it (the enrolment of a second factor did)."""
    with pytest.raises(ValueError, match="longer than 20"):
        audit.record(None, "second_factor_enrolled", "user", 1)


def _recorded_names() -> tuple[set[str], set[str]]:
    """Every action and object type the code records, read from the source (calls of record,
    record_here, the parks' _audit and the loader's keywords)."""
    import ast
    from pathlib import Path

    actions: set[str] = set()
    targets: set[str] = set()
    src = Path(__file__).resolve().parents[2] / "src" / "gaoxin"
    for path in src.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            literal = [
                a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None
                for a in node.args
            ]
            if name in ("record", "_audit") and len(literal) >= 3:
                actions.add(literal[1]) if literal[1] else None
                targets.add(literal[2]) if literal[2] else None
            if name == "record_here" and len(literal) >= 2:
                actions.add(literal[0]) if literal[0] else None
                targets.add(literal[1]) if literal[1] else None
            if name in ("load", "record", "record_here", "_audit"):
                for kw in node.keywords:
                    if isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                        if kw.arg == "action":
                            actions.add(kw.value.value)
                        if kw.arg == "target_type":
                            targets.add(kw.value.value)
    return actions - {None}, targets - {None}  # type: ignore[arg-type]


def test_every_action_and_object_the_code_records_reads_in_chinese() -> None:
    from django.utils import translation

    from gaoxin.common.choices import AUDIT_ACTIONS, AUDIT_TARGETS

    actions, targets = _recorded_names()
    assert {"login", "break_glass", "score"} <= actions and {"resident", "mu_evaluation"} <= targets
    assert sorted(actions - set(AUDIT_ACTIONS)) == [] and sorted(targets - set(AUDIT_TARGETS)) == []
    with translation.override("zh-hans"):
        untranslated = [
            str(v) for v in [*AUDIT_ACTIONS.values(), *AUDIT_TARGETS.values()] if str(v).isascii()
        ]
    assert untranslated == []
