from django.contrib import admin

from clearinghouse.accounts.admin_scoping import RecordAdmin
from clearinghouse.victimid.models import CvipSubmission, IdentifiedChild


@admin.register(CvipSubmission)
class CvipSubmissionAdmin(RecordAdmin):
    list_display = (
        "external_id", "received_at", "agency", "file_count", "processed_at", "reviewed_at",
    )  # fmt: skip
    list_filter = (("agency", admin.RelatedOnlyFieldListFilter), "kind", "channel")
    list_select_related = ("agency",)
    search_fields = ("external_id", "agency__name")
    date_hierarchy = "received_at"
    autocomplete_fields = ("agency",)
    readonly_fields = ("submitted_by", "processed_at", "reviewed_by")


@admin.register(IdentifiedChild)
class IdentifiedChildAdmin(RecordAdmin):
    list_display = ("external_id", "identified_at", "series", "agency")
    list_select_related = ("agency",)
    search_fields = ("external_id", "series")
    date_hierarchy = "identified_at"
    autocomplete_fields = ("agency",)
    readonly_fields = ("submission", "recorded_by")
