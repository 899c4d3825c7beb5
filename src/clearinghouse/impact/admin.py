from django.contrib import admin

from clearinghouse.accounts.admin_scoping import RecordAdmin
from clearinghouse.impact.models import PublishedStatistic


@admin.register(PublishedStatistic)
class PublishedStatisticAdmin(RecordAdmin):
    list_display = ("metric", "year", "value", "source", "external_id")
    list_filter = ("metric", "year")
    search_fields = ("external_id", "metric", "source")
    ordering = ("metric", "-year")
