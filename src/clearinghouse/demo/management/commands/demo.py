"""``clearinghouse demo``: a working deployment to look around in, from nothing.

Writes a synthetic world (Arkansas 2023 exactly as on the seed sheet), imports it, creates
one user per role with a fresh password, prints them, and serves the platform.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from rich import box
from rich.console import Console
from rich.table import Table

from clearinghouse.demo import plan
from clearinghouse.demo.service import (
    DEFAULT_SCALE,
    DEFAULT_SEED,
    DemoError,
    DemoResult,
    build_demo,
)
from clearinghouse.demo.world import RECORD_TYPES

HOST = "127.0.0.1"
PORT = 8000


def users_table(result: DemoResult) -> str:
    table = Table(
        "Username",
        "Password",
        "Authenticator secret",
        "Role",
        "Organization",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
    )
    for account in result.accounts:
        table.add_row(
            account.username, account.password, account.secret, account.role, account.organization
        )
    buffer = io.StringIO()
    Console(file=buffer, width=160, color_system=None, emoji=False).print(table)
    return buffer.getvalue()


def summary(result: DemoResult) -> str:
    world, seconds = result.world, result.seconds
    counts = "\n".join(
        f"  {kind:<24}{world.counts[kind]:>9,}" for kind in RECORD_TYPES if world.counts[kind]
    )
    arkansas = plan.ARKANSAS_2023
    steps = ", ".join(f"{step} {value:.1f} s" for step, value in seconds.items())
    return (
        f"Demo world (seed {world.seed}, scale {world.scale:g}): {world.total:,} records "
        f"in {world.directory}; imported {result.imported('created'):,} new, "
        f"{result.imported('unchanged'):,} already there\n{counts}\n"
        f"Arkansas {plan.SEED_YEAR}, as on the seed sheet: "
        f"{arkansas.reports_made_available:,} CyberTipline reports made available, "
        f"{arkansas.submissions_reviewed} CVIP submissions reviewed, "
        f"{arkansas.cases} missing child cases ({arkansas.cases_from_care} from care, "
        f"{arkansas.cases_hhs_orr} HHS-ORR, {arkansas.cases_other} other), "
        f"{arkansas.agency_engagements} CST engagements, "
        f"{arkansas.families_supported} Team HOPE and "
        f"{arkansas.families_connected} FAON families, "
        f"{arkansas.cases_assisted} Team Adam case, "
        f"{arkansas.new_professionals} new professionals.\n"
        f"Ready in {sum(seconds.values()):.1f} s ({steps})."
    )


class Command(BaseCommand):
    help = (
        "Create a demo deployment in the data directory: a synthetic world (Arkansas 2023 "
        "as on the seed sheet), one user per role, then serve it on "
        f"http://{HOST}:{PORT}/."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help=f"seed of the synthetic world (default {DEFAULT_SEED}); same seed, same world",
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=DEFAULT_SCALE,
            help="size of the world outside Arkansas, as a share of the records "
            f"proportional to population (default {DEFAULT_SCALE:g})",
        )
        parser.add_argument("--no-serve", action="store_true", help="set everything up, then exit")
        parser.add_argument("--host", default=HOST, help=f"address to serve on (default {HOST})")
        parser.add_argument("--port", type=int, default=PORT, help=f"port (default {PORT})")

    def handle(
        self, *args, seed: int, scale: float, no_serve: bool, host: str, port: int, **options
    ) -> None:
        if scale < 0:
            raise CommandError("--scale cannot be negative")
        quiet = options["verbosity"] == 0
        try:
            result = build_demo(
                settings.DATA_DIR,
                seed=seed,
                scale=scale,
                console=None if quiet else Console(stderr=True),
            )
        except DemoError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(summary(result))
        self.stdout.write("\nDemo users (the passwords are new on every run and shown only now):")
        self.stdout.write(users_table(result), ending="")
        sheet = f"http://{host}:{port}{reverse('impact:sheet', args=['AR', plan.SEED_YEAR])}"
        if no_serve:
            self.stdout.write(f"Start the server with `clearinghouse serve`, then open {sheet}")
            return
        self.stdout.write(f"Arkansas 2023 fact sheet: {sheet}")
        self.stdout.flush()
        call_command("serve", host=host, port=port)
