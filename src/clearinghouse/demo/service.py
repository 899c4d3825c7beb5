"""The demo deployment in three steps: write the synthetic world, import it through the
real import path, and give each demo user a fresh password.

Running it again on the same data directory is safe: the same seed writes the same files,
importing them again changes nothing, and only the passwords are new.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)

from clearinghouse.demo.users import DemoAccount, create_demo_users
from clearinghouse.demo.world import RECORD_TYPES, World, generate_world
from clearinghouse.imports.service import ImportResult, import_file

DEFAULT_SEED = 2023
# Share of the records proportional to population generated outside Arkansas (real
# states differ from each other by more than this). About 190,000 records, ready in about
# 15 s on two cores with SQLite or a local PostgreSQL; scale 1 takes about 25 s.
DEFAULT_SCALE = 0.5


class DemoError(Exception):
    """The demo world could not be imported; the message says why."""


@dataclass
class DemoResult:
    world: World
    imports: list[ImportResult]
    accounts: list[DemoAccount]
    seconds: dict[str, float] = field(default_factory=dict)

    def imported(self, outcome: str) -> int:
        """How many records the import ``created``, ``updated`` or left ``unchanged``."""
        return sum(result.total(outcome) for result in self.imports)


def _progress(console: Console | None) -> Progress:
    return Progress(
        TextColumn("{task.description:<28}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=console or Console(stderr=True),
        transient=False,
        disable=console is None,
    )


@contextmanager
def _timed(seconds: dict[str, float], step: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    seconds[step] = time.perf_counter() - start


def import_world(world: World, progress: Progress | None = None) -> list[ImportResult]:
    """Import every file of ``world`` in order, as ``clearinghouse import`` would.
    Raises ``DemoError`` with the importer's first complaints if a file is refused."""
    results = []
    for kind in RECORD_TYPES:
        path = world.paths[kind]
        result = import_file(path, update=False, progress=_bar(progress, kind, path))
        if not result.stored:
            raise DemoError(_refusal(path, result))
        results.append(result)
    return results


def _bar(progress: Progress | None, kind: str, path: Path) -> Callable[[int], None] | None:
    """A progress bar for one file, advanced with the bytes the importer has read."""
    if progress is None:
        return None
    task = progress.add_task(f"Importing {kind}", total=path.stat().st_size)
    return lambda bytes_read: progress.update(task, completed=bytes_read)


def _refusal(path: Path, result: ImportResult) -> str:
    shown = "\n".join(
        f"  {path}:{error.line}: {error.reason}" if error.line else f"  {path}: {error.reason}"
        for error in result.errors[:10]
    )
    return (
        f"the importer refused {path} ({result.error_count} bad lines):\n{shown}\n"
        "If this database already holds a demo world made with another --seed or --scale, "
        "start again with a fresh --data-dir."
    )


def build_demo(
    data_dir: Path,
    *,
    seed: int = DEFAULT_SEED,
    scale: float = DEFAULT_SCALE,
    console: Console | None = None,
) -> DemoResult:
    """Generate the world into ``data_dir/demo``, import it, and (re)create the demo
    users. ``console`` (stderr) shows progress; None keeps quiet."""
    seconds: dict[str, float] = {}
    with _progress(console) as progress:
        task = progress.add_task("Generating the world", total=None)

        def generated(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        with _timed(seconds, "generate"):
            world = generate_world(data_dir / "demo", seed=seed, scale=scale, on_progress=generated)
        with _timed(seconds, "import"):
            imports = import_world(world, progress)
    with _timed(seconds, "users"):
        accounts = create_demo_users()
    return DemoResult(world, imports, accounts, seconds)
