"""The hash chain over the audit trail: sealing events into it, and verifying it.

Writers insert events with no place in the chain (``events.record``), in their own
transactions, and never wait for one another. The sealer then takes every event that is
committed and not yet sealed, oldest first, and gives each the next ``sequence``, the hash
of the event sealed before it (``prev_hash``) and its own ``hash``: SHA-256 of the
previous hash and the event's canonical form (``canonical``). It does so in one short
transaction at a time, under the lock of the chain head (``ChainHead``), which only
sealers take. An event whose transaction commits late is simply sealed by a later run,
with a later sequence. ``core.schedule`` runs the sealer every second; ``clearinghouse
audit seal`` runs it by hand.

``verify`` walks the chain in sequence order and names the first event that does not fit:
a gap in the sequence (an event removed), a ``prev_hash`` that is not the previous event's
hash (events reordered or removed), a ``hash`` that is not the hash of the event's content
(an event changed). The chain head must be the last event, so that removing events from
the end shows too. Someone able to rewrite the whole chain and its head could hide a
change; ``head`` prints the head so that it can be kept elsewhere, and ``verify`` checks
such an anchor.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db import connections, router, transaction
from django.utils import timezone

from clearinghouse.audit import triggers
from clearinghouse.audit.models import AuditEvent, ChainHead

GENESIS = "0" * 64
HEAD_KEY = 1
BATCH = 5000
# An event that has waited longer than this for its seal means the sealer is not running
# (or the event was slipped in with a time in the past).
STALE_AFTER = datetime.timedelta(minutes=1)


class ChainError(RuntimeError):
    """The chain cannot be extended: its head is gone while sealed events remain."""


def canonical(event: AuditEvent) -> bytes:
    """The bytes the hash covers: every column of the event but the hashes, as JSON with
    sorted keys and no spaces, the time in UTC to the microsecond (what both databases
    keep), ASCII only. Read from the database, as ``verify`` reads it."""
    content = {
        "id": event.pk,
        "sequence": event.sequence,
        "at": event.at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "actor": event.actor_id,
        "action": event.action,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "detail": event.detail,
    }
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return text.encode("ascii")


def digest(prev_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + canonical(event)).hexdigest()


# Sealing --------------------------------------------------------------------------------


def seal(*, batch: int = BATCH) -> int:
    """Seals every event committed so far, ``batch`` at a time (each batch its own short
    transaction); returns how many were sealed."""
    total = 0
    while True:
        sealed = _seal_batch(batch)
        total += sealed
        if sealed < batch:
            return total


def _unsealed():
    return AuditEvent.objects.filter(sequence__isnull=True)


def _seal_batch(limit: int) -> int:
    if not _unsealed().exists():  # the usual case, without taking any lock
        return 0
    alias = router.db_for_write(AuditEvent)
    with transaction.atomic(using=alias):
        head = _locked_head()
        # Read after the lock is held: what an earlier sealer sealed is seen as sealed.
        batch = list(_unsealed().order_by("id")[:limit])
        sequence, previous, rows = head.sequence, head.hash, []
        for event in batch:
            sequence += 1
            event.sequence, event.prev_hash = sequence, previous
            event.hash = previous = digest(previous, event)
            rows.append((event.sequence, event.prev_hash, event.hash, event.pk))
        if rows:
            _write_seals(connections[alias], rows)
            ChainHead.objects.filter(pk=HEAD_KEY).update(
                sequence=sequence, hash=previous, sealed_at=timezone.now()
            )
    return len(batch)


def _locked_head() -> ChainHead:
    """The chain head, locked until the end of the transaction; created (at the genesis)
    the first time, but never again once events are sealed."""
    head = ChainHead.objects.select_for_update().filter(pk=HEAD_KEY).first()
    if head is not None:
        return head
    if AuditEvent.objects.filter(sequence__isnull=False).exists():
        raise ChainError(
            "the audit chain head is missing while events are sealed: see audit verify"
        )
    genesis = ChainHead(pk=HEAD_KEY, sequence=0, hash=GENESIS, sealed_at=timezone.now())
    ChainHead.objects.bulk_create([genesis], ignore_conflicts=True)  # another sealer may win
    return ChainHead.objects.select_for_update().get(pk=HEAD_KEY)


def _write_seals(connection, rows: list[tuple]) -> None:
    quote = connection.ops.quote_name
    table = quote(AuditEvent._meta.db_table)
    # Names from the model, quoted; values bound. ``sequence IS NULL``: never reseal.
    sql = (
        f"UPDATE {table} SET {quote('sequence')} = %s, {quote('prev_hash')} = %s, "  # noqa: S608
        f"{quote('hash')} = %s WHERE {quote('id')} = %s AND {quote('sequence')} IS NULL"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


# Verifying ------------------------------------------------------------------------------


@dataclass
class Verdict:
    """What ``verify`` found: ``problem`` names the first bad event (empty when the chain
    holds); ``stale`` counts unsealed events older than ``STALE_AFTER``; ``triggers`` the
    append-only triggers that are missing or disabled."""

    verified: int = 0
    head: ChainHead | None = None
    problem: str = ""
    stale: int = 0
    oldest_stale: AuditEvent | None = None
    unsealed: int = 0
    triggers: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.problem or self.stale or self.triggers)


def _describe(event: AuditEvent) -> str:
    when = f"{event.at:%Y-%m-%d %H:%M:%S}"
    return f"event id {event.pk} (sequence {event.sequence}, {event.action}, {when})"


def _walk(last: int | None, previous: str) -> Iterator[tuple[AuditEvent, str]]:
    """Sealed events after sequence ``last`` (all of them when None), in order, each with
    what is wrong with it ("" when it fits), given the hash of the event before."""
    expected = 1 if last is None else last + 1
    events = AuditEvent.objects.filter(sequence__isnull=False).order_by("sequence")
    if last is not None:
        events = events.filter(sequence__gt=last)
    for event in events.iterator(chunk_size=2000):
        if event.sequence != expected:
            problem = f"sequence {expected} expected, {event.sequence} found"
            yield event, f"{problem} at {_describe(event)}: events were removed or renumbered"
        elif event.prev_hash != previous:
            problem = "it does not follow the event before it"
            yield event, f"prev_hash mismatch at {_describe(event)}: {problem}"
        elif event.hash != digest(previous, event):
            yield event, f"hash mismatch at {_describe(event)}: its content or hash was changed"
        else:
            yield event, ""
        expected, previous = event.sequence + 1, event.hash


def _check_chain(verdict: Verdict, anchors: dict[int, str]) -> None:
    last, previous = None, GENESIS
    # The head is read after each walk: a sealer may extend the chain meanwhile, and the
    # walk then goes on from where it stopped until it reaches the head it read.
    while True:
        for event, problem in _walk(last, previous):
            if not problem and anchors.get(event.sequence, event.hash) != event.hash:
                problem = f"anchor mismatch at {_describe(event)}: the chain was rewritten"
            if problem:
                verdict.problem = problem
                return
            last, previous = event.sequence, event.hash
            verdict.verified += 1
        head = verdict.head = ChainHead.objects.filter(pk=HEAD_KEY).first()
        if head is None:
            if last is not None:
                verdict.problem = f"the chain head is missing, after {last} sealed events"
            return
        last = last or 0
        if head.sequence < last:
            verdict.problem = f"events are sealed beyond the chain head ({head.sequence})"
            return
        if head.sequence == last:
            if head.hash != previous:
                verdict.problem = f"the chain head ({head.sequence}) does not match its event"
            elif any(sequence > last for sequence in anchors):
                verdict.problem = f"an anchor lies beyond the end of the chain ({last})"
            return
        if not AuditEvent.objects.filter(sequence__gt=last).exists():
            verdict.problem = f"events {last + 1} to {head.sequence} are missing from the end"
            return


def verify(*, anchors: Iterable[tuple[int, str]] = (), now=None) -> Verdict:
    """Checks the whole chain, its head, the append-only triggers, and that nothing waits
    too long for its seal. ``anchors`` are (sequence, hash) pairs printed by ``head``
    earlier and kept elsewhere: a chain rewritten since no longer holds them."""
    verdict = Verdict()
    _check_chain(verdict, dict(anchors))
    cutoff = (now or timezone.now()) - STALE_AFTER
    stale = _unsealed().filter(at__lt=cutoff)
    verdict.stale = stale.count()
    verdict.oldest_stale = stale.order_by("at", "id").first()
    verdict.unsealed = _unsealed().count()
    verdict.triggers = triggers.missing(connections[router.db_for_read(AuditEvent)])
    return verdict


def head() -> ChainHead | None:
    return ChainHead.objects.filter(pk=HEAD_KEY).first()
