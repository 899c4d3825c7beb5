from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """Who did what to which record, when. Actions are a closed vocabulary of
    ``source:subject:action`` tags (e.g. ``tipline:report:viewed``).

    An event is written without a place in the chain, in the transaction of its action,
    so that writers never wait for each other; the sealer (``audit.chain.seal``) later
    gives it the next ``sequence``, the ``prev_hash`` of the event sealed before it and
    its own ``hash``. Database triggers (``audit.triggers``) refuse any other change and
    every deletion."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=100, db_index=True)
    subject_type = models.CharField(max_length=100, blank=True)
    subject_id = models.CharField(max_length=200, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    sequence = models.BigIntegerField(null=True, blank=True, editable=False)
    prev_hash = models.CharField(max_length=64, null=True, blank=True, editable=False)
    hash = models.CharField(max_length=64, null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-at", "-id"]
        # Both indexes are partial, so that writing an event (unsealed) touches neither:
        # a plain unique index on ``sequence`` would hold every unsealed NULL and cost
        # SQLite a quarter of its insert rate. The sealer finds its work in the second.
        constraints = [
            models.UniqueConstraint(
                fields=["sequence"],
                condition=models.Q(sequence__isnull=False),
                name="audit_event_sequence_unique",
            )
        ]
        indexes = [
            models.Index(
                fields=["id"],
                condition=models.Q(sequence__isnull=True),
                name="audit_event_unsealed",
            )
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.subject_type}:{self.subject_id}"


class ChainHead(models.Model):
    """The last sealed event's sequence and hash: one row, moved forward by the sealer in
    the same transaction as the events it seals. Its lock makes sealers take turns, and
    it lets ``audit verify`` notice events removed from the end of the chain."""

    sequence = models.BigIntegerField()
    hash = models.CharField(max_length=64)
    sealed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.sequence} {self.hash}"
