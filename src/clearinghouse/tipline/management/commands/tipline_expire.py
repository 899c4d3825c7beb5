"""``clearinghouse tipline_expire``: discard open reports that were never finished.

Run it from a scheduler (every few minutes); it is idempotent.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from clearinghouse.tipline.intake import expire_stale_reports


class Command(BaseCommand):
    help = "Mark expired the open reports past 24 h since opened and 1 h since last change."

    def handle(self, *args, **options) -> None:
        expired = expire_stale_reports()
        self.stdout.write(f"Expired {expired} open report{'' if expired == 1 else 's'}.")
