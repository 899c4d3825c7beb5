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


class ScheduledJob(models.Model):
    """The lease of one periodic job (``clearinghouse.core.schedule``): one row a job,
    shared by every scheduler of the deployment.

    A scheduler runs a job only after moving ``due_at`` one interval ahead and taking
    the lease in one conditional UPDATE, so two schedulers (on two machines) never run
    the same job in the same interval; a scheduler that dies mid-run holds the lease
    only until ``lease_until``.
    """

    name = models.CharField(max_length=100, primary_key=True)
    due_at = models.DateTimeField(help_text="When the job may run next.")
    lease_until = models.DateTimeField(null=True, blank=True)
    holder = models.CharField(max_length=200, blank=True, help_text="host:pid of the last run")
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_outcome = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name
