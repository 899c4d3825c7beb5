"""Periodic jobs: what runs on its own every minute, every five minutes, every hour.

``JOBS`` is the table. ``clearinghouse scheduler`` (started by ``clearinghouse serve``)
runs it in a loop; ``clearinghouse scheduler --once`` runs what is due and exits, for
cron. Every machine of a deployment may run a scheduler: each job has a row in
``core.ScheduledJob``, and a scheduler runs a job only after it has moved the row's
``due_at`` one interval ahead and taken its lease in one conditional UPDATE, which only
one scheduler can win (on SQLite and PostgreSQL alike). A run is logged and recorded on
the row; a job that fails is logged, recorded, and tried again at its next interval,
and the other jobs carry on.

Times are each scheduler's clock: machines are expected to keep time (NTP), and a few
seconds of skew only move a run by as much.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import close_old_connections
from django.db.models import Q
from django.utils import timezone

from clearinghouse.core.models import ScheduledJob

logger = logging.getLogger(__name__)

# How long a run may hold its job before another scheduler may take it over (the
# scheduler that held it died mid-run).
DEFAULT_LEASE = timedelta(minutes=15)


@dataclass(frozen=True)
class Job:
    name: str
    interval: timedelta
    function: Callable[[], object]
    lease: timedelta = DEFAULT_LEASE
    # A job that runs every second logs its runs at DEBUG level (its failures still at
    # ERROR), or the log would hold little else.
    quiet: bool = False


@dataclass(frozen=True)
class Run:
    """One run of a job by this scheduler: ``outcome`` is what the job returned (a
    count) or, when ``failed``, the error."""

    job: str
    failed: bool
    outcome: str
    seconds: float


# The jobs themselves --------------------------------------------------------------------


def expire_open_reports() -> int:
    """Reports opened through the reporting API and never finished are discarded (the
    CyberTipline spec's lifetime of an open report)."""
    from clearinghouse.tipline.intake import expire_stale_reports

    return expire_stale_reports()


def sweep_vault_temp() -> int:
    """Temporary files that a killed writer left in the vault are removed."""
    from clearinghouse.media import vault

    return vault.sweep_temp()


def sweep_vault_orphans() -> int:
    """Stored files that no record refers to, a day old, are removed (an upload refused
    because its report was finished or retracted while its bytes were being stored)."""
    from clearinghouse.media import vault

    return vault.sweep_orphans()


def enqueue_stranded_analyses() -> int:
    """Files never analysed (a crash between a file's commit and its enqueue) are
    enqueued again. Only when no analysis waits in the queue: while workers are behind,
    every pending file may still be queued, and enqueuing it twice would analyse it
    twice."""
    from django_tasks_db.models import DBTaskResult

    from clearinghouse.media import tasks

    waiting = DBTaskResult.objects.ready().filter(task_path=tasks.analyse_blob.module_path)
    if waiting.exists():
        return 0
    return tasks.enqueue_pending()


def seal_audit_trail() -> int:
    """Audit events committed since the last run are sealed into the hash chain
    (``audit.chain``): every second, so that a change to a fresh event shows too."""
    from clearinghouse.audit import chain

    return chain.seal()


def compact_rollups() -> int:
    """The deltas the figures' triggers appended are folded into the rollups, so that a
    sheet sums few rows (``clearinghouse.impact.rollups``)."""
    from clearinghouse.impact.rollups import store

    return store.compact()


def disable_inactive_accounts() -> int:
    """Accounts nobody signed in to for 90 days are disabled (``accounts.signin``)."""
    from clearinghouse.accounts import signin

    return signin.disable_inactive()


JOBS: tuple[Job, ...] = (
    Job("audit_seal", timedelta(seconds=1), seal_audit_trail, timedelta(minutes=5), quiet=True),
    Job("tipline_expire", timedelta(minutes=1), expire_open_reports),
    Job("impact_rollups_compact", timedelta(minutes=1), compact_rollups),
    Job("enqueue_pending", timedelta(minutes=5), enqueue_stranded_analyses),
    Job("vault_sweep_temp", timedelta(hours=1), sweep_vault_temp),
    Job("vault_sweep_orphans", timedelta(hours=1), sweep_vault_orphans),
    Job("accounts_disable_inactive", timedelta(hours=1), disable_inactive_accounts),
)


# Running them ---------------------------------------------------------------------------


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


def claim(job: Job, now: datetime, holder: str) -> bool:
    """Takes the job's run for this interval, if it is due and nobody holds it: one
    conditional UPDATE, so of several schedulers exactly one gets it."""
    free = Q(lease_until__isnull=True) | Q(lease_until__lte=now)
    taken = ScheduledJob.objects.filter(free, name=job.name, due_at__lte=now).update(
        due_at=now + job.interval,
        lease_until=now + job.lease,
        holder=holder,
        last_started_at=now,
    )
    return taken == 1


def run_job(job: Job, started: datetime, holder: str) -> Run:
    """Runs a claimed job, records the outcome on its row and gives the lease back."""
    clock = time.monotonic()
    try:
        result = job.function()
    except Exception as error:
        run = Run(job.name, True, f"{type(error).__name__}: {error}", time.monotonic() - clock)
        logger.exception("Job %s failed after %.2f s", job.name, run.seconds)
    else:
        run = Run(job.name, False, str(result), time.monotonic() - clock)
        level = logging.DEBUG if job.quiet else logging.INFO
        logger.log(level, "Job %s done in %.2f s: %s", job.name, run.seconds, run.outcome)
    outcome = f"failed: {run.outcome}" if run.failed else f"ok: {run.outcome}"
    ScheduledJob.objects.filter(name=job.name, holder=holder, last_started_at=started).update(
        lease_until=None, last_finished_at=timezone.now(), last_outcome=outcome[:2000]
    )
    return run


def run_due(jobs: Iterable[Job] = JOBS, *, now: datetime | None = None) -> list[Run]:
    """Runs every job that is due and that this scheduler wins; returns the runs."""
    jobs = list(jobs)
    now = now or timezone.now()
    rows = ScheduledJob.objects.in_bulk([job.name for job in jobs])
    new = [ScheduledJob(name=job.name, due_at=now) for job in jobs if job.name not in rows]
    if new:  # a job never seen is due at once; another scheduler may add it first
        ScheduledJob.objects.bulk_create(new, ignore_conflicts=True)
    holder = holder_name()
    runs = []
    for job in jobs:
        row = rows.get(job.name)
        looks_due = row is None or (
            row.due_at <= now and (row.lease_until is None or row.lease_until <= now)
        )
        if looks_due and claim(job, now, holder):
            runs.append(run_job(job, now, holder))
    return runs


def run_forever(jobs: Iterable[Job] = JOBS, *, poll: float = 1.0, stop: threading.Event) -> None:
    """Runs due jobs every ``poll`` seconds until ``stop`` is set (a job under way is
    finished first). A database that is away is logged and tried again."""
    jobs = list(jobs)
    logger.info("Scheduler %s runs %s", holder_name(), ", ".join(job.name for job in jobs))
    while not stop.is_set():
        close_old_connections()
        try:
            run_due(jobs)
        except Exception:
            logger.exception("the scheduler could not reach its jobs; trying again")
        close_old_connections()
        stop.wait(poll)
