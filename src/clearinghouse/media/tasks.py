"""Background work on stored files (django-tasks; run by ``clearinghouse db_worker``)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from clearinghouse.media import analysis
from clearinghouse.media.models import Blob

logger = logging.getLogger(__name__)


@task()
def analyse_blob(blob_id: int) -> str:
    """Analyses one stored file (types, decodability, PDQ) and returns its status. A file
    that breaks the analysis is recorded as malformed; the worker carries on."""
    blob = Blob.objects.filter(pk=blob_id).first()
    if blob is None:
        return "missing"
    try:
        blob = analysis.analyse(blob)
    except Exception as error:  # analyse records its own failures; this is the last net
        logger.exception("analysis of blob %s could not be recorded", blob_id)
        Blob.objects.filter(pk=blob_id).update(
            status=Blob.Status.MALFORMED,
            problem=f"analysis failed: {type(error).__name__}: {error}",
            analysed_at=timezone.now(),
        )
        return Blob.Status.MALFORMED
    _match_known_material(blob)
    return blob.status


def _match_known_material(blob: Blob) -> None:
    """Tipline reports are matched against the hash banks when they are finished, but a
    file's PDQ is only known now: the reports carrying it are ranked again. A failure
    here is logged and leaves the analysis recorded."""
    from clearinghouse.tipline import triage  # the tipline builds on media, not the reverse

    try:
        triage.reprioritize_reports_with(blob)
    except Exception:
        logger.exception("matching blob %s against the hash banks failed", blob.pk)


def enqueue_pending() -> int:
    """Enqueues analysis for every blob not yet analysed (e.g. after a crash between a
    blob's commit and its enqueue) and returns how many."""
    pending = list(Blob.objects.filter(analysed_at__isnull=True).values_list("pk", flat=True))
    for blob_id in pending:
        transaction.on_commit(lambda blob_id=blob_id: analyse_blob.enqueue(blob_id))
    return len(pending)
