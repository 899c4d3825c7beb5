"""The scheduler of periodic jobs: each job runs once an interval, whoever runs it and
however many schedulers there are, and a failing job stops nothing."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from clearinghouse.core import schedule
from clearinghouse.core.models import ScheduledJob

MINUTE = timedelta(minutes=1)


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        return self.calls


def broken() -> None:
    raise RuntimeError("the disk is full")


@pytest.mark.django_db
def test_a_job_runs_once_an_interval():
    counter = Counter()
    jobs = [schedule.Job("count", MINUTE, counter)]
    start = timezone.now()

    assert [run.outcome for run in schedule.run_due(jobs, now=start)] == ["1"]
    assert schedule.run_due(jobs, now=start) == []
    assert schedule.run_due(jobs, now=start + MINUTE / 2) == []
    assert [run.outcome for run in schedule.run_due(jobs, now=start + MINUTE)] == ["2"]

    row = ScheduledJob.objects.get(name="count")
    assert (row.due_at, row.lease_until, row.last_outcome) == (start + 2 * MINUTE, None, "ok: 2")


@pytest.mark.django_db
def test_a_failing_job_is_recorded_and_the_others_still_run(caplog):
    counter = Counter()
    jobs = [schedule.Job("broken", MINUTE, broken), schedule.Job("count", MINUTE, counter)]

    runs = schedule.run_due(jobs)

    assert [(run.job, run.failed, run.outcome) for run in runs] == [
        ("broken", True, "RuntimeError: the disk is full"),
        ("count", False, "1"),
    ]
    assert ScheduledJob.objects.get(name="broken").last_outcome == (
        "failed: RuntimeError: the disk is full"
    )
    assert "Job broken failed" in caplog.text
    assert "the disk is full" in caplog.text  # the traceback


@pytest.mark.django_db
def test_a_run_whose_scheduler_died_holds_the_job_until_its_lease_ends():
    counter = Counter()
    job = schedule.Job("count", MINUTE, counter, lease=10 * MINUTE)
    start = timezone.now()
    ScheduledJob.objects.create(name="count", due_at=start)
    assert schedule.claim(job, start, "dead-host:1")  # ... and never finished

    assert schedule.run_due([job], now=start + 2 * MINUTE) == []
    assert len(schedule.run_due([job], now=start + 10 * MINUTE)) == 1
    assert counter.calls == 1


@pytest.mark.django_db
def test_the_table_holds_the_periodic_jobs_of_the_platform():
    assert {(job.name, job.interval) for job in schedule.JOBS} == {
        ("audit_seal", timedelta(seconds=1)),
        ("tipline_expire", timedelta(minutes=1)),
        ("impact_rollups_compact", timedelta(minutes=1)),
        ("enqueue_pending", timedelta(minutes=5)),
        ("vault_sweep_temp", timedelta(hours=1)),
        ("vault_sweep_orphans", timedelta(hours=1)),
        ("accounts_disable_inactive", timedelta(hours=1)),
    }


# Real processes on a real database -------------------------------------------------------


@pytest.fixture(scope="module")
def deployment(cli, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("scheduled")
    migrated = cli("migrate", "-v", "0", data_dir=data_dir)
    assert migrated.returncode == 0, migrated.stderr
    return data_dir


def test_once_runs_the_due_jobs_and_exits(cli, deployment):
    first = cli("scheduler", "--once", data_dir=deployment, timeout=120)
    assert first.returncode == 0, first.stderr
    assert sorted(line.split(":")[0] for line in first.stdout.splitlines()) == [
        "accounts_disable_inactive",
        "audit_seal",
        "enqueue_pending",
        "impact_rollups_compact",
        "tipline_expire",
        "vault_sweep_orphans",
        "vault_sweep_temp",
    ]
    assert "tipline_expire: 0 (" in first.stdout

    second = cli("scheduler", "--once", data_dir=deployment, timeout=120)
    assert second.returncode == 0, second.stderr
    ran_again = {line.split(":")[0] for line in second.stdout.splitlines()} - {"No job was due."}
    assert ran_again <= {"audit_seal"}  # only the every-second seal is due again so soon


# Runs the scheduler loop until a wall-clock deadline, with jobs that note each run (the
# scheduler's pid and the time it claimed the run) in a shared file.
TWO_SCHEDULERS = """
import json, os, sys, threading, time
from datetime import timedelta
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clearinghouse.settings")
import django
django.setup()
from clearinghouse.core import schedule
from clearinghouse.core.models import ScheduledJob

ledger, deadline = sys.argv[1], float(sys.argv[2])

def note(name, at):
    with open(ledger, "a") as file:
        file.write(json.dumps([name, os.getpid(), at]) + "\\n")

def claimed(name):
    return ScheduledJob.objects.get(name=name).last_started_at.timestamp()

def tick():
    note("tick", claimed("tick"))

def broken():
    note("broken", claimed("broken"))
    raise RuntimeError("broken on purpose")

jobs = [
    schedule.Job("broken", timedelta(seconds=1), broken),
    schedule.Job("tick", timedelta(seconds=1), tick),
]
note("started", time.time())
stop = threading.Event()
threading.Timer(deadline - time.time(), stop.set).start()
schedule.run_forever(jobs, poll=0.02, stop=stop)
"""


def test_two_schedulers_run_each_job_once_an_interval(cli, deployment, tmp_path):
    ledger = tmp_path / "runs.jsonl"
    deadline = time.time() + 9
    schedulers = [
        subprocess.Popen(
            [sys.executable, "-c", TWO_SCHEDULERS, str(ledger), str(deadline)],
            env=cli.env(deployment),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=60) for process in schedulers]
    assert [process.returncode for process in schedulers] == [0, 0], outputs

    notes = [json.loads(line) for line in ledger.read_text().splitlines()]
    started = max(at for name, _, at in notes if name == "started")
    assert deadline - started > 3, "the two schedulers hardly ran together"
    for name in ("tick", "broken"):
        times = sorted(at for job, _, at in notes if job == name)
        gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
        assert min(gaps) >= 1 - 1e-6, (name, gaps)  # never twice in one interval
        # ... and it kept running, failing or not (every other interval at worst, on a
        # busy machine).
        assert len([at for at in times if at > started]) >= (deadline - started - 1) / 2
    assert sum(err.count("Job broken failed") for _, err in outputs) == len(
        [name for name, *_ in notes if name == "broken"]
    )
