"""Recovery services pages: the engagements a user works on, opening one (case
managers), and an engagement's recovery plan, youth engagement and meeting logs."""

from __future__ import annotations

from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clearinghouse.accounts import access
from clearinghouse.audit import events
from clearinghouse.support import cst, forms
from clearinghouse.support.models import CstEngagement
from clearinghouse.support.services import is_case_manager, works_on_engagements
from clearinghouse.support.views import submit
from clearinghouse.tipline.views import page_of, role_required

SHOW = {"open": Q(closed_at__isnull=True), "closed": Q(closed_at__isnull=False), "all": Q()}


@require_GET
@role_required(works_on_engagements)
def engagement_list(request):
    show = request.GET.get("show", "open")
    show = show if show in SHOW else "open"
    engagements = (
        access.visible(request.user, CstEngagement)
        .filter(SHOW[show])
        .select_related("agency", "agency__jurisdiction")
        .order_by("-engaged_at", "-pk")
    )
    if number := request.GET.get("q", "").strip():
        engagements = engagements.filter(Q(external_id__icontains=number) | Q(case_ref=number))
    return render(
        request,
        "support/engagement_list.html",
        {
            "page": page_of(request, engagements),
            "show": show,
            "q": number,
            "can_open": is_case_manager(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(is_case_manager)
def engagement_new(request):
    def page(form):
        return render(request, "support/engagement_new.html", {"form": form})

    if request.method == "GET":
        return page(forms.OpenEngagementForm(initial={"case_number": request.GET.get("case")}))

    def run(data):
        return cst.open_engagement(
            request.user,
            agency=data["agency"],
            case=cst.find_case(request.user, data["case_number"]),
            engaged_at=data["engaged_at"],
            recovery_plan=data["recovery_plan"],
        )

    return submit(
        request,
        forms.OpenEngagementForm(request.POST),
        run,
        success="The engagement is open.",
        then=lambda engagement: reverse("support:engagement", args=[engagement.pk]),
        page=page,
    )


def _engagement(request, pk) -> CstEngagement:
    visible = access.visible(request.user, CstEngagement).select_related(
        "agency", "agency__jurisdiction"
    )
    return get_object_or_404(visible, pk=pk)


def _detail(request, engagement, **bound):
    """The engagement's page, with ``bound`` forms (the one that failed) in place of
    empty ones."""
    context = {
        "engagement": engagement,
        "case_visible": engagement.case_id is not None
        and access.can_view(request.user, engagement.case),
        "youth_engagements": access.visible(
            request.user, engagement.youth_engagements.select_related("recorded_by")
        ),
        "meetings": access.visible(request.user, engagement.meetings.select_related("recorded_by")),
        "plan_form": forms.RecoveryPlanForm(initial={"recovery_plan": engagement.recovery_plan}),
        "youth_form": forms.YouthEngagementForm(),
        "meeting_form": forms.MeetingForm(),
        "close_form": forms.CloseForm(),
        **bound,
        "failed": next(iter(bound.values()), None),
    }
    return render(request, "support/engagement_detail.html", context)


@require_GET
@role_required(works_on_engagements)
def engagement_detail(request, pk):
    engagement = _engagement(request, pk)
    events.record("support:engagement:viewed", actor=request.user, subject=engagement)
    return _detail(request, engagement)


def _step(request, pk, form_class, form_name, run, success):
    engagement = _engagement(request, pk)
    return submit(
        request,
        form_class(request.POST),
        lambda data: run(engagement, data),
        success=success,
        then=reverse("support:engagement", args=[engagement.pk]),
        page=lambda form: _detail(request, engagement, **{form_name: form}),
    )


@require_POST
@role_required(works_on_engagements)
def recovery_plan(request, pk):
    def run(engagement, data):
        cst.update_recovery_plan(request.user, engagement, data["recovery_plan"])

    return _step(
        request, pk, forms.RecoveryPlanForm, "plan_form", run, "The recovery plan is saved."
    )


@require_POST
@role_required(works_on_engagements)
def youth_engagement(request, pk):
    def run(engagement, data):
        cst.log_youth_engagement(
            request.user,
            engagement,
            occurred_at=data["occurred_at"],
            method=data["method"],
            notes=data["notes"],
        )

    return _step(
        request, pk, forms.YouthEngagementForm, "youth_form", run, "The engagement is logged."
    )


@require_POST
@role_required(works_on_engagements)
def meeting(request, pk):
    def run(engagement, data):
        cst.log_meeting(
            request.user,
            engagement,
            held_at=data["held_at"],
            attendees=data["attendees"],
            decisions=data["decisions"],
        )

    return _step(request, pk, forms.MeetingForm, "meeting_form", run, "The meeting is logged.")


@require_POST
@role_required(works_on_engagements)
def close(request, pk):
    def run(engagement, data):
        cst.close_engagement(request.user, engagement, note=data["note"])

    return _step(request, pk, forms.CloseForm, "close_form", run, "The engagement is closed.")
