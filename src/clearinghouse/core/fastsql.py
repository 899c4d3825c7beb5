"""Single-row statements for hot paths, compiled once instead of on every call.

The ORM builds and compiles its SQL anew for every ``create``, ``save`` and ``get``; on
the reporting API, where each request does a few single-row statements, that compiling
costs more than the database does. The statements here are the same ones the ORM would
send, built once per model, field list and database vendor, with values converted
exactly as the ORM converts them (``get_db_prep_save`` on the way in, the backend's and
the fields' converters on the way out): encrypted fields are encrypted and decrypted,
JSON is JSON, datetimes are aware. They run on Django's connection, so they take part in
``transaction.atomic`` like any ORM call.

They skip what the ORM adds around a statement: model signals and ``auto_now``. A caller
sets timestamps itself. Use them only where a profile shows the ORM's cost.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import contextmanager, nullcontext

from django.db import connections, router, transaction
from django.db.models import Model


def _connection(model: type[Model], write: bool):
    alias = router.db_for_write(model) if write else router.db_for_read(model)
    return connections[alias]


_EXPLICIT_ONLY = 2**31 - 1


@contextmanager
def _cursor(connection, sql: str, params: list):
    """A cursor that has run ``sql``. On PostgreSQL the statement is prepared (parsed and
    planned once per connection) with its parameters bound by the server, not quoted
    into the text by the client: Django's own cursors do neither, so that connection
    poolers in transaction mode keep working (PgBouncer before 1.21 mixes up prepared
    statements of different clients; use 1.21+ with ``max_prepared_statements``)."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            yield cursor
        return
    import psycopg

    connection.ensure_connection()
    connection.validate_no_broken_transaction()
    raw = connection.connection
    if raw.prepare_threshold is None:
        # Django turns preparing off; this turns on only what asks for it explicitly
        # (``prepare=True``): Django's own cursors bind on the client and never prepare.
        raw.prepare_threshold = _EXPLICIT_ONLY
    with connection.wrap_database_errors, psycopg.Cursor(raw) as cursor:
        cursor.execute(sql, params, prepare=True)
        yield cursor


class Insert:
    """``INSERT INTO <model> (every column) VALUES (...) RETURNING pk`` from an unsaved
    instance, its values taken as ``Model.save`` takes them (``pre_save``, so
    ``auto_now_add`` and ``auto_now`` fields are set)."""

    def __init__(self, model: type[Model]) -> None:
        self.model = model
        self.fields = [field for field in model._meta.concrete_fields if not field.primary_key]
        self._sql: dict[str, str] = {}
        self._dependent_sql: dict[tuple, str] = {}

    def _statement(self, connection) -> str:
        sql = self._sql.get(connection.vendor)
        if sql is None:
            quote = connection.ops.quote_name
            columns = ", ".join(quote(field.column) for field in self.fields)
            marks = ", ".join(["%s"] * len(self.fields))
            # Names from the model's metadata, quoted; values are bound.
            table, pk = quote(self.model._meta.db_table), quote(self.model._meta.pk.column)
            sql = f"INSERT INTO {table} ({columns}) VALUES ({marks}) RETURNING {pk}"  # noqa: S608
            self._sql[connection.vendor] = sql
        return sql

    def params(self, obj: Model, connection) -> list:
        return [
            field.get_db_prep_save(field.pre_save(obj, True), connection) for field in self.fields
        ]

    def __call__(self, obj: Model) -> int:
        """Inserts ``obj`` (which then has its primary key) and returns the key."""
        connection = _connection(self.model, write=True)
        with _cursor(connection, self._statement(connection), self.params(obj, connection)) as c:
            return self.inserted(obj, c.fetchone()[0], connection)

    def inserted(self, obj: Model, pk, connection) -> int:
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
        return pk

    def with_dependent(self, obj: Model, dependent: Model, link: str) -> int:
        """Inserts ``obj`` and ``dependent`` (of another model), whose field ``link`` is set
        to ``obj``'s new key as text (e.g. an audit event about the new row), atomically.

        On PostgreSQL this is one statement (a data-modifying ``WITH``), atomic by
        itself, so it costs one round trip instead of four (BEGIN, two INSERTs, COMMIT);
        elsewhere it is the two inserts in a transaction."""
        connection = _connection(self.model, write=True)
        second = _insert_for(type(dependent))
        if connection.vendor != "postgresql":
            with transaction.atomic(using=connection.alias):
                self(obj)
                setattr(dependent, link, str(obj.pk))
                second(dependent)
            return obj.pk
        sql = self._dependent_sql.get((type(dependent), link))
        if sql is None:
            sql = self._dependent_statement(connection, second, link)
            self._dependent_sql[(type(dependent), link)] = sql
        dependent_params = second.params(dependent, connection)
        params = self.params(obj, connection) + [
            value
            for field, value in zip(second.fields, dependent_params, strict=True)
            if field.name != link
        ]
        # Inside a transaction, a savepoint keeps a failure (a duplicate key) from
        # spoiling the caller's transaction; outside, the statement is its own.
        scope = (
            transaction.atomic(using=connection.alias)
            if connection.in_atomic_block
            else nullcontext()
        )
        with scope, _cursor(connection, sql, params) as cursor:
            key, dependent_key = cursor.fetchone()
        pk = int(key)
        self.inserted(obj, pk, connection)
        setattr(dependent, link, str(pk))
        second.inserted(dependent, dependent_key, connection)
        return pk

    def _dependent_statement(self, connection, second: Insert, link: str) -> str:
        # Names from the models' metadata, quoted; values are bound.
        quote = connection.ops.quote_name
        new_key = f"(SELECT {quote(self.model._meta.pk.column)}::text FROM new_row)"  # noqa: S608
        columns = ", ".join(quote(field.column) for field in second.fields)
        values = ", ".join(new_key if field.name == link else "%s" for field in second.fields)
        table = quote(second.model._meta.db_table)
        link_column = quote(second.model._meta.get_field(link).column)
        returned = f"{link_column}, {quote(second.model._meta.pk.column)}"
        head = f"WITH new_row AS ({self._statement(connection)}) "
        return head + f"INSERT INTO {table} ({columns}) VALUES ({values}) RETURNING {returned}"  # noqa: S608


