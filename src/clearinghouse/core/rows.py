"""Appending batches of new rows fast.

``bulk_create`` spends most of an import's time building its SQL value by value through
the expression machinery. Here each value is still prepared by its model field, so that
encrypted fields are encrypted and times converted exactly as the ORM would do it, but
the rows go to the database in one go: ``COPY`` on PostgreSQL, one prepared ``INSERT``
run with ``executemany`` elsewhere. As with ``bulk_create``, no ``save()`` is called and
no signal is sent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.utils import timezone

Row = dict[str, Any]  # field attname -> value


def insert(model: type[models.Model], rows: list[Row]) -> None:
    """Insert ``rows``, which all name the same fields, into ``model``'s table. A field
    they leave out gets its default, or the current time when it is ``auto_now``."""
    # The connection itself: the ``django.db.connection`` proxy costs a lookup per use.
    db = connections[DEFAULT_DB_ALIAS]
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    now = timezone.now()
    prepare = [_preparer(field, rows[0], now, db) for field in fields]
    append(
        model._meta.db_table,
        [field.column for field in fields],
        [[value(row) for value in prepare] for row in rows],
    )


def append(table: str, columns: Sequence[str], rows: list[list[Any]]) -> None:
    """Append ``rows`` of database-ready values to ``table``."""
    db = connections[DEFAULT_DB_ALIAS]
    quote = db.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            # Errors from psycopg's own COPY become Django's, like those of execute().
            with db.wrap_database_errors:
                copy_sql = f"COPY {quote(table)} ({names}) FROM STDIN"
                with cursor.cursor.copy(copy_sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            _analyze_if_grown(cursor, quote(table))
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {quote(table)} ({names}) VALUES ({placeholders})",  # noqa: S608
                rows,
            )


def _analyze_if_grown(cursor, table: str) -> None:
    """``ANALYZE`` the table once it is twice the size it had when last analyzed.

    An import is one transaction, and autovacuum sees none of its rows before it
    commits: without this, the plans cached for the triggers and the foreign-key checks
    of the next batches (made when the table was empty) scan the whole table for each
    row, and a 50,000-record import takes minutes instead of seconds. ``ANALYZE`` counts
    the transaction's own rows, and changed statistics make PostgreSQL plan again.
    Doubling keeps the number of runs to the logarithm of the rows appended."""
    cursor.execute(
        "SELECT relpages, pg_relation_size(oid) / current_setting('block_size')::int"
        " FROM pg_class WHERE oid = %s::regclass",
        [table],
    )
    analyzed, now = cursor.fetchone()
    if now >= max(8, 2 * analyzed):
        cursor.execute(f"ANALYZE {table}")


def _preparer(field: models.Field, sample: Row, now, db) -> Callable[[Row], Any]:
    """How to get ``field``'s database value from a row."""
    name = field.attname
    if name in sample:
        return lambda row: field.get_db_prep_save(row[name], db)
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        stamp = field.get_db_prep_save(now, db)
        return lambda row: stamp
    return lambda row: field.get_db_prep_save(field.get_default(), db)
