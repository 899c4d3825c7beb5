from django.contrib import admin

from clearinghouse.accounts.admin_scoping import ReadOnlyAdminMixin, ScopedModelAdmin
from clearinghouse.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, ScopedModelAdmin):
    """The audit trail can be read, never written or erased through the admin."""

    list_display = ("at", "sequence", "action", "actor", "subject_type", "subject_id")
    list_filter = ("action", "subject_type")
    search_fields = ("action", "subject_id", "actor__username")
    date_hierarchy = "at"
    list_select_related = ("actor",)
    show_full_result_count = False
