from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group

from clearinghouse.accounts import signin
from clearinghouse.accounts.admin_scoping import ScopedAdminMixin, ScopedModelAdmin
from clearinghouse.accounts.models import Organization, User
from clearinghouse.audit import events


@admin.register(Organization)
class OrganizationAdmin(ScopedModelAdmin):
    list_display = ("name", "kind", "jurisdiction", "is_icac_task_force")
    list_filter = ("kind", "is_icac_task_force", ("jurisdiction", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name",)


@admin.register(User)
class ClearinghouseUserAdmin(ScopedAdminMixin, UserAdmin):
    """Django's user admin, with the role and organization that decide what a person
    sees (``clearinghouse.accounts.access``)."""

    fieldsets = (
        *UserAdmin.fieldsets,
        ("Clearinghouse access", {"fields": ("role", "organization", "locked_at")}),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        ("Clearinghouse access", {"fields": ("role", "organization")}),
    )
    list_display = (
        "username",
        "first_name",
        "last_name",
        "email",
        "role",
        "organization",
        "is_staff",
        "is_active",
        "locked_at",
    )
    list_filter = ("role", "organization__kind", "is_staff", "is_superuser", "is_active")
    search_fields = ("username", "first_name", "last_name", "email", "organization__name")
    autocomplete_fields = ("organization",)
    readonly_fields = ("locked_at",)
    actions = ("release_lock", "end_sessions")

    @admin.action(description="Release the lock of the selected accounts")
    def release_lock(self, request, queryset):
        locked = list(queryset.filter(locked_at__isnull=False))
        for user in locked:
            signin.release(user, by=request.user)
        self.message_user(request, f"Released {len(locked)} locked account(s).")

    @admin.action(description="End every session of the selected accounts")
    def end_sessions(self, request, queryset):
        ended = 0
        for user in queryset:
            count = signin.end_sessions(user)
            events.record("accounts:sessions:ended", actor=request.user, subject=user, count=count)
            ended += count
        self.message_user(request, f"Ended {ended} session(s).")


# Django registers groups unscoped; groups carry permissions, so they are scoped too.
admin.site.unregister(Group)


@admin.register(Group)
class ScopedGroupAdmin(ScopedAdminMixin, GroupAdmin):
    pass
