"""Poster API partners in the admin: their organizations (name, logo) and clients, which
an administrator can see and revoke (credentials themselves come from
``clearinghouse poster-client create``, which shows the secret once)."""

from django.contrib import admin, messages

from clearinghouse.accounts.admin_scoping import ReadOnlyAdminMixin, ScopedModelAdmin
from clearinghouse.posterapi import credentials
from clearinghouse.posterapi.models import Poster, PosterClient, PosterOrganization


@admin.register(PosterOrganization)
class PosterOrganizationAdmin(ScopedModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")
    fields = ("code", "name")


@admin.register(PosterClient)
class PosterClientAdmin(ReadOnlyAdminMixin, ScopedModelAdmin):
    list_display = ("client_id", "organization", "created_at", "revoked_at")
    list_filter = ("organization",)
    fields = ("client_id", "organization", "created_at", "revoked_at")
    actions = ("revoke",)

    @admin.action(description="Revoke the selected clients")
    def revoke(self, request, queryset):
        for client in queryset.filter(revoked_at=None):
            credentials.revoke(client.client_id)
        messages.success(request, "Revoked.")


@admin.register(Poster)
class PosterAdmin(ReadOnlyAdminMixin, ScopedModelAdmin):
    """Posters as partners see them; a case's poster is changed through its case."""

    list_display = ("case_number", "organization", "missing_state", "last_modified", "withdrawn_at")
    list_filter = ("organization", "missing_state")
    search_fields = ("case_number",)
    fields = (
        "organization",
        "case_number",
        "missing_state",
        "date_created",
        "last_modified",
        "withdrawn_at",
        "document",
    )
