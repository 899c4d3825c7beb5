"""Tampering with the audit trail as a database administrator could (the append-only
triggers dropped first, inside the test's transaction): ``audit verify`` must fail and
name the first bad event, whatever was changed, removed or reordered."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

import factories as make
from clearinghouse.audit import chain, events, triggers
from clearinghouse.audit.models import AuditEvent, ChainHead

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail() -> list[AuditEvent]:
    """Ten sealed events, in sequence order; then the triggers are gone."""
    admin = make.make_admin()
    for number in range(10):
        events.record("tipline:report:viewed", actor=admin, via="test", number=number)
    chain.seal()
    triggers.drop(connection)
    return list(AuditEvent.objects.order_by("sequence"))


def at(trail, sequence: int) -> AuditEvent:
    return trail[sequence - 1]


def failure(*args: str) -> str:
    """``audit verify``'s complaint (it must fail)."""
    err = io.StringIO()
    with pytest.raises(CommandError, match="failed verification"):
        call_command("audit", "verify", *args, stdout=io.StringIO(), stderr=err)
    return err.getvalue()


def names(event: AuditEvent, sequence: int | None = None) -> str:
    return f"event id {event.pk} (sequence {sequence or event.sequence},"


def test_the_untouched_trail_verifies(trail):
    triggers.install(connection)
    verdict = chain.verify()
    assert verdict.ok and verdict.verified == 10


def test_changing_an_events_detail_is_a_hash_mismatch_at_that_event(trail):
    AuditEvent.objects.filter(pk=at(trail, 4).pk).update(detail={"via": "nothing to see"})

    complaint = failure()

    assert f"BROKEN: hash mismatch at {names(at(trail, 4))}" in complaint
    assert chain.verify().verified == 3


@pytest.mark.parametrize(
    "change",
    [
        {"at": timezone.now() - datetime.timedelta(days=3)},
        {"actor": None},
        {"action": "tipline:report:finished"},
        {"subject_type": "tipline.tiplinereport", "subject_id": "7"},
    ],
    ids=["at", "actor", "action", "subject"],
)
def test_changing_any_column_is_found(trail, change):
    AuditEvent.objects.filter(pk=at(trail, 6).pk).update(**change)

    assert f"hash mismatch at {names(at(trail, 6))}" in failure()


def test_removing_an_event_is_a_gap_named_at_the_event_after_it(trail):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [at(trail, 4).pk])

    complaint = failure()

    assert f"sequence 4 expected, 5 found at {names(at(trail, 5))}" in complaint
    assert chain.verify().verified == 3


def test_removing_the_last_events_shows_against_the_chain_head(trail):
    AuditEvent.objects.filter(sequence__gte=9).delete()

    assert "events 9 to 10 are missing from the end" in failure()


def test_swapping_two_events_contents_is_found_at_the_first(trail):
    fourth, seventh = at(trail, 4), at(trail, 7)
    AuditEvent.objects.filter(pk=fourth.pk).update(detail=seventh.detail, at=seventh.at)
    AuditEvent.objects.filter(pk=seventh.pk).update(detail=fourth.detail, at=fourth.at)

    assert f"hash mismatch at {names(fourth)}" in failure()


def test_reordering_two_events_is_a_prev_hash_mismatch(trail):
    fourth, fifth = at(trail, 4), at(trail, 5)
    with connection.cursor() as cursor:  # through a free number: sequences are unique
        swap = "UPDATE audit_auditevent SET sequence = %s WHERE id = %s"
        cursor.execute(swap, [-1, fourth.pk])
        cursor.execute(swap, [4, fifth.pk])
        cursor.execute(swap, [5, fourth.pk])

    complaint = failure()

    assert f"prev_hash mismatch at {names(fifth, 4)}" in complaint
    assert chain.verify().verified == 3


def test_changing_a_hash_is_found_at_that_event(trail):
    AuditEvent.objects.filter(pk=at(trail, 4).pk).update(hash="f" * 64)

    assert f"hash mismatch at {names(at(trail, 4))}" in failure()


def test_changing_a_prev_hash_is_found_at_that_event(trail):
    AuditEvent.objects.filter(pk=at(trail, 8).pk).update(prev_hash="0" * 64)

    assert f"prev_hash mismatch at {names(at(trail, 8))}" in failure()


def test_an_event_and_its_hash_changed_together_break_the_next_link(trail):
    fourth = at(trail, 4)
    fourth.detail = {"via": "rewritten"}
    rehashed = chain.digest(fourth.prev_hash, fourth)
    AuditEvent.objects.filter(pk=fourth.pk).update(detail=fourth.detail, hash=rehashed)

    assert f"prev_hash mismatch at {names(at(trail, 5))}" in failure()


def test_a_chain_rewritten_to_its_end_is_caught_by_an_anchor_kept_elsewhere(trail):
    anchor = f"6:{at(trail, 6).hash}"
    previous = at(trail, 3).hash
    for event in trail[3:]:  # events 4..10 rewritten and rehashed, head moved along
        if event.sequence == 4:
            event.detail = {"via": "rewritten"}
        event.prev_hash, event.hash = previous, chain.digest(previous, event)
        previous = event.hash
        AuditEvent.objects.filter(pk=event.pk).update(
            detail=event.detail, prev_hash=event.prev_hash, hash=event.hash
        )
    ChainHead.objects.update(hash=previous)

    assert not chain.verify().problem  # without an anchor, a whole rewrite holds together
    assert f"anchor mismatch at {names(at(trail, 6))}" in failure("--anchor", anchor)


def test_removing_the_chain_head_is_found_and_stops_the_sealer(trail):
    ChainHead.objects.all().delete()
    events.record("tipline:report:viewed", via="after")

    assert "the chain head is missing, after 10 sealed events" in failure()
    with pytest.raises(chain.ChainError):
        chain.seal()


def test_an_event_slipped_in_beyond_the_head_is_found(trail):
    forged = AuditEvent.objects.create(
        action="tipline:report:viewed", sequence=11, prev_hash=at(trail, 10).hash
    )
    forged.refresh_from_db()  # hashed as the database gives it back, a well-made forgery
    AuditEvent.objects.filter(pk=forged.pk).update(hash=chain.digest(forged.prev_hash, forged))

    assert "events are sealed beyond the chain head (10)" in failure()


def test_renumbering_from_the_start_is_found(trail):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET sequence = sequence + 100")

    assert f"sequence 1 expected, 101 found at {names(at(trail, 1), 101)}" in failure()


def test_missing_triggers_fail_verification_even_with_an_intact_chain(trail):
    complaint = failure()

    assert "UNPROTECTED: append-only triggers missing" in complaint
    assert "BROKEN" not in complaint


def test_an_event_left_unsealed_for_over_a_minute_fails_verification(trail):
    event = events.record("tipline:report:viewed", via="never sealed")
    old = timezone.now() - datetime.timedelta(minutes=5)
    AuditEvent.objects.filter(pk=event.pk).update(at=old)
    triggers.install(connection)

    complaint = failure()

    assert "UNSEALED: 1 events waited more than a minute for their seal" in complaint
    assert f"(oldest: event id {event.pk}," in complaint
    assert "BROKEN" not in complaint
    assert chain.verify(now=old + datetime.timedelta(seconds=30)).ok
