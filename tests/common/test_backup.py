"""Backups that restore (gaoxin backup / gaoxin restore): a backup of a database with data of every app
restores into an empty database with every row of every table equal — read back independently here,
row by row — on the engine the suite runs on (SQLite, and PostgreSQL in CI's second run); a restore
refuses a database that is not empty, an archive that is not one, an archive altered after the backup,
and an archive whose encrypted values need a data key the installation lacks."""

from __future__ import annotations

import datetime as dt
import io
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from gaoxin.analysis.identifiers import id_check_char
from gaoxin.common import backup
from gaoxin.health import services as health_services
from gaoxin.health.models import Resident
from gaoxin.places.models import Community

# Rows as the engine's own driver returns them, the same way for the source and the restored copy.
SQLITE_TYPES = sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES


def _sqlite_rows(conn: sqlite3.Connection) -> dict[str, list[str]]:
    return {
        t: sorted(repr(r) for r in conn.execute(f'SELECT * FROM "{t}"'))  # noqa: S608 - catalogue names
        for t in backup.sqlite_tables(conn)
    }


def _pg_rows(db: backup.Database) -> dict[str, list[str]]:
    with db.connect_pg() as conn, conn.cursor() as cur:
        out = {}
        for t in backup.pg_tables(cur):
            cur.execute(f'SELECT * FROM "{t}"')  # noqa: S608 - catalogue names
            out[t] = sorted(repr(r) for r in cur.fetchall())
        return out


@pytest.fixture
def scratch_pg():  # type: ignore[no-untyped-def]
    """An empty PostgreSQL database beside the test database, dropped afterwards."""
    source = backup.Database.from_settings(connection.settings_dict)
    name = f"gaoxin_restore_{uuid.uuid4().hex[:8]}"
    with source.connect_pg() as admin:
        admin.autocommit = True
        admin.execute(f'CREATE DATABASE "{name}"')
    yield backup.Database("postgresql", name, source.user, source.password, source.host, source.port)
    with source.connect_pg() as admin:
        admin.autocommit = True
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_into_an_empty_database_with_every_row_equal(
    transactional_db, zone, planner, tmp_path, request
):  # type: ignore[no-untyped-def]
    community = Community.objects.get(code="370871001001")
    body = "37087119850615002"
    health_services.register_resident(
        None, id_number=body + id_check_char(body), name="陈静", community=community, phone="13853712345"
    )
    assert Resident.objects.exclude(id_cipher="").exists()  # encrypted values are in the backup
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        source = _sqlite_rows(connection.connection)
    else:
        source = _pg_rows(backup.Database.from_settings(connection.settings_dict))
    archive = tmp_path / "b.tar.gz"
    call_command("backup", "-o", str(archive), stdout=io.StringIO())  # its audit event comes after the copy
    manifest = backup.read_manifest(archive)
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    assert set(manifest["data_keys"]) == {"current", "in_use"} and manifest["data_keys"]["in_use"]
    if connection.vendor == "sqlite":
        target = tmp_path / "restored.sqlite3"
        backup.restore_sqlite(archive, manifest, target, replace=False)
        restored = _sqlite_rows(sqlite3.connect(target, detect_types=SQLITE_TYPES))
    else:
        scratch = request.getfixturevalue("scratch_pg")
        backup.restore_postgres(archive, manifest, scratch, replace=False)
        restored = _pg_rows(scratch)
    assert set(restored) == set(source) and len(source) > 30
    for table, rows in source.items():
        assert restored[table] == rows, table
    assert sum(len(r) for r in source.values()) == sum(t["rows"] for t in manifest["tables"].values())
    assert len(source["health_resident"]) == Resident.objects.count() > 0


def _tampered(archive: Path, out: Path) -> Path:
    """The archive with one row of the database deleted after the backup (SQLite)."""
    work = out.parent / "work"
    work.mkdir()
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(work, filter="data")
    db = sqlite3.connect(work / backup.SQLITE_MEMBER)
    db.execute("DELETE FROM places_facility WHERE id = (SELECT MIN(id) FROM places_facility)")
    db.commit()
    db.close()
    with tarfile.open(out, "w:gz") as tar:
        for name in (backup.MANIFEST, backup.SQLITE_MEMBER):
            tar.add(work / name, arcname=name)
    return out