_inserts: dict[type[Model], Insert] = {}


def _insert_for(model: type[Model]) -> Insert:
    insert = _inserts.get(model)
    if insert is None:
        insert = _inserts[model] = Insert(model)
    return insert


class Update:
    """``UPDATE <model> SET fields = ... WHERE pk = ...`` from an instance, as
    ``obj.save(update_fields=fields)`` would (``auto_now`` fields in the list are set)."""

    def __init__(self, model: type[Model], fields: Sequence[str]) -> None:
        self.model = model
        self.fields = [model._meta.get_field(name) for name in fields]
        self._sql: dict = {}

    def _statement(self, connection) -> str:
        sql = self._sql.get(connection.vendor)
        if sql is None:
            quote = connection.ops.quote_name
            assignments = ", ".join(f"{quote(field.column)} = %s" for field in self.fields)
            table, pk = quote(self.model._meta.db_table), quote(self.model._meta.pk.column)
            sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608
            self._sql[connection.vendor] = sql
        return sql

    def params(self, obj: Model, connection) -> list:
        params = [
            field.get_db_prep_save(field.pre_save(obj, False), connection) for field in self.fields
        ]
        params.append(obj.pk)
        return params

    def __call__(self, obj: Model) -> int:
        """Writes the fields of ``obj`` to its row and returns the rows changed (1)."""
        connection = _connection(self.model, write=True)
        with _cursor(connection, self._statement(connection), self.params(obj, connection)) as c:
            return c.rowcount

    def with_dependent(self, obj: Model, dependent: Model) -> None:
        """Writes ``obj`` and inserts ``dependent`` (of another model: an audit event about
        the change, say) in one statement on PostgreSQL (a data-modifying ``WITH``), one
        round trip instead of two; elsewhere, one after the other. Either way inside the
        caller's transaction."""
        connection = _connection(self.model, write=True)
        second = _insert_for(type(dependent))
        if connection.vendor != "postgresql":
            self(obj)
            second(dependent)
            return
        key = (type(dependent), "update")
        sql = self._sql.get(key)
        if sql is None:
            sql = self._sql[key] = (
                f"WITH changed AS ({self._statement(connection)}) {second._statement(connection)}"
            )
        params = self.params(obj, connection) + second.params(dependent, connection)
        with _cursor(connection, sql, params) as cursor:
            second.inserted(dependent, cursor.fetchone()[0], connection)


class SelectOne:
    """``SELECT fields FROM <model> WHERE <where>`` for at most one row, as a model
    instance with only those fields loaded (as ``QuerySet.only`` gives).

    ``where`` is SQL over the model's columns with ``%s`` placeholders, written by the
    caller (never from input). ``lock`` adds ``FOR UPDATE`` where the database has it
    (SQLite's writers are serialized by its ``IMMEDIATE`` transactions instead).
    """

    def __init__(
        self, model: type[Model], fields: Sequence[str], where: str, *, lock: bool = False
    ) -> None:
        self.model = model
        wanted = {model._meta.get_field(name) for name in fields} | {model._meta.pk}
        # In the model's column order: ``Model.from_db`` expects the values that way.
        self.fields = [field for field in model._meta.concrete_fields if field in wanted]
        self.where = where
        self.lock = lock
        self._prepared: dict[str, tuple[str, list]] = {}

    def _statement(self, connection) -> tuple[str, list]:
        prepared = self._prepared.get(connection.vendor)
        if prepared is None:
            quote = connection.ops.quote_name
            table = self.model._meta.db_table
            columns = ", ".join(quote(field.column) for field in self.fields)
            # ``where`` is the caller's constant SQL; values are bound.
            sql = f"SELECT {columns} FROM {quote(table)} WHERE {self.where}"  # noqa: S608
            if self.lock and connection.features.has_select_for_update:
                sql += " FOR UPDATE"
            converters = []
            for field in self.fields:
                column = field.get_col(table)
                found = connection.ops.get_db_converters(column) + column.get_db_converters(
                    connection
                )
                converters.append((column, found))
            prepared = (sql, converters)
            self._prepared[connection.vendor] = prepared
        return prepared

    def __call__(self, *params) -> Model | None:
        connection = _connection(self.model, write=self.lock)
        sql, converters = self._statement(connection)
        with _cursor(connection, sql, list(params)) as cursor:
            row = cursor.fetchone()
        if row is None:
            return None
        values = []
        for value, (column, functions) in zip(row, converters, strict=True):
            for function in functions:
                value = function(value, column, connection)
            values.append(value)
        return self.model.from_db(
            connection.alias, [field.attname for field in self.fields], values
        )


def fetch_all(model: type[Model], sql: str, params: Sequence) -> list[tuple]:
    """The rows of a read-only ``sql`` over ``model``'s database (constant SQL from the
    caller, values bound), prepared as the statements above are."""
    connection = _connection(model, write=False)
    with _cursor(connection, sql, list(params)) as cursor:
        return cursor.fetchall()
