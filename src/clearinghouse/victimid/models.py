from django.db import models

from clearinghouse.core.models import Record


class CvipSubmission(Record):
    """Material seized by law enforcement and submitted for victim identification."""

    received_at = models.DateTimeField()
    agency = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="cvip_submissions"
    )
    file_count = models.PositiveIntegerField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True, db_index=True)

    def __str__(self) -> str:
        return f"CVIP submission {self.external_id}"


class IdentifiedChild(Record):
    """A child depicted in a series, identified by law enforcement."""

    identified_at = models.DateField(db_index=True)
    series = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name_plural = "identified children"

    def __str__(self) -> str:
        return f"identified child {self.external_id}"
