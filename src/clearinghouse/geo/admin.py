from django.contrib import admin

from clearinghouse.accounts.admin_scoping import ReadOnlyAdminMixin, ScopedModelAdmin
from clearinghouse.geo.models import Jurisdiction


@admin.register(Jurisdiction)
class JurisdictionAdmin(ReadOnlyAdminMixin, ScopedModelAdmin):
    """The 56 jurisdictions are loaded by a migration from the ``us`` package."""

    list_display = ("code", "name", "kind", "fips")
    list_filter = ("kind",)
    search_fields = ("code", "name")
