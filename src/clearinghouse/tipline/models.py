from django.conf import settings
from django.db import models

from clearinghouse.core.fields import EncryptedTextField
from clearinghouse.core.models import Record
from clearinghouse.media.models import Hashes


class IncidentType(models.TextChoices):
    """The eight incident types of the CyberTipline (labels as the national API spells them)."""

    CHILD_PORNOGRAPHY = (
        "child_pornography",
        "Child Pornography (possession, manufacture, and distribution)",
    )
    CHILD_SEX_TRAFFICKING = "child_sex_trafficking", "Child Sex Trafficking"
    CHILD_SEX_TOURISM = "child_sex_tourism", "Child Sex Tourism"
    CHILD_SEXUAL_MOLESTATION = "child_sexual_molestation", "Child Sexual Molestation"
    MISLEADING_DOMAIN_NAME = "misleading_domain_name", "Misleading Domain Name"
    MISLEADING_WORDS_OR_IMAGES = (
        "misleading_words_or_images",
        "Misleading Words or Digital Images on the Internet",
    )
    ONLINE_ENTICEMENT = "online_enticement", "Online Enticement of Children for Sexual Acts"
    UNSOLICITED_OBSCENE_MATERIAL = (
        "unsolicited_obscene_material",
        "Unsolicited Obscene Material Sent to a Child",
    )


class EspCredential(models.Model):
    """HTTP Basic credentials an online platform's client uses on the reporting API.
    One organization has many; each can be revoked. Only a hash of the password is kept."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="esp_credentials"
    )
    username = models.CharField(max_length=150, unique=True)
    password_hash = models.CharField(max_length=256)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.username


class TiplineReport(Record):
    """A CyberTipline report, from an online platform or a member of the public.

    From the reporting API a report is open from submit until finish (or retract); what
    it says is kept encrypted in ``document``, and the clues to where it happened in
    ``clues``. Analysts triage finished reports and make them available to law
    enforcement in their jurisdiction, whose officers work them in the portal.
    """

    class Outcome(models.TextChoices):
        INVESTIGATED = "investigated", "Investigated"
        ARREST = "arrest", "Arrest made"
        REFERRED = "referred", "Referred to another agency"
        INSUFFICIENT = "insufficient", "Insufficient information"
        NO_CRIME = "no_crime", "No crime found"
        OTHER = "other", "Other"

    class Confidence(models.TextChoices):
        HIGH = "high", "High"
        MEDIUM = "medium", "Medium"
        LOW = "low", "Low"

    class Source(models.TextChoices):
        ESP = "esp", "Online platform"
        PUBLIC = "public", "Public"

    class Status(models.TextChoices):
        OPEN = "open", "Open (not finished by the reporter)"
        FINISHED = "finished", "Finished"
        RETRACTED = "retracted", "Retracted"
        EXPIRED = "expired", "Expired unfinished"

    received_at = models.DateTimeField(db_index=True)
    incident_type = models.CharField(max_length=40, choices=IncidentType.choices)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.ESP)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.FINISHED)
    reporting_org = models.ForeignKey(
        "accounts.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Where the report was resolved to: a country (ISO 3166-1 alpha-2), and for the US a
    # jurisdiction. Neither: not resolved yet.
    country = models.CharField(max_length=2, blank=True)
    # Indexed by (state, made_available_at) below, which serves every lookup by state.
    state = models.ForeignKey(
        "geo.Jurisdiction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    made_available_at = models.DateTimeField(null=True, blank=True, db_index=True)
    batched = models.BooleanField(default=False)
    informational = models.BooleanField(default=False)

    # Intake (reporting API and public form).
    credential = models.ForeignKey(
        EspCredential, null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    last_changed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    retracted_at = models.DateTimeField(null=True, blank=True)
    incident_at = models.DateTimeField(null=True, blank=True)
    escalated = models.BooleanField(
        default=False, help_text="The reporter asked for high priority."
    )
    annotations = models.JSONField(default=list, blank=True)
    platform = models.CharField(max_length=200, blank=True)
    document = EncryptedTextField(blank=True, help_text="The report as received.")
    clues = EncryptedTextField(blank=True, help_text="Location clues, as JSON.")

    # Geolocation: which clue decided, and how sure it is.
    location_clue = models.CharField(max_length=200, blank=True)
    location_confidence = models.CharField(max_length=8, choices=Confidence.choices, blank=True)
    needs_location_review = models.BooleanField(default=False)

    # Triage and referral. No index on these, nor on ``acknowledged_by``: the queue
    # orders by more than the priority, and users are disabled, not deleted, so their
    # reports are never looked up by them; every index costs each report's submit and
    # finish (issue 3's intake benchmark).
    priority = models.SmallIntegerField(default=0)
    made_available_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )

    # Law enforcement's work in the portal.
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_reports",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["state", "made_available_at"]),
            models.Index(fields=["status", "last_changed_at"]),
        ]

    def __str__(self) -> str:
        return f"CyberTipline report {self.external_id}"


class ReportFile(Hashes):
    """A file in a report: known by its hashes, and, when it was uploaded, its bytes in
    the vault (``blob``)."""

    report = models.ForeignKey(TiplineReport, on_delete=models.CASCADE, related_name="files")
    position = models.PositiveIntegerField()
    blob = models.ForeignKey(
        "media.Blob", null=True, blank=True, on_delete=models.PROTECT, related_name="report_files"
    )
    file_token = models.CharField(
        max_length=64, blank=True, db_index=True, help_text="The fileId given to the reporter."
    )
    details = EncryptedTextField(blank=True, help_text="fileDetails as received, as JSON.")

    class Meta:
        ordering = ["report", "position"]
        constraints = [
            models.UniqueConstraint(fields=["report", "position"], name="report_file_position"),
        ]

    def __str__(self) -> str:
        return f"file {self.position} of {self.report}"
