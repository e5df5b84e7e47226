"""`gaoxin backup [-o FILE] [--keep-days 30 --keep-months 12]`: one archive of the whole database.

SQLite (the embedded default): SQLite's online backup, consistent while the site runs. PostgreSQL:
`pg_dump --format=custom` in an exported snapshot (the client tools of the server's major version must
be installed). The archive names the ids of the data keys its encrypted fields need, never a key: keep
the keys in the secret store, apart from the archives (docs/operator-guide.md, "Backups and restore").
Without -o the archive goes to GAOXIN_BACKUP_DIR (default var/backups/); --keep-days and --keep-months
then delete the archives there that the retention lets go.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

import gaoxin
from gaoxin.common import backup, crypto
from gaoxin.common.audit import record


class Command(BaseCommand):
    help = "Back up the database into one archive (checked table by table when restored)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "-o", "--output", help="The archive to write (default: GAOXIN_BACKUP_DIR/gaoxin-<time>.tar.gz)."
        )
        parser.add_argument(
            "--keep-days", type=int, default=0, help="Retention: keep every archive of the last N days."
        )
        parser.add_argument(
            "--keep-months",
            type=int,
            default=0,
            help="Retention: and the first archive of each of the last N months.",
        )

    def handle(self, *args: Any, **o: Any) -> None:
        if o["keep_days"] < 0 or o["keep_months"] < 0:
            raise CommandError("--keep-days and --keep-months are 0 or more")
        now = dt.datetime.now()
        folder = Path(settings.GAOXIN_BACKUP_DIR)
        target = Path(o["output"]) if o["output"] else folder / backup.archive_name(now)
        if target.exists():
            raise CommandError(f"{target} exists; give another name")
        keys = {"current": crypto.current_key().id, "in_use": crypto.key_ids_in_use()}
        try:
            db = backup.Database.from_settings(settings.DATABASES["default"])
            if db.engine == "sqlite":
                connection.ensure_connection()
                written = backup.backup_sqlite(
                    connection.connection, target, keys=keys, version=gaoxin.__version__
                )
            else:
                written = backup.backup_postgres(db, target, keys=keys, version=gaoxin.__version__)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        manifest = backup.read_manifest(written)
        rows = sum(t["rows"] for t in manifest["tables"].values())
        record(
            None, "backup", "database", written.name, detail=f"{len(manifest['tables'])} tables, {rows} rows"
        )
        self.stdout.write(
            f"{written} ({written.stat().st_size / 1e6:.1f} MB): {len(manifest['tables'])} tables, {rows} rows; "
            f"encrypted values need data key {', '.join(keys['in_use']) or '(none stored)'}"
        )
        if (o["keep_days"] or o["keep_months"]) and not o["output"]:
            names = [p.name for p in folder.glob("gaoxin-*.tar.gz")]
            for name in backup.to_prune(
                names, now.date(), keep_days=max(o["keep_days"], 1), keep_months=o["keep_months"]
            ):
                (folder / name).unlink()
                self.stdout.write(f"deleted {name} (retention)")
