from django.conf import settings
from django.db import models

from clearinghouse.core.fields import EncryptedDateField, EncryptedTextField
from clearinghouse.core.models import Record


class RiskFactor(models.TextChoices):
    """What puts a missing child in danger. Private: never on a poster."""

    ABUSE = "abuse", "Abuse or neglect"
    FAMILY_CONFLICT = "family_conflict", "Family conflict"
    MENTAL_HEALTH = "mental_health", "Mental health"
    SUBSTANCE_USE = "substance_use", "Substance use"
    DISABILITY = "disability", "Disability"
    MEDICAL = "medical", "Medical condition"
    PREGNANCY = "pregnancy", "Pregnancy"
    ONLINE_ENTICEMENT = "online_enticement", "Online enticement"
    GANG_INVOLVEMENT = "gang_involvement", "Gang involvement"
    TRAFFICKING_SIGNS = "trafficking_signs", "Signs of sex trafficking"
    SUICIDAL = "suicidal", "Suicidal"
    PRIOR_EPISODES = "prior_episodes", "Missing before"
    OTHER = "other", "Other"


class MissingCase(Record):
    """A missing child case. The child's identity and description, the circumstances and
    the contact details are encrypted at rest; only what figures, routing and search need
    (dates, state, city, case type, status, flags) is kept in the clear."""

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

    ABDUCTIONS = (CaseType.FAMILY_ABDUCTION, CaseType.NONFAMILY_ABDUCTION)

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

    class Condition(models.TextChoices):
        UNHARMED = "unharmed", "Unharmed"
        INJURED = "injured", "Injured"
        NEEDS_CARE = "needs_care", "In need of medical or mental-health care"
        UNKNOWN = "unknown", "Unknown"

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

    # The child's description (encrypted: personal data).
    child_middle_name = EncryptedTextField(blank=True)
    child_race = EncryptedTextField(blank=True)
    child_height = EncryptedTextField(blank=True, help_text="e.g. 5'2\"")
    child_weight = EncryptedTextField(blank=True, help_text="e.g. 110 lbs")
    child_hair = EncryptedTextField(blank=True)
    child_eyes = EncryptedTextField(blank=True)
    child_marks = EncryptedTextField(blank=True, help_text="Scars, marks, tattoos, piercings.")
    # A keyed digest of the date of birth: finds earlier reports of the same child
    # without decrypting every case (see ``clearinghouse.missing.matching``).
    child_match_key = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    # When and where the child was last seen.
    last_seen_at = models.DateTimeField(null=True, blank=True)
    last_seen_city = models.CharField(max_length=100, blank=True)
    last_seen_county = models.CharField(max_length=100, blank=True)
    last_seen_zip = models.CharField(max_length=10, blank=True)
    last_seen_place = EncryptedTextField(blank=True, help_text="Address or place, private.")
    circumstances = EncryptedTextField(blank=True)

    # Missing from care: the custodial agency must tell law enforcement (and the
    # clearinghouse) within 24 hours of learning the child is missing.
    custodial_agency = models.ForeignKey(
        "accounts.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "social_service"},
    )
    care_missing_known_at = models.DateTimeField(
        null=True, blank=True, help_text="When the custodial agency learned the child was missing."
    )
    law_enforcement_notified_at = models.DateTimeField(null=True, blank=True)

    # Reporting and investigation.
    reporter_name = EncryptedTextField(blank=True)
    reporter_phone = EncryptedTextField(blank=True)
    ncic_number = models.CharField(max_length=20, blank=True)
    ncic_abduction_flag = models.BooleanField(
        default=False, help_text="Entered in NCIC with the child abduction flag."
    )
    abduction_believed = models.BooleanField(
        default=False, help_text="Law enforcement reasonably believes an abduction occurred."
    )
    imminent_danger = models.BooleanField(
        default=False, help_text="The child is believed in imminent danger of serious harm."
    )
    vehicle_description = EncryptedTextField(blank=True)
    risk_factors = models.JSONField(default=list, blank=True)
    contact_agency = models.CharField(
        max_length=200, blank=True, help_text="Who the public should call (on the poster)."
    )
    contact_phone = models.CharField(max_length=40, blank=True)

    # Recovery.
    recovered_city = models.CharField(max_length=100, blank=True)
    recovered_state = models.ForeignKey(
        "geo.Jurisdiction", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recovery_condition = models.CharField(max_length=20, choices=Condition.choices, blank=True)
    resolution_note = EncryptedTextField(blank=True)

    # Work on the case.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="missing_cases",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    previous_episode = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="later_episodes",
        help_text="The same child's earlier episode of going missing.",
    )
    possible_duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="possible_duplicates",
        help_text="An open case that looks like the same child, flagged at intake.",
    )
    duplicate_score = models.FloatField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "reported_at"])]

    def __str__(self) -> str:
        return f"missing case {self.external_id}"

    def save(self, *args, **kwargs):
        from clearinghouse.missing.matching import match_key

        self.child_match_key = match_key(self.child_date_of_birth)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "child_match_key"}
        super().save(*args, **kwargs)

    @property
    def is_abduction(self) -> bool:
        return self.case_type in self.ABDUCTIONS

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.ACTIVE

    def risk_factor_labels(self) -> list[str]:
        labels = dict(RiskFactor.choices)
        return [labels.get(code, code) for code in self.risk_factors or []]


