"""Hash banks: named, labelled lists of hashes of known material.

A bank is, for example, one identified series or one category of known content. Files are
matched against the enabled banks (``clearinghouse.banks.matcher``) without anybody having
to look at them.
"""

from __future__ import annotations

from django.db import models

DEFAULT_PDQ_THRESHOLD = 31


class HashBank(models.Model):
    name = models.SlugField(max_length=100, unique=True)
    label = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    enabled = models.BooleanField(default=True)
    pdq_threshold = models.PositiveSmallIntegerField(
        default=DEFAULT_PDQ_THRESHOLD,
        help_text="Largest Hamming distance at which a PDQ hash matches (0-256).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class BankHash(models.Model):
    """One hash in a bank. ``value`` is lowercase hex; a video PDQ hash is one row per
    frame hash, the frames of one video sharing its ``label``."""

    class HashType(models.TextChoices):
        MD5 = "md5", "MD5"
        SHA1 = "sha1", "SHA-1"
        PDQ = "pdq", "PDQ"
        VPDQ = "vpdq", "Video PDQ frame"

    bank = models.ForeignKey(HashBank, on_delete=models.CASCADE, related_name="hashes")
    hash_type = models.CharField(max_length=8, choices=HashType.choices)
    value = models.CharField(max_length=64)
    label = models.CharField(max_length=200, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("bank", "hash_type", "value"), name="banks_hash_unique_per_bank"
            )
        ]
        indexes = [models.Index(fields=("hash_type", "value"), name="banks_hash_lookup")]

    def __str__(self) -> str:
        return f"{self.hash_type}:{self.value[:16]}"
