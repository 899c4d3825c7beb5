"""``clearinghouse scheduler``: runs the periodic jobs of ``clearinghouse.core.schedule``.

``clearinghouse serve`` starts one beside the web server; with ``--once`` it runs what is due
and exits (a cron line instead of a resident process).
"""

from __future__ import annotations

import logging
import signal
import threading

from django.core.management.base import BaseCommand, CommandError

from clearinghouse.core import schedule


class Command(BaseCommand):
    help = (
        "Run the periodic jobs (audit seal, report expiry, vault sweep, stranded analyses) "
        "when due."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="run the due jobs, then exit")
        parser.add_argument(
            "--poll",
            type=float,
            default=1.0,
            help="seconds between two looks at the jobs (default 1: the audit seal's interval)",
        )

    def handle(self, *args, once: bool, poll: float, verbosity: int, **options) -> None:
        if once:
            self.run_once()
            return
        if verbosity >= 1:
            # The root logger's handler prints it; its level would hide each run's line.
            logging.getLogger(schedule.__name__).setLevel(logging.INFO)
        if poll <= 0:
            raise CommandError(f"--poll {poll}: give a number of seconds above 0")
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            # A job under way is finished before the scheduler stops.
            signal.signal(signum, lambda *_: stop.set())
        schedule.run_forever(poll=poll, stop=stop)

    def run_once(self) -> None:
        runs = schedule.run_due()
        for run in runs:
            outcome = f"failed: {run.outcome}" if run.failed else run.outcome
            self.stdout.write(f"{run.job}: {outcome} ({run.seconds:.2f} s)")
        if not runs:
            self.stdout.write("No job was due.")
        failed = [run.job for run in runs if run.failed]
        if failed:
            raise CommandError(f"failed: {', '.join(failed)}")
