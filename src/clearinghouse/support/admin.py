from django.contrib import admin

from clearinghouse.accounts.admin_scoping import (
    AuditedChangeViewMixin,
    RecordAdmin,
    ScopedModelAdmin,
    ScopedTabularInline,
)
from clearinghouse.support.models import (
    CstEngagement,
    Family,
    MentalHealthProvider,
    MentalHealthReferral,
    MultidisciplinaryMeeting,
    PeerMatch,
    PeerSupport,
    Volunteer,
    YouthEngagement,
)


class YouthEngagementInline(ScopedTabularInline):
    model = YouthEngagement
    extra = 0


class MeetingInline(ScopedTabularInline):
    model = MultidisciplinaryMeeting
    extra = 0


@admin.register(CstEngagement)
class CstEngagementAdmin(AuditedChangeViewMixin, RecordAdmin):
    view_audit_action = "support:engagement:viewed"
    list_display = ("external_id", "engaged_at", "agency", "case_ref")
    list_filter = (("agency", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("agency",)
    search_fields = ("external_id", "case_ref", "agency__name")
    date_hierarchy = "engaged_at"
    autocomplete_fields = ("agency",)
    raw_id_fields = ("case",)
    inlines = (YouthEngagementInline, MeetingInline)


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


@admin.register(Family)
class FamilyAdmin(AuditedChangeViewMixin, RecordAdmin):
    view_audit_action = "support:family:viewed"
    list_display = ("external_id", "kind", "state")
    list_filter = ("kind", ("state", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("state",)
    raw_id_fields = ("case",)


@admin.register(Volunteer)
class VolunteerAdmin(ScopedModelAdmin):
    list_display = ("pk", "state", "training_status", "trained_on", "active")
    list_filter = ("training_status", "active")


@admin.register(PeerMatch)
class PeerMatchAdmin(ScopedModelAdmin):
    list_display = ("pk", "family", "volunteer", "matched_at", "ended_at")
    list_select_related = ("family", "volunteer")
    raw_id_fields = ("family", "volunteer")


@admin.register(MentalHealthProvider)
class MentalHealthProviderAdmin(ScopedModelAdmin):
    list_display = (
        "name",
        "state",
        "city",
        "offers_free_services",
        "offers_sliding_scale",
        "accepting_referrals",
    )
    list_filter = ("offers_free_services", "offers_sliding_scale", "state")
    search_fields = ("name", "city", "services")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "website":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)
