"""Hash banks in the admin. Bulk changes go through ``clearinghouse banks`` (audited);
here a bank's settings can be changed and its hashes browsed."""

from django.contrib import admin
from django.db import transaction

from clearinghouse.accounts.admin_scoping import ReadOnlyAdminMixin, ScopedModelAdmin
from clearinghouse.audit import events
from clearinghouse.banks.models import BankHash, HashBank


@admin.register(HashBank)
class HashBankAdmin(ScopedModelAdmin):
    list_display = ("name", "label", "enabled", "pdq_threshold", "created_at")
    list_filter = ("enabled",)
    search_fields = ("name", "label")
    readonly_fields = ("created_at",)
    actions = ("enable_banks", "disable_banks")

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if not change:
                events.record("media:bank:created", actor=request.user, subject=obj)
            elif "enabled" in form.changed_data:
                action = "media:bank:enabled" if obj.enabled else "media:bank:disabled"
                events.record(action, actor=request.user, subject=obj)

    def delete_model(self, request, obj):
        with transaction.atomic():
            events.record("media:bank:deleted", actor=request.user, subject=obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for bank in queryset:
                events.record("media:bank:deleted", actor=request.user, subject=bank)
            super().delete_queryset(request, queryset)

    @admin.action(description="Enable the selected banks", permissions=["change"])
    def enable_banks(self, request, queryset):
        self._set_enabled(request, queryset, True)

    @admin.action(description="Disable the selected banks", permissions=["change"])
    def disable_banks(self, request, queryset):
        self._set_enabled(request, queryset, False)

    def _set_enabled(self, request, queryset, enabled: bool) -> None:
        action = "media:bank:enabled" if enabled else "media:bank:disabled"
        with transaction.atomic():
            for bank in queryset.exclude(enabled=enabled):
                bank.enabled = enabled
                bank.save(update_fields=["enabled"])
                events.record(action, actor=request.user, subject=bank)


@admin.register(BankHash)
class BankHashAdmin(ReadOnlyAdminMixin, ScopedModelAdmin):
    list_display = ("hash_type", "value", "label", "bank", "added_at")
    list_filter = ("hash_type", "bank")
    search_fields = ("=value", "label")
    show_full_result_count = False
    fields = ("bank", "hash_type", "value", "label", "added_at")
    readonly_fields = fields
