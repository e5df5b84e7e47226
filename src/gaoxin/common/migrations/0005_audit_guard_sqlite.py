"""On SQLite too, the database refuses to change audit events or to delete those younger than 180 days
(the same rule as the PostgreSQL trigger of 0002). A one-row table outside the models holds the switch
the test suite turns off for the flushes of its transactional tests (a flush deletes rows; TRUNCATE,
which PostgreSQL's flush uses, is not a row operation): `gaoxin` itself never turns it off."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

GUARD = [
    "CREATE TABLE IF NOT EXISTS common_audit_guard (enforced INTEGER NOT NULL)",
    "INSERT INTO common_audit_guard (enforced) SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM common_audit_guard)",
    "DROP TRIGGER IF EXISTS common_auditevent_no_update",
    """CREATE TRIGGER common_auditevent_no_update BEFORE UPDATE ON common_auditevent
       WHEN COALESCE((SELECT MIN(enforced) FROM common_audit_guard), 1) = 1
       BEGIN SELECT RAISE(ABORT, 'audit events cannot be changed'); END""",
    "DROP TRIGGER IF EXISTS common_auditevent_no_young_delete",
    """CREATE TRIGGER common_auditevent_no_young_delete BEFORE DELETE ON common_auditevent
       WHEN COALESCE((SELECT MIN(enforced) FROM common_audit_guard), 1) = 1
        AND OLD.at > strftime('%Y-%m-%d %H:%M:%f', 'now', '-180 days')
       BEGIN SELECT RAISE(ABORT, 'audit events younger than 180 days cannot be deleted'); END""",
]
UNGUARD = [
    "DROP TRIGGER IF EXISTS common_auditevent_no_update",
    "DROP TRIGGER IF EXISTS common_auditevent_no_young_delete",
    "DROP TABLE IF EXISTS common_audit_guard",
]


def guard(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        for sql in GUARD:
            schema_editor.execute(sql)


def unguard(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        for sql in UNGUARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("common", "0004_audit_actor_kept")]
    operations = [migrations.RunPython(guard, unguard)]
