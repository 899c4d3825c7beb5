"""Victim identification's rules: taking in a submission, completing its review, and
recording an identified child (whose series' hashes then go into a bank).

Views and the API only parse, authorize and call these. Each function is all or nothing:
bad input raises ``SubmissionError`` (or ``hashlists.HashListError``) and stores nothing.
"""

from __future__ import annotations

import csv
import datetime
import re
import secrets
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from clearinghouse.accounts.models import Organization
from clearinghouse.audit import events
from clearinghouse.banks import services as banks
from clearinghouse.media import vault
from clearinghouse.media.hashing import MIN_MATCH_QUALITY
from clearinghouse.victimid import archives, hashlists, processing
from clearinghouse.victimid.models import CvipItem, CvipSubmission, IdentifiedChild

MAX_FILES = 100_000


class SubmissionError(ValueError):
    """The request cannot be done as asked; ``str()`` says why, for the person asking."""


def _new_external_id(prefix: str) -> str:
    return f"{prefix}-{timezone.now():%Y%m%d}-{secrets.token_hex(5)}"


def _check_agency(agency: Organization | None) -> Organization:
    if agency is None or agency.kind != Organization.Kind.LAW_ENFORCEMENT:
        raise SubmissionError("Only a law-enforcement agency can submit a collection.")
    return agency


def _create(agency, user, kind: str, channel: str, items: list[CvipItem]) -> CvipSubmission:
    submission = CvipSubmission.objects.create(
        external_id=_new_external_id("CVIP"),
        received_at=timezone.now(),
        agency=agency,
        file_count=len(items),
        kind=kind,
        channel=channel,
        submitted_by=user,
    )
    for position, item in enumerate(items, start=1):
        item.submission, item.position = submission, position
    CvipItem.objects.bulk_create(items, batch_size=2000)
    events.record(
        "victimid:submission:submitted",
        actor=user,
        subject=submission,
        kind=kind,
        channel=channel,
        files=len(items),
    )
    processing.enqueue_runs(submission, processing.runs_for(len(items)))
    return submission


def submit_hash_list(agency, user, data: bytes, *, channel: str) -> CvipSubmission:
    """A submission of the collection described by a hash list (CSV or JSON Lines)."""
    _check_agency(agency)
    rows = hashlists.parse(data)
    items = [
        CvipItem(
            name=row.name,
            md5=row.md5,
            sha1=row.sha1,
            pdq=row.pdq,
            pdq_quality=row.pdq_quality,
        )
        for row in rows
    ]
    with transaction.atomic():
        return _create(agency, user, CvipSubmission.Kind.HASH_LIST, channel, items)


def submit_files(agency, user, files: Sequence, *, channel: str) -> CvipSubmission:
    """A submission of uploaded files (``UploadedFile``s or anything with ``name``,
    ``size`` and ``read``), each stored encrypted in the vault."""
    _check_agency(agency)
    if not files:
        raise SubmissionError("Choose at least one file, or a hash list.")
    if len(files) > MAX_FILES:
        raise SubmissionError(f"A submission holds at most {MAX_FILES:,} files.")
    limit = vault.max_file_bytes()
    for upload in files:
        if upload.size > limit:
            raise SubmissionError(f"{upload.name}: larger than {limit:,} bytes.")
    with transaction.atomic():
        items = []
        for upload in files:
            name = Path(upload.name or "").name[:255]
            blob = vault.put(upload, declared_name=name, max_bytes=limit)
            items.append(CvipItem(name=name, blob=blob, media_type=blob.media_type))
        return _create(agency, user, CvipSubmission.Kind.FILES, channel, items)


def submit_archive(agency, user, upload, *, channel: str) -> CvipSubmission:
    """A submission of the files in a ZIP archive, each stored encrypted in the vault.
    The archive is checked whole (``archives``) before anything is stored."""
    _check_agency(agency)
    limit = vault.max_file_bytes()
    try:
        archive = archives.open_archive(upload)
        with archive:
            members = archives.checked_members(archive, max_files=MAX_FILES, max_bytes=limit)
            with transaction.atomic():
                items = []
                for member, stream in archives.read_members(archive, members):
                    blob = vault.put(stream, declared_name=member.name, max_bytes=member.size)
                    items.append(CvipItem(name=member.name, blob=blob, media_type=blob.media_type))
                return _create(agency, user, CvipSubmission.Kind.FILES, channel, items)
    except vault.TooLarge:
        raise SubmissionError("A file in the archive is larger than its entry says.") from None
    except (archives.ArchiveError, zipfile.BadZipFile) as error:
        raise SubmissionError(f"The archive is refused: {error}") from None


