"""The missing-children pages under ``/missing/``: the dashboard, intake, a case with
its AMBER panel, poster and Team Adam work, and the lifecycle actions.

Thin on purpose: each view finds the case through ``access.visible`` (another
jurisdiction's case is a 404 for an officer), calls a service and renders. Viewing a
case, a photo or a poster is audited.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clearinghouse.accounts import access
from clearinghouse.audit import events
from clearinghouse.media import vault
from clearinghouse.missing import amber, cases, posters, teamadam
from clearinghouse.missing.forms import (
    ActivityForm,
    CaseForm,
    CompleteForm,
    DeceasedForm,
    DeployForm,
    PhotoForm,
    ReasonForm,
    RecoverForm,
    TeamAdamRequestForm,
)
from clearinghouse.missing.models import CasePhoto, MissingCase
from clearinghouse.posterapi import publishing
from clearinghouse.tipline.views import role_required

works_cases = role_required(cases.works_cases)
MAX_PHOTO_BYTES = publishing.MAX_PHOTO_BYTES
PHOTO_TYPES = publishing.PHOTO_TYPES


def _officer_state(user):
    return user.organization.jurisdiction_id if cases.is_officer(user) else None


def _case(request, pk) -> MissingCase:
    return get_object_or_404(cases.cases_for(request.user), pk=pk)


def _form_errors(request, form_or_error) -> None:
    errors = getattr(form_or_error, "errors", {})
    for field, problems in errors.items():
        text = problems if isinstance(problems, str) else " ".join(problems)
        messages.error(request, f"{field.replace('_', ' ')}: {text}" if field else text)


@require_GET
@works_cases
def dashboard(request):
    state = request.GET.get("state", "").upper() or None
    board = cases.dashboard(request.user, state=state)
    return render(
        request,
        "missing/dashboard.html",
        {
            **board,
            "open_page": Paginator(board["open_cases"], 50).get_page(request.GET.get("page")),
            "state": state or "",
            "officer_state": _officer_state(request.user),
        },
    )


@require_GET
@works_cases
def case_list(request):
    status = request.GET.get("status", "")
    found = cases.cases_for(request.user).order_by("-reported_at")
    if status in MissingCase.Status.values:
        found = found.filter(status=status)
    if number := request.GET.get("q", "").strip():
        found = found.filter(external_id__icontains=number)
    return render(
        request,
        "missing/case_list.html",
        {
            "page": Paginator(found, 50).get_page(request.GET.get("page")),
            "status": status,
            "q": number,
            "statuses": MissingCase.Status.choices,
        },
    )


@require_http_methods(["GET", "POST"])
@works_cases
def new_case(request):
    form = CaseForm(request.POST or None, officer_state=_officer_state(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            result = cases.intake(form.case_values(), request.user, companions=form.companions())
        except cases.CaseError as problem:
            for field, text in problem.errors.items():
                form.add_error(field if field in form.fields else None, text)
        else:
            messages.success(request, f"Case {result.case.external_id} opened.")
            if result.duplicate_of:
                messages.warning(request, _duplicate_message(request.user, result.duplicate_of))
            if result.previous_episode and access.can_view(request.user, result.previous_episode):
                messages.info(
                    request,
                    f"Linked to the child's earlier episode {result.previous_episode.external_id}.",
                )
            return redirect("missing:case", pk=result.case.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "missing/case_form.html", {"form": form, "case": None}, status=status)


def _duplicate_message(user, duplicate: MissingCase) -> str:
    """Names the earlier case only to somebody who may see it."""
    if access.can_view(user, duplicate):
        return (
            f"This looks like case {duplicate.external_id} (same date of birth, a similar "
            "name): check whether it is the same child."
        )
    return "This looks like a child already reported: the clearinghouse will check."


@require_http_methods(["GET", "POST"])
@works_cases
def edit_case(request, pk):
    case = _case(request, pk)
    if request.method == "GET":  # the form shows the whole case
        events.record("missing:case:viewed", actor=request.user, subject=case, via="edit")
    initial = CaseForm.initial_for(case)
    form = CaseForm(
        request.POST or None, initial=initial, officer_state=_officer_state(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            cases.update(case, form.case_values(), request.user, companions=form.companions())
        except cases.CaseError as problem:
            for field, text in problem.errors.items():
                form.add_error(field if field in form.fields else None, text)
        else:
            messages.success(request, "Case updated.")
            return redirect("missing:case", pk=case.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "missing/case_form.html", {"form": form, "case": case}, status=status)


@require_GET
@works_cases
def case_detail(request, pk):
    case = _case(request, pk)
    events.record("missing:case:viewed", actor=request.user, subject=case, via="missing")
    visible = cases.cases_for(request.user)
    return render(
        request,
        "missing/case_detail.html",
        {
            "case": case,
            "deadline": cases.care_deadline(case),
            "amber": amber.criteria(case),
            "companions": case.companions.all(),
            "photos": access.visible(request.user, CasePhoto).filter(case=case),
            "poster": publishing.poster_of(case),
            "episodes": visible.filter(pk__in=_episode_ids(case)).order_by("reported_at"),
            "duplicate_of": visible.filter(pk=case.possible_duplicate_of_id).first(),
            "deployments": case.team_adam_deployments.prefetch_related(
                "consultants", "activities"
            ).order_by("-pk"),
            "manages_deployments": teamadam.manages_deployments(request.user),
            "recover_form": RecoverForm(initial={"state": case.state_id}),
            "deceased_form": DeceasedForm(initial={"state": case.state_id}),
            "reason_form": ReasonForm(),
            "photo_form": PhotoForm(),
            "adam_request_form": TeamAdamRequestForm(),
            "deploy_form": DeployForm(),
            "complete_form": CompleteForm(),
            "activity_form": ActivityForm(),
        },
    )


def _episode_ids(case: MissingCase) -> set[int]:
    """Every episode of the same child, earlier and later, through the links."""
    seen, pending = set(), {case.pk}
    while pending:
        seen |= pending
        linked = MissingCase.objects.filter(pk__in=pending).values_list(
            "previous_episode", flat=True
        )
        later = MissingCase.objects.filter(previous_episode__in=pending).values_list(
            "pk", flat=True
        )
        pending = {pk for pk in (*linked, *later) if pk is not None} - seen
    return seen - {case.pk}


# -- the lifecycle ---------------------------------------------------------------------


def _transition(request, pk, form_class, act, success: str):
    case = _case(request, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("missing:case", pk=case.pk)
    try:
        act(case, form.cleaned_data)
        messages.success(request, success)
    except cases.CaseError as problem:
        _form_errors(request, problem)
    return redirect("missing:case", pk=case.pk)


@require_POST
@works_cases
def recover(request, pk):
    def act(case, data):
        cases.recover(
            case, request.user, when=data["resolved_at"], city=data["city"],
            state=data["state"], condition=data["condition"], note=data["note"],
        )  # fmt: skip

    return _transition(request, pk, RecoverForm, act, "Recorded as recovered.")


@require_POST
@works_cases
def located_deceased(request, pk):
    def act(case, data):
        cases.locate_deceased(
            case, request.user, when=data["resolved_at"], city=data["city"],
            state=data["state"], note=data["note"],
        )  # fmt: skip

    return _transition(request, pk, DeceasedForm, act, "Recorded as located deceased.")


@require_POST
@works_cases
def close(request, pk):
    return _transition(
        request, pk, ReasonForm,
        lambda case, data: cases.close(case, request.user, reason=data["reason"]), "Closed.",
    )  # fmt: skip


@require_POST
@works_cases
def reopen(request, pk):
    return _transition(
        request, pk, ReasonForm,
        lambda case, data: cases.reopen(case, request.user, reason=data["reason"]), "Reopened.",
    )  # fmt: skip


# -- photos and the poster -------------------------------------------------------------


@require_POST
@works_cases
def add_photo(request, pk):
    case = _case(request, pk)
    form = PhotoForm(request.POST, request.FILES)
    upload = request.FILES.get("photo")
    if not form.is_valid() or upload is None:
        messages.error(request, "Choose a photo to upload.")
    elif upload.size > MAX_PHOTO_BYTES:
        messages.error(request, "A photo may be at most 10 MB.")
    else:
        with transaction.atomic():
            blob = vault.put(upload, declared_name=upload.name, max_bytes=MAX_PHOTO_BYTES)
            if blob.media_type not in PHOTO_TYPES:
                transaction.set_rollback(True)
                messages.error(request, "A photo must be a JPEG, PNG, GIF or WebP image.")
                return redirect("missing:case", pk=case.pk)
            CasePhoto.objects.create(case=case, blob=blob, file_name=upload.name[:200])
            events.record("missing:photo:added", actor=request.user, subject=case)
            publishing.refresh(case)
        messages.success(request, "Photo added.")
    return redirect("missing:case", pk=case.pk)


@require_GET
@works_cases
def photo(request, pk):
    found = get_object_or_404(
        access.visible(request.user, CasePhoto).select_related("blob", "case"), pk=pk
    )
    events.record("missing:photo:viewed", actor=request.user, subject=found.case, photo=found.pk)
    response = HttpResponse(vault.read(found.blob), content_type=found.blob.media_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@works_cases
def publish_poster(request, pk):
    case = _case(request, pk)
    try:
        publishing.publish(case, request.user)
        messages.success(request, "Poster published.")
    except publishing.PosterError as problem:
        messages.error(request, str(problem))
    return redirect("missing:case", pk=case.pk)


@require_POST
@works_cases
def withdraw_poster(request, pk):
    case = _case(request, pk)
    try:
        publishing.withdraw(case, request.user)
        messages.success(request, "Poster withdrawn.")
    except publishing.PosterError as problem:
        messages.error(request, str(problem))
    return redirect("missing:case", pk=case.pk)


@require_GET
@works_cases
def poster_pdf(request, pk, language):
    case = _case(request, pk)
    if language not in posters.LANGUAGES:
        return HttpResponse("Posters are in English (en) or Spanish (es).", status=404)
    poster = publishing.poster_of(case)
    if poster is None or not poster.is_published:
        return HttpResponse("This case has no published poster.", status=404)
    events.record("missing:poster:viewed", actor=request.user, subject=case, language=language)
    response = HttpResponse(posters.render(poster, language), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="poster-{case.external_id}-{language}.pdf"'
    return response


# -- Team Adam -------------------------------------------------------------------------


@require_POST
@works_cases
def request_team_adam(request, pk):
    return _transition(
        request, pk, TeamAdamRequestForm,
        lambda case, data: teamadam.request(case, request.user, reason=data["reason"]),
        "Team Adam requested.",
    )  # fmt: skip


def _deployment_action(request, pk, form_class, act, success: str):
    deployment = get_object_or_404(
        access.visible(request.user, teamadam.TeamAdamDeployment).filter(case__isnull=False),
        pk=pk,
    )
    case = get_object_or_404(cases.cases_for(request.user), pk=deployment.case_id)
    form = form_class(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            act(deployment, form.cleaned_data)
            messages.success(request, success)
        except cases.CaseError as problem:
            _form_errors(request, problem)
    return redirect("missing:case", pk=case.pk)


manages_deployments = role_required(teamadam.manages_deployments)


@require_POST
@manages_deployments
def deploy_team_adam(request, pk):
    return _deployment_action(
        request, pk, DeployForm,
        lambda d, data: teamadam.deploy(
            d, request.user, consultants=data["consultants"], deployed_at=data["deployed_at"]
        ),
        "Team Adam deployed.",
    )  # fmt: skip


@require_POST
@manages_deployments
def decline_team_adam(request, pk):
    return _deployment_action(
        request, pk, ReasonForm,
        lambda d, data: teamadam.decline(d, request.user, reason=data["reason"]),
        "Request declined.",
    )  # fmt: skip


@require_POST
@manages_deployments
def complete_team_adam(request, pk):
    return _deployment_action(
        request, pk, CompleteForm,
        lambda d, data: teamadam.complete(d, request.user, ended_at=data["ended_at"]),
        "Deployment completed.",
    )  # fmt: skip


@require_POST
@works_cases
def log_team_adam_activity(request, pk):
    return _deployment_action(
        request, pk, ActivityForm,
        lambda d, data: teamadam.log_activity(
            d, request.user, occurred_on=data["occurred_on"], kind=data["kind"], note=data["note"]
        ),
        "Activity logged.",
    )  # fmt: skip
