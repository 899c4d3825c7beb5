from django.db import models


class Record(models.Model):
    """A record of one of the platform's programs.

    ``external_id`` is the id the record carries in the import format (unique within its
    type); ``import_digest`` fingerprints the content it was last imported with, which
    makes a repeated import a no-op and a conflicting one detectable.
    """

    external_id = models.CharField(max_length=200, unique=True)
    import_digest = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.external_id
