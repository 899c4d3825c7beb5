from django.db import models

from clearinghouse.core.models import Record


class CstEngagement(Record):
    """Recovery services: an engagement with a social service agency on a case involving
    child sex trafficking."""

    engaged_at = models.DateTimeField(db_index=True)
    agency = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="cst_engagements"
    )
    case_ref = models.CharField(
        max_length=200, blank=True, help_text="The id of a missing case or a tipline report."
    )

    class Meta:
        verbose_name = "child sex trafficking engagement"

    def __str__(self) -> str:
        return f"CST engagement {self.external_id}"


class PeerSupport(Record):
    """Team HOPE peer support given to a survivor or family."""

    family_id = models.CharField(max_length=200, db_index=True)
    state = models.ForeignKey("geo.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    supported_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "Team HOPE peer support"
        verbose_name_plural = "Team HOPE peer support"

    def __str__(self) -> str:
        return f"Team HOPE support {self.external_id}"


class MentalHealthReferral(Record):
    """A Family Advocacy Outreach Network referral: a survivor or family connected to a
    mental health professional."""

    family_id = models.CharField(max_length=200, db_index=True)
    state = models.ForeignKey("geo.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    connected_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"FAON referral {self.external_id}"
