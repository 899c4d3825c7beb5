"""The database triggers that make the audit trail append-only.

An event may be inserted; afterwards the only change allowed is the sealer's, once:
setting ``sequence``, ``prev_hash`` and ``hash`` of an event that has none, with every
other column unchanged. Deleting an event, or truncating the table, is refused. The
chain head may only move forward. The application cannot do otherwise through the ORM or
raw SQL; a database administrator can drop the triggers, and that is what the hash chain
(``audit verify``) is for.

The migration ``0002`` installs them; ``install`` drops and creates them again, so a later
migration that changes them calls it once more. Django's ``flush`` (which erases every
table, the test runner's way to reset a database) lifts them while it runs
(``audit/management/commands/flush.py``).
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, transaction

EVENTS = "audit_auditevent"
HEAD = "audit_chainhead"

# Every column but the seal's: the sealer may not touch them.
CONTENT_COLUMNS = ("id", "at", "actor_id", "action", "subject_type", "subject_id", "detail")

POSTGRESQL_NAMES = (
    (EVENTS, "audit_event_append_only"),
    (EVENTS, "audit_event_no_truncate"),
    (HEAD, "audit_head_forward_only"),
    (HEAD, "audit_head_no_truncate"),
)
SQLITE_NAMES = (
    "audit_event_no_delete",
    "audit_event_seal_only",
    "audit_head_no_delete",
    "audit_head_forward_only",
)


def _same(new: str, old: str, operator: str) -> str:
    return " AND ".join(f"{new}.{column} {operator} {old}.{column}" for column in CONTENT_COLUMNS)


_POSTGRESQL = f"""
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.sequence IS NULL AND NEW.sequence IS NOT NULL
            AND NEW.prev_hash IS NOT NULL AND NEW.hash IS NOT NULL
            AND ({", ".join("NEW." + c for c in CONTENT_COLUMNS)})
                IS NOT DISTINCT FROM ({", ".join("OLD." + c for c in CONTENT_COLUMNS)}) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only: % of audit event % refused', TG_OP, OLD.id
        USING ERRCODE = 'restrict_violation';
END $$;
CREATE OR REPLACE FUNCTION audit_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.sequence > OLD.sequence THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit chain head only moves forward: % refused', TG_OP
        USING ERRCODE = 'restrict_violation';
END $$;
CREATE OR REPLACE FUNCTION audit_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: TRUNCATE of % refused', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON {EVENTS}
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON {EVENTS}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();
CREATE TRIGGER audit_head_forward_only BEFORE UPDATE OR DELETE ON {HEAD}
    FOR EACH ROW EXECUTE FUNCTION audit_head_forward_only();
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON {HEAD}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_truncate();
"""

_SQLITE = [
    f"""CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON {EVENTS}
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: DELETE refused'); END""",
    f"""CREATE TRIGGER audit_event_seal_only BEFORE UPDATE ON {EVENTS}
    WHEN NOT (OLD.sequence IS NULL AND NEW.sequence IS NOT NULL AND NEW.prev_hash IS NOT NULL
              AND NEW.hash IS NOT NULL AND {_same("NEW", "OLD", "IS")})
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: UPDATE refused'); END""",
    f"""CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON {HEAD}
    BEGIN SELECT RAISE(ABORT, 'the audit chain head only moves forward: DELETE refused'); END""",
    f"""CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON {HEAD}
    WHEN NOT (NEW.id IS OLD.id AND NEW.sequence > OLD.sequence)
    BEGIN SELECT RAISE(ABORT, 'the audit chain head only moves forward: UPDATE refused'); END""",
]


def _drop_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {name} ON {table}" for table, name in POSTGRESQL_NAMES]
    return [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_NAMES]


def _vendor(connection) -> str:
    if connection.vendor not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"no append-only triggers for {connection.vendor}")
    return connection.vendor


def install(connection) -> None:
    """Creates the triggers (again: any older version is dropped first)."""
    vendor = _vendor(connection)
    create = [_POSTGRESQL] if vendor == "postgresql" else _SQLITE
    with connection.cursor() as cursor:
        for statement in [*_drop_statements(vendor), *create]:
            cursor.execute(statement)


def drop(connection) -> None:
    """Removes the triggers, as a database administrator could."""
    with connection.cursor() as cursor:
        for statement in _drop_statements(_vendor(connection)):
            cursor.execute(statement)


def missing(connection) -> list[str]:
    """The triggers that are absent or disabled (``ALTER TABLE ... DISABLE TRIGGER``)."""
    with connection.cursor() as cursor:
        if _vendor(connection) == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D'"
                " AND tgrelid IN (%s::regclass, %s::regclass)",
                [EVENTS, HEAD],
            )
            wanted = [name for _, name in POSTGRESQL_NAMES]
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            wanted = list(SQLITE_NAMES)
        present = {row[0] for row in cursor.fetchall()}
    return [name for name in wanted if name not in present]


@contextmanager
def lifted(using: str = DEFAULT_DB_ALIAS):
    """Runs the block without the triggers, in a transaction that puts them back (or, if
    the block fails, rolls everything back, the triggers' removal included)."""
    connection = connections[using]
    with transaction.atomic(using=using):
        drop(connection)
        yield
        install(connection)