class Companion(models.Model):
    """Somebody the child is believed to be with (the abductor, a sibling, a friend)."""

    class Kind(models.TextChoices):
        ABDUCTOR = "abductor", "Abductor"
        SIBLING = "sibling", "Sibling"
        COMPANION = "companion", "Companion"

    case = models.ForeignKey(MissingCase, on_delete=models.CASCADE, related_name="companions")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COMPANION)
    relationship = models.CharField(max_length=100, blank=True, help_text="e.g. father")
    first_name = EncryptedTextField(blank=True)
    last_name = EncryptedTextField(blank=True)
    date_of_birth = EncryptedDateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=MissingCase.Sex.choices, blank=True)
    description = EncryptedTextField(blank=True)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.case}"


class CasePhoto(models.Model):
    """A photo of the child, its bytes encrypted in the vault."""

    case = models.ForeignKey(MissingCase, on_delete=models.CASCADE, related_name="photos")
    blob = models.ForeignKey("media.Blob", on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=200, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]

    def __str__(self) -> str:
        return f"photo {self.pk} of {self.case}"


class TeamAdamConsultant(models.Model):
    """A Team Adam consultant (typically retired law enforcement) who can be deployed."""

    name = models.CharField(max_length=200)
    home_state = models.ForeignKey(
        "geo.Jurisdiction", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    phone = EncryptedTextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TeamAdamDeployment(Record):
    """Team Adam consultants deployed to the site of a critical missing child case.

    Imported records carry only ``case_ref``, ``state`` and ``deployed_at``: they are
    deployments that happened. A request made on the platform starts as ``requested``
    without ``deployed_at`` and counts towards ``adam.cases_assisted`` once deployed."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        DEPLOYED = "deployed", "Deployed"
        COMPLETED = "completed", "Completed"
        DECLINED = "declined", "Declined"

    case_ref = models.CharField(
        max_length=200, db_index=True, help_text="The id of the case the team was deployed on."
    )
    state = models.ForeignKey("geo.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    deployed_at = models.DateTimeField(db_index=True, null=True, blank=True)
    case = models.ForeignKey(
        MissingCase,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="team_adam_deployments",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DEPLOYED)
    requested_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    request_reason = EncryptedTextField(blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    consultants = models.ManyToManyField(TeamAdamConsultant, blank=True, related_name="deployments")

    def __str__(self) -> str:
        return f"Team Adam deployment {self.external_id}"


class TeamAdamActivity(models.Model):
    """What the deployed team did on site, day by day."""

    class Kind(models.TextChoices):
        SEARCH = "search", "Search coordination"
        INVESTIGATIVE = "investigative", "Investigative support"
        FAMILY = "family", "Family support"
        MEDIA = "media", "Media and poster distribution"
        TECHNICAL = "technical", "Technical assistance"
        OTHER = "other", "Other"

    deployment = models.ForeignKey(
        TeamAdamDeployment, on_delete=models.CASCADE, related_name="activities"
    )
    occurred_on = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    note = EncryptedTextField(blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    logged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.occurred_on}"
