"""On PostgreSQL, the database itself refuses to change audit events or to delete young ones
(180 days, the legal floor; `gaoxin audit purge` removes what is older than the configured retention).
TRUNCATE (used by test flushes and by a full restore) is not a row operation and is not affected."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

GUARD = """
CREATE OR REPLACE FUNCTION common_auditevent_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    RAISE EXCEPTION 'audit events cannot be changed';
  END IF;
  IF OLD.at > now() - interval '180 days' THEN
    RAISE EXCEPTION 'audit events younger than 180 days cannot be deleted';
  END IF;
  RETURN OLD;
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS common_auditevent_guard ON common_auditevent;
CREATE TRIGGER common_auditevent_guard BEFORE UPDATE OR DELETE ON common_auditevent
  FOR EACH ROW EXECUTE FUNCTION common_auditevent_guard();
"""
UNGUARD = """
DROP TRIGGER IF EXISTS common_auditevent_guard ON common_auditevent;
DROP FUNCTION IF EXISTS common_auditevent_guard();
"""


def guard(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GUARD)


def unguard(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNGUARD)


class Migration(migrations.Migration):
    dependencies = [("common", "0001_initial")]
    operations = [migrations.RunPython(guard, unguard)]
