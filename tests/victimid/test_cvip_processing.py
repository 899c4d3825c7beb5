"""Processing in-process: hashing and matching, chunks, leases, the result written once."""

import datetime

import pytest
from cvip_support import MATCHED_MD5, encode, hash_list, pdq_of, synthetic_image
from django.test import override_settings
from django.utils import timezone

import factories as make
from clearinghouse.audit.models import AuditEvent
from clearinghouse.victimid import hashlists, processing, services
from clearinghouse.victimid.models import CvipItem

pytestmark = pytest.mark.django_db


def submit(data: bytes, officer=None):
    officer = officer or make.make_officer("AR")
    return services.submit_hash_list(officer.organization, officer, data, channel="api")


def test_a_hash_list_is_matched_against_the_series_banks_only(series_bank):
    series_bank("Blue Room", [("md5", MATCHED_MD5)])
    series_bank("other", [("md5", f"{1:032x}")], name="known-category")  # not a series bank
    submission = submit(hash_list(30))

    written = processing.run(submission.pk)

    assert written == 30
    counts = processing.progress(submission)
    assert (counts.total, counts.done, counts.matched) == (30, 30, 3)
    matched = submission.items.filter(matched=True)
    assert {(item.series, item.match_type, item.distance) for item in matched} == {
        ("Blue Room", "md5", 0)
    }
    assert not submission.items.get(position=1).matched  # only in the non-series bank
    submission.refresh_from_db()
    assert submission.processed_at is not None
    assert AuditEvent.objects.filter(action="victimid:submission:processed").count() == 1


def test_files_are_stored_encrypted_hashed_and_matched_by_pdq(series_bank, vault_dir):
    original = synthetic_image(1, size=128)
    series_bank("Red Kite", [("pdq", pdq_of(encode(original)))])
    near_copy = encode(original, "JPEG", quality=90)  # other bytes, same picture
    unrelated = encode(synthetic_image(2, size=128))
    officer = make.make_officer("TX")

    class Upload:
        def __init__(self, name, data):
            self.name, self.size, self._data = name, len(data), data

        def read(self, size=-1):
            chunk, self._data = (
                (self._data, b"") if size < 0 else (self._data[:size], self._data[size:])
            )
            return chunk

    submission = services.submit_files(
        officer.organization,
        officer,
        [Upload("seized-1.jpg", near_copy), Upload("seized-2.png", unrelated)],
        channel="portal",
    )
    assert near_copy not in b"".join(p.read_bytes() for p in vault_dir.rglob("*") if p.is_file())

    processing.run(submission.pk)

    first, second = submission.items.order_by("position")
    assert (first.matched, first.series, first.match_type) == (True, "Red Kite", "pdq")
    assert 0 < first.distance <= 31
    assert first.pdq and first.media_type == "image/jpeg"
    assert (second.matched, second.series, second.distance) == (False, "", None)


@override_settings(CVIP_CHUNK_SIZE=5, CVIP_LEASE_SECONDS=60)
def test_a_chunk_whose_lease_ran_out_is_reclaimed_and_written_once(series_bank):
    series_bank("Blue Room", [("md5", MATCHED_MD5)])
    submission = submit(hash_list(12, matched_every=3))
    dead = processing.claim_chunk(submission.pk, "dead-worker")
    assert len(dead) == 5
    stale = list(CvipItem.objects.filter(pk__in=dead))

    # Another worker takes what is free, but not the dead worker's chunk (leased)...
    assert processing.run(submission.pk) == 7
    assert processing.progress(submission).done == 7
    # ...until its lease runs out.
    CvipItem.objects.filter(pk__in=dead).update(
        lease_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert processing.run(submission.pk) == 5

    # The dead worker coming back to life writes nothing.
    for item in stale:
        item.matched, item.series = True, "bogus"
    assert processing.write_results(stale, "dead-worker") == 0
    counts = processing.progress(submission)
    assert (counts.total, counts.done, counts.matched) == (12, 12, 4)
    assert not submission.items.filter(series="bogus").exists()
    assert sorted(submission.items.values_list("claims", flat=True)) == [1] * 7 + [2] * 5


@override_settings(CVIP_CHUNK_SIZE=4, CVIP_LEASE_SECONDS=60)
def test_claims_schedule_one_recovery_run_per_lease_window():
    from django_tasks_db.models import DBTaskResult

    submission = submit(hash_list(10))
    initial = DBTaskResult.objects.count()
    assert initial == processing.runs_for(10) == 3

    processing.claim_chunk(submission.pk, "a")
    processing.claim_chunk(submission.pk, "b")

    scheduled = DBTaskResult.objects.exclude(run_after__isnull=True)
    scheduled = scheduled.exclude(run_after__year__gt=9000)  # "no run_after" is far future
    assert scheduled.count() == 1
    submission.refresh_from_db()
    lease_end = CvipItem.objects.filter(state="claimed").latest("lease_until").lease_until
    assert submission.recovery_at > lease_end


def test_a_malformed_hash_list_stores_nothing():
    officer = make.make_officer("AR")
    with pytest.raises(hashlists.HashListError, match="line 3"):
        submit(f"md5\n{MATCHED_MD5}\nnot-a-hash\n".encode(), officer)
    assert not officer.organization.cvip_submissions.exists()
    assert not CvipItem.objects.exists()
