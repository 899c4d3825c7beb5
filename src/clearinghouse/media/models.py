from django.core.validators import RegexValidator
from django.db import models

md5_validator = RegexValidator(r"^[0-9a-f]{32}$", "MD5 must be 32 lowercase hex digits.")
sha1_validator = RegexValidator(r"^[0-9a-f]{40}$", "SHA-1 must be 40 lowercase hex digits.")
pdq_validator = RegexValidator(r"^[0-9a-f]{64}$", "PDQ must be 64 lowercase hex digits.")


class Hashes(models.Model):
    """The hashes by which a file is known, whether or not its bytes are held."""

    md5 = models.CharField(max_length=32, blank=True, db_index=True, validators=[md5_validator])
    sha1 = models.CharField(max_length=40, blank=True, db_index=True, validators=[sha1_validator])
    pdq = models.CharField(max_length=64, blank=True, validators=[pdq_validator])
    media_type = models.CharField(max_length=100, blank=True)

    class Meta:
        abstract = True


class Blob(Hashes):
    """A file's bytes, held encrypted in the vault and known by its SHA-256.

    Content-addressed: the same bytes are stored once, however many reports carry them.
    The bytes are encrypted under a random per-file key; ``wrapped_key`` is that key,
    encrypted under the vault key (``settings.VAULT_KEY``).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for analysis"
        OK = "ok", "Analysed"
        TRUNCATED = "truncated", "Truncated"
        MALFORMED = "malformed", "Malformed"
        MISLABELLED = "mislabelled", "Mislabelled"
        BOMB = "bomb", "Decompression bomb"

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveBigIntegerField()
    declared_type = models.CharField(
        max_length=100, blank=True, help_text="The type the sender claimed (name or header)."
    )
    wrapped_key = models.BinaryField()
    pdq_quality = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    problem = models.TextField(blank=True, help_text="What analysis found wrong, if anything.")
    analysed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"blob {self.sha256[:12]}"
