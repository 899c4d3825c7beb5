"""``clearinghouse hash FILE...``: one JSON object per file, on its own line.

A file that cannot be read gets a JSON error object on stderr instead; the others are
still hashed, and the exit status is non-zero at the end.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from clearinghouse.media import hashing


class Command(BaseCommand):
    help = "Print the MD5, SHA-1, SHA-256 and PDQ (or video PDQ) hashes of files as JSON lines."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")

    def handle(self, *args, files: list[str], **options) -> None:
        failures = 0
        for name in files:
            try:
                record = hashing.hash_file(name).as_json()
            except OSError as error:
                failures += 1
                problem = error.strerror or str(error)
                self.stderr.write(json.dumps({"file": name, "error": problem}))
                continue
            self.stdout.write(json.dumps(record))
        if failures:
            raise SystemExit(1)
