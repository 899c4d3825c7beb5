from django.contrib import admin

from clearinghouse.accounts.admin_scoping import RecordAdmin
from clearinghouse.support.models import CstEngagement, MentalHealthReferral, PeerSupport


@admin.register(CstEngagement)
class CstEngagementAdmin(RecordAdmin):
    list_display = ("external_id", "engaged_at", "agency", "case_ref")
    list_filter = (("agency", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("agency",)
    search_fields = ("external_id", "case_ref", "agency__name")
    date_hierarchy = "engaged_at"
    autocomplete_fields = ("agency",)


@admin.register(PeerSupport)
class PeerSupportAdmin(RecordAdmin):
    list_display = ("external_id", "family_id", "state", "supported_at")
    list_filter = (("state", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("state",)
    search_fields = ("external_id", "family_id")
    date_hierarchy = "supported_at"


@admin.register(MentalHealthReferral)
class MentalHealthReferralAdmin(RecordAdmin):
    list_display = ("external_id", "family_id", "state", "connected_at")
    list_filter = (("state", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("state",)
    search_fields = ("external_id", "family_id")
    date_hierarchy = "connected_at"
