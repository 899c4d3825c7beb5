"""Reading the counters, folding the deltas in, and rebuilding from the records.

A read sums ``impact_rollup`` and ``impact_rollup_delta`` in one statement, so it sees
one snapshot of both: whatever the compaction moves between them, a read counts each
delta exactly once.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import connection, transaction

from clearinghouse.impact.rollups.counters import ADDITIVE, CUMULATIVE, DISTINCT, SOURCES
from clearinghouse.impact.rollups.schema import COLUMNS, DELTA, ROLLUP, rebuild_statement


def _listed(names: tuple[str, ...]) -> str:
    # Counter names are constants of ``counters``, never input.
    return ", ".join(f"'{name}'" for name in names)


_BOTH = (
    f"SELECT {COLUMNS} FROM {ROLLUP} WHERE year <= %s"  # noqa: S608
    f" UNION ALL SELECT {COLUMNS} FROM {DELTA} WHERE year <= %s"
)
_ADDITIVE = (
    f"SELECT counter, SUM(amount) FROM ({_BOTH}) AS a"  # noqa: S608
    f" WHERE counter IN ({_listed(ADDITIVE)})"
    f" AND (year = %s OR counter IN ({_listed(CUMULATIVE)})){{state}} GROUP BY counter"
)
_DISTINCT = (
    "SELECT counter, COUNT(*) FROM (SELECT counter, member"  # noqa: S608
    f" FROM ({_BOTH}) AS d WHERE counter IN ({_listed(DISTINCT)}) AND year = %s{{state}}"
    " GROUP BY counter, member HAVING SUM(amount) > 0) AS members GROUP BY counter"
)
_COUNTS = {
    scoped: f"{_ADDITIVE} UNION ALL {_DISTINCT}".replace(
        "{state}", " AND state = %s" if scoped else ""
    )
    for scoped in (False, True)
}


def counts(year: int, state: str | None = None) -> dict[str, int]:
    """Every counter's value for ``year``, for ``state`` or (None) the nation; a
    counter with nothing counted is 0."""
    scope = [state] if state else []
    params = [year, year, year, *scope, year, year, year, *scope]
    with connection.cursor() as cursor:
        cursor.execute(_COUNTS[bool(state)], params)
        found = {counter: int(value) for counter, value in cursor.fetchall()}
    return defaultdict(int, found)


def compact() -> int:
    """Folds every delta into ``impact_rollup``; returns how many deltas it folded.
    Run by the scheduler every minute, so that reads sum few deltas."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # One compaction at a time, and none during a rebuild; writers and
                # readers are not held up.
                cursor.execute(f"LOCK TABLE {ROLLUP} IN SHARE ROW EXCLUSIVE MODE")
                cursor.execute(
                    f"WITH moved AS (DELETE FROM {DELTA} RETURNING {COLUMNS}),"  # noqa: S608
                    f" folded AS (INSERT INTO {ROLLUP} AS kept ({COLUMNS})"
                    " SELECT counter, year, state, member, SUM(amount) FROM moved"
                    " GROUP BY counter, year, state, member"
                    " ON CONFLICT (year, counter, state, member)"
                    " DO UPDATE SET amount = kept.amount + EXCLUDED.amount)"
                    " SELECT COUNT(*) FROM moved"
                )
                folded = cursor.fetchone()[0]
            else:
                cursor.execute(f"SELECT COUNT(*) FROM {DELTA}")  # noqa: S608
                folded = cursor.fetchone()[0]
                cursor.execute(
                    f"INSERT INTO {ROLLUP} ({COLUMNS})"  # noqa: S608
                    f" SELECT counter, year, state, member, SUM(amount) FROM {DELTA} WHERE 1"
                    " GROUP BY counter, year, state, member"
                    " ON CONFLICT (year, counter, state, member)"
                    " DO UPDATE SET amount = amount + excluded.amount"
                )
                cursor.execute(f"DELETE FROM {DELTA}")  # noqa: S608
            cursor.execute(f"DELETE FROM {ROLLUP} WHERE amount = 0")  # noqa: S608
    return folded


def rebuild() -> int:
    """Counts everything again from the records (after a bulk load with the triggers
    off, or to repair); returns the number of rollup rows.

    On PostgreSQL, run outside a transaction it is exact while records are being
    written: it reads one snapshot (REPEATABLE READ) and removes only the deltas that
    snapshot saw, so a write committed meanwhile keeps its delta."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                if outermost:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                cursor.execute(f"LOCK TABLE {ROLLUP} IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute(f"DELETE FROM {DELTA}")  # noqa: S608
            cursor.execute(f"DELETE FROM {ROLLUP}")  # noqa: S608
            for source in SOURCES:
                statement = rebuild_statement(connection.vendor, source)
                if statement is not None:
                    cursor.execute(statement)
            cursor.execute(f"SELECT COUNT(*) FROM {ROLLUP}")  # noqa: S608
            return cursor.fetchone()[0]


def pending() -> int:
    """How many deltas wait to be folded in."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {DELTA}")  # noqa: S608
        return cursor.fetchone()[0]
