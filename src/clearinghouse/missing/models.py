from django.db import models

from clearinghouse.core.fields import EncryptedDateField, EncryptedTextField
from clearinghouse.core.models import Record


class MissingCase(Record):
    """A missing child case. The child's identity is encrypted at rest."""

    class CaseType(models.TextChoices):
        ENDANGERED_RUNAWAY = "endangered_runaway", "Endangered runaway"
        FAMILY_ABDUCTION = "family_abduction", "Family abduction"
        NONFAMILY_ABDUCTION = "nonfamily_abduction", "Nonfamily abduction"
        LOST_INJURED_OTHERWISE_MISSING = (
            "lost_injured_otherwise_missing",
            "Lost, injured or otherwise missing",
        )
        CRITICALLY_MISSING_YOUNG_ADULT = (
            "critically_missing_young_adult",
            "Critically missing young adult",
        )

    class ReportedBy(models.TextChoices):
        PARENT_GUARDIAN = "parent_guardian", "Parent or guardian"
        LAW_ENFORCEMENT = "law_enforcement", "Law enforcement"
        CHILD_WELFARE = "child_welfare", "Child welfare"
        HHS_ORR = "hhs_orr", "Office of Refugee Resettlement (HHS-ORR)"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        RECOVERED = "recovered", "Recovered"
        LOCATED_DECEASED = "located_deceased", "Located deceased"
        CLOSED_OTHER = "closed_other", "Closed (other)"

    class Sex(models.TextChoices):
        FEMALE = "F", "Female"
        MALE = "M", "Male"
        UNKNOWN = "U", "Unknown"

    reported_at = models.DateTimeField(db_index=True)
    state = models.ForeignKey(
        "geo.Jurisdiction",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Where the child went missing.",
    )
    case_type = models.CharField(max_length=40, choices=CaseType.choices)
    missing_from_care = models.BooleanField(
        default=False, help_text="Missing from a social services facility or child-welfare care."
    )
    reported_by = models.CharField(max_length=20, choices=ReportedBy.choices, blank=True)
    likely_cst_victim = models.BooleanField(
        default=False, help_text="Likely victim of child sex trafficking."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    resolved_at = models.DateTimeField(null=True, blank=True)
    child_first_name = EncryptedTextField(blank=True)
    child_last_name = EncryptedTextField(blank=True)
    child_date_of_birth = EncryptedDateField(null=True, blank=True)
    child_sex = models.CharField(max_length=1, choices=Sex.choices, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "reported_at"])]

    def __str__(self) -> str:
        return f"missing case {self.external_id}"


class TeamAdamDeployment(Record):
    """Team Adam consultants deployed to the site of a critical missing child case."""

    case_ref = models.CharField(
        max_length=200, db_index=True, help_text="The id of the case the team was deployed on."
    )
    state = models.ForeignKey("geo.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    deployed_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"Team Adam deployment {self.external_id}"
