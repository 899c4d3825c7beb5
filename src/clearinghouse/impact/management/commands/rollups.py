"""``clearinghouse rollups``: rebuild, compact or check the figures' rollups."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from clearinghouse.impact.rollups import store


class Command(BaseCommand):
    help = (
        "The figures' rollups: 'rebuild' counts every record again (after a bulk load with "
        "the triggers off, or to repair), 'compact' folds the pending deltas in (the "
        "scheduler does it every minute), 'check --year Y' compares them with full scans."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "compact", "check"])
        parser.add_argument(
            "--year", type=int, action="append", help="with check: a year to compare (repeatable)"
        )

    def handle(self, *args, action, year, **options):
        started = time.monotonic()
        if action == "rebuild":
            rows = store.rebuild()
            self.stdout.write(f"Rebuilt {rows:,} rollup rows in {time.monotonic() - started:.1f} s")
        elif action == "compact":
            folded = store.compact()
            self.stdout.write(f"Folded {folded:,} deltas in {time.monotonic() - started:.1f} s")
        else:
            self.check_years(year)

    def check_years(self, years: list[int] | None) -> None:
        from clearinghouse.impact.rollups.check import differences

        if not years:
            raise CommandError("check needs --year Y (one or more)")
        found = [difference for year in years for difference in differences(year)]
        for difference in found:
            self.stderr.write(str(difference))
        if found:
            raise CommandError(
                f"{len(found)} figures differ from their full scans: "
                "run 'clearinghouse rollups rebuild'"
            )
        self.stdout.write(f"Every figure of {', '.join(map(str, years))} equals its full scan")