def test_a_restore_refuses_what_it_cannot_do_and_changes_nothing(transactional_db, zone, tmp_path, settings):  # type: ignore[no-untyped-def]
    archive = tmp_path / "b.tar.gz"
    call_command("backup", "-o", str(archive), stdout=io.StringIO())
    with pytest.raises(CommandError, match="exists"):
        call_command("backup", "-o", str(archive), stdout=io.StringIO())
    manifest = backup.read_manifest(archive)
    # not an archive; no such file
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes("不是备份".encode())
    with pytest.raises(backup.BackupError, match="not a Gaoxin backup"):
        backup.read_manifest(junk)
    with pytest.raises(CommandError, match="no such file"):
        call_command("restore", str(tmp_path / "none.tar.gz"), stdout=io.StringIO())
    # a key the installation lacks: refused before anything is touched (--check says so too)
    settings.GAOXIN_DATA_KEY = "another-key-" + "x" * 40
    settings.GAOXIN_DATA_KEYS_PREVIOUS = []
    if manifest["data_keys"]["in_use"]:
        with pytest.raises(CommandError, match="need data key"):
            call_command("restore", str(archive), "--check", stdout=io.StringIO())
    assert backup.missing_keys({"data_keys": {"in_use": ["abc", "def"]}}, ["def"]) == ["abc"]
    if connection.vendor != "sqlite":
        return
    # a database that is not empty is left alone
    target = tmp_path / "in-use.sqlite3"
    with sqlite3.connect(target) as existing:
        existing.execute("CREATE TABLE kept (x)")
    existing.close()
    with pytest.raises(backup.BackupError, match="not empty"):
        backup.restore_sqlite(archive, manifest, target, replace=False)
    # an archive altered after the backup: the check finds the table, the target keeps its old data
    tampered = _tampered(archive, tmp_path / "tampered.tar.gz")
    with pytest.raises(backup.BackupError, match="places_facility"):
        backup.restore_sqlite(tampered, backup.read_manifest(tampered), target, replace=True)
    assert backup.sqlite_tables(sqlite3.connect(target)) == ["kept"]
    backup.restore_sqlite(archive, manifest, target, replace=True)  # --replace keeps the old file aside
    assert "places_facility" in backup.sqlite_tables(sqlite3.connect(target))
    assert (tmp_path / "in-use.sqlite3.before-restore").exists()


def test_retention_keeps_the_last_days_and_the_first_of_each_month() -> None:
    names = [
        f"gaoxin-{d:%Y%m%d}-020000.tar.gz"
        for d in (dt.date(2026, 8, 1) + dt.timedelta(n) for n in range(120))
    ]
    gone = backup.to_prune(
        [*names, "notes.txt", "gaoxin-2026xx01.tar.gz"], dt.date(2026, 11, 28), keep_days=7, keep_months=3
    )
    kept = sorted(set(names) - set(gone))
    assert kept[:3] == [
        "gaoxin-20260901-020000.tar.gz",
        "gaoxin-20261001-020000.tar.gz",
        "gaoxin-20261101-020000.tar.gz",
    ]
    assert kept[3:] == [f"gaoxin-202611{d:02d}-020000.tar.gz" for d in range(22, 29)]
    assert "notes.txt" not in gone and "gaoxin-20260801-020000.tar.gz" in gone
    assert backup.to_prune(names, dt.date(2026, 11, 28), keep_days=0, keep_months=0) == sorted(names)


def test_value_normal_forms_do_not_collide() -> None:
    assert len({backup._normal(v) for v in (None, "", 0, "0", 0.0, b"0", "None", [0], {"0": 0})}) == 9
    one, two = backup.table_digest([(1, "a"), (2, "b")]), backup.table_digest([(2, "b"), (1, "a")])
    assert one == two and one != backup.table_digest([(1, "a"), (2, "c")])


def test_the_commands_back_up_a_site_and_restore_it_into_a_new_home(tmp_path: Path) -> None:
    """End to end in processes as an operator runs them: migrate, the demo, `gaoxin backup` (retention),
    `gaoxin restore` into a new installation with the data key from the secret store."""
    env: dict[str, Any] = {
        k: v for k, v in os.environ.items() if not k.startswith("GAOXIN_") and k != "DATABASE_URL"
    }
    env |= {"DJANGO_SETTINGS_MODULE": "gaoxin.site.settings", "GAOXIN_DATA_KEY": "k" * 48}
    gaoxin = [sys.executable, "-m", "gaoxin.site.cli"]

    def run(home: Path, *argv: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [*gaoxin, *argv],
            env=env | {"GAOXIN_HOME": str(home)},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert (done.returncode == 0) == ok, done.stdout + done.stderr
        return done

    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    run(old, "migrate", "--no-input", "-v0")
    run(old, "demo")  # every app's data, residents' encrypted 身份证号 among them
    (old / "var" / "backups").mkdir(parents=True)
    (old / "var" / "backups" / "gaoxin-20200101-000000.tar.gz").write_bytes(b"")  # an old one, pruned
    made = run(old, "backup", "--keep-days", "30", "--keep-months", "0")
    assert "deleted gaoxin-20200101-000000.tar.gz" in made.stdout
    (archive,) = (old / "var" / "backups").glob("gaoxin-*.tar.gz")
    run(new, "restore", str(archive))
    a = _sqlite_rows(sqlite3.connect(old / "var" / "gaoxin.sqlite3"))
    b = _sqlite_rows(sqlite3.connect(new / "var" / "gaoxin.sqlite3"))
    del a["common_auditevent"], b["common_auditevent"]  # the restore's own event is added after the check
    assert a == b and len(a["health_resident"]) > 100 and len(a) > 30
    again = run(new, "restore", str(archive), ok=False)
    assert "not empty" in again.stderr
    env["GAOXIN_DATA_KEY"] = "z" * 48
    other = tmp_path / "other"
    other.mkdir()
    refused_key = run(other, "restore", str(archive), ok=False)
    assert "need data key" in refused_key.stderr and not (other / "var" / "gaoxin.sqlite3").exists()
