"""Forms of the tipline's pages: the public report form and the small forms of triage
and the portal. Validation messages are written for the person filling the form in."""

from __future__ import annotations

import datetime

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone

from clearinghouse.geo.models import Jurisdiction
from clearinghouse.tipline.models import IncidentType, TiplineReport

MAX_FILES = 3
MAX_FILE_BYTES = 10 * 1024 * 1024
ZIP_CODE = RegexValidator(r"^\d{5}(-\d{4})?$", "Enter a ZIP code such as 72201 or 72201-1234.")
PHONE = RegexValidator(
    r"^\+?[\d\s().-]{7,20}$", "Enter a phone number using digits, spaces, dashes or brackets."
)


def _states():
    return [("", "Not known")] + [(j.code, j.name) for j in Jurisdiction.objects.order_by("name")]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Up to ``MAX_FILES`` files of at most ``MAX_FILE_BYTES`` each."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(f"Attach at most {MAX_FILES} files.")
        for file in files:
            if file.size > MAX_FILE_BYTES:
                raise forms.ValidationError(
                    f"Each file must be at most {MAX_FILE_BYTES // (1024 * 1024)} MB."
                )
            if file.size == 0:
                raise forms.ValidationError("A file you attached is empty.")
        return files


# The national form's sections, in order: (legend, help, field names).
SECTIONS = (
    ("What happened", "", ("incident_type", "incident_date", "incident_time", "description")),
    ("Where it happened online", "Any that you know.", ("url", "online_username", "platform")),
    ("The child", "Leave blank what you do not know.", ("child_name", "child_age", "child_sex")),
    (
        "The suspect",
        "Where the suspect lives or was seen helps us send this to the right police.",
        (
            "suspect_name",
            "suspect_username",
            "suspect_email",
            "suspect_phone",
            "suspect_city",
            "suspect_state",
            "suspect_zip_code",
        ),
    ),
    (
        "How to reach you (optional)",
        "You may report anonymously. If you leave contact details, an analyst may call you.",
        ("reporter_name", "reporter_email", "reporter_phone"),
    ),
    ("Files (optional)", "Screenshots or other files: up to 3, 10 MB each.", ("files",)),
)


class PublicReportForm(forms.Form):
    incident_type = forms.ChoiceField(
        label="Type of incident", choices=[("", "Choose one")] + list(IncidentType.choices)
    )
    incident_date = forms.DateField(
        label="Date it happened",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the date as YYYY-MM-DD."},
    )
    incident_time = forms.TimeField(
        label="Time (if known)",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        error_messages={"invalid": "Enter the time as HH:MM."},
    )
    description = forms.CharField(
        label="Describe what happened", max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    url = forms.URLField(
        label="Web address (URL)", required=False, max_length=2000, assume_scheme="https"
    )
    online_username = forms.CharField(
        label="Username or screen name", required=False, max_length=200
    )
    platform = forms.CharField(label="App, website or game", required=False, max_length=200)
    child_name = forms.CharField(label="Child's name", required=False, max_length=200)
    child_age = forms.IntegerField(
        label="Child's age (approximate)",
        required=False,
        min_value=0,
        max_value=17,
        error_messages={"max_value": "A child is 17 or younger; leave blank if unsure."},
    )
    child_sex = forms.ChoiceField(
        label="Child's sex",
        required=False,
        choices=[("", "Not known"), ("female", "Female"), ("male", "Male")],
    )
    suspect_name = forms.CharField(label="Suspect's name", required=False, max_length=200)
    suspect_username = forms.CharField(label="Suspect's username", required=False, max_length=200)
    suspect_email = forms.EmailField(label="Suspect's email address", required=False)
    suspect_phone = forms.CharField(
        label="Suspect's phone number", required=False, max_length=30, validators=[PHONE]
    )
    suspect_city = forms.CharField(label="Suspect's city", required=False, max_length=100)
    suspect_state = forms.ChoiceField(label="Suspect's state", required=False)
    suspect_zip_code = forms.CharField(
        label="Suspect's ZIP code", required=False, max_length=10, validators=[ZIP_CODE]
    )
    reporter_name = forms.CharField(label="Your name", required=False, max_length=200)
    reporter_email = forms.EmailField(label="Your email address", required=False)
    reporter_phone = forms.CharField(
        label="Your phone number", required=False, max_length=30, validators=[PHONE]
    )
    files = MultipleFileField(label="Files", required=False)

    def __init__(self, *args, files_accepted: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["suspect_state"].choices = _states()
        if not files_accepted:
            del self.fields["files"]

    def sections(self):
        """(legend, help, bound fields) for each section of the form."""
        return [
            (legend, help_text, [self[name] for name in names if name in self.fields])
            for legend, help_text, names in SECTIONS
            if any(name in self.fields for name in names)
        ]

    def full_clean(self):
        """Ties each field's error message to the field for screen readers."""
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}_error"

    def clean_incident_date(self):
        value = self.cleaned_data["incident_date"]
        if value > timezone.localdate() + datetime.timedelta(days=1):
            raise forms.ValidationError("The date cannot be in the future.")
        return value

    def incident_at(self) -> datetime.datetime:
        time = self.cleaned_data.get("incident_time") or datetime.time(0, 0)
        return datetime.datetime.combine(
            self.cleaned_data["incident_date"], time, tzinfo=datetime.UTC
        )


class JurisdictionForm(forms.Form):
    state = forms.ChoiceField(label="Jurisdiction")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = _states()[1:]


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label="Assign to", queryset=None, empty_label=None)

    def __init__(self, *args, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = colleagues


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label="Outcome", choices=TiplineReport.Outcome.choices)
