from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group

from clearinghouse.accounts.admin_scoping import ScopedAdminMixin, ScopedModelAdmin
from clearinghouse.accounts.models import Organization, User


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
        ("Clearinghouse access", {"fields": ("role", "organization")}),
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
    )
    list_filter = ("role", "organization__kind", "is_staff", "is_superuser", "is_active")
    search_fields = ("username", "first_name", "last_name", "email", "organization__name")
    autocomplete_fields = ("organization",)


# Django registers groups unscoped; groups carry permissions, so they are scoped too.
admin.site.unregister(Group)


@admin.register(Group)
class ScopedGroupAdmin(ScopedAdminMixin, GroupAdmin):
    pass
