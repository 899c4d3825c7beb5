"""Victim identification's part of the JSON API (``/api/cvip/``): submit a collection
(files or a hash list), follow its progress, fetch its review report, and (analysts)
complete the review.

Within ``access.visible`` as everywhere: an officer sees their own agency's submissions,
an analyst all of them, another role gets a 403, and an id out of scope is a 404.
"""

# No "from __future__ import annotations": django-ninja reads these annotations at import.

import datetime

from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from ninja import File, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from clearinghouse.accounts import access
from clearinghouse.audit import events
from clearinghouse.core.pagination import Pages
from clearinghouse.victimid import hashlists, processing, report, services, views
from clearinghouse.victimid.models import CvipSubmission

router = Router(tags=["victim identification"])


class SubmissionOut(Schema):
    id: int
    external_id: str
    agency: str
    received_at: datetime.datetime
    kind: str
    file_count: int | None
    files_done: int
    files_matched: int
    processed_at: datetime.datetime | None
    reviewed_at: datetime.datetime | None

    @staticmethod
    def resolve_agency(submission: CvipSubmission) -> str:
        return submission.agency.name


def _with_progress(submission: CvipSubmission) -> CvipSubmission:
    counts = processing.progress(submission)
    submission.files_done, submission.files_matched = counts.done, counts.matched
    return submission


def _submissions(request):
    if not views.may_see_submissions(request.user):
        raise HttpError(403, "Your role has no access to CVIP submissions.")
    return access.visible(request.user, CvipSubmission).select_related("agency")


def _submission(request, submission_id: int) -> CvipSubmission:
    return get_object_or_404(_submissions(request), pk=submission_id)


@router.get("/submissions", response=list[SubmissionOut], summary="List submissions")
@paginate(Pages, page_size=50)
def list_submissions(request):
    submissions = _submissions(request).order_by("-received_at", "-pk")
    return [_with_progress(submission) for submission in submissions]


@router.post(
    "/submissions",
    response={201: SubmissionOut},
    summary="Submit a collection: files (up to 100), a ZIP archive of them, or a hash list",
)
def create_submission(
    request,
    hash_list: File[UploadedFile] = None,
    files: File[list[UploadedFile]] = None,
    archive: File[UploadedFile] = None,
):
    if not views.is_officer(request.user):
        raise HttpError(403, "Only an officer of a law-enforcement agency can submit.")
    channel = CvipSubmission.Channel.API
    try:
        if hash_list is not None:
            submission = services.submit_hash_list(
                request.user.organization, request.user, hash_list.read(), channel=channel
            )
        elif archive is not None:
            submission = services.submit_archive(
                request.user.organization, request.user, archive, channel=channel
            )
        else:
            submission = services.submit_files(
                request.user.organization, request.user, files or [], channel=channel
            )
    except (services.SubmissionError, hashlists.HashListError) as error:
        services.reject(request.user, channel)
        raise HttpError(400, f"Nothing was submitted: {error}") from None
    return Status(201, _with_progress(submission))


@router.get("/submissions/{int:submission_id}", response=SubmissionOut, summary="Read one")
def read_submission(request, submission_id: int):
    submission = _submission(request, submission_id)
    events.record("victimid:submission:viewed", actor=request.user, subject=submission, via="api")
    return _with_progress(submission)


def _ready(request, submission_id: int) -> CvipSubmission:
    submission = _submission(request, submission_id)
    if not submission.is_tracked:
        raise HttpError(404, "This submission was imported: it has no files.")
    if submission.processed_at is None:
        raise HttpError(409, "The collection is still being processed.")
    return submission


@router.get("/submissions/{int:submission_id}/report.csv", summary="Review report, CSV")
def report_csv(request, submission_id: int):
    submission = _ready(request, submission_id)
    events.record(
        "victimid:report:exported", actor=request.user, subject=submission, format="csv", via="api"
    )
    return StreamingHttpResponse(report.csv_lines(submission), content_type="text/csv")


@router.get("/submissions/{int:submission_id}/report.pdf", summary="Review report, PDF")
def report_pdf(request, submission_id: int):
    submission = _ready(request, submission_id)
    events.record(
        "victimid:report:exported", actor=request.user, subject=submission, format="pdf", via="api"
    )
    return HttpResponse(report.pdf_bytes(submission), content_type="application/pdf")


@router.post(
    "/submissions/{int:submission_id}/complete",
    response=SubmissionOut,
    summary="Complete the review (analysts)",
)
def complete_review(request, submission_id: int):
    submission = _submission(request, submission_id)
    if not views.is_reviewer(request.user):
        raise HttpError(403, "Only a clearinghouse analyst completes a review.")
    try:
        submission = services.complete_review(submission, request.user)
    except services.SubmissionError as error:
        raise HttpError(409, str(error)) from None
    return _with_progress(submission)
