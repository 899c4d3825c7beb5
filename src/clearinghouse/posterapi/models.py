"""Posters and the partners who read and push them through the Poster API.

A ``Poster`` holds its public representation (``document``, the spec's ``Poster``
object without the server-set fields) and nothing else: it is built from an allow-list
(``clearinghouse.posterapi.document``), never from a case's private fields. A withdrawn
poster keeps its number and dates but forgets its document and photos. The document is
kept in the clear: while published it is public by design, and once withdrawn it is gone.
"""

from django.db import models

# The organization code of this clearinghouse's own posters (built from its cases).
HOME_CODE = "CH"


class PosterOrganization(models.Model):
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    logo = models.ForeignKey(
        "media.Blob", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class PosterClient(models.Model):
    """A partner's credentials. Only a SHA-256 of the secret is kept: secrets are 256
    random bits, so a fast hash is enough (no password stretching needed)."""

    organization = models.ForeignKey(
        PosterOrganization, on_delete=models.PROTECT, related_name="clients"
    )
    client_id = models.CharField(max_length=64, unique=True)
    secret_digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.client_id


class PosterToken(models.Model):
    client = models.ForeignKey(PosterClient, on_delete=models.CASCADE, related_name="tokens")
    digest = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"token of {self.client}"


class Poster(models.Model):
    organization = models.ForeignKey(
        PosterOrganization, on_delete=models.PROTECT, related_name="posters"
    )
    case_number = models.CharField(max_length=100)
    case = models.OneToOneField(
        "missing.MissingCase",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="poster",
    )
    document = models.JSONField(default=dict, blank=True)
    missing_state = models.CharField(max_length=2, blank=True, db_index=True)
    date_created = models.DateTimeField(auto_now_add=True)
    last_modified = models.DateTimeField(auto_now=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "case_number"], name="poster_unique_case_number"
            )
        ]

    def __str__(self) -> str:
        return f"poster {self.organization}/{self.case_number}"

    @property
    def is_published(self) -> bool:
        return self.withdrawn_at is None


class PosterPhoto(models.Model):
    class Role(models.TextChoices):
        CHILD = "child", "Child"
        AGE_PROGRESSION = "age_progression", "Age progression"
        COMPANION = "companion", "Companion"
        EXTRA = "extra", "Extra"

    poster = models.ForeignKey(Poster, on_delete=models.CASCADE, related_name="photos")
    blob = models.ForeignKey("media.Blob", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.CHILD)
    person = models.PositiveSmallIntegerField(default=0, help_text="Which child or companion.")
    md5 = models.CharField(max_length=32, db_index=True)
    file_name = models.CharField(max_length=200, blank=True)
    file_type = models.CharField(max_length=100, blank=True)
    description = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.md5} on {self.poster}"
