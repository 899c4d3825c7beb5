"""Family Advocacy Outreach Network pages (case managers): the provider directory, and
referring a family, recording the connection or closing the referral."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clearinghouse.accounts import access
from clearinghouse.support import faon, forms
from clearinghouse.support.models import Family, MentalHealthProvider, MentalHealthReferral
from clearinghouse.support.services import is_case_manager
from clearinghouse.support.views import submit
from clearinghouse.support.views.hope import find_family, item_form, on_family
from clearinghouse.tipline.views import page_of, role_required


@require_GET
@role_required(is_case_manager)
def provider_list(request):
    filters = forms.DirectoryFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    providers = access.visible(
        request.user,
        faon.directory(
            state=chosen.get("state") and chosen["state"].code,
            free=chosen.get("free", False),
            sliding_scale=chosen.get("sliding_scale", False),
        ),
    ).order_by("state", "name")
    return render(
        request,
        "support/provider_list.html",
        {"page": page_of(request, providers), "filters": filters, "query": request.GET.urlencode()},
    )


def _provider_form(request, provider: MentalHealthProvider):
    def page(form):
        return render(request, "support/provider_form.html", {"form": form, "provider": provider})

    if request.method == "GET":
        return page(forms.ProviderForm(instance=provider))
    return submit(
        request,
        forms.ProviderForm(request.POST, instance=provider),
        lambda data: faon.save_provider(request.user, provider, **data),
        success="The directory is saved.",
        then=reverse("support:providers"),
        page=page,
    )


@require_http_methods(["GET", "POST"])
@role_required(is_case_manager)
def provider_new(request):
    return _provider_form(request, MentalHealthProvider())


@require_http_methods(["GET", "POST"])
@role_required(is_case_manager)
def provider_edit(request, pk):
    provider = get_object_or_404(access.visible(request.user, MentalHealthProvider), pk=pk)
    return _provider_form(request, provider)


@require_POST
@role_required(is_case_manager)
def family_refer(request, pk):
    family = find_family(request, pk)

    def run(data):
        return faon.refer(
            request.user,
            family,
            data["provider"],
            referred_at=data["referred_at"],
            notes=data["notes"],
        )

    form = forms.ReferralForm(request.POST, state=family.state_id)
    return on_family(request, family, form, run, "The referral is made.", "referral")


def _referral(request, pk) -> tuple[MentalHealthReferral, Family]:
    referral = get_object_or_404(access.visible(request.user, MentalHealthReferral), pk=pk)
    family = get_object_or_404(access.visible(request.user, Family), external_id=referral.family_id)
    return referral, family


@require_POST
@role_required(is_case_manager)
def referral_connected(request, pk):
    referral, family = _referral(request, pk)

    def run(data):
        faon.record_connection(request.user, referral, connected_at=data["connected_at"])

    slot = ("connect", referral.pk)
    form = item_form(forms.ConnectionForm, slot, request.POST)
    return on_family(request, family, form, run, "The family is connected.", slot)


@require_POST
@role_required(is_case_manager)
def referral_close(request, pk):
    referral, family = _referral(request, pk)

    def run(data):
        faon.close_referral(request.user, referral, note=data["note"])

    slot = ("close", referral.pk)
    form = item_form(forms.CloseForm, slot, request.POST)
    return on_family(request, family, form, run, "The referral is closed.", slot)
