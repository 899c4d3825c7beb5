"""Processing a submission: hash each file and match it against the identified-series
banks, in chunks that any number of task workers share, surviving the death of any one.

How the work is shared and never counted twice:

- A worker claims a chunk of items (pending ones, or claimed ones whose lease has run
  out) with ``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL, so concurrent workers
  take different chunks; on SQLite the single writer serializes the claims. A claim
  writes a fresh ``claim_token`` and a ``lease_until`` on each item of the chunk.
- A worker writes a chunk's results only for the items that still carry its token (in
  one transaction, rows locked), turning them ``done``. An item is ``done`` once, by the
  holder of its current claim: a worker whose lease ran out and whose chunk was taken
  over writes nothing.
- A killed worker's chunk keeps its lease until it runs out; then another run reclaims
  it. Every claim makes sure a run of ``process_submission`` is scheduled after its lease
  (``recovery_at``), so a collection finishes even if the worker that died was the only
  one, as soon as any worker is running.

What counts (processed, matched) is always counted from the items' states, never kept
as a running total that a crash could leave half-updated.
"""

from __future__ import annotations

import datetime
import logging
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from clearinghouse.audit import events
from clearinghouse.banks import matcher
from clearinghouse.banks.models import BankHash
from clearinghouse.media import analysis, hashing, vault, video
from clearinghouse.victimid.models import CvipItem, CvipSubmission

logger = logging.getLogger(__name__)

# An identified-series bank is a hash bank whose name starts with this; its hashes'
# labels name the series (else the rest of the bank's name does).
SERIES_BANK_PREFIX = "series-"

DEFAULT_CHUNK_SIZE = 200
DEFAULT_LEASE_SECONDS = 120
DEFAULT_MAX_PARALLEL = 16

State = CvipItem.State


def chunk_size() -> int:
    return getattr(settings, "CVIP_CHUNK_SIZE", DEFAULT_CHUNK_SIZE)


def lease_seconds() -> float:
    return getattr(settings, "CVIP_LEASE_SECONDS", DEFAULT_LEASE_SECONDS)


def max_parallel() -> int:
    return getattr(settings, "CVIP_MAX_PARALLEL", DEFAULT_MAX_PARALLEL)


# Progress ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    total: int
    done: int
    matched: int

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(100 * self.done / self.total)

    @property
    def finished(self) -> bool:
        return self.done == self.total


def progress(submission: CvipSubmission) -> Progress:
    """How far processing has come, counted from the items themselves."""
    counts = submission.items.aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(state=State.DONE)),
        matched=Count("pk", filter=Q(matched=True)),
    )
    return Progress(**counts)


# Scheduling --------------------------------------------------------------------------


def _supports_deferred_runs() -> bool:
    from django_tasks import default_task_backend

    return bool(getattr(default_task_backend, "supports_defer", False))


def enqueue_runs(submission: CvipSubmission, runs: int) -> None:
    """Start ``runs`` runs of the processing task: each takes chunks until none is left,
    so as many workers join in as there are runs and idle workers. With the database
    backend the rows are written in the caller's transaction (never lost after commit)."""
    from clearinghouse.victimid.tasks import process_submission

    for _ in range(max(1, runs)):
        if _supports_deferred_runs():
            process_submission.enqueue(submission.pk)
        else:  # the immediate backend: run after commit, not inside the transaction
            transaction.on_commit(lambda pk=submission.pk: process_submission.enqueue(pk))


