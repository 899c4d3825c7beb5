"""Blobs in the admin: metadata and hashes only, read-only. The bytes, thumbnails and
the wrapped key are never shown here; viewing a file is an audited action elsewhere."""

from django.contrib import admin
from django_tasks_db.models import DBTaskResult

from clearinghouse.accounts.admin_scoping import ReadOnlyAdminMixin, ScopedModelAdmin
from clearinghouse.media.models import Blob


@admin.register(Blob)
class BlobAdmin(ReadOnlyAdminMixin, ScopedModelAdmin):
    list_display = ("short_sha256", "media_type", "size", "status", "pdq_quality", "created_at")
    list_filter = ("status", "media_type")
    search_fields = ("=sha256", "=md5", "=sha1", "=pdq")
    date_hierarchy = "created_at"
    fields = (
        "sha256",
        "md5",
        "sha1",
        "pdq",
        "pdq_quality",
        "media_type",
        "declared_type",
        "size",
        "status",
        "problem",
        "analysed_at",
        "created_at",
    )
    readonly_fields = fields

    @admin.display(description="SHA-256", ordering="sha256")
    def short_sha256(self, blob: Blob) -> str:
        return blob.sha256[:16]


# The task queue's own admin is not scoped by the access table (every admin page of the
# platform is); the queue is watched through the worker's logs and the database instead.
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)
