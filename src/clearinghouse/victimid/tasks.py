"""Background work of victim identification (django-tasks; run by ``clearinghouse
db_worker``): processing a submission's collection, shared by every worker that runs."""

from __future__ import annotations

from django_tasks import task

from clearinghouse.victimid import processing
from clearinghouse.victimid.models import CvipSubmission


@task()
def process_submission(submission_id: int) -> int:
    """Take chunks of the submission until none is left; returns how many items this run
    wrote (0 for a run that found the work done, or held by live workers)."""
    if not CvipSubmission.objects.filter(pk=submission_id).exists():
        return 0
    return processing.run(submission_id)
