"""The append-only triggers: the database itself refuses to change or delete an audit
event, through the ORM or raw SQL, except the sealer's one-time seal."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from clearinghouse.audit import chain, events, triggers
from clearinghouse.audit.models import AuditEvent, ChainHead

pytestmark = pytest.mark.django_db


@pytest.fixture
def sealed() -> AuditEvent:
    events.record("tipline:report:viewed", via="test")
    chain.seal()
    return AuditEvent.objects.get()


@pytest.fixture
def unsealed() -> AuditEvent:
    return events.record("tipline:report:viewed", via="test")


def check_foreign_keys_now():
    """PostgreSQL refuses to TRUNCATE a table with foreign-key checks still pending in the
    transaction (the test's own, where the events were just written): run them first."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def refused(sql: str, *params):
    with pytest.raises(IntegrityError, match="append-only|only moves forward"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)


def test_the_migration_installed_every_trigger():
    assert triggers.missing(connection) == []


@pytest.mark.parametrize("which", ["sealed", "unsealed"])
def test_the_orm_cannot_change_an_event(request, which):
    event = request.getfixturevalue(which)

    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(detail={"via": "changed"})
    event.action = "tipline:report:finished"
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        event.save()

    assert AuditEvent.objects.get(pk=event.pk).detail == {"via": "test"}


@pytest.mark.parametrize("which", ["sealed", "unsealed"])
def test_the_orm_cannot_delete_an_event(request, which):
    event = request.getfixturevalue(which)

    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        event.delete()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        AuditEvent.objects.all().delete()

    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_raw_sql_cannot_change_or_delete_an_event(sealed):
    refused("UPDATE audit_auditevent SET action = %s WHERE id = %s", "x:y:z", sealed.pk)
    refused("UPDATE audit_auditevent SET subject_id = %s WHERE id = %s", "7", sealed.pk)
    refused("UPDATE audit_auditevent SET at = at WHERE id = %s", sealed.pk)
    refused("DELETE FROM audit_auditevent WHERE id = %s", sealed.pk)


def test_the_whole_table_cannot_be_emptied(sealed):
    if connection.vendor == "postgresql":
        check_foreign_keys_now()
        refused("TRUNCATE audit_auditevent")
        refused("TRUNCATE audit_chainhead")
    refused("DELETE FROM audit_auditevent")
    refused("DELETE FROM audit_chainhead")

    assert AuditEvent.objects.count() == 1 and ChainHead.objects.count() == 1


def test_a_seal_is_set_once_and_never_changed(sealed):
    unsealed = events.record("tipline:report:viewed", via="test")
    seal = "UPDATE audit_auditevent SET sequence = %s, prev_hash = %s, hash = %s WHERE id = %s"
    refused(seal, 7, "0" * 64, "1" * 64, sealed.pk)  # resealing
    refused("UPDATE audit_auditevent SET hash = %s WHERE id = %s", "1" * 64, sealed.pk)
    refused("UPDATE audit_auditevent SET sequence = %s WHERE id = %s", 9, unsealed.pk)  # half
    refused(  # sealing and changing the content at once
        "UPDATE audit_auditevent SET sequence = %s, prev_hash = %s, hash = %s, action = %s"
        " WHERE id = %s",
        *(2, sealed.hash, "2" * 64, "tipline:report:finished", unsealed.pk),
    )

    assert chain.seal() == 1  # the sealer's own update passes
    assert AuditEvent.objects.get(pk=unsealed.pk).sequence == 2


def test_the_chain_head_only_moves_forward(sealed):
    refused("UPDATE audit_chainhead SET sequence = 0, hash = %s", chain.GENESIS)
    refused("UPDATE audit_chainhead SET hash = %s", "e" * 64)  # same sequence, other hash
    refused("DELETE FROM audit_chainhead")

    assert ChainHead.objects.get().sequence == 1


def test_dropped_triggers_are_reported_and_can_be_put_back(sealed):
    triggers.drop(connection)
    assert set(triggers.missing(connection)) == set(
        triggers.SQLITE_NAMES
        if connection.vendor == "sqlite"
        else [name for _, name in triggers.POSTGRESQL_NAMES]
    )

    triggers.install(connection)

    assert triggers.missing(connection) == []
    refused("DELETE FROM audit_auditevent")


def test_flush_erases_the_trail_and_leaves_the_triggers_in_place(sealed):
    check_foreign_keys_now()
    call_command("flush", interactive=False, verbosity=0)

    assert not AuditEvent.objects.exists() and not ChainHead.objects.exists()
    assert triggers.missing(connection) == []
    events.record("tipline:report:viewed", via="after the flush")
    assert chain.seal() == 1 and chain.verify().ok
