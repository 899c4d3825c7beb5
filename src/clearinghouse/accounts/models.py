from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models

from clearinghouse.core.fields import EncryptedTextField


class Organization(models.Model):
    """A body the clearinghouse works with. Agencies (law enforcement, social services)
    always have a jurisdiction: it is what their people may see."""

    class Kind(models.TextChoices):
        CLEARINGHOUSE = "clearinghouse", "Clearinghouse"
        LAW_ENFORCEMENT = "law_enforcement", "Law-enforcement agency"
        ESP = "esp", "Online platform (ESP)"
        SOCIAL_SERVICE = "social_service", "Social service agency"
        TRAINING_PARTNER = "training_partner", "Training partner"

    AGENCY_KINDS = (Kind.LAW_ENFORCEMENT, Kind.SOCIAL_SERVICE)

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    jurisdiction = models.ForeignKey(
        "geo.Jurisdiction", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_icac_task_force = models.BooleanField(
        default=False, help_text="An Internet Crimes Against Children task force."
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="organization_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.kind in self.AGENCY_KINDS and self.jurisdiction_id is None:
            raise ValidationError({"jurisdiction": "An agency must have a jurisdiction."})
        if self.is_icac_task_force and self.kind != self.Kind.LAW_ENFORCEMENT:
            raise ValidationError({"is_icac_task_force": "Only a law-enforcement agency is one."})


class User(AbstractUser):
    """A person who signs in. What they may see follows from their role and their
    organization (see ``clearinghouse.accounts.access``)."""

    class Role(models.TextChoices):
        ADMIN = "admin", "Administrator"
        ANALYST = "analyst", "Analyst"
        CASE_MANAGER = "case_manager", "Case manager"
        OFFICER = "officer", "Law-enforcement officer"
        AGENCY_STAFF = "agency_staff", "Agency staff"

    # Which kind of organization each role belongs to.
    ROLE_ORGANIZATION_KINDS = {
        Role.ADMIN: (Organization.Kind.CLEARINGHOUSE,),
        Role.ANALYST: (Organization.Kind.CLEARINGHOUSE,),
        Role.CASE_MANAGER: (Organization.Kind.CLEARINGHOUSE,),
        Role.OFFICER: (Organization.Kind.LAW_ENFORCEMENT,),
        Role.AGENCY_STAFF: (Organization.Kind.SOCIAL_SERVICE, Organization.Kind.TRAINING_PARTNER),
    }

    role = models.CharField(max_length=32, choices=Role.choices, blank=True)
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    locked_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set after repeated failed sign-ins; only an administrator releases it.",
    )

    def clean(self):
        super().clean()
        if not self.role:
            return
        if self.organization is None:
            raise ValidationError(
                {"organization": "A user with a role belongs to an organization."}
            )
        if self.organization.kind not in self.ROLE_ORGANIZATION_KINDS[self.role]:
            raise ValidationError(
                {
                    "role": f"A {self.get_role_display().lower()} cannot belong to "
                    f"a {self.organization.get_kind_display().lower()}."
                }
            )


class SignInFailure(models.Model):
    """A failed sign-in under a username (known or not): repeated failures lock the
    account (``accounts.signin``). The password tried is never kept."""

    username = models.CharField(max_length=150)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["username", "at"])]

    def __str__(self) -> str:
        return f"{self.username} at {self.at:%Y-%m-%d %H:%M:%S}"


class SignedInSession(models.Model):
    """A session someone signed in with, so that all of a person's sessions can be ended
    at once: when the account is disabled, or by an administrator."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="signed_in_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    started_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.user} since {self.started_at:%Y-%m-%d %H:%M:%S}"


class SecondFactor(models.Model):
    """A user's authenticator (TOTP, RFC 6238): its secret, encrypted at rest, and the
    last time step a code was accepted for, so that no code is accepted twice."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="second_factor")
    secret = EncryptedTextField()
    created_at = models.DateTimeField(auto_now_add=True)
    # Null until the user has entered a first code from the authenticator.
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_step = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"authenticator of {self.user}"


class SecurityKey(models.Model):
    """A WebAuthn security key (or a device's passkey) registered as a user's second
    factor, beside the authenticator app: its credential and public key, and the
    signature counter that a cloned key would fail to move forward."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="security_keys")
    name = models.CharField(max_length=100)
    credential_id = models.CharField(max_length=1400, unique=True)  # base64url
    public_key = models.TextField()  # base64url of the COSE key
    sign_count = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"security key {self.name!r} of {self.user}"
