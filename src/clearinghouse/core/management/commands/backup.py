"""``clearinghouse backup OUT``: the database and the file vault in one encrypted file."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

from clearinghouse.core import backup


def progress_bar(quiet: bool) -> Progress:
    return Progress(
        TextColumn("{task.description:<14}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        disable=quiet,
    )


class Command(BaseCommand):
    help = (
        "Write the whole database and the file vault into one file encrypted with "
        "CLEARINGHOUSE_BACKUP_KEY (or _FILE). Keep the vault and field keys apart: the "
        "backup holds what they encrypt, never the keys."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("out", type=Path, help="the backup file to create (never replaced)")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args, out: Path, quiet: bool, **options) -> None:
        try:
            secret = backup.backup_key()
            with progress_bar(quiet) as progress:
                rows = progress.add_task("Database rows", total=backup.total_rows())
                files = progress.add_task("Vault bytes", total=backup.total_vault_bytes())
                manifest = backup.write_backup(
                    out,
                    secret,
                    rows=lambda done: progress.advance(rows, done),
                    files=lambda done: progress.advance(files, done),
                )
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        parts = manifest["parts"]
        vault = parts.pop(backup.VAULT_PART)
        rows_written = sum(part["count"] for part in parts.values())
        self.stdout.write(
            f"Wrote {out}: {rows_written} rows of {len(parts)} tables and "
            f"{vault['count']} stored files."
        )
