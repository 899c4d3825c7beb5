"""The rollup tables and the triggers that feed them, for SQLite and PostgreSQL.

Everything is generated from ``counters.SOURCES``. Each source table gets a trigger
after INSERT, after UPDATE (only when a watched column changed) and after DELETE, which
appends to ``impact_rollup_delta`` what the row adds (``NEW``, +1) and takes away
(``OLD``, -1), netted per counter: an update that moves nothing writes nothing. On
PostgreSQL a TRUNCATE (which runs no row trigger) empties the counters that need the
table's rows.

The tables have no Django model on purpose: Django's test flush must not empty them
behind the triggers' back (on SQLite it deletes the records row by row, which the
triggers count down; on PostgreSQL it truncates, which the truncate triggers handle).
"""

# Every statement here is built from the constants of ``counters``, never from input.
# ruff: noqa: S608

from __future__ import annotations

from clearinghouse.impact.rollups.counters import SOURCES, Contribution, Source

ROLLUP = "impact_rollup"
DELTA = "impact_rollup_delta"
COLUMNS = "counter, year, state, member, amount"

_TABLES = {
    "postgresql": [
        f"CREATE TABLE IF NOT EXISTS {ROLLUP} (counter text NOT NULL, year integer NOT NULL,"
        " state text NOT NULL, member text NOT NULL, amount bigint NOT NULL,"
        " PRIMARY KEY (year, counter, state, member))",
        # No key and no index: appending is all a writer does.
        f"CREATE TABLE IF NOT EXISTS {DELTA} (counter text NOT NULL, year integer NOT NULL,"
        " state text NOT NULL, member text NOT NULL, amount bigint NOT NULL)",
    ],
    "sqlite": [
        f"CREATE TABLE IF NOT EXISTS {ROLLUP} (counter text NOT NULL, year integer NOT NULL,"
        " state text NOT NULL, member text NOT NULL, amount integer NOT NULL,"
        " PRIMARY KEY (year, counter, state, member))",
        f"CREATE TABLE IF NOT EXISTS {DELTA} (counter text NOT NULL, year integer NOT NULL,"
        " state text NOT NULL, member text NOT NULL, amount integer NOT NULL)",
    ],
}


def year_of(vendor: str, expression: str, *, date: bool = False) -> str:
    """SQL for the UTC calendar year of a timestamp (or date) column."""
    if vendor == "postgresql":
        moment = expression if date else f"({expression} AT TIME ZONE 'UTC')"
        return f"CAST(EXTRACT(YEAR FROM {moment}) AS integer)"
    # Django keeps SQLite datetimes as UTC text, 'YYYY-MM-DD HH:MM:SS[.ffffff]'.
    return f"CAST(substr({expression}, 1, 4) AS integer)"


def contribution_select(
    vendor: str, contribution: Contribution, row: str, sign: int, *, scan: str | None = None
) -> str:
    """``SELECT counter, year, state, member, amount`` of one contribution of ``row``:
    a trigger's ``NEW`` or ``OLD``, or (``scan``) every row of that table."""
    c = contribution
    sources = ([f"{scan} AS {row}"] if scan else []) + ([c.joins] if c.joins else [])
    sql = (
        f"SELECT '{c.counter}' AS counter, {year_of(vendor, c.time, date=c.date)} AS year,"
        f" {c.state} AS state, {c.member} AS member, {sign} AS amount"
    )
    if sources:
        sql += f" FROM {', '.join(sources)}"
    return (sql + f" WHERE {c.where}").replace("{r}", row)


def _append(vendor: str, source: Source, rows: list[tuple[str, int]]) -> str:
    selects = [
        contribution_select(vendor, contribution, row, sign)
        for contribution in source.contributions
        for row, sign in rows
    ]
    return (
        f"INSERT INTO {DELTA} ({COLUMNS}) SELECT counter, year, state, member, SUM(amount)"
        f" FROM ({' UNION ALL '.join(selects)}) AS changes"
        " GROUP BY counter, year, state, member HAVING SUM(amount) <> 0"
    )


def rebuild_statement(vendor: str, source: Source) -> str | None:
    """``INSERT INTO impact_rollup`` what a scan of the whole table counts (None: the
    table's rows are counted from another table)."""
    selects = [
        contribution_select(vendor, contribution, "r", 1, scan=source.table)
        for contribution in source.contributions
        if contribution.rebuild
    ]
    if not selects:
        return None
    return (
        f"INSERT INTO {ROLLUP} ({COLUMNS}) SELECT counter, year, state, member, SUM(amount)"
        f" FROM ({' UNION ALL '.join(selects)}) AS everything"
        " GROUP BY counter, year, state, member HAVING SUM(amount) <> 0"
    )


# -- PostgreSQL ---------------------------------------------------------------------------

_PG_TRUNCATED = f"""
CREATE OR REPLACE FUNCTION impact_rollup_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM {ROLLUP} WHERE counter = ANY(TG_ARGV);
    DELETE FROM {DELTA} WHERE counter = ANY(TG_ARGV);
    RETURN NULL;
END
$$"""


