"""The ids a file has carried so far, kept in a temporary table of the import's own
transaction rather than in memory, so that memory stays flat however long the file.

It answers "has this id come up earlier in this file, and with which content?": the same
id twice with the same content is harmless, twice with different content is an error,
even when ``--update`` lets a line replace what an earlier import stored.
"""

from __future__ import annotations

from typing import NamedTuple

from django.db import connection

from clearinghouse.core import rows

_TABLE = "clearinghouse_import_seen"


class Mention(NamedTuple):
    digest: str
    line: int


class SeenIds:
    def __init__(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {_TABLE} ("
                " kind varchar(40) NOT NULL,"
                " external_id varchar(200) NOT NULL,"
                " digest char(64) NOT NULL,"
                " line bigint NOT NULL,"
                " PRIMARY KEY (kind, external_id))"
            )
            cursor.execute(f"DELETE FROM {_TABLE}")  # noqa: S608 - a constant name

    def earlier(self, kind: str, external_ids: list[str]) -> dict[str, Mention]:
        """Where each of ``external_ids`` came up before, for those that did."""
        if not external_ids:
            return {}
        placeholders = ", ".join(["%s"] * len(external_ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT external_id, digest, line FROM {_TABLE}"  # noqa: S608 - values bound
                f" WHERE kind = %s AND external_id IN ({placeholders})",
                [kind, *external_ids],
            )
            return {external_id: Mention(digest, line) for external_id, digest, line in cursor}

    def add(self, kind: str, mentions: dict[str, Mention]) -> None:
        if mentions:
            rows.append(
                _TABLE,
                ("kind", "external_id", "digest", "line"),
                [[kind, external_id, *mention] for external_id, mention in mentions.items()],
            )

    def close(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {_TABLE}")
