"""The public sign-up page (``/training/register/``) and the administrators' list of
registrations with its CSV export (``/education/registrations/``)."""

from __future__ import annotations

import csv

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from clearinghouse.accounts import access, routes
from clearinghouse.audit import events
from clearinghouse.education import signup
from clearinghouse.education.forms import RegistrationFilter, SignupForm
from clearinghouse.education.models import TrainingRegistration
from clearinghouse.tipline.views import client_address, page_of, role_required

CSV_COLUMNS = (
    ("registration", "external_id"),
    ("registered_at", "registered_at"),
    ("state", "state_id"),
    ("profession", "profession"),
    ("full_name", "full_name"),
    ("email", "email"),
    ("job_title", "job_title"),
    ("agency", "agency_name"),
)


# -- the public page ---------------------------------------------------------------------


@routes.public
@require_http_methods(["GET", "POST"])
def register(request):
    if request.method == "GET":
        return render(request, "education/signup.html", {"form": SignupForm()})
    client = client_address(request)
    if signup.is_rate_limited(client):
        minutes = signup.RATE_WINDOW // 60
        return render(request, "education/rate_limited.html", {"minutes": minutes}, status=429)
    form = SignupForm(request.POST)
    if not form.is_valid():
        return render(request, "education/signup.html", {"form": form}, status=400)
    signup.register(**form.cleaned_data)
    signup.count_signup(client)
    request.session["training_signup"] = True
    return redirect("training:registered")


@routes.public
@require_GET
@never_cache
def registered(request):
    if not request.session.get("training_signup"):
        return redirect("training:register")
    return render(request, "education/registered.html")


# -- administrators ----------------------------------------------------------------------


def sees_registrations(user) -> bool:
    return access.scope_for(user, TrainingRegistration).reach is not access.Reach.NONE


def _filtered(request) -> tuple[RegistrationFilter, object]:
    filters = RegistrationFilter(request.GET or None)
    registrations = access.visible(request.user, TrainingRegistration).select_related("state")
    return filters, registrations.filter(**filters.lookups()).order_by("-registered_at", "-pk")


@require_GET
@role_required(sees_registrations)
def registration_list(request):
    filters, registrations = _filtered(request)
    status = 400 if filters.is_bound and not filters.is_valid() else 200
    page = page_of(request, registrations)
    events.record(
        "education:registration:listed",
        actor=request.user,
        filters=request.GET.urlencode(),
        page=page.number,
        count=len(page.object_list),
    )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "education/registration_list.html",
        {"page": page, "filters": filters, "query": params.urlencode()},
        status=status,
    )


def _cell(value) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else value.isoformat() if hasattr(value, "isoformat") else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@require_GET
@role_required(sees_registrations)
def registration_export(request):
    filters, registrations = _filtered(request)
    if filters.is_bound and not filters.is_valid():
        # Names the fields only: an error never repeats what the request carried.
        return HttpResponse(
            f"Invalid filter: {', '.join(filters.errors)}.",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="training-registrations.csv"'
    response["Cache-Control"] = "no-store"
    writer = csv.writer(response)
    writer.writerow([name for name, _ in CSV_COLUMNS])
    count = 0
    for registration in registrations.iterator(chunk_size=1000):
        writer.writerow([_cell(getattr(registration, field)) for _, field in CSV_COLUMNS])
        count += 1
    events.record(
        "education:registration:exported",
        actor=request.user,
        filters=request.GET.urlencode(),
        count=count,
    )
    return response
