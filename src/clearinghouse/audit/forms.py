"""The filter of the audit viewer (``/audit/``)."""

from __future__ import annotations

from django import forms

from clearinghouse.audit.events import ACTIONS


class AuditFilter(forms.Form):
    actor = forms.CharField(label="Actor (username)", max_length=150, required=False)
    action = forms.ChoiceField(
        choices=[("", "Every action")] + [(action, action) for action in sorted(ACTIONS)],
        required=False,
        # Django's own message repeats the value given; an error page never echoes input.
        error_messages={"invalid_choice": "Choose an action from the list."},
    )
    subject_type = forms.CharField(
        label="Subject type", max_length=100, required=False, help_text="e.g. tipline.tiplinereport"
    )
    subject_id = forms.CharField(label="Subject id", max_length=200, required=False)
    since = forms.DateField(
        label="From (UTC)", required=False, widget=forms.DateInput({"type": "date"})
    )
    until = forms.DateField(
        label="To (UTC)", required=False, widget=forms.DateInput({"type": "date"})
    )

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise forms.ValidationError("The start date is after the end date.")
        return data

    def lookups(self) -> dict:
        """The queryset filter of the valid fields (an invalid filter selects nothing)."""
        if not self.is_valid():
            return {"pk__in": []} if self.is_bound else {}
        data = self.cleaned_data
        given = {
            "actor__username": data.get("actor") or None,
            "action": data.get("action") or None,
            "subject_type": (data.get("subject_type") or "").strip().lower() or None,
            "subject_id": (data.get("subject_id") or "").strip() or None,
            "at__date__gte": data.get("since"),
            "at__date__lte": data.get("until"),
        }
        return {key: value for key, value in given.items() if value is not None}

    def described(self) -> dict:
        """The filter as the audit event about its use records it: what was asked for,
        as text."""
        if not self.is_valid():
            return {}
        return {key: str(value) for key, value in self.cleaned_data.items() if value}
