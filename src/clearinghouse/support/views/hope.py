"""Team HOPE pages (case managers): families and survivors, a family's matches, contacts
and referrals, and the volunteers with their training."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clearinghouse.accounts import access
from clearinghouse.audit import events
from clearinghouse.support import cst, forms, hope
from clearinghouse.support.models import Family, MentalHealthReferral, PeerMatch, Volunteer
from clearinghouse.support.services import is_case_manager
from clearinghouse.support.views import submit
from clearinghouse.tipline.views import page_of, role_required

# -- families ----------------------------------------------------------------------------


@require_GET
@role_required(is_case_manager)
def family_list(request):
    families = access.visible(request.user, Family).select_related("state").order_by("-pk")
    if state := request.GET.get("state", "").strip().upper():
        families = families.filter(state=state)
    if number := request.GET.get("q", "").strip():
        families = families.filter(external_id__icontains=number)
    page = page_of(request, families)
    events.record(
        "support:family:listed", actor=request.user, page=page.number, count=len(page.object_list)
    )
    return render(request, "support/family_list.html", {"page": page, "q": number, "state": state})


@require_http_methods(["GET", "POST"])
@role_required(is_case_manager)
def family_new(request):
    def page(form):
        return render(request, "support/family_new.html", {"form": form})

    if request.method == "GET":
        return page(forms.FamilyForm())

    def run(data):
        number = data["case_number"]
        return hope.create_family(
            request.user,
            kind=data["kind"],
            display_name=data["display_name"],
            state=data["state"],
            contact=data["contact"],
            notes=data["notes"],
            case=cst.find_case(request.user, number) if number else None,
        )

    return submit(
        request,
        forms.FamilyForm(request.POST),
        run,
        success="The family is added.",
        then=lambda family: reverse("support:family", args=[family.pk]),
        page=page,
    )


def find_family(request, pk) -> Family:
    return get_object_or_404(access.visible(request.user, Family).select_related("state"), pk=pk)


def item_form(form_class, slot: tuple[str, int], data=None):
    """A form of one item of a family's page (a match, a referral): its own ids, so the
    page's labels stay unique."""
    return form_class(data, auto_id=f"id_{slot[0]}{slot[1]}_%s")


def _family_page(request, family, failed: dict | None = None):
    """The family's page; ``failed`` maps a form's slot to the bound form that failed."""
    failed = failed or {}
    matches = access.visible(request.user, family.matches.select_related("volunteer"))
    matches = list(matches.prefetch_related("contacts"))
    for peer_match in matches:
        slot = ("contact", peer_match.pk)
        peer_match.contact_form = failed.get(slot) or item_form(forms.ContactForm, slot)
        peer_match.end_form = failed.get(("end", peer_match.pk))
    referrals = access.visible(
        request.user,
        MentalHealthReferral.objects.filter(family_id=family.external_id).select_related(
            "provider"
        ),
    ).order_by("-pk")
    referrals = list(referrals)
    for referral in referrals:
        for name, form_class in (("connect", forms.ConnectionForm), ("close", forms.CloseForm)):
            slot = (name, referral.pk)
            setattr(referral, f"{name}_form", failed.get(slot) or item_form(form_class, slot))
    context = {
        "family": family,
        "matches": matches,
        "referrals": referrals,
        "match_form": failed.get("match") or forms.MatchForm(),
        "referral_form": failed.get("referral") or forms.ReferralForm(state=family.state_id),
        "failed": next(iter(failed.values()), None),
    }
    return render(request, "support/family_detail.html", context)


@require_GET
@role_required(is_case_manager)
def family_detail(request, pk):
    family = find_family(request, pk)
    events.record("support:family:viewed", actor=request.user, subject=family)
    return _family_page(request, family)


def on_family(request, family, form, run, success, slot):
    """Submits ``form`` of the family's page; a failure shows the page again with that
    form (in ``slot``) and its errors."""
    return submit(
        request,
        form,
        run,
        success=success,
        then=reverse("support:family", args=[family.pk]),
        page=lambda bound: _family_page(request, family, {slot: bound}),
    )


@require_POST
@role_required(is_case_manager)
def family_match(request, pk):
    family = find_family(request, pk)

    def run(data):
        return hope.match(request.user, family, data["volunteer"], matched_at=data["matched_at"])

    form = forms.MatchForm(request.POST)
    return on_family(request, family, form, run, "The family is matched.", "match")


def _match(request, pk) -> PeerMatch:
    visible = access.visible(request.user, PeerMatch).select_related("family", "volunteer")
    return get_object_or_404(visible, pk=pk)


@require_POST
@role_required(is_case_manager)
def match_contact(request, pk):
    peer_match = _match(request, pk)

    def run(data):
        return hope.log_contact(
            request.user,
            peer_match,
            supported_at=data["supported_at"],
            method=data["method"],
            notes=data["notes"],
        )

    slot = ("contact", peer_match.pk)
    form = item_form(forms.ContactForm, slot, request.POST)
    return on_family(request, peer_match.family, form, run, "The contact is logged.", slot)


@require_POST
@role_required(is_case_manager)
def match_end(request, pk):
    peer_match = _match(request, pk)
    form = forms.EndMatchForm(request.POST)
    return on_family(
        request,
        peer_match.family,
        form,
        lambda data: hope.end_match(request.user, peer_match),
        "The match has ended.",
        ("end", peer_match.pk),
    )


# -- volunteers --------------------------------------------------------------------------


def _volunteer_page(request, form=None, training_form=None):
    volunteers = access.visible(request.user, Volunteer).select_related("state")
    if state := request.GET.get("state", "").strip().upper():
        volunteers = volunteers.filter(state=state)
    page = page_of(request, volunteers.order_by("state", "pk"))
    events.record("support:volunteer:listed", actor=request.user, page=page.number, count=len(page))
    return render(
        request,
        "support/volunteer_list.html",
        {
            "page": page,
            "state": state,
            "form": form or forms.VolunteerForm(),
            "training_form": training_form,
            "training_choices": Volunteer.Training.choices,
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(is_case_manager)
def volunteer_list(request):
    if request.method == "GET":
        return _volunteer_page(request)

    def run(data):
        return hope.create_volunteer(request.user, **data)

    return submit(
        request,
        forms.VolunteerForm(request.POST),
        run,
        success="The volunteer is added.",
        then=reverse("support:volunteers"),
        page=lambda form: _volunteer_page(request, form),
    )


@require_POST
@role_required(is_case_manager)
def volunteer_training(request, pk):
    volunteer = get_object_or_404(access.visible(request.user, Volunteer), pk=pk)

    def run(data):
        hope.update_volunteer(request.user, volunteer, **data)

    return submit(
        request,
        forms.VolunteerTrainingForm(request.POST),
        run,
        success="The volunteer's training is saved.",
        then=reverse("support:volunteers"),
        page=lambda form: _volunteer_page(request, training_form=form),
    )
