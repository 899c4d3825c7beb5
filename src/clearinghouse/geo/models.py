from django.db import models


class Jurisdiction(models.Model):
    """One of the 56 US jurisdictions a clearinghouse reports on: the 50 states, the
    District of Columbia and the five inhabited territories. Keyed by USPS code."""

    class Kind(models.TextChoices):
        STATE = "state"
        DISTRICT = "district"
        TERRITORY = "territory"

    code = models.CharField(max_length=2, primary_key=True)
    name = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    fips = models.CharField(max_length=2, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