def runs_for(total: int) -> int:
    return min(max_parallel(), -(-total // chunk_size()) or 1)


def _ensure_recovery_run(submission_id: int, lease_until: datetime.datetime) -> None:
    """Make sure a run is scheduled after ``lease_until``: should the claimant die, that
    run reclaims its chunk. One scheduled run covers every lease ending before it."""
    if not _supports_deferred_runs():
        return
    from clearinghouse.victimid.tasks import process_submission

    run_at = lease_until + datetime.timedelta(seconds=lease_seconds() / 2 + 1)
    uncovered = Q(recovery_at__isnull=True) | Q(recovery_at__lt=lease_until)
    if CvipSubmission.objects.filter(uncovered, pk=submission_id).update(recovery_at=run_at):
        process_submission.using(run_after=run_at).enqueue(submission_id)


def enqueue_unfinished() -> int:
    """Restart the processing of every unfinished submission (after a restore, or a
    worker fleet lost with its scheduled runs); returns how many."""
    unfinished = CvipSubmission.objects.filter(items__state__in=(State.PENDING, State.CLAIMED))
    submissions = list(unfinished.distinct())
    for submission in submissions:
        with transaction.atomic():
            enqueue_runs(submission, runs_for(submission.file_count or 0))
    return len(submissions)


# Claiming and writing ------------------------------------------------------------------


def claim_chunk(submission_id: int, token: str) -> list[int]:
    """Claim up to a chunk of the submission's items for ``token``; their ids, in order."""
    now = timezone.now()
    claimable = CvipItem.objects.filter(
        Q(state=State.PENDING) | Q(state=State.CLAIMED, lease_until__lt=now),
        submission_id=submission_id,
    ).order_by("position")
    with transaction.atomic():
        ids = list(
            claimable.select_for_update(skip_locked=True).values_list("pk", flat=True)[
                : chunk_size()
            ]
        )
        if ids:
            lease_until = now + datetime.timedelta(seconds=lease_seconds())
            CvipItem.objects.filter(pk__in=ids).update(
                state=State.CLAIMED,
                claim_token=token,
                lease_until=lease_until,
                claims=F("claims") + 1,
            )
            _ensure_recovery_run(submission_id, lease_until)
    return ids


def renew_lease(submission_id: int, ids: Sequence[int], token: str) -> int:
    """Extend the lease of the items still held under ``token``; how many are held."""
    lease_until = timezone.now() + datetime.timedelta(seconds=lease_seconds())
    with transaction.atomic():
        held = CvipItem.objects.filter(pk__in=ids, state=State.CLAIMED, claim_token=token)
        count = held.update(lease_until=lease_until)
        if count:
            _ensure_recovery_run(submission_id, lease_until)
    return count


RESULT_FIELDS = (
    "md5", "sha1", "pdq", "pdq_quality", "media_type", "matched", "series", "bank",
    "match_type", "distance", "problem",
)  # fmt: skip


def write_results(items: Sequence[CvipItem], token: str) -> int:
    """Write the results of the items still held under ``token`` (and only those), making
    them done; returns how many were written.

    One ``UPDATE`` a row, executed as a batch, each guarded by the claim: Django's
    ``bulk_update`` builds a CASE expression per field and row, which cost more than the
    matching itself.
    """
    now = timezone.now()
    with transaction.atomic():
        held = set(
            CvipItem.objects.select_for_update()
            .filter(pk__in=[item.pk for item in items], state=State.CLAIMED, claim_token=token)
            .values_list("pk", flat=True)
        )
        mine = [item for item in items if item.pk in held]
        if mine:
            _update_rows(mine, token, now)
    return len(mine)


def _update_rows(items: Sequence[CvipItem], token: str, now: datetime.datetime) -> None:
    meta = CvipItem._meta
    quote = connection.ops.quote_name
    fields = [meta.get_field(name) for name in RESULT_FIELDS + ("processed_at",)]
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    # Only identifiers from the model's own metadata are formatted in; values are parameters.
    table, state, token_column, lease = (
        quote(name) for name in (meta.db_table, "state", "claim_token", "lease_until")
    )
    sql = " ".join(
        [
            f"UPDATE {table} SET {assignments}, {state} = %s,",  # noqa: S608
            f"{token_column} = '', {lease} = NULL",
            f"WHERE {quote('id')} = %s AND {state} = %s AND {token_column} = %s",
        ]
    )
    rows = []
    for item in items:
        item.processed_at = now
        values = [
            field.get_db_prep_save(getattr(item, field.attname), connection) for field in fields
        ]
        rows.append((*values, State.DONE, item.pk, State.CLAIMED, token))
        item.state, item.claim_token, item.lease_until = State.DONE, "", None
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


# Hashing and matching ------------------------------------------------------------------


def series_of(match: matcher.Match) -> str:
    return match.label or match.bank.removeprefix(SERIES_BANK_PREFIX)


def known_exact_hashes(items: Sequence[CvipItem]) -> set[tuple[str, str]]:
    """Which of the items' MD5 and SHA-1 hashes some enabled series bank holds: one query
    a chunk, so that the matcher is asked only about those (most of a collection is
    unknown material, and an exact look-up is a query of its own)."""
    known: set[tuple[str, str]] = set()
    for hash_type in ("md5", "sha1"):
        values = {getattr(item, hash_type) for item in items} - {""}
        if values:
            rows = BankHash.objects.filter(
                hash_type=hash_type,
                value__in=values,
                bank__enabled=True,
                bank__name__startswith=SERIES_BANK_PREFIX,
            )
            known.update((hash_type, value) for value in rows.values_list("value", flat=True))
    return known


def series_matches(
    item: CvipItem, frames: list[list] | None = None, known: set[tuple[str, str]] | None = None
) -> list[matcher.Match]:
    """The item's matches in identified-series banks, nearest first. ``known`` (from
    ``known_exact_hashes``) spares the look-up of exact hashes no series bank holds."""
    index = matcher.get_matcher()
    found: list[matcher.Match] = []
    for hash_type in ("md5", "sha1"):
        value = getattr(item, hash_type)
        if value and (known is None or (hash_type, value) in known):
            found += index.match_exact(hash_type, value)
    if item.pdq:
        # A hash list's PDQ without a quality is matched as given (see hashlists).
        quality = 100 if item.pdq_quality is None else item.pdq_quality
        found += index.match_pdq(item.pdq, quality)
    if frames:
        found += index.match_video([(frame[2], frame[1]) for frame in frames])
    series = [match for match in found if match.bank.startswith(SERIES_BANK_PREFIX)]
    return sorted(series, key=lambda match: (match.distance, match.bank, match.label))


def _hash_file(item: CvipItem) -> list[list] | None:
    """Fill in the hashes of an item's stored file; the video's frames, if a video."""
    blob = item.blob
    item.md5, item.sha1, item.media_type = blob.md5, blob.sha1, blob.media_type
    try:
        if blob.media_type in analysis.DECODABLE_TYPES:
            if blob.size > analysis.max_image_bytes():
                item.problem = "the image is over the decode limit"
            else:
                item.pdq, item.pdq_quality = hashing.image_pdq(vault.read(blob))
        elif hashing.is_video(blob.media_type):
            return _video_frames(blob)
    except analysis.Rejected as rejected:
        item.problem = f"{rejected.status}: {rejected.problem}"
    except vault.VaultError as error:
        item.problem = f"stored file unreadable: {error}"
    return None


def _video_frames(blob) -> list[list]:
    with tempfile.NamedTemporaryFile(suffix=".video") as plain:
        with vault.open_stream(blob) as stream:
            while chunk := stream.read(1024 * 1024):
                plain.write(chunk)
        plain.flush()
        return video.vpdq(plain.name)


def examine_chunk(items: Sequence[CvipItem], on_progress=None) -> None:
    """Hash (files) and match the items, setting their result fields; a bad file gets
    its ``problem`` and never stops the others."""
    frames_of = {}
    for item in items:
        try:
            if item.blob_id is not None:
                frames_of[item.pk] = _hash_file(item)
        except video.Undecodable as error:
            item.problem = f"undecodable video: {error}"
        except Exception as error:
            logger.exception("CVIP item %s could not be hashed", item.pk)
            item.problem = f"could not be hashed: {type(error).__name__}: {error}"
    known = known_exact_hashes(items)
    for item in items:
        try:
            matches = series_matches(item, frames_of.get(item.pk), known)
        except Exception as error:
            logger.exception("CVIP item %s could not be matched", item.pk)
            item.problem = f"could not be matched: {type(error).__name__}: {error}"
            matches = []
        item.matched = bool(matches)
        if matches:
            best = matches[0]
            item.series, item.bank = series_of(best)[:200], best.bank
            item.match_type, item.distance = best.hash_type, best.distance
        if on_progress is not None and not on_progress():
            return


# The run -------------------------------------------------------------------------------


def process_chunk(submission_id: int, ids: Sequence[int], token: str) -> int:
    """Examine one claimed chunk, renewing the lease as it goes; returns items written."""
    items = list(CvipItem.objects.filter(pk__in=ids).select_related("blob").order_by("position"))
    renew_every = lease_seconds() / 3
    renewed = time.monotonic()
    held = True

    def still_held() -> bool:
        nonlocal renewed, held
        if time.monotonic() - renewed > renew_every:
            held = renew_lease(submission_id, ids, token) > 0
            renewed = time.monotonic()
        return held

    examine_chunk(items, on_progress=still_held)
    if not held:
        return 0  # taken over by another worker: its results are the ones that count
    return write_results(items, token)


def run(submission_id: int) -> int:
    """Process chunks of the submission until none is left to claim; returns how many
    items this run wrote. Marks the submission processed when every item is done."""
    token = uuid.uuid4().hex
    written = 0
    while ids := claim_chunk(submission_id, token):
        written += process_chunk(submission_id, ids, token)
    finish_if_done(submission_id)
    return written


def finish_if_done(submission_id: int) -> bool:
    """Record, once, that every item of the submission is done."""
    remaining = CvipItem.objects.filter(submission_id=submission_id).exclude(state=State.DONE)
    if remaining.exists():
        return False
    with transaction.atomic():
        pending = CvipSubmission.objects.filter(pk=submission_id, processed_at__isnull=True)
        if not pending.update(processed_at=timezone.now()):
            return True
        submission = CvipSubmission.objects.get(pk=submission_id)
        counts = progress(submission)
        events.record(
            "victimid:submission:processed",
            subject=submission,
            files=counts.total,
            matched=counts.matched,
        )
    return True