def reject(user, channel: str) -> None:
    """Audit a refused submission (nothing else is stored). Why it was refused is shown
    to the officer, not kept: it may quote the names of the files, which can name a child."""
    events.record("victimid:submission:rejected", actor=user, channel=channel)


# Review ------------------------------------------------------------------------------------


def complete_review(submission: CvipSubmission, user) -> CvipSubmission:
    """An analyst's sign-off: the report has been reviewed. Sets ``reviewed_at`` once."""
    with transaction.atomic():
        locked = CvipSubmission.objects.select_for_update().get(pk=submission.pk)
        if locked.reviewed_at is not None:
            raise SubmissionError("This submission's review is already complete.")
        if locked.is_tracked and locked.processed_at is None:
            raise SubmissionError("The collection is still being processed.")
        locked.reviewed_at, locked.reviewed_by = timezone.now(), user
        locked.save(update_fields=["reviewed_at", "reviewed_by", "updated_at"])
        events.record("victimid:submission:reviewed", actor=user, subject=locked)
    return locked


# Registry ----------------------------------------------------------------------------------


def parse_positions(text: str, last: int) -> list[int]:
    """``"1-20, 35"`` as positions; empty text gives none. Raises ``SubmissionError``."""
    positions: set[int] = set()
    for part in filter(None, (part.strip() for part in text.split(","))):
        found = re.fullmatch(r"(\d+)(?:\s*-\s*(\d+))?", part)
        if not found:
            raise SubmissionError(f"{part!r} is not a file number or a range like 3-9.")
        first, end = int(found[1]), int(found[2] or found[1])
        if not 1 <= first <= end <= last:
            raise SubmissionError(f"{part!r} is outside the files 1 to {last}.")
        positions.update(range(first, end + 1))
    return sorted(positions)


def series_bank_name(series: str) -> str:
    slug = slugify(series)[:90]
    if not slug:
        raise SubmissionError("A series name needs letters or digits.")
    return processing.SERIES_BANK_PREFIX + slug


def _bank_rows(items, series: str) -> list[tuple[str, str, str]]:
    rows = []
    for item in items:
        for kind in ("md5", "sha1"):
            if value := getattr(item, kind):
                rows.append((kind, value, series))
        quality = item.pdq_quality
        if item.pdq and (quality is None or quality >= MIN_MATCH_QUALITY):
            rows.append(("pdq", item.pdq, series))
    return rows


def _add_to_series_bank(bank_name: str, rows, user) -> int:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{bank_name}.csv"
        with path.open("w", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(["type", "hash", "label"])
            writer.writerows(rows)
        result = banks.import_hashes(bank_name, path, actor=user)
    if not result.stored:  # the rows come from checked items: this is a bug, not input
        raise RuntimeError(f"series hashes refused by the bank: {result.errors[:3]}")
    return result.added


def record_identified_child(
    submission: CvipSubmission,
    user,
    *,
    series: str,
    identified_at: datetime.date,
    agency: Organization | None = None,
    positions: str = "",
) -> tuple[IdentifiedChild, int]:
    """Register a child identified from a submission's material, and put the hashes of
    the series' files into the series' bank (``series-<slug>``), so later collections
    match them. ``positions`` picks the files ("1-20, 35"); by default, every file that
    matched no known series. Returns the child and how many hashes the bank gained."""
    series = series.strip()
    if not series or len(series) > 200:
        raise SubmissionError("Name the series (at most 200 characters).")
    if identified_at > timezone.localdate():
        raise SubmissionError("The identification date cannot be in the future.")
    bank_name = series_bank_name(series)
    items = submission.items.filter(state=CvipItem.State.DONE)
    if positions.strip():
        items = items.filter(position__in=parse_positions(positions, submission.file_count or 0))
    else:
        items = items.filter(matched=False)
    rows = _bank_rows(items.only("md5", "sha1", "pdq", "pdq_quality"), series)
    if not rows:
        raise SubmissionError("None of the chosen files has a hash to add to the series bank.")
    with transaction.atomic():
        child = IdentifiedChild.objects.create(
            external_id=_new_external_id("child"),
            identified_at=identified_at,
            series=series,
            agency=agency or submission.agency,
            submission=submission,
            recorded_by=user,
        )
        added = _add_to_series_bank(bank_name, rows, user)
        events.record(
            "victimid:child:identified",
            actor=user,
            subject=child,
            submission=submission.external_id,
            bank=bank_name,
            hashes_added=added,
        )
    return child, added
