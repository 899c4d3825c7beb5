"""``clearinghouse import FILE [FILE ...]``: load records from JSON Lines (records.md).

Each file is imported on its own, all-or-nothing; bad lines are listed on stderr as
``FILE:LINE: reason``, and the command exits 1 when any file was rejected.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from clearinghouse.imports.service import ImportResult, LineError, import_file


class Command(BaseCommand):
    help = (
        "Import records from JSON Lines files (records.md). Each file is all-or-nothing: "
        "if any line is bad, nothing from that file is stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="a JSON Lines file")
        parser.add_argument(
            "--update",
            action="store_true",
            help="let a line replace a stored record of the same type and id "
            "(without it, other content under a stored id is an error)",
        )
        parser.add_argument(
            "--quiet",
            action="store_true",
            help="show no progress and no summary (bad lines are always listed)",
        )

    def handle(self, *args, files: list[str], update: bool, quiet: bool, **options):
        problems = [f"{name}: {problem}" for name in files if (problem := _unreadable(name))]
        if problems:
            raise CommandError("nothing imported: " + "; ".join(problems))
        quiet = quiet or options["verbosity"] == 0
        rejected = [name for name in files if not self._import(name, update=update, quiet=quiet)]
        if rejected:
            raise CommandError(
                f"{len(rejected)} of {len(files)} files rejected; "
                f"nothing from {'it' if len(rejected) == 1 else 'them'} was stored"
            )

    def _import(self, name: str, *, update: bool, quiet: bool) -> bool:
        """Import one file and say how it went; True when it was stored."""
        try:
            with self._display(name, show=not quiet and self.stderr.isatty()) as (progress, say):
                result = import_file(
                    name,
                    update=update,
                    progress=progress,
                    on_error=lambda error: say(_located(name, error)),
                )
        except OSError as error:
            self.stderr.write(f"{name}: cannot read: {error.strerror}")
            return False
        except KeyboardInterrupt:
            raise CommandError(f"interrupted; nothing from {name} was stored") from None
        if not result.stored:
            self.stderr.write(
                f"{name}: rejected, {result.error_count} bad "
                f"{'line' if result.error_count == 1 else 'lines'}; nothing from it was stored"
            )
        elif not quiet:
            self.stdout.write(_summary(result))
        return result.stored

    @contextmanager
    def _display(
        self, name: str, *, show: bool
    ) -> Iterator[tuple[Callable[[int], None] | None, Callable[[str], None]]]:
        """A progress bar by bytes read, on stderr, and a way to print above it."""
        if not show:
            yield None, self.stderr.write
            return
        console = Console(stderr=True)
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task(Path(name).name, total=os.path.getsize(name))
            yield (
                lambda done: bar.update(task, completed=done),
                lambda text: console.print(text, markup=False, highlight=False, soft_wrap=True),
            )


def _unreadable(name: str) -> str | None:
    path = Path(name)
    if not path.exists():
        return "no such file"
    if path.is_dir():
        return "is a directory"
    if not os.access(path, os.R_OK):
        return "permission denied"
    return None


def _located(name: str, error: LineError) -> str:
    return f"{name}:{error.line}: {error.reason}" if error.line else f"{name}: {error.reason}"


def _summary(result: ImportResult) -> str:
    per_type = ", ".join(
        f"{kind} {counts.created + counts.updated + counts.unchanged:,}"
        for kind, counts in sorted(result.counts.items())
    )
    return (
        f"{result.name}: {result.total('created'):,} created, "
        f"{result.total('updated'):,} updated, {result.total('unchanged'):,} unchanged"
        + (f" ({per_type})" if per_type else "")
    )
