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
