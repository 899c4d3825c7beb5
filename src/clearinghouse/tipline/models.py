from django.db import models

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


class TiplineReport(Record):
    """A CyberTipline report, from an online platform or a member of the public."""

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
    state = models.ForeignKey(
        "geo.Jurisdiction", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    made_available_at = models.DateTimeField(null=True, blank=True, db_index=True)
    batched = models.BooleanField(default=False)
    informational = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["state", "made_available_at"])]

    def __str__(self) -> str:
        return f"CyberTipline report {self.external_id}"


class ReportFile(Hashes):
    """A file in a report, known by its hashes."""

    report = models.ForeignKey(TiplineReport, on_delete=models.CASCADE, related_name="files")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["report", "position"]
        constraints = [
            models.UniqueConstraint(fields=["report", "position"], name="report_file_position"),
        ]

    def __str__(self) -> str:
        return f"file {self.position} of {self.report}"
