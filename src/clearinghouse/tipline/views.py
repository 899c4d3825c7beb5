"""The analysts' pages (triage queues, report detail, referral), a report file's bytes
and thumbnail, and the public report form.

Thin on purpose: each view finds the record through ``access.visible`` (a record out of
scope is a 404), calls ``triage`` or ``public`` and renders. Pages answer HTMX requests
with the fragment that changed, and plain form posts with a redirect.
"""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clearinghouse.accounts import access, routes
from clearinghouse.accounts.models import User
from clearinghouse.audit import events
from clearinghouse.tipline import public, triage
from clearinghouse.tipline.forms import JurisdictionForm, PublicReportForm
from clearinghouse.tipline.models import ReportFile, TiplineReport

PAGE_SIZE = 50


def role_required(allowed):
    """Signed in (else the login page) and ``allowed(user)`` (else 403); the view
    declares that rule (``routes.role``)."""

    def decorate(view):
        @routes.declare(routes.role(allowed))
        @functools.wraps(view)
        @login_required
        @never_cache
        def wrapped(request, *args, **kwargs):
            if not allowed(request.user):
                raise PermissionDenied("Your role has no access to this page.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def page_of(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@routes.declare(routes.SIGNED_IN)
@require_GET
@login_required
def home(request):
    """Where signing in lands: each role's own screen."""
    if triage.is_triager(request.user):
        return redirect("tipline:queue")
    if triage.is_officer(request.user):
        return redirect("tipline:portal-queue")
    role = access.effective_role(request.user)
    if role == User.Role.CASE_MANAGER:
        return redirect("missing:dashboard")
    if role == User.Role.AGENCY_STAFF:
        return redirect("support:home")
    return render(request, "tipline/no_access.html", status=403)


# -- triage ------------------------------------------------------------------------------


@require_GET
@role_required(triage.is_triager)
def queue(request):
    return render(
        request,
        "tipline/queue.html",
        {
            "title": "Triage queue",
            "page": page_of(request, triage.analyst_queue(request.user)),
            "other_count": triage.location_review_queue(request.user).count(),
        },
    )


@require_GET
@role_required(triage.is_triager)
def location_review(request):
    return render(
        request,
        "tipline/queue.html",
        {
            "title": "Location review",
            "review": True,
            "page": page_of(request, triage.location_review_queue(request.user)),
            "other_count": triage.analyst_queue(request.user).count(),
        },
    )


def _report(request, pk) -> TiplineReport:
    return get_object_or_404(
        access.visible(request.user, TiplineReport).select_related("state"), pk=pk
    )


def _files(request, report):
    return access.visible(request.user, ReportFile).filter(report=report).select_related("blob")


@require_GET
@role_required(triage.is_triager)
def report_detail(request, pk):
    report = _report(request, pk)
    events.record("tipline:report:viewed", actor=request.user, subject=report, via="triage")
    return render(
        request,
        "tipline/report_detail.html",
        {
            "report": report,
            "files": _files(request, report),
            "jurisdiction_form": JurisdictionForm(initial={"state": report.state_id}),
        },
    )


def _after_triage(request, report):
    if is_htmx(request):
        report.refresh_from_db()
        return render(
            request,
            "tipline/_referral.html",
            {
                "report": report,
                "jurisdiction_form": JurisdictionForm(initial={"state": report.state_id}),
            },
        )
    return redirect("tipline:report", pk=report.pk)


@require_POST
@role_required(triage.is_triager)
def make_available(request, pk):
    report = _report(request, pk)
    try:
        triage.make_available(report, request.user)
        messages.success(request, f"{report.external_id} is now available to law enforcement.")
    except triage.TriageError as error:
        messages.error(request, str(error))
    return _after_triage(request, report)


@require_POST
@role_required(triage.is_triager)
def set_jurisdiction(request, pk):
    report = _report(request, pk)
    form = JurisdictionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a jurisdiction from the list.")
        return _after_triage(request, report)
    try:
        triage.set_jurisdiction(report, request.user, form.cleaned_data["state"])
        messages.success(
            request, f"{report.external_id} is placed in {form.cleaned_data['state']}."
        )
    except triage.TriageError as error:
        messages.error(request, str(error))
    return _after_triage(request, report)


# -- files -------------------------------------------------------------------------------


def has_file_access(user) -> bool:
    return access.scope_for(user, ReportFile).reach is not access.Reach.NONE


def _file(request, pk) -> ReportFile:
    visible = access.visible(request.user, ReportFile).select_related("report", "blob")
    return get_object_or_404(visible, pk=pk)


@require_http_methods(["GET", "POST"])
@role_required(has_file_access)
def file_view(request, pk):
    """A file's bytes: a confirmation page first, then, on a POST, the bytes, audited."""
    file = _file(request, pk)
    if request.method == "GET" or file.blob is None:
        return render(request, "tipline/file_confirm.html", {"file": file})
    vault = public.vault_or_none()
    with transaction.atomic():
        events.record(
            "tipline:file:viewed", actor=request.user, subject=file, report=file.report_id
        )
        content = vault.read(file.blob)
    response = HttpResponse(content, content_type="application/octet-stream")
    response["Content-Disposition"] = (
        f'attachment; filename="{file.report.external_id}-{file.position}"'
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@role_required(has_file_access)
def file_thumbnail(request, pk):
    """A small, blurred picture of an image file: what lists and details show."""
    file = _file(request, pk)
    vault = public.vault_or_none()
    picture = vault.thumbnail(file.blob) if file.blob is not None and vault is not None else None
    if picture is None:
        raise Http404("No picture of this file.")
    response = HttpResponse(picture, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


# -- the public form ---------------------------------------------------------------------


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


@routes.public
@require_http_methods(["GET", "POST"])
def public_report(request):
    files_accepted = public.accepts_files()
    if request.method == "GET":
        form = PublicReportForm(files_accepted=files_accepted)
        return render(request, "tipline/public_form.html", {"form": form})
    client = client_address(request)
    if public.is_rate_limited(client):
        minutes = public.RATE_WINDOW // 60
        return render(request, "tipline/public_rate_limited.html", {"minutes": minutes}, status=429)
    form = PublicReportForm(request.POST, request.FILES, files_accepted=files_accepted)
    if not form.is_valid():
        return render(request, "tipline/public_form.html", {"form": form}, status=400)
    report = public.submit(form.cleaned_data, form.incident_at(), form.cleaned_data.get("files"))
    public.count_report(client)
    request.session["public_report"] = report.external_id
    return redirect("report:received")


@routes.public
@require_GET
@never_cache
def public_report_received(request):
    number = request.session.get("public_report")
    if number is None:
        return redirect("report:form")
    return render(request, "tipline/public_received.html", {"number": number})
