from django.contrib import admin

from clearinghouse.accounts.admin_scoping import RecordAdmin
from clearinghouse.education.models import TrainingRegistration


@admin.register(TrainingRegistration)
class TrainingRegistrationAdmin(RecordAdmin):
    list_display = ("external_id", "registered_at", "state", "profession")
    list_filter = ("profession", ("state", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("state",)
    date_hierarchy = "registered_at"
