"""The victim identification pages under ``/cvip/`` (namespace ``victimid``): an
agency's submissions and a new one (officers), a submission's progress, review report
and review (analysts complete it), and the registry of identified children (analysts).

Thin: every record comes through ``access.visible`` (out of scope is a 404), the work is
done by ``services``, and every view of a submission, export and action is audited.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.db.models import F
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from clearinghouse.accounts import access
from clearinghouse.accounts.models import User
from clearinghouse.audit import events
from clearinghouse.tipline.views import page_of, role_required
from clearinghouse.victimid import hashlists, processing, report, services
from clearinghouse.victimid.models import CvipItem, CvipSubmission, IdentifiedChild

MATCHED_FIRST = F("matched").desc(nulls_last=True)


def may_see_submissions(user) -> bool:
    return access.scope_for(user, CvipSubmission).reach is not access.Reach.NONE


def is_officer(user) -> bool:
    return access.effective_role(user) == User.Role.OFFICER


def is_reviewer(user) -> bool:
    """Clearinghouse analysts (and administrators) review submissions."""
    return access.effective_role(user) in (User.Role.ANALYST, User.Role.ADMIN)


def _submission(request, pk) -> CvipSubmission:
    visible = access.visible(request.user, CvipSubmission).select_related("agency")
    return get_object_or_404(visible, pk=pk)


@require_GET
@role_required(may_see_submissions)
def submission_list(request):
    submissions = access.visible(request.user, CvipSubmission).select_related("agency")
    return render(
        request,
        "victimid/list.html",
        {
            "page": page_of(request, submissions.order_by("-received_at", "-pk")),
            "may_submit": is_officer(request.user),
        },
    )


@require_POST
@role_required(is_officer)
def submit(request):
    agency = request.user.organization
    try:
        if hash_list := request.FILES.get("hash_list"):
            submission = services.submit_hash_list(
                agency, request.user, hash_list.read(), channel=CvipSubmission.Channel.PORTAL
            )
        elif archive := request.FILES.get("archive"):
            submission = services.submit_archive(
                agency, request.user, archive, channel=CvipSubmission.Channel.PORTAL
            )
        else:
            submission = services.submit_files(
                agency,
                request.user,
                request.FILES.getlist("files"),
                channel=CvipSubmission.Channel.PORTAL,
            )
    except (services.SubmissionError, hashlists.HashListError) as error:
        services.reject(request.user, CvipSubmission.Channel.PORTAL)
        messages.error(request, f"Nothing was submitted: {error}")
        return redirect("victimid:list")
    messages.success(request, f"Submission {submission.external_id} received.")
    return redirect("victimid:detail", pk=submission.pk)


def _detail_context(request, submission) -> dict:
    items = access.visible(request.user, CvipItem).filter(submission=submission)
    return {
        "submission": submission,
        "progress": processing.progress(submission),
        "page": page_of(request, items.order_by(MATCHED_FIRST, "position")),
        "is_reviewer": is_reviewer(request.user),
        "today": datetime.date.today().isoformat(),
        # Identified children are the clearinghouse's registry: an officer sees their
        # agency's submission, not who was identified from it (``access.RULES``).
        "children": access.visible(
            request.user, submission.identified_children.order_by("-identified_at", "-pk")
        ),
    }


@require_GET
@role_required(may_see_submissions)
def detail(request, pk):
    submission = _submission(request, pk)
    events.record("victimid:submission:viewed", actor=request.user, subject=submission)
    return render(request, "victimid/detail.html", _detail_context(request, submission))


@require_GET
@role_required(may_see_submissions)
def progress(request, pk):
    """The progress line alone, which the detail page polls while processing runs."""
    submission = _submission(request, pk)
    return render(
        request,
        "victimid/_progress.html",
        {"submission": submission, "progress": processing.progress(submission)},
    )


def _report_ready(request, submission) -> HttpResponse | None:
    if submission.is_tracked and submission.processed_at is None:
        return HttpResponse("The collection is still being processed.", status=409)
    if not submission.is_tracked:
        return HttpResponse("This submission was imported: it has no files.", status=404)
    return None


@require_GET
@role_required(may_see_submissions)
def report_csv(request, pk):
    submission = _submission(request, pk)
    if refused := _report_ready(request, submission):
        return refused
    events.record("victimid:report:exported", actor=request.user, subject=submission, format="csv")
    response = StreamingHttpResponse(report.csv_lines(submission), content_type="text/csv")
    name = f"cvip-report-{submission.external_id}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@role_required(may_see_submissions)
def report_pdf(request, pk):
    submission = _submission(request, pk)
    if refused := _report_ready(request, submission):
        return refused
    events.record("victimid:report:exported", actor=request.user, subject=submission, format="pdf")
    response = HttpResponse(report.pdf_bytes(submission), content_type="application/pdf")
    name = f"cvip-report-{submission.external_id}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@role_required(is_reviewer)
def complete(request, pk):
    submission = _submission(request, pk)
    try:
        services.complete_review(submission, request.user)
        messages.success(request, "Review completed.")
    except services.SubmissionError as error:
        messages.error(request, str(error))
    return redirect("victimid:detail", pk=submission.pk)


@require_POST
@role_required(is_reviewer)
def identify(request, pk):
    submission = _submission(request, pk)
    try:
        identified_at = datetime.date.fromisoformat(request.POST.get("identified_at", ""))
    except ValueError:
        messages.error(request, "Give the identification date as YYYY-MM-DD.")
        return redirect("victimid:detail", pk=submission.pk)
    try:
        child, added = services.record_identified_child(
            submission,
            request.user,
            series=request.POST.get("series", ""),
            identified_at=identified_at,
            positions=request.POST.get("files", ""),
        )
        messages.success(
            request, f"Identified child {child.external_id} recorded; {added} hashes added."
        )
    except services.SubmissionError as error:
        messages.error(request, str(error))
    return redirect("victimid:detail", pk=submission.pk)


@require_GET
@role_required(lambda user: access.scope_for(user, IdentifiedChild).reach is access.Reach.ALL)
def registry(request):
    children = access.visible(request.user, IdentifiedChild).select_related("agency", "submission")
    events.record("victimid:registry:viewed", actor=request.user)
    return render(
        request,
        "victimid/registry.html",
        {"page": page_of(request, children.order_by("-identified_at", "-pk"))},
    )
