"""The Django admin, scoped by ``clearinghouse.accounts.access``.

Every admin page of the platform derives from these classes, so the admin can never show
more than the rest of the platform: its lists, its change forms (looked up through
``get_queryset``), its filters, its autocompletes and its foreign-key choices all go
through ``access.visible``. Django's model permissions still decide what a staff user may
do (view, add, change, delete); the access table bounds what those permissions reach.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import unquote

from clearinghouse.accounts import access
from clearinghouse.audit import events


class ScopedAdminMixin:
    """Narrows an admin (or an inline) to what ``request.user`` may see.

    This applies to superusers too: a superuser without a role is an admin in the table
    and sees everything, while one who was given a narrower role is held to it.
    """

    def get_queryset(self, request):
        return access.visible(request.user, super().get_queryset(request))

    def in_scope(self, request) -> bool:
        return access.scope_for(request.user, self.model).reach is not access.Reach.NONE

    def has_view_permission(self, request, obj=None):
        return self.in_scope(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return self.in_scope(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return self.in_scope(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.in_scope(request) and super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            kwargs["queryset"] = access.visible(request.user, db_field.related_model)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ScopedModelAdmin(ScopedAdminMixin, admin.ModelAdmin):
    pass


class ScopedTabularInline(ScopedAdminMixin, admin.TabularInline):
    pass


class RecordAdmin(ScopedModelAdmin):
    """A record of one of the programs (``clearinghouse.core.models.Record``)."""

    readonly_fields = ("created_at", "updated_at")
    search_fields = ("external_id",)
    show_full_result_count = False  # one COUNT(*) fewer on large tables


class ReadOnlyAdminMixin:
    """Rows written by the platform itself (the audit trail, reference data): nobody
    adds, edits or deletes them by hand."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedChangeViewMixin:
    """Records an audit event each time a record's page is shown to somebody.

    ``view_audit_action`` is the event tag, e.g. ``missing:case:viewed``.
    """

    view_audit_action: str = ""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                events.record(self.view_audit_action, actor=request.user, subject=obj)
        return response
