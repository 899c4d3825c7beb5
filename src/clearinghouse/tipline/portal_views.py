"""The law-enforcement portal: an officer's queue of their jurisdiction's reports, a
report's detail, and acknowledging, assigning and closing it.

A report of another jurisdiction, or one not made available, is a 404 here: it does not
exist for the officer (``access.visible`` decides, as everywhere).
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from clearinghouse.accounts import access
from clearinghouse.audit import events
from clearinghouse.tipline import triage
from clearinghouse.tipline.forms import AssignForm, CloseForm
from clearinghouse.tipline.models import ReportFile, TiplineReport
from clearinghouse.tipline.views import is_htmx, page_of, role_required

SHOW = {
    "open": Q(closed_at__isnull=True),
    "new": Q(closed_at__isnull=True, acknowledged_at__isnull=True),
    "closed": Q(closed_at__isnull=False),
    "all": Q(),
}


@require_GET
@role_required(triage.is_officer)
def queue(request):
    show = request.GET.get("show", "open")
    reports = triage.portal_queue(request.user).filter(SHOW.get(show, SHOW["open"]))
    if number := request.GET.get("q", "").strip():
        reports = reports.filter(external_id__icontains=number)
    return render(
        request,
        "tipline/portal_queue.html",
        {
            "page": page_of(request, reports),
            "show": show if show in SHOW else "open",
            "q": number,
            "jurisdiction": request.user.organization.jurisdiction,
        },
    )


def _report(request, pk) -> TiplineReport:
    visible = access.visible(request.user, TiplineReport)
    return get_object_or_404(visible.select_related("state", "assigned_to"), pk=pk)


def _actions_context(request, report) -> dict:
    colleagues = triage.colleagues(request.user)
    return {
        "report": report,
        "assign_form": AssignForm(
            colleagues=colleagues, initial={"assignee": report.assigned_to_id}
        ),
        "close_form": CloseForm(),
    }


@require_GET
@role_required(triage.is_officer)
def detail(request, pk):
    report = _report(request, pk)
    events.record("tipline:report:viewed", actor=request.user, subject=report, via="portal")
    files = access.visible(request.user, ReportFile).filter(report=report).select_related("blob")
    return render(
        request,
        "tipline/portal_detail.html",
        {
            **_actions_context(request, report),
            "files": files,
        },
    )


def _after(request, report):
    if is_htmx(request):
        return render(
            request,
            "tipline/_portal_actions.html",
            _actions_context(request, _report(request, report.pk)),
        )
    return redirect("tipline:portal-report", pk=report.pk)


def _act(request, pk, action, success: str):
    report = _report(request, pk)
    try:
        action(report)
        messages.success(request, success)
    except triage.TriageError as error:
        messages.error(request, str(error))
    return _after(request, report)


@require_POST
@role_required(triage.is_officer)
def acknowledge(request, pk):
    return _act(
        request, pk, lambda report: triage.acknowledge(report, request.user), "Acknowledged."
    )


@require_POST
@role_required(triage.is_officer)
def assign(request, pk):
    form = AssignForm(request.POST, colleagues=triage.colleagues(request.user))
    if not form.is_valid():
        messages.error(request, "A report can only be assigned to an officer of your own agency.")
        return _after(request, _report(request, pk))
    assignee = form.cleaned_data["assignee"]
    return _act(
        request,
        pk,
        lambda report: triage.assign(report, request.user, assignee),
        f"Assigned to {assignee.get_full_name() or assignee.username}.",
    )


@require_POST
@role_required(triage.is_officer)
def close(request, pk):
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose an outcome from the list.")
        return _after(request, _report(request, pk))
    outcome = form.cleaned_data["outcome"]
    return _act(request, pk, lambda report: triage.close(report, request.user, outcome), "Closed.")
