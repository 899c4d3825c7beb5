"""``core.fastsql``: statements compiled once must read and write exactly what the ORM
reads and writes (encrypted fields, JSON, aware datetimes, foreign keys, auto_now), on
SQLite and PostgreSQL alike, inside the caller's transaction."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection, transaction

import factories as make
from clearinghouse.audit.models import AuditEvent
from clearinghouse.core import fastsql
from clearinghouse.tipline.models import TiplineReport

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2024, 3, 1, 12, 0, tzinfo=datetime.UTC)


def unsaved_report(**fields) -> TiplineReport:
    values = {
        "external_id": "fast-1",
        "received_at": NOON,
        "incident_type": "child_pornography",
        "status": TiplineReport.Status.OPEN,
        "annotations": ["sextortion", "ünïcode"],
        "document": "<report>the child's name</report>",
        "clues": '[{"kind": "zip", "value": "72201"}]',
        "state": make.jurisdiction("AR"),
    }
    values.update(fields)
    return TiplineReport(**values)


def test_an_insert_stores_what_the_orm_reads_back():
    report = unsaved_report()

    pk = fastsql.Insert(TiplineReport)(report)

    assert report.pk == pk and not report._state.adding
    stored = TiplineReport.objects.get(pk=pk)
    assert stored.external_id == "fast-1"
    assert stored.received_at == NOON
    assert stored.annotations == ["sextortion", "ünïcode"]
    assert stored.document == "<report>the child's name</report>"
    assert stored.state.code == "AR"
    # auto_now_add / auto_now were applied as Model.save applies them.
    assert stored.created_at is not None and stored.updated_at is not None


def test_encrypted_fields_are_encrypted_in_the_table():
    report = unsaved_report()
    fastsql.Insert(TiplineReport)(report)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT document, clues FROM tipline_tiplinereport WHERE id = %s", [report.pk]
        )
        document, clues = cursor.fetchone()

    assert "child" not in document and "72201" not in clues


def test_select_one_reads_what_the_orm_wrote_and_defers_the_rest():
    written = make.make_report(state="TX", annotations=["sadisticOnlineExploitation"])
    select = fastsql.SelectOne(
        TiplineReport, ["external_id", "annotations", "received_at", "state"], "external_id = %s"
    )

    found = select(written.external_id)

    assert found.pk == written.pk
    assert found.annotations == ["sadisticOnlineExploitation"]
    assert found.received_at == written.received_at
    assert found.state_id == written.state_id
    assert "clues" in found.get_deferred_fields()
    assert select("no-such-report") is None


def test_update_writes_only_its_fields_and_touches_auto_now():
    report = make.make_report(status=TiplineReport.Status.OPEN, platform="Kept")
    before = TiplineReport.objects.get(pk=report.pk).updated_at
    found = fastsql.SelectOne(TiplineReport, ["status"], "id = %s")(report.pk)
    found.status = TiplineReport.Status.FINISHED
    found.platform = "never written: not in the field list"

    changed = fastsql.Update(TiplineReport, ["status", "updated_at"])(found)

    stored = TiplineReport.objects.get(pk=report.pk)
    assert changed == 1
    assert stored.status == TiplineReport.Status.FINISHED
    assert stored.platform == "Kept"
    assert stored.updated_at >= before


def test_statements_join_the_callers_transaction():
    report = unsaved_report(external_id="rolled-back")
    with pytest.raises(RuntimeError), transaction.atomic():
        fastsql.Insert(TiplineReport)(report)
        fastsql.Insert(AuditEvent)(AuditEvent(action="tipline:report:submitted"))
        raise RuntimeError("the action failed after both writes")

    assert not TiplineReport.objects.filter(external_id="rolled-back").exists()
    assert not AuditEvent.objects.filter(action="tipline:report:submitted").exists()


def test_a_locking_select_works_where_the_database_has_no_for_update():
    report = make.make_report()
    select = fastsql.SelectOne(TiplineReport, ["status"], "id = %s", lock=True)

    with transaction.atomic():
        assert select(report.pk).pk == report.pk


def test_a_row_and_its_audit_event_go_in_together():
    from clearinghouse.audit import events

    report = unsaved_report(external_id="with-event")

    event = events.insert_and_record(
        fastsql.Insert(TiplineReport), report, "tipline:report:submitted", credential="social"
    )

    stored = AuditEvent.objects.get(pk=event.pk)
    assert report.pk == TiplineReport.objects.get(external_id="with-event").pk
    assert (stored.subject_type, stored.subject_id) == ("tipline.tiplinereport", str(report.pk))
    assert stored.detail == {"credential": "social"}


def test_a_refused_row_leaves_no_event_and_the_transaction_usable():
    from django.db import IntegrityError

    from clearinghouse.audit import events

    make.make_report(external_id="taken")
    before = AuditEvent.objects.count()

    with pytest.raises(IntegrityError):
        events.insert_and_record(
            fastsql.Insert(TiplineReport),
            unsaved_report(external_id="taken"),
            "tipline:report:submitted",
        )

    # The caller's transaction (the test's) still works: the failure was contained.
    assert AuditEvent.objects.count() == before
    assert TiplineReport.objects.filter(external_id="taken").count() == 1


def test_a_change_and_its_audit_event_go_in_together():
    from clearinghouse.audit import events

    report = make.make_report(status=TiplineReport.Status.OPEN)
    found = fastsql.SelectOne(TiplineReport, ["status"], "id = %s")(report.pk)
    found.status = TiplineReport.Status.FINISHED

    event = events.update_and_record(
        fastsql.Update(TiplineReport, ["status"]), found, "tipline:report:finished", credential="x"
    )

    assert TiplineReport.objects.get(pk=report.pk).status == TiplineReport.Status.FINISHED
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.action, stored.subject_id) == ("tipline:report:finished", str(report.pk))
