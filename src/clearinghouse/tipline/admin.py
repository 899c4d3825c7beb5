from django.contrib import admin

from clearinghouse.accounts.admin_scoping import (
    AuditedChangeViewMixin,
    RecordAdmin,
    ScopedModelAdmin,
    ScopedTabularInline,
)
from clearinghouse.tipline.models import ReportFile, TiplineReport

HASH_FIELDS = ("md5", "sha1", "pdq", "media_type")


class ReportFileInline(ScopedTabularInline):
    model = ReportFile
    fields = ("position", *HASH_FIELDS)
    extra = 0
    ordering = ("position",)


@admin.register(TiplineReport)
class TiplineReportAdmin(AuditedChangeViewMixin, RecordAdmin):
    view_audit_action = "tipline:report:viewed"
    list_display = (
        "external_id",
        "received_at",
        "incident_type",
        "source",
        "status",
        "state",
        "made_available_at",
        "reporting_org",
    )
    list_filter = (
        "status",
        "source",
        "incident_type",
        "batched",
        "informational",
        ("state", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("state", "reporting_org")
    date_hierarchy = "received_at"
    autocomplete_fields = ("reporting_org",)
    inlines = (ReportFileInline,)


@admin.register(ReportFile)
class ReportFileAdmin(ScopedModelAdmin):
    list_display = ("report", "position", "media_type", "md5", "sha1")
    list_filter = ("media_type",)
    search_fields = ("report__external_id", "=md5", "=sha1")
    list_select_related = ("report",)
    raw_id_fields = ("report",)
    show_full_result_count = False
