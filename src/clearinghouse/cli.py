"""The ``clearinghouse`` command: Django's management commands, on a data directory that
is created and migrated as needed."""

from __future__ import annotations

import os
import sys

# Commands that must not trigger an automatic migration first.
_NO_AUTO_MIGRATE = {
    "makemigrations",
    "migrate",
    "help",
    "version",
    "--help",
    "-h",
    "--version",
    "test",
    "sqlmigrate",
    "showmigrations",
    "hash",  # reads files, never the database
}


def _take_data_dir(argv: list[str]) -> list[str]:
    """``--data-dir DIR`` anywhere on the line sets ``CLEARINGHOUSE_DATA_DIR`` before
    the settings are read; every other argument goes on to the command."""
    rest: list[str] = []
    args = iter(argv)
    for arg in args:
        if arg == "--data-dir":
            value = next(args, None)
            if value is None:
                sys.exit("clearinghouse: --data-dir needs a directory")
            os.environ["CLEARINGHOUSE_DATA_DIR"] = value
        elif arg.startswith("--data-dir="):
            os.environ["CLEARINGHOUSE_DATA_DIR"] = arg.split("=", 1)[1]
        else:
            rest.append(arg)
    return rest


def migrate_if_needed(verbosity: int = 0) -> None:
    """Bring the database up to the code's schema (a fresh data directory included)."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", interactive=False, verbosity=verbosity)


def main(argv: list[str] | None = None) -> None:
    argv = _take_data_dir(list(sys.argv[1:] if argv is None else argv))
    from clearinghouse.core import allocator

    allocator.tune()  # task workers, CVIP and `hash` decode images all day
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clearinghouse.settings")

    from clearinghouse.config import ConfigurationError

    try:
        import django

        django.setup()
    except ConfigurationError as error:
        sys.exit(f"clearinghouse: configuration error: {error}")

    from django.core.management import execute_from_command_line, get_commands

    if argv and "-" in argv[0][1:] and argv[0].replace("-", "_") in get_commands():
        argv[0] = argv[0].replace("-", "_")  # esp-credential: Django names have no dashes
    if argv and argv[0] not in _NO_AUTO_MIGRATE:
        migrate_if_needed()
    execute_from_command_line(["clearinghouse", *argv])


if __name__ == "__main__":
    main()
