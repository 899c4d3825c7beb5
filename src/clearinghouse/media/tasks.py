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
        return analysis.analyse(blob).status
    except Exception as error:  # analyse records its own failures; this is the last net
        logger.exception("analysis of blob %s could not be recorded", blob_id)
        Blob.objects.filter(pk=blob_id).update(
            status=Blob.Status.MALFORMED,
            problem=f"analysis failed: {type(error).__name__}: {error}",
            analysed_at=timezone.now(),
        )
        return Blob.Status.MALFORMED


def enqueue_pending() -> int:
    """Enqueues analysis for every blob not yet analysed (e.g. after a crash between a
    blob's commit and its enqueue) and returns how many."""
    pending = list(Blob.objects.filter(analysed_at__isnull=True).values_list("pk", flat=True))
    for blob_id in pending:
        transaction.on_commit(lambda blob_id=blob_id: analyse_blob.enqueue(blob_id))
    return len(pending)
