"""Child Victim Identification: agencies' submissions of seized material, the files (or
hashes) each holds, and the registry of identified children.

A submission made on the platform is a list of ``CvipItem``s, one per file or hash-list
row, processed in leased chunks by the task workers (``victimid.processing``). Imported
submissions (``clearinghouse import``) carry only their counts and dates: every field
added for the workflow is optional, so imported records keep validating.
"""

from django.conf import settings
from django.db import models

from clearinghouse.core.models import Record
from clearinghouse.media.models import Hashes


class CvipSubmission(Record):
    """Material seized by law enforcement and submitted for victim identification."""

    class Kind(models.TextChoices):
        FILES = "files", "Files"
        HASH_LIST = "hash_list", "Hash list"

    class Channel(models.TextChoices):
        PORTAL = "portal", "Portal"
        API = "api", "API"

    received_at = models.DateTimeField()
    agency = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="cvip_submissions"
    )
    file_count = models.PositiveIntegerField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # The platform workflow; empty or null on imported records.
    kind = models.CharField(max_length=16, choices=Kind.choices, blank=True)
    channel = models.CharField(max_length=16, choices=Channel.choices, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cvip_submissions",
    )
    processed_at = models.DateTimeField(
        null=True, blank=True, help_text="When every file had been hashed and matched."
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cvip_reviews",
    )
    recovery_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When a recovery run is scheduled, to reclaim chunks of a dead worker.",
    )

    def __str__(self) -> str:
        return f"CVIP submission {self.external_id}"

    @property
    def is_tracked(self) -> bool:
        """Whether the platform processed it (it has items), as opposed to imported."""
        return bool(self.kind)


class CvipItem(Hashes):
    """One file of a submission (or one row of its hash list) and what matching found.

    ``state`` goes pending -> claimed (by one worker, until ``lease_until``) -> done; the
    result is written once, by the holder of the current claim (``claim_token``).
    """

    class State(models.TextChoices):
        PENDING = "pending", "Waiting"
        CLAIMED = "claimed", "Being processed"
        DONE = "done", "Done"

    submission = models.ForeignKey(CvipSubmission, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(help_text="1-based, in the order submitted.")
    name = models.CharField(max_length=255, blank=True)
    blob = models.ForeignKey("media.Blob", on_delete=models.PROTECT, null=True, blank=True)
    pdq_quality = models.PositiveSmallIntegerField(null=True, blank=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    claim_token = models.CharField(max_length=32, blank=True, editable=False)
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    claims = models.PositiveIntegerField(default=0, editable=False)
    matched = models.BooleanField(null=True, blank=True)
    series = models.CharField(max_length=200, blank=True)
    bank = models.CharField(max_length=100, blank=True)
    match_type = models.CharField(max_length=8, blank=True)
    distance = models.PositiveSmallIntegerField(null=True, blank=True)
    problem = models.TextField(blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("submission", "position"), name="victimid_item_position_unique"
            )
        ]
        indexes = [
            models.Index(fields=("submission", "state", "position"), name="victimid_item_work"),
        ]
        ordering = ("submission", "position")

    def __str__(self) -> str:
        return f"item {self.position} of submission {self.submission_id}"


class IdentifiedChild(Record):
    """A child depicted in a series, identified by law enforcement."""

    identified_at = models.DateField(db_index=True)
    series = models.CharField(max_length=200, blank=True)
    # Recorded on the platform; empty on imported records.
    agency = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="identified_children",
        help_text="The agency that identified the child.",
    )
    submission = models.ForeignKey(
        CvipSubmission,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="identified_children",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name_plural = "identified children"

    def __str__(self) -> str:
        return f"identified child {self.external_id}"
