"""``vault.sweep_orphans``: stored bytes that no record refers to (an upload refused
because its report was finished meanwhile, a deleted record) are removed after a grace
period; bytes any record refers to never are."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone

import factories as make
from clearinghouse.media import vault
from clearinghouse.media.models import Blob

pytestmark = pytest.mark.django_db


def stored(data: bytes, *, age: datetime.timedelta) -> Blob:
    blob = vault.put(io.BytesIO(data))
    Blob.objects.filter(pk=blob.pk).update(created_at=timezone.now() - age)
    return blob


def test_old_unreferenced_bytes_are_removed_with_their_file(django_capture_on_commit_callbacks):
    orphan = stored(b"refused upload", age=datetime.timedelta(days=2))
    assert vault.path_for(orphan.sha256).exists()

    with django_capture_on_commit_callbacks(execute=True):
        removed = vault.sweep_orphans(datetime.timedelta(days=1))

    assert removed == 1
    assert not Blob.objects.filter(pk=orphan.pk).exists()
    assert not vault.path_for(orphan.sha256).exists()


def test_referenced_and_recent_bytes_stay(django_capture_on_commit_callbacks):
    referenced = stored(b"a report's file", age=datetime.timedelta(days=30))
    make.make_report_file(blob=referenced)
    recent = stored(b"being attached right now", age=datetime.timedelta(minutes=5))

    with django_capture_on_commit_callbacks(execute=True):
        assert vault.sweep_orphans(datetime.timedelta(days=1)) == 0

    assert vault.read(Blob.objects.get(pk=referenced.pk)) == b"a report's file"
    assert vault.read(Blob.objects.get(pk=recent.pk)) == b"being attached right now"


def test_a_writer_that_lost_the_race_is_told_to_send_again(django_capture_on_commit_callbacks):
    orphan = stored(b"dedup target", age=datetime.timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        vault.sweep_orphans(datetime.timedelta(days=1))

    assert vault.lock_for_reference(orphan) is False
    again = vault.put(io.BytesIO(b"dedup target"))
    assert vault.lock_for_reference(again) is True
    assert vault.read(again) == b"dedup target"
