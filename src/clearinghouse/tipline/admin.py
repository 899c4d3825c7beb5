from django.contrib import admin

from clearinghouse.accounts.admin_scoping import (
    AuditedChangeViewMixin,
    ReadOnlyAdminMixin,
    RecordAdmin,
    ScopedModelAdmin,
    ScopedTabularInline,
)
from clearinghouse.tipline import credentials
from clearinghouse.tipline.models import EspCredential, ReportFile, TiplineReport

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


@admin.register(EspCredential)
class EspCredentialAdmin(ReadOnlyAdminMixin, ScopedModelAdmin):
    """Platform credentials are issued by ``clearinghouse esp-credential create`` (which
    shows the generated password once, never stored); here they are looked at and
    revoked, by whoever may change them."""

    list_display = ("username", "organization", "created_at", "last_used_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    list_select_related = ("organization",)
    search_fields = ("username", "organization__name")
    fields = ("username", "organization", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    actions = ("revoke",)

    def has_revoke_permission(self, request) -> bool:
        opts = self.opts
        return self.in_scope(request) and request.user.has_perm(
            f"{opts.app_label}.change_{opts.model_name}"
        )

    @admin.action(description="Revoke the selected credentials", permissions=["revoke"])
    def revoke(self, request, queryset):
        usernames = list(queryset.values_list("username", flat=True))
        for username in usernames:
            credentials.revoke(username)
        self.message_user(request, f"Revoked {len(usernames)} credential(s).")
