"""The public sign-up form and the administrators' filter of registrations."""

from __future__ import annotations

from django import forms

from clearinghouse.education.models import TrainingRegistration
from clearinghouse.geo.models import Jurisdiction


def _states():
    return Jurisdiction.objects.order_by("name")


class SignupForm(forms.Form):
    full_name = forms.CharField(
        label="Full name",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="Work email",
        max_length=254,
        help_text="We send your sign-in link here.",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )
    profession = forms.ChoiceField(
        label="Profession",
        choices=[("", "Choose one")] + TrainingRegistration.Profession.choices,
    )
    job_title = forms.CharField(
        label="Job title (optional)",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    agency_name = forms.CharField(
        label="Agency or organization",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    state = forms.ModelChoiceField(
        _states(), label="State or territory where you work", empty_label="Choose one"
    )

    def clean_full_name(self):
        return _one_line(self.cleaned_data["full_name"], "Your name")

    def clean_agency_name(self):
        return _one_line(self.cleaned_data["agency_name"], "The agency's name")

    def clean_job_title(self):
        return _one_line(self.cleaned_data["job_title"], "The job title")


def _one_line(value: str, what: str) -> str:
    if any(ord(character) < 32 for character in value):
        raise forms.ValidationError(f"{what} must be on one line.")
    return value.strip()


class RegistrationFilter(forms.Form):
    state = forms.ModelChoiceField(_states(), required=False, empty_label="Every state")
    profession = forms.ChoiceField(
        choices=[("", "Every profession")] + TrainingRegistration.Profession.choices,
        required=False,
    )
    year = forms.IntegerField(min_value=1990, max_value=9999, required=False)

    def lookups(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        given = {
            "state": data.get("state"),
            "profession": data.get("profession") or None,
            "registered_at__year": data.get("year"),
        }
        return {key: value for key, value in given.items() if value is not None}
