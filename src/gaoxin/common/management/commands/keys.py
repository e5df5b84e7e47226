"""`gaoxin keys status|rotate|new`: the data key of the encrypted fields (身份证号, phone).

Rotation without downtime: generate a key (`gaoxin keys new`), restart the application with
GAOXIN_DATA_KEY=<new> and GAOXIN_DATA_KEY_PREVIOUS=<old>, run `gaoxin keys rotate` (batches, each in its
own transaction; resumable), check `gaoxin keys status` says every value is under the new key, then
remove GAOXIN_DATA_KEY_PREVIOUS and restart. The old key stays in the secret store for the backups
made before."""

from __future__ import annotations

import secrets
from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gaoxin.common import crypto
from gaoxin.common.audit import record


class Command(BaseCommand):
    help = "Data keys: `status` (values per key), `rotate [--batch N]` (re-encrypt under GAOXIN_DATA_KEY), `new` (print a key)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["status", "rotate", "new"])
        parser.add_argument("--batch", type=int, default=500, help="rotate: rows per transaction")

    def handle(self, *args: Any, **o: Any) -> None:
        if o["action"] == "new":
            self.stdout.write(secrets.token_urlsafe(48))
            return
        if o["action"] == "status":
            self.status()
            return
        if o["batch"] < 1:
            raise CommandError("--batch is at least 1")
        try:
            total = 0
            for label, done, left in crypto.rotate(o["batch"]):
                total += done
                self.stdout.write(f"{label}: {done} re-encrypted, {left} left")
        except crypto.DataKeyError as exc:
            raise CommandError(
                f"{exc}. Put the key the data was encrypted with in GAOXIN_DATA_KEY_PREVIOUS."
            ) from None
        record(None, "rotate", "data_key", crypto.current_key().id, detail=f"{total} rows re-encrypted")
        self.stdout.write(self.style.SUCCESS(f"Every value is under key {crypto.current_key().id}."))

    def status(self) -> None:
        self.stdout.write(
            f"current key {crypto.current_key().id}; previous: {', '.join(k.id for k in crypto.known_keys()[1:]) or 'none'}"
        )
        for entry in crypto.REGISTRY:
            for field in entry.ciphers:
                tokens = entry.model._default_manager.exclude(**{field: ""}).values_list(field, flat=True)
                counts = Counter(crypto.key_id_of(t) or "legacy" for t in tokens.iterator())
                summary = ", ".join(f"{kid}: {n}" for kid, n in sorted(counts.items())) or "empty"
                self.stdout.write(f"{entry.model._meta.label}.{field}: {summary}")
