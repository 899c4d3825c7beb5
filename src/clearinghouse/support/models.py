"""Recovery services and family support.

- Recovery services: a child sex trafficking (CST) engagement with a social service agency
  on a missing child case, its recovery plan, the youth engagement events and the
  multidisciplinary meetings held on it.
- Team HOPE: families and survivors, the trained peer volunteers they are matched with,
  and each contact (``PeerSupport``: one row a contact, which is what the figure counts).
- Family Advocacy Outreach Network (FAON): a directory of mental health providers and the
  referrals of families to them (``MentalHealthReferral``; connected once ``connected_at``
  is set, which is what the figure counts).

``CstEngagement``, ``PeerSupport`` and ``MentalHealthReferral`` are also imported
(``clearinghouse import``); every field the workflows added is optional, so an imported
row is a complete record.
"""

from django.conf import settings
from django.db import models

from clearinghouse.core.fields import EncryptedTextField
from clearinghouse.core.models import Record


class ContactMethod(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Phone"
    VIDEO = "video", "Video call"
    MESSAGE = "message", "Text or message"
    OTHER = "other", "Other"


def _user(related_name: str = "+") -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name=related_name,
        editable=False,
    )


# -- recovery services ------------------------------------------------------------------


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
    case = models.ForeignKey(
        "missing.MissingCase",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cst_engagements",
        help_text="The missing child case, when the engagement was opened on the platform.",
    )
    recovery_plan = EncryptedTextField(blank=True)
    recovery_plan_updated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closing_note = EncryptedTextField(blank=True)
    opened_by = _user()

    class Meta:
        verbose_name = "child sex trafficking engagement"

    def __str__(self) -> str:
        return f"CST engagement {self.external_id}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class YouthEngagement(models.Model):
    """A contact between the agency and the youth on an engagement."""

    engagement = models.ForeignKey(
        CstEngagement, on_delete=models.CASCADE, related_name="youth_engagements"
    )
    occurred_at = models.DateTimeField()
    method = models.CharField(max_length=20, choices=ContactMethod.choices)
    notes = EncryptedTextField(blank=True)
    recorded_by = _user()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]

    def __str__(self) -> str:
        return f"youth engagement {self.pk} on {self.engagement_id}"


class MultidisciplinaryMeeting(models.Model):
    """A meeting of the team around the youth (agency, law enforcement, clearinghouse,
    health): who attended and what was decided."""

    engagement = models.ForeignKey(CstEngagement, on_delete=models.CASCADE, related_name="meetings")
    held_at = models.DateTimeField()
    attendees = EncryptedTextField()
    decisions = EncryptedTextField(blank=True)
    recorded_by = _user()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_at", "-pk"]

    def __str__(self) -> str:
        return f"meeting {self.pk} on {self.engagement_id}"


# -- families and survivors -------------------------------------------------------------


class Family(Record):
    """A family or survivor that Team HOPE or FAON works with. ``external_id`` is the
    ``family_id`` of their peer support and referral records."""

    class Kind(models.TextChoices):
        FAMILY = "family", "Family of a missing or exploited child"
        SURVIVOR = "survivor", "Survivor"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.FAMILY)
    state = models.ForeignKey("geo.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    display_name = EncryptedTextField()
    contact = EncryptedTextField(blank=True)
    notes = EncryptedTextField(blank=True)
    case = models.ForeignKey(
        "missing.MissingCase",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="support_families",
    )
    created_by = _user()

    class Meta:
        verbose_name = "family or survivor"
        verbose_name_plural = "families and survivors"

    def __str__(self) -> str:
        return f"family {self.external_id}"


# -- Team HOPE --------------------------------------------------------------------------


class Volunteer(models.Model):
    """A Team HOPE peer volunteer: a parent or survivor who has been through it, trained
    to support others. Only a trained, active volunteer is matched."""

    class Training(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_TRAINING = "in_training", "In training"
        TRAINED = "trained", "Trained"
        LAPSED = "lapsed", "Lapsed (refresher due)"

    name = EncryptedTextField()
    contact = EncryptedTextField(blank=True)
    state = models.ForeignKey("geo.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    training_status = models.CharField(
        max_length=20, choices=Training.choices, default=Training.NOT_STARTED
    )
    trained_on = models.DateField(null=True, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Team HOPE volunteer"

    def __str__(self) -> str:
        return f"volunteer {self.pk}"

    @property
    def can_be_matched(self) -> bool:
        return self.active and self.training_status == self.Training.TRAINED


class PeerMatch(models.Model):
    """A family or survivor matched with a volunteer, until the match ends."""

    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="matches")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="matches")
    matched_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    matched_by = _user()

    class Meta:
        verbose_name = "Team HOPE match"
        verbose_name_plural = "Team HOPE matches"
        ordering = ["-matched_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["family", "volunteer"],
                condition=models.Q(ended_at__isnull=True),
                name="peer_match_one_open_match",
            )
        ]

    def __str__(self) -> str:
        return f"match {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class PeerSupport(Record):
    """Team HOPE peer support given to a survivor or family: one contact."""

    family_id = models.CharField(max_length=200, db_index=True)
    state = models.ForeignKey("geo.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    supported_at = models.DateTimeField(db_index=True)
    match = models.ForeignKey(
        PeerMatch, null=True, blank=True, on_delete=models.PROTECT, related_name="contacts"
    )
    method = models.CharField(max_length=20, choices=ContactMethod.choices, blank=True)
    notes = EncryptedTextField(blank=True)
    logged_by = _user()

    class Meta:
        verbose_name = "Team HOPE peer support"
        verbose_name_plural = "Team HOPE peer support"

    def __str__(self) -> str:
        return f"Team HOPE support {self.external_id}"


# -- Family Advocacy Outreach Network ---------------------------------------------------


class MentalHealthProvider(models.Model):
    """A mental health provider of the outreach network's directory.

    A directory entry describes a practice as it advertises itself (name, city, public
    phone and website): reference data to search by, not personal data, so it is stored
    in clear.
    """

    name = models.CharField(max_length=200)
    state = models.ForeignKey("geo.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    city = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    website = models.URLField(blank=True)
    services = models.CharField(
        max_length=500, blank=True, help_text="e.g. trauma-focused therapy, family counseling."
    )
    offers_free_services = models.BooleanField(default=False)
    offers_sliding_scale = models.BooleanField(default=False)
    accepting_referrals = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["state", "name"]
        constraints = [
            models.UniqueConstraint(fields=["state", "name"], name="provider_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class MentalHealthReferral(Record):
    """A Family Advocacy Outreach Network referral: a survivor or family referred to a
    mental health professional, and when they were connected (imported rows carry only
    the connection)."""

    family_id = models.CharField(max_length=200, db_index=True)
    state = models.ForeignKey("geo.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    connected_at = models.DateTimeField(db_index=True, null=True, blank=True)
    provider = models.ForeignKey(
        MentalHealthProvider,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    referred_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(
        null=True, blank=True, help_text="Closed without a connection."
    )
    notes = EncryptedTextField(blank=True)
    referred_by = _user()

    def __str__(self) -> str:
        return f"FAON referral {self.external_id}"

    @property
    def status(self) -> str:
        if self.connected_at is not None:
            return "connected"
        return "closed" if self.closed_at is not None else "referred"
