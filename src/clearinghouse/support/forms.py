"""Forms of the recovery services and family support pages. They check the shape of what
was typed; the workflows (``cst``, ``hope``, ``faon``) check the rules."""

from __future__ import annotations

import functools

from django import forms

from clearinghouse.geo.models import Jurisdiction
from clearinghouse.support import cst
from clearinghouse.support.models import (
    ContactMethod,
    Family,
    MentalHealthProvider,
    Volunteer,
)

TEXT_LIMIT = 10_000


def when(label: str, *, required: bool = False, help_text: str = "") -> forms.DateTimeField:
    """A date and time, typed in UTC; left blank it means now."""
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text or "UTC. Leave blank for now.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


def text(label: str, *, required: bool = True, limit: int = TEXT_LIMIT, rows: int = 4):
    return forms.CharField(
        label=label,
        required=required,
        max_length=limit,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def state_field(label: str = "State") -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        Jurisdiction.objects.order_by("name"), label=label, empty_label="Choose a state"
    )


# -- recovery services -------------------------------------------------------------------


class OpenEngagementForm(forms.Form):
    case_number = forms.CharField(label="Missing case number", max_length=200)
    agency = forms.ModelChoiceField(
        cst.social_service_agencies(), label="Social service agency", empty_label="Choose one"
    )
    engaged_at = when("Engaged on")
    recovery_plan = text("Recovery plan (optional)", required=False)


class RecoveryPlanForm(forms.Form):
    recovery_plan = text("Recovery plan", rows=8)


class YouthEngagementForm(forms.Form):
    occurred_at = when("When")
    method = forms.ChoiceField(label="How", choices=ContactMethod.choices)
    notes = text("Notes", required=False)


class MeetingForm(forms.Form):
    held_at = when("Held on")
    attendees = text("Who attended (names and roles)", limit=2_000, rows=3)
    decisions = text("Decisions and next steps", required=False)


class CloseForm(forms.Form):
    note = text("Why it ends", limit=2_000, rows=3)


# -- Team HOPE ---------------------------------------------------------------------------


class FamilyForm(forms.Form):
    kind = forms.ChoiceField(label="Who", choices=Family.Kind.choices)
    display_name = forms.CharField(label="Name", max_length=200)
    state = state_field()
    contact = forms.CharField(label="Contact details", max_length=500, required=False)
    case_number = forms.CharField(
        label="Missing case number (optional)", max_length=200, required=False
    )
    notes = text("Notes", required=False)


class VolunteerForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200)
    contact = forms.CharField(label="Contact details", max_length=500, required=False)
    state = state_field()
    training_status = forms.ChoiceField(label="Training", choices=Volunteer.Training.choices)
    trained_on = forms.DateField(
        label="Training completed on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class VolunteerTrainingForm(forms.Form):
    training_status = forms.ChoiceField(label="Training", choices=Volunteer.Training.choices)
    trained_on = forms.DateField(
        label="Training completed on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    active = forms.BooleanField(label="Active", required=False)


class MatchForm(forms.Form):
    volunteer = forms.ModelChoiceField(
        Volunteer.objects.filter(active=True, training_status=Volunteer.Training.TRAINED),
        label="Volunteer",
        empty_label="Choose a trained volunteer",
        error_messages={"invalid_choice": "Choose an active volunteer who has completed training."},
    )
    matched_at = when("Matched on")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].label_from_instance = lambda volunteer: (
            f"{volunteer.name} ({volunteer.state_id})"
        )


class EndMatchForm(forms.Form):
    """Nothing to fill in: the button says it all."""


class ContactForm(forms.Form):
    supported_at = when("When")
    method = forms.ChoiceField(label="How", choices=ContactMethod.choices)
    notes = text("Notes", required=False, rows=3)


# -- FAON --------------------------------------------------------------------------------


class ProviderForm(forms.ModelForm):
    class Meta:
        model = MentalHealthProvider
        fields = [
            "name",
            "state",
            "city",
            "phone",
            "website",
            "services",
            "offers_free_services",
            "offers_sliding_scale",
            "accepting_referrals",
        ]
        field_classes = {"website": functools.partial(forms.URLField, assume_scheme="https")}
        labels = {
            "offers_free_services": "Offers free services",
            "offers_sliding_scale": "Offers sliding-scale fees",
        }

    def validate_unique(self):
        """The workflow says so, in its own words (``faon.save_provider``)."""


class DirectoryFilterForm(forms.Form):
    state = forms.ModelChoiceField(
        Jurisdiction.objects.order_by("name"), required=False, empty_label="Every state"
    )
    free = forms.BooleanField(label="Free", required=False)
    sliding_scale = forms.BooleanField(label="Sliding scale", required=False)


class ReferralForm(forms.Form):
    provider = forms.ModelChoiceField(
        MentalHealthProvider.objects.filter(accepting_referrals=True).select_related("state"),
        label="Provider",
        empty_label="Choose a provider",
        error_messages={
            "invalid_choice": "Choose a provider of the family's state that accepts referrals."
        },
    )
    referred_at = when("Referred on")
    notes = text("Notes", required=False, rows=3)

    def __init__(self, *args, state: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if state:
            field = self.fields["provider"]
            field.queryset = field.queryset.filter(state=state)
        self.fields["provider"].label_from_instance = _provider_label


def _provider_label(provider: MentalHealthProvider) -> str:
    costs = [
        name
        for name, offered in (
            ("free", provider.offers_free_services),
            ("sliding scale", provider.offers_sliding_scale),
        )
        if offered
    ]
    return f"{provider.name}, {provider.city or provider.state_id}" + (
        f" ({', '.join(costs)})" if costs else ""
    )


class ConnectionForm(forms.Form):
    connected_at = when("Connected on")
