from django.db import models

from clearinghouse.core.models import Record


class TrainingRegistration(Record):
    """A registration on the training platform."""

    class Profession(models.TextChoices):
        LAW_ENFORCEMENT = "law_enforcement", "Law enforcement"
        CHILD_SERVING_PROFESSIONAL = "child_serving_professional", "Child-serving professional"
        OTHER = "other", "Other"

    registered_at = models.DateTimeField(db_index=True)
    state = models.ForeignKey("geo.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    profession = models.CharField(max_length=32, choices=Profession.choices)

    def __str__(self) -> str:
        return f"training registration {self.external_id}"
