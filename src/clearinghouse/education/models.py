from django.db import models

from clearinghouse.core.fields import EncryptedTextField
from clearinghouse.core.models import Record


class TrainingRegistration(Record):
    """A registration on the training platform: imported, or made by a professional on the
    public sign-up page (which fills in who they are; an imported row may carry only the
    state and profession)."""

    class Profession(models.TextChoices):
        LAW_ENFORCEMENT = "law_enforcement", "Law enforcement"
        CHILD_SERVING_PROFESSIONAL = "child_serving_professional", "Child-serving professional"
        OTHER = "other", "Other"

    registered_at = models.DateTimeField(db_index=True)
    state = models.ForeignKey("geo.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    profession = models.CharField(max_length=32, choices=Profession.choices)
    full_name = EncryptedTextField(blank=True)
    email = EncryptedTextField(blank=True)
    # A keyed digest of the normalized email: finds a repeated sign-up without storing
    # the address in clear (see ``clearinghouse.education.signup``).
    email_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    job_title = models.CharField(max_length=200, blank=True)
    agency_name = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"training registration {self.external_id}"
