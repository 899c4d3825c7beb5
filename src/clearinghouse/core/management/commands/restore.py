"""``clearinghouse restore IN``: the database and the file vault from a backup."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clearinghouse.core import backup
from clearinghouse.core.management.commands.backup import progress_bar


class Command(BaseCommand):
    help = (
        "Restore the database and the file vault from a file written by `backup`, "
        "decrypted with CLEARINGHOUSE_BACKUP_KEY (or _FILE). All or nothing: a wrong key "
        "or a damaged file changes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("source", metavar="IN", type=Path, help="the backup file")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database that already holds data (everything in it is lost)",
        )
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args, source: Path, force: bool, quiet: bool, **options) -> None:
        try:
            secret = backup.backup_key()
            size = source.stat().st_size if source.is_file() else None
            with progress_bar(quiet) as progress:
                read = progress.add_task("Restoring", total=size)
                manifest = backup.restore_backup(
                    source, secret, force=force, advance=lambda done: progress.advance(read, done)
                )
                progress.update(read, completed=size)
        except backup.BackupError as error:
            raise CommandError(f"nothing was restored: {error}") from None
        parts = manifest["parts"]
        vault = parts.pop(backup.VAULT_PART)
        rows = sum(part["count"] for part in parts.values())
        self.stdout.write(
            f"Restored {rows} rows of {len(parts)} tables and {vault['count']} stored files "
            f"from {source}."
        )
