"""``clearinghouse match FILE...``: a JSON line per file with its matches in the banks."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from clearinghouse.banks.hashing import hash_file
from clearinghouse.banks.matcher import Matcher


class Command(BaseCommand):
    help = (
        "Hash each file (MD5, SHA-1, PDQ for images, video PDQ for videos) and print one "
        "JSON object per file with its matches in the enabled banks: bank, label, hash "
        "type, distance."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument(
            "--rotations",
            action="store_true",
            help="also match rotated and flipped copies of images (PDQ dihedral variants)",
        )

    def handle(self, *args, files: list[str], rotations: bool, **options):
        matcher = Matcher()  # a fresh index: this process lives for one command
        unreadable = 0
        for name in files:
            try:
                hashes = hash_file(name, dihedral=rotations)
            except OSError as error:
                self.stderr.write(f"{name}: cannot read: {error.strerror}")
                unreadable += 1
                continue
            matches = matcher.match_exact("md5", hashes.md5) + matcher.match_exact(
                "sha1", hashes.sha1
            )
            if hashes.pdq:
                matches += matcher.match_pdq(hashes.pdq, hashes.pdq_quality)
            if hashes.vpdq:
                matches += matcher.match_video(hashes.vpdq)
            line = {
                "file": name,
                "md5": hashes.md5,
                "sha1": hashes.sha1,
                "pdq": hashes.pdq[0] if hashes.pdq else None,
                "pdq_quality": hashes.pdq_quality,
                "matches": [match.as_dict() for match in matches],
            }
            self.stdout.write(json.dumps(line))
        if unreadable:
            raise CommandError(f"{unreadable} of {len(files)} files could not be read")
