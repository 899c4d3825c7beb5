from django.contrib import admin

from clearinghouse.accounts.admin_scoping import AuditedChangeViewMixin, RecordAdmin
from clearinghouse.education.models import TrainingRegistration


@admin.register(TrainingRegistration)
class TrainingRegistrationAdmin(AuditedChangeViewMixin, RecordAdmin):
    view_audit_action = "education:registration:viewed"
    list_display = ("external_id", "registered_at", "state", "profession", "agency_name")
    list_filter = ("profession", ("state", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("state",)
    date_hierarchy = "registered_at"
