"""Sealing the audit trail into its hash chain, and verifying an intact chain."""

from __future__ import annotations

import datetime
import hashlib
import io
import json

import pytest
from django.core.management import call_command

import factories as make
from clearinghouse.audit import chain, events
from clearinghouse.audit.models import AuditEvent, ChainHead

pytestmark = pytest.mark.django_db


def record_many(count: int, actor=None) -> list[AuditEvent]:
    return [
        events.record("tipline:report:viewed", actor=actor, via="test", number=n)
        for n in range(count)
    ]


def verify_command(*args: str) -> str:
    out = io.StringIO()
    call_command("audit", "verify", *args, stdout=out)
    return out.getvalue()


def test_events_are_written_unsealed_and_sealed_in_order_of_commit():
    written = record_many(5)
    assert all(event.sequence is None for event in AuditEvent.objects.all())

    assert chain.seal() == 5

    sealed = list(AuditEvent.objects.order_by("sequence"))
    assert [event.pk for event in sealed] == [event.pk for event in written]
    assert [event.sequence for event in sealed] == [1, 2, 3, 4, 5]
    assert sealed[0].prev_hash == chain.GENESIS
    for before, after in zip(sealed, sealed[1:], strict=False):
        assert after.prev_hash == before.hash
    head = ChainHead.objects.get()
    assert (head.sequence, head.hash) == (5, sealed[-1].hash)


def test_each_hash_is_sha256_of_the_previous_hash_and_the_canonical_event():
    admin = make.make_admin()
    events.record("tipline:report:viewed", actor=admin, via="triage", files=[3, 1], note="é")
    chain.seal()
    event = AuditEvent.objects.get()

    content = json.loads(chain.canonical(event))
    assert content == {
        "id": event.pk,
        "sequence": 1,
        "at": event.at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "actor": admin.pk,
        "action": "tipline:report:viewed",
        "subject_type": "",
        "subject_id": "",
        "detail": {"via": "triage", "files": [3, 1], "note": "é"},
    }
    assert content["at"].endswith("+00:00")
    assert chain.canonical(event).isascii()
    expected = hashlib.sha256(chain.GENESIS.encode() + b"\n" + chain.canonical(event))
    assert event.hash == expected.hexdigest()


def test_sealing_again_seals_only_what_is_new():
    record_many(3)
    assert chain.seal() == 3
    assert chain.seal() == 0
    record_many(2)
    assert chain.seal() == 2

    assert sorted(AuditEvent.objects.values_list("sequence", flat=True)) == [1, 2, 3, 4, 5]
    assert chain.verify().ok


def test_sealing_goes_batch_by_batch():
    record_many(7)

    assert chain.seal(batch=3) == 7

    assert ChainHead.objects.get().sequence == 7
    assert chain.verify().verified == 7


def test_an_event_that_commits_late_gets_a_later_sequence_whatever_its_id():
    # Ids are handed out at insert, sequences at seal: an event inserted before another
    # but committed after it (a longer transaction) is sealed after it, with the next
    # sequence. Here the late event's lower id is given explicitly.
    early = AuditEvent.objects.create(pk=1_000_000, action="tipline:report:viewed")
    chain.seal()
    late = AuditEvent.objects.create(pk=999_999, action="tipline:report:viewed")

    chain.seal()

    assert AuditEvent.objects.get(pk=early.pk).sequence == 1
    assert AuditEvent.objects.get(pk=late.pk).sequence == 2
    assert chain.verify().ok


def test_verify_passes_an_intact_chain_and_prints_the_count():
    record_many(12)
    chain.seal()

    printed = verify_command()

    head = ChainHead.objects.get()
    assert f"Verified 12 sealed events, head 12:{head.hash}; 0 awaiting their seal." in printed


def test_verify_counts_recent_unsealed_events_without_failing():
    record_many(2)
    chain.seal()
    record_many(3)

    verdict = chain.verify()

    assert verdict.ok and (verdict.verified, verdict.unsealed, verdict.stale) == (2, 3, 0)


def test_an_empty_trail_verifies():
    verdict = chain.verify()
    assert verdict.ok and verdict.verified == 0 and verdict.head is None


def test_audit_head_prints_sequence_and_hash_and_verify_accepts_it_as_anchor():
    record_many(4)
    chain.seal()
    out = io.StringIO()
    call_command("audit", "head", stdout=out)
    anchor = out.getvalue().strip()
    head = ChainHead.objects.get()
    assert anchor == f"4:{head.hash}"

    record_many(2)
    chain.seal()

    assert "Verified 6 sealed events" in verify_command("--anchor", anchor)


def test_audit_seal_command_says_how_many():
    record_many(3)
    out = io.StringIO()
    call_command("audit", "seal", stdout=out)
    assert out.getvalue().strip() == "Sealed 3 events."


def test_a_malformed_anchor_is_refused_clearly():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="SEQUENCE:HASH"):
        call_command("audit", "verify", "--anchor", "12:not-a-hash")


def test_the_sealer_job_is_scheduled_every_second():
    from clearinghouse.core import schedule

    job = next(job for job in schedule.JOBS if job.name == "audit_seal")
    record_many(2)

    assert job.interval == datetime.timedelta(seconds=1)
    assert job.function() == 2
    assert AuditEvent.objects.filter(sequence__isnull=True).count() == 0
