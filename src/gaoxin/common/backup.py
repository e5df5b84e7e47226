"""Backups that restore: one archive per backup, checked table by table when it is restored.

An archive (``gaoxin-<date>-<time>.tar.gz``) holds

- ``manifest.json``: the format, the engine, when and by which version it was made, the ids of the data
  keys its encrypted fields need (never a key), and per table the number of rows and a checksum of
  its rows;
- the database: on SQLite a consistent copy made with SQLite's online backup (``database.sqlite3``),
  on PostgreSQL ``pg_dump --format=custom`` (``database.dump``), taken in the same snapshot as the
  checksums (an exported snapshot), so a backup of a running site is consistent.

A restore goes into an empty database of the same engine (``--replace`` to overwrite one), then reads
every table back and compares its rows with the manifest; any difference is an error. The data keys are
kept apart from the archives (docs/operator-guide.md): a restore refuses an archive whose encrypted
fields need a key the installation does not have, and names the key's id.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.dump"


class BackupError(Exception):
    """An operator's problem with a backup or a restore; the message says what to do. Nothing changed."""


# ---------------------------------------------------------------- checksums (engine's own driver)


def _normal(value: Any) -> str:
    """One value as text, the same whenever the same engine reads the same value."""
    if isinstance(value, memoryview):
        value = bytes(value)
    if isinstance(value, bytes):
        return "b:" + value.hex()
    if isinstance(value, float):
        return "f:" + repr(value)
    if isinstance(value, (dict, list)):
        return "j:" + json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    if isinstance(value, Decimal):
        return "d:" + format(value.normalize(), "f") if value == value else "d:nan"
    if value is None:
        return "n:"
    return type(value).__name__[:1] + ":" + str(value)


def table_digest(rows: Iterable[Sequence[Any]]) -> tuple[int, str]:
    """(rows, sha256) of a table's rows in any order: the digests of the rows, sorted, hashed."""
    digests = sorted(
        hashlib.sha256("\x1f".join(_normal(v) for v in row).encode("utf-8", "surrogatepass")).digest()
        for row in rows
    )
    whole = hashlib.sha256()
    for d in digests:
        whole.update(d)
    return len(digests), whole.hexdigest()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]


def sqlite_checksums(conn: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    out = {}
    for table in sqlite_tables(conn):
        rows, digest = table_digest(conn.execute(f"SELECT * FROM {_quote(table)}"))  # noqa: S608 - catalogue names
        out[table] = {"rows": rows, "sha256": digest}
    return out


def pg_tables(cursor: Any) -> list[str]:
    cursor.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
    )
    return [r[0] for r in cursor.fetchall()]


def pg_checksums(cursor: Any) -> dict[str, dict[str, Any]]:
    out = {}
    for table in pg_tables(cursor):
        cursor.execute(f"SELECT * FROM {_quote(table)}")  # noqa: S608 - catalogue names
        rows, digest = table_digest(_fetch(cursor))
        out[table] = {"rows": rows, "sha256": digest}
    return out


def _fetch(cursor: Any, size: int = 2000) -> Iterator[Sequence[Any]]:
    while True:
        batch = cursor.fetchmany(size)
        if not batch:
            return
        yield from batch


# ---------------------------------------------------------------- the database in use


