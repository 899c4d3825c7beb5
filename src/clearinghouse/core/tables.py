"""Every table of the database as rows of plain JSON values, and back: what a backup
holds, readable by any database Django supports (a backup taken on SQLite restores
into PostgreSQL).

Values are kept as stored: encrypted fields keep their ciphertext (a backup never needs
the field key, and a restore gives back the very bytes), binary values travel as
base64, times as ISO 8601 with their microseconds. Rows are written back with their
primary keys, content types included, so every reference between rows holds.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import uuid
from collections.abc import Callable, Iterable, Iterator

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models
from django.db.models.functions import Cast
from django.utils.duration import duration_iso_string

from clearinghouse.core.fields import EncryptedTextField
from clearinghouse.core.rows import append as append_rows

# Tables that ``migrate`` fills on an empty database: they do not make it hold data.
MIGRATION_FILLED = {"contenttypes.contenttype", "auth.permission", "geo.jurisdiction"}
_RAW = "_stored_"


def backed_up_models() -> list[type[models.Model]]:
    """Every model with a table of its own, many-to-many tables included, in a fixed
    order."""
    found = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped
    ]
    return sorted(found, key=lambda model: model._meta.label_lower)


def _columns(model: type[models.Model]) -> list[models.Field]:
    return list(model._meta.local_concrete_fields)


def column_names(model: type[models.Model]) -> list[str]:
    return [field.column for field in _columns(model)]


def _encode(value):
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return duration_iso_string(value)
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def iter_rows(model: type[models.Model], batch: int = 1000) -> Iterator[list]:
    """The model's rows in primary-key order, each a list of JSON values in the order of
    ``column_names``; encrypted fields as stored, never decrypted."""
    selected = []
    annotations = {}
    for field in _columns(model):
        if isinstance(field, EncryptedTextField):
            annotations[_RAW + field.attname] = Cast(field.attname, models.TextField())
            selected.append(_RAW + field.attname)
        else:
            selected.append(field.attname)
    rows = model._base_manager.annotate(**annotations).order_by("pk").values_list(*selected)
    for row in rows.iterator(chunk_size=batch):
        yield [_encode(value) for value in row]


def _decoder(field: models.Field) -> Callable:
    if isinstance(field, EncryptedTextField):
        return lambda value: value
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_save(value, connection)
    return lambda value: field.get_db_prep_save(field.to_python(value), connection)


class TableWriter:
    """Inserts rows given as ``iter_rows`` gave them into the model's table, with
    their primary keys and without any of the model's save logic (the encrypted
    fields stay as they were stored)."""

    def __init__(self, model: type[models.Model], columns: list[str]) -> None:
        fields = {field.column: field for field in _columns(model)}
        if columns != list(fields):
            raise ValueError(
                f"{model._meta.label}: the backup's columns {columns} are not this "
                f"installation's {list(fields)}"
            )
        self.table = model._meta.db_table
        self.columns = columns
        self.decoders = [_decoder(fields[column]) for column in columns]

    def insert(self, rows: Iterable[list]) -> None:
        prepared = [
            [decode(value) for decode, value in zip(self.decoders, row, strict=True)]
            for row in rows
        ]
        if prepared:
            # COPY on PostgreSQL, with the statistics kept up as the tables fill.
            append_rows(self.table, self.columns, prepared)


def holds_data() -> list[str]:
    """The models that hold rows beyond what ``migrate`` puts in an empty database."""
    return [
        model._meta.label_lower
        for model in backed_up_models()
        if model._meta.label_lower not in MIGRATION_FILLED and model._base_manager.exists()
    ]


def clear_all() -> None:
    """Deletes every row of every table, in the caller's transaction. Foreign keys are
    checked at commit (Django declares them deferrable), so the order does not matter."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in backed_up_models():
            cursor.execute(f"DELETE FROM {quote(model._meta.db_table)}")  # noqa: S608


def reset_sequences() -> None:
    """Moves PostgreSQL's id sequences past the restored ids (SQLite does it itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), backed_up_models())
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
