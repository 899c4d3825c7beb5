"""``clearinghouse keys status|rotate``: which master keys the vault's file keys and the
personal fields are under, and moving them to new ones without stopping the platform.

Replacing a key (``CLEARINGHOUSE_VAULT_KEY`` or ``CLEARINGHOUSE_FIELD_KEY``), on every
machine, in three steps:

1. ``"OLD NEW"``: every process can read what NEW encrypts;
2. ``"NEW OLD"``: new material goes under NEW; then ``clearinghouse keys rotate`` moves
   the rest (it can be stopped and run again);
3. once ``keys status`` shows nothing under OLD, ``"NEW"``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from clearinghouse.core import crypto, keyring, rekey_fields
from clearinghouse.media import rekey, vault
from clearinghouse.media.models import Blob


class Command(BaseCommand):
    help = (
        "Show or rotate the master keys: the vault key that wraps the per-file keys, and "
        "the field key that encrypts personal fields."
    )

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser(
            "status", help="how many stored files and personal values each key holds"
        )
        rotate = actions.add_parser(
            "rotate", help="move everything under the first key of each keyring"
        )
        rotate.add_argument("--batch-size", type=int, default=500, help="rows per transaction")
        rotate.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args, action: str, **options) -> None:
        try:
            getattr(self, f"handle_{action}")(**options)
        except (keyring.KeyringError, vault.WrongKey, crypto.DecryptionError) as error:
            raise CommandError(str(error)) from None

    def handle_status(self, **options) -> None:
        self.show("vault key", settings.VAULT_KEY, rekey.key_counts())
        self.show("field key", settings.FIELD_ENCRYPTION_KEY, rekey_fields.key_counts())

    def show(self, kind: str, ring: str, counts) -> None:
        for position, (identifier, _) in enumerate(keyring.parse(ring)):
            role = "writing" if position == 0 else "reading only"
            self.stdout.write(
                f"{kind} {identifier.hex()} ({role}): {counts.pop(identifier.hex(), 0)}"
            )
        for label, count in sorted(counts.items()):
            known = "tried under every key" if label == rekey.LEGACY else "NOT IN THE KEYRING"
            self.stdout.write(f"{kind} {label} ({known}): {count}")

    def handle_rotate(self, *, batch_size: int, quiet: bool, **options) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        progress = Progress(
            TextColumn("{task.description:<22}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            disable=quiet,
        )
        with progress:
            files = progress.add_task("Re-wrapping file keys", total=Blob._base_manager.count())
            rewrapped = rekey.rotate(
                batch_size, on_batch=lambda scanned, _: progress.advance(files, scanned)
            )
            rows = progress.add_task("Personal fields (rows)", total=None)
            reencrypted = rekey_fields.rotate(
                batch_size, on_batch=lambda scanned, _: progress.advance(rows, scanned)
            )
        vault_id = keyring.writing(settings.VAULT_KEY)[0].hex()
        field_id = keyring.writing(settings.FIELD_ENCRYPTION_KEY)[0].hex()
        self.stdout.write(f"Re-wrapped {rewrapped} file keys; every file key is under {vault_id}.")
        self.stdout.write(
            f"Encrypted again the personal fields of {reencrypted} rows; every value is "
            f"under {field_id}."
        )