@dataclass(frozen=True)
class Database:
    """The database to back up or restore into (from Django's settings)."""

    engine: str  # "sqlite" or "postgresql"
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""

    @classmethod
    def from_settings(cls, db: Mapping[str, Any]) -> Database:
        engine = str(db["ENGINE"])
        if engine.endswith("sqlite3"):
            return cls("sqlite", str(db["NAME"]))
        if "postgresql" in engine:
            return cls(
                "postgresql",
                str(db["NAME"]),
                str(db.get("USER") or ""),
                str(db.get("PASSWORD") or ""),
                str(db.get("HOST") or ""),
                str(db.get("PORT") or ""),
            )
        raise BackupError(f"backups support SQLite and PostgreSQL, not {engine}")

    def pg_args(self) -> list[str]:
        args = []
        for flag, value in (("--host", self.host), ("--port", self.port), ("--username", self.user)):
            if value:
                args += [flag, value]
        return [*args, "--dbname", self.name]

    def pg_env(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.password:
            env["PGPASSWORD"] = self.password
        return env

    def connect_pg(self, dbname: str | None = None) -> Any:
        import psycopg

        return psycopg.connect(
            dbname=dbname or self.name,
            user=self.user or None,
            password=self.password or None,
            host=self.host or None,
            port=self.port or None,
        )


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed (Debian: apt install postgresql-client, the server's major version)"
        )
    return found


def _run(argv: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(argv, env=env, capture_output=True, text=True)  # noqa: S603 - fixed tools
    if done.returncode != 0:
        raise BackupError(f"{Path(argv[0]).name} failed: {done.stderr.strip()[-1500:]}")


# ---------------------------------------------------------------- backup


def archive_name(now: dt.datetime) -> str:
    return f"gaoxin-{now:%Y%m%d-%H%M%S}.tar.gz"


def _manifest(engine: str, tables: dict[str, Any], keys: dict[str, Any], version: str) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "engine": engine,
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "version": version,
        "data_keys": keys,
        "tables": tables,
    }


def _write_archive(target: Path, manifest: dict[str, Any], member: str, database_file: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    with tarfile.open(partial, "w:gz") as tar:
        data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(data)
        info.mtime = int(dt.datetime.now().timestamp())
        tar.addfile(info, io.BytesIO(data))
        tar.add(database_file, arcname=member)
    partial.chmod(0o600)  # personal data: the operator's account only
    partial.replace(target)  # never a half-written archive under the final name
    return target


def backup_sqlite(source: sqlite3.Connection, target: Path, *, keys: dict[str, Any], version: str) -> Path:
    """Copy a live SQLite database (online backup API: consistent while the site runs) into an archive."""
    with tempfile.TemporaryDirectory() as tmp:
        copy_path = Path(tmp) / SQLITE_MEMBER
        copy = sqlite3.connect(copy_path)
        try:
            source.backup(copy)
            tables = sqlite_checksums(copy)
        finally:
            copy.close()
        return _write_archive(target, _manifest("sqlite", tables, keys, version), SQLITE_MEMBER, copy_path)


def backup_postgres(db: Database, target: Path, *, keys: dict[str, Any], version: str) -> Path:
    """pg_dump in an exported snapshot, and the checksums read in that same snapshot."""
    pg_dump = _tool("pg_dump")
    with db.connect_pg() as conn, tempfile.TemporaryDirectory() as tmp:
        with conn.cursor() as cur:
            cur.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cur.execute("SELECT pg_export_snapshot()")
            row = cur.fetchone()
            assert row is not None
            snapshot = str(row[0])
            dump = Path(tmp) / PG_MEMBER
            _run(
                [
                    pg_dump,
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={dump}",
                    *db.pg_args(),
                ],
                db.pg_env(),
            )
            tables = pg_checksums(cur)
            cur.execute("COMMIT")
        return _write_archive(target, _manifest("postgresql", tables, keys, version), PG_MEMBER, dump)


# ---------------------------------------------------------------- restore


def read_manifest(archive: Path) -> dict[str, Any]:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            member = tar.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            manifest: dict[str, Any] = json.loads(member.read())
    except FileNotFoundError:
        raise BackupError(f"{archive}: no such file") from None
    except (tarfile.TarError, KeyError, json.JSONDecodeError, OSError, EOFError):
        raise BackupError(f"{archive}: not a Gaoxin backup (no readable manifest)") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive}: backup format {manifest.get('format')!r}, this version reads {FORMAT}")
    return manifest


def missing_keys(manifest: dict[str, Any], known: Iterable[str]) -> list[str]:
    """The ids of the data keys the archive's encrypted values need that the installation lacks."""
    needed = set(manifest.get("data_keys", {}).get("in_use", []))
    return sorted(needed - set(known))


def _extract(archive: Path, member: str, into: Path) -> Path:
    with tarfile.open(archive, "r:gz") as tar:
        source = tar.extractfile(member)
        if source is None:
            raise BackupError(f"{archive}: {member} missing")
        path = into / member
        with path.open("wb") as out:
            shutil.copyfileobj(source, out)
    return path


def compare(expected: dict[str, Any], found: dict[str, Any]) -> list[str]:
    """The tables whose rows differ from the manifest (missing, extra, other rows)."""
    problems = []
    for table in sorted(set(expected) | set(found)):
        if table not in found:
            problems.append(f"{table}: missing")
        elif table not in expected:
            problems.append(f"{table}: not in the backup")
        elif expected[table] != found[table]:
            problems.append(
                f"{table}: {found[table]['rows']} rows differ from the backup's {expected[table]['rows']}"
            )
    return problems


def restore_sqlite(archive: Path, manifest: dict[str, Any], path: Path, *, replace: bool) -> dict[str, Any]:
    """Restore into the SQLite file ``path``: written beside it, checked, then moved into place (the old
    file, with ``replace``, kept as ``<name>.before-restore``)."""
    if path.exists() and path.stat().st_size > 0:
        with sqlite3.connect(path) as existing:
            tables = sqlite_tables(existing)
        existing.close()
        if tables and not replace:
            raise BackupError(
                f"{path} is not empty ({len(tables)} tables); restore into an empty one, or --replace"
            )
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        restored = _extract(archive, SQLITE_MEMBER, Path(tmp))
        conn = sqlite3.connect(restored)
        try:
            problems = compare(manifest["tables"], sqlite_checksums(conn))
        finally:
            conn.close()
        if problems:
            raise BackupError("the restored copy differs from the backup: " + "; ".join(problems[:10]))
        if path.exists():
            path.replace(path.with_name(path.name + ".before-restore"))
        restored.replace(path)
    checked: dict[str, Any] = manifest["tables"]
    return checked


def restore_postgres(
    archive: Path, manifest: dict[str, Any], db: Database, *, replace: bool
) -> dict[str, Any]:
    """pg_restore into ``db`` in one transaction (a failure leaves it as it was), then every table checked."""
    pg_restore = _tool("pg_restore")
    with db.connect_pg() as conn, conn.cursor() as cur:
        existing = pg_tables(cur)
    if existing and not replace:
        raise BackupError(
            f"database {db.name} is not empty ({len(existing)} tables); restore into an empty one, or --replace"
        )
    with tempfile.TemporaryDirectory() as tmp:
        dump = _extract(archive, PG_MEMBER, Path(tmp))
        argv = [pg_restore, "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"]
        if existing:
            argv += ["--clean", "--if-exists"]
        _run([*argv, *db.pg_args(), str(dump)], db.pg_env())
    with db.connect_pg() as conn, conn.cursor() as cur:
        problems = compare(manifest["tables"], pg_checksums(cur))
    if problems:
        raise BackupError("the restored database differs from the backup: " + "; ".join(problems[:10]))
    checked: dict[str, Any] = manifest["tables"]
    return checked


# ---------------------------------------------------------------- retention


def to_prune(names: Iterable[str], today: dt.date, *, keep_days: int, keep_months: int) -> list[str]:
    """The archives a retention of ``keep_days`` daily backups and the first backup of each of the last
    ``keep_months`` months lets go (names as :func:`archive_name` makes them; others are never touched)."""
    dated = []
    for name in names:
        try:
            day = dt.datetime.strptime(name[7:15], "%Y%m%d").date()
        except ValueError:
            continue
        if name.startswith("gaoxin-") and name.endswith(".tar.gz"):
            dated.append((day, name))
    dated.sort()
    keep = {name for day, name in dated if (today - day).days < keep_days}
    first_of_month: dict[tuple[int, int], str] = {}
    for day, name in dated:
        first_of_month.setdefault((day.year, day.month), name)
    months = sorted(first_of_month, reverse=True)[:keep_months]
    keep |= {first_of_month[m] for m in months}
    return [name for _day, name in dated if name not in keep]