def _postgresql_triggers(source: Source) -> list[str]:
    function = f"impact_rollup_{source.table}"
    body = f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_append("postgresql", source, [("NEW", 1)])};
    ELSIF TG_OP = 'DELETE' THEN
        {_append("postgresql", source, [("OLD", -1)])};
    ELSE
        {_append("postgresql", source, [("NEW", 1), ("OLD", -1)])};
    END IF;
    RETURN NULL;
END
$$"""
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in source.watched)
    counters = ", ".join(f"'{counter}'" for counter in source.counters)
    table = source.table
    run = f"EXECUTE FUNCTION {function}()"
    return [
        body,
        f"CREATE TRIGGER impact_rollup_insert AFTER INSERT ON {table} FOR EACH ROW"
        f"{_when(source, ['NEW'])} {run}",
        f"CREATE TRIGGER impact_rollup_update AFTER UPDATE ON {table} FOR EACH ROW"
        f"{_when(source, ['OLD', 'NEW'], changed)} {run}",
        f"CREATE TRIGGER impact_rollup_delete AFTER DELETE ON {table} FOR EACH ROW"
        f"{_when(source, ['OLD'])} {run}",
        f"CREATE TRIGGER impact_rollup_truncate AFTER TRUNCATE ON {table} FOR EACH STATEMENT"
        f" EXECUTE FUNCTION impact_rollup_truncated({counters})",
    ]


def _when(source: Source, rows: list[str], changed: str | None = None) -> str:
    """`` WHEN (...)``: a watched column changed, and the row meets ``only_when``
    before or after."""
    conditions = [f"({changed})"] if changed else []
    if source.only_when:
        either = " OR ".join(f"({source.only_when.replace('{r}', row)})" for row in rows)
        conditions.append(f"({either})")
    return f" WHEN ({' AND '.join(conditions)})" if conditions else ""


def _postgresql_drop(source: Source) -> list[str]:
    drops = [
        f"DROP TRIGGER IF EXISTS impact_rollup_{event} ON {source.table}"
        for event in ("insert", "update", "delete", "truncate")
    ]
    return drops + [f"DROP FUNCTION IF EXISTS impact_rollup_{source.table}()"]


# -- SQLite -------------------------------------------------------------------------------


def _sqlite_triggers(source: Source) -> list[str]:
    table = source.table
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in source.watched)
    insert = _append("sqlite", source, [("NEW", 1)])
    update = _append("sqlite", source, [("NEW", 1), ("OLD", -1)])
    delete = _append("sqlite", source, [("OLD", -1)])
    return [
        f"CREATE TRIGGER impact_rollup_{table}_insert AFTER INSERT ON {table}"
        f"{_when(source, ['NEW'])} BEGIN {insert}; END",
        f"CREATE TRIGGER impact_rollup_{table}_update AFTER UPDATE ON {table}"
        f"{_when(source, ['OLD', 'NEW'], changed)} BEGIN {update}; END",
        f"CREATE TRIGGER impact_rollup_{table}_delete AFTER DELETE ON {table}"
        f"{_when(source, ['OLD'])} BEGIN {delete}; END",
    ]


def _sqlite_drop(source: Source) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS impact_rollup_{source.table}_{event}"
        for event in ("insert", "update", "delete")
    ]


# -- installing ---------------------------------------------------------------------------


def _vendor(connection) -> str:
    if connection.vendor not in _TABLES:
        raise NotImplementedError(f"rollups need SQLite or PostgreSQL, not {connection.vendor}")
    return connection.vendor


def install_triggers(connection) -> None:
    """(Re)creates every trigger; safe to run again after the definitions change."""
    vendor = _vendor(connection)
    drop_triggers(connection)
    statements = [_PG_TRUNCATED] if vendor == "postgresql" else []
    for source in SOURCES:
        statements += (
            _postgresql_triggers(source) if vendor == "postgresql" else _sqlite_triggers(source)
        )
    _run(connection, statements)


def drop_triggers(connection) -> None:
    """Removes every trigger: writes are no longer counted until ``install_triggers``
    and ``store.rebuild`` (for bulk loading)."""
    vendor = _vendor(connection)
    statements = []
    for source in SOURCES:
        statements += _postgresql_drop(source) if vendor == "postgresql" else _sqlite_drop(source)
    if vendor == "postgresql":
        statements.append("DROP FUNCTION IF EXISTS impact_rollup_truncated()")
    _run(connection, statements)


def missing_triggers(connection) -> int:
    """How many of the triggers are not there (0: all installed)."""
    if _vendor(connection) == "postgresql":
        expected = 4 * len(SOURCES)
        sql = "SELECT COUNT(*) FROM pg_trigger WHERE tgname LIKE %s"
    else:
        expected = 3 * len(SOURCES)
        sql = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, ["impact_rollup_%"])
        return expected - cursor.fetchone()[0]


def tables_exist(connection) -> bool:
    return ROLLUP in connection.introspection.table_names()


def create_tables(connection) -> None:
    _run(connection, _TABLES[_vendor(connection)])


def drop_tables(connection) -> None:
    _run(connection, [f"DROP TABLE IF EXISTS {DELTA}", f"DROP TABLE IF EXISTS {ROLLUP}"])


def _run(connection, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
