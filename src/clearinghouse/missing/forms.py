"""The web forms of the missing-children pages. Each hands a service function plain
values; the rules themselves are in ``cases`` and ``teamadam``."""

from __future__ import annotations

from django import forms

from clearinghouse.accounts.models import Organization
from clearinghouse.geo.models import Jurisdiction
from clearinghouse.missing.models import (
    Companion,
    MissingCase,
    RiskFactor,
    TeamAdamActivity,
    TeamAdamConsultant,
)

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3, "cols": 60})


def _when(**kwargs) -> forms.DateTimeField:
    return forms.DateTimeField(required=False, widget=DATETIME, **kwargs)


class CaseForm(forms.Form):
    case_type = forms.ChoiceField(choices=MissingCase.CaseType.choices)
    state = forms.ModelChoiceField(
        Jurisdiction.objects.order_by("name"), help_text="Where the child went missing."
    )
    reported_by = forms.ChoiceField(choices=MissingCase.ReportedBy.choices)
    reporter_name = forms.CharField(required=False, max_length=200)
    reporter_phone = forms.CharField(required=False, max_length=40)
    child_first_name = forms.CharField(max_length=200)
    child_middle_name = forms.CharField(required=False, max_length=200)
    child_last_name = forms.CharField(max_length=200)
    child_date_of_birth = forms.DateField(required=False, widget=DATE)
    child_sex = forms.ChoiceField(choices=[("", "—"), *MissingCase.Sex.choices], required=False)
    child_race = forms.CharField(required=False, max_length=100)
    child_height = forms.CharField(required=False, max_length=40)
    child_weight = forms.CharField(required=False, max_length=40)
    child_hair = forms.CharField(required=False, max_length=60)
    child_eyes = forms.CharField(required=False, max_length=60)
    child_marks = forms.CharField(required=False, widget=TEXT, max_length=2000)
    last_seen_at = _when()
    last_seen_city = forms.CharField(required=False, max_length=100)
    last_seen_county = forms.CharField(required=False, max_length=100)
    last_seen_zip = forms.CharField(required=False, max_length=10)
    last_seen_place = forms.CharField(required=False, max_length=500)
    circumstances = forms.CharField(required=False, widget=TEXT, max_length=10000)
    missing_from_care = forms.BooleanField(required=False)
    custodial_agency = forms.ModelChoiceField(
        Organization.objects.filter(kind=Organization.Kind.SOCIAL_SERVICE), required=False
    )
    care_missing_known_at = _when(help_text="When the agency learned the child was missing.")
    law_enforcement_notified_at = _when()
    ncic_number = forms.CharField(required=False, max_length=20)
    ncic_abduction_flag = forms.BooleanField(required=False)
    abduction_believed = forms.BooleanField(required=False)
    imminent_danger = forms.BooleanField(required=False)
    vehicle_description = forms.CharField(required=False, widget=TEXT, max_length=2000)
    risk_factors = forms.MultipleChoiceField(
        choices=RiskFactor.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    likely_cst_victim = forms.BooleanField(required=False, label="Likely trafficking victim")
    contact_agency = forms.CharField(required=False, max_length=200)
    contact_phone = forms.CharField(required=False, max_length=40)
    companion_kind = forms.ChoiceField(
        choices=[("", "— none —"), *Companion.Kind.choices], required=False
    )
    companion_relationship = forms.CharField(required=False, max_length=100)
    companion_first_name = forms.CharField(required=False, max_length=200)
    companion_last_name = forms.CharField(required=False, max_length=200)
    companion_sex = forms.ChoiceField(choices=[("", "—"), *MissingCase.Sex.choices], required=False)
    companion_description = forms.CharField(required=False, widget=TEXT, max_length=2000)

    def __init__(self, *args, officer_state=None, **kwargs):
        super().__init__(*args, **kwargs)
        if officer_state is not None:
            self.fields["state"].queryset = Jurisdiction.objects.filter(pk=officer_state)
            self.fields["state"].initial = officer_state

    def case_values(self) -> dict:
        return {
            key: value
            for key, value in self.cleaned_data.items()
            if not key.startswith("companion_")
        }

    def companions(self) -> list[dict]:
        data = self.cleaned_data
        if not data.get("companion_kind"):
            return []
        return [{key: data[f"companion_{key}"] for key in (
            "kind", "relationship", "first_name", "last_name", "sex", "description"
        )}]  # fmt: skip

    @classmethod
    def initial_for(cls, case: MissingCase) -> dict:
        initial = {name: getattr(case, name) for name in cls.base_fields if hasattr(case, name)}
        initial["state"] = case.state_id
        initial["custodial_agency"] = case.custodial_agency_id
        companion = case.companions.first()
        if companion is not None:
            for key in ("kind", "relationship", "first_name", "last_name", "sex", "description"):
                initial[f"companion_{key}"] = getattr(companion, key)
        return initial


class RecoverForm(forms.Form):
    resolved_at = forms.DateTimeField(widget=DATETIME, label="Recovered at")
    city = forms.CharField(max_length=100)
    state = forms.ModelChoiceField(Jurisdiction.objects.order_by("name"))
    condition = forms.ChoiceField(choices=MissingCase.Condition.choices)
    note = forms.CharField(required=False, widget=TEXT, max_length=5000)


class DeceasedForm(forms.Form):
    resolved_at = forms.DateTimeField(widget=DATETIME, label="Located at")
    city = forms.CharField(max_length=100)
    state = forms.ModelChoiceField(Jurisdiction.objects.order_by("name"))
    note = forms.CharField(required=False, widget=TEXT, max_length=5000)


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=TEXT, max_length=5000)


class PhotoForm(forms.Form):
    photo = forms.FileField()


class TeamAdamRequestForm(forms.Form):
    reason = forms.CharField(widget=TEXT, max_length=5000, label="Why on-site help is needed")


class DeployForm(forms.Form):
    consultants = forms.ModelMultipleChoiceField(
        TeamAdamConsultant.objects.filter(active=True), widget=forms.CheckboxSelectMultiple
    )
    deployed_at = forms.DateTimeField(widget=DATETIME)


class CompleteForm(forms.Form):
    ended_at = forms.DateTimeField(widget=DATETIME)


class ActivityForm(forms.Form):
    occurred_on = forms.DateField(widget=DATE)
    kind = forms.ChoiceField(choices=TeamAdamActivity.Kind.choices)
    note = forms.CharField(required=False, widget=TEXT, max_length=5000)
