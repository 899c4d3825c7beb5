from django.db import models

from clearinghouse.core.models import Record


class PublishedStatistic(Record):
    """A national figure published by another body, for deployments that do not hold the
    national records (a state clearinghouse)."""

    metric = models.CharField(max_length=64)
    year = models.PositiveSmallIntegerField()
    value = models.DecimalField(max_digits=20, decimal_places=4)
    source = models.TextField(help_text="Citation: who published the figure, and where.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["metric", "year"], name="published_statistic_once"),
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.year} = {self.value}"
