"""`gaoxin restore ARCHIVE [--replace]`: a backup of `gaoxin backup` into the configured database.

The database must be empty (a new PostgreSQL database, or no SQLite file) unless --replace; stop the
application servers and workers first. After the restore every table is read back and compared with
the backup's checksums; a difference is an error. An archive whose encrypted values need a data key
the installation does not have is refused (set that key in GAOXIN_DATA_KEY or GAOXIN_DATA_KEY_PREVIOUS);
--check only reads the archive and says what a restore would need.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from gaoxin.common import backup, crypto
from gaoxin.common.audit import record


class Command(BaseCommand):
    help = "Restore a backup archive into the (empty) configured database and check every table."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive")
        parser.add_argument("--replace", action="store_true", help="Overwrite a database that is not empty.")
        parser.add_argument("--check", action="store_true", help="Only read the archive and check the keys.")

    def handle(self, *args: Any, **o: Any) -> None:
        archive = Path(o["archive"])
        try:
            manifest = backup.read_manifest(archive)
            db = backup.Database.from_settings(settings.DATABASES["default"])
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(
            f"{archive.name}: {manifest['engine']} backup of {manifest['created']} (version {manifest['version']}), "
            f"{len(manifest['tables'])} tables, {rows} rows"
        )
        if manifest["engine"] != db.engine:
            raise CommandError(
                f"this is a {manifest['engine']} backup and the configured database is {db.engine}: "
                "restore it into a database of the same kind (DATABASE_URL)"
            )
        missing = backup.missing_keys(manifest, [k.id for k in crypto.known_keys()])
        if missing:
            raise CommandError(
                f"the backup's encrypted values need data key {', '.join(missing)}, which is neither "
                f"GAOXIN_DATA_KEY ({crypto.current_key().id}) nor in GAOXIN_DATA_KEY_PREVIOUS; nothing was restored"
            )
        if o["check"]:
            self.stdout.write("The archive is readable and its data keys are configured.")
            return
        connection.close()  # the restore works on the database with its own connections
        try:
            if db.engine == "sqlite":
                backup.restore_sqlite(archive, manifest, Path(db.name), replace=o["replace"])
            else:
                backup.restore_postgres(archive, manifest, db, replace=o["replace"])
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        record(
            None, "restore", "database", archive.name, detail=f"{len(manifest['tables'])} tables, {rows} rows"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored and checked: {len(manifest['tables'])} tables, {rows} rows equal to the backup."
            )
        )
        self.stdout.write(
            "Next: `gaoxin migrate` (when this version is newer than the backup's), then start the site."
        )
