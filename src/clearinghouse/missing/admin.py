from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget, AdminTextInputWidget

from clearinghouse.accounts.admin_scoping import (
    AuditedChangeViewMixin,
    RecordAdmin,
    ScopedModelAdmin,
    ScopedTabularInline,
)
from clearinghouse.missing.models import (
    MissingCase,
    TeamAdamActivity,
    TeamAdamConsultant,
    TeamAdamDeployment,
)


class MissingCaseForm(forms.ModelForm):
    """The child's identity is encrypted at rest: the model fields are text to the
    database, so the form says what they hold (a name, a date)."""

    child_first_name = forms.CharField(required=False, widget=AdminTextInputWidget)
    child_last_name = forms.CharField(required=False, widget=AdminTextInputWidget)
    child_date_of_birth = forms.DateField(required=False, widget=AdminDateWidget)

    class Meta:
        model = MissingCase
        fields = (
            "external_id",
            "reported_at",
            "state",
            "case_type",
            "status",
            "resolved_at",
            "missing_from_care",
            "reported_by",
            "likely_cst_victim",
            "child_first_name",
            "child_last_name",
            "child_date_of_birth",
            "child_sex",
        )


@admin.register(MissingCase)
class MissingCaseAdmin(AuditedChangeViewMixin, RecordAdmin):
    """The child_* fields are encrypted and support no lookups: they appear on the
    change form only, never in the list, its search or its filters."""

    form = MissingCaseForm
    view_audit_action = "missing:case:viewed"
    list_display = (
        "external_id",
        "reported_at",
        "state",
        "case_type",
        "status",
        "missing_from_care",
        "reported_by",
        "likely_cst_victim",
    )
    list_filter = (
        "status",
        "case_type",
        "reported_by",
        "missing_from_care",
        "likely_cst_victim",
        ("state", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("state",)
    date_hierarchy = "reported_at"
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "external_id",
                    "reported_at",
                    "state",
                    "case_type",
                    "status",
                    "resolved_at",
                )
            },
        ),
        ("Circumstances", {"fields": ("missing_from_care", "reported_by", "likely_cst_victim")}),
        (
            "Child",
            {"fields": ("child_first_name", "child_last_name", "child_date_of_birth", "child_sex")},
        ),
        ("Record", {"fields": ("created_at", "updated_at")}),
    )


class TeamAdamActivityInline(ScopedTabularInline):
    """Activities' notes are encrypted: the inline shows when and what kind only."""

    model = TeamAdamActivity
    fields = ("occurred_on", "kind", "logged_by")
    readonly_fields = ("logged_by",)
    extra = 0


@admin.register(TeamAdamDeployment)
class TeamAdamDeploymentAdmin(RecordAdmin):
    list_display = ("external_id", "case_ref", "state", "status", "deployed_at", "ended_at")
    list_filter = ("status", ("state", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("state",)
    search_fields = ("external_id", "case_ref")
    date_hierarchy = "deployed_at"
    exclude = ("case", "requested_by", "request_reason")
    filter_horizontal = ("consultants",)
    inlines = (TeamAdamActivityInline,)


@admin.register(TeamAdamConsultant)
class TeamAdamConsultantAdmin(ScopedModelAdmin):
    """The consultants Team Adam can deploy (case managers pick them on a request)."""

    list_display = ("name", "home_state", "active")
    list_filter = ("active",)
    search_fields = ("name",)
