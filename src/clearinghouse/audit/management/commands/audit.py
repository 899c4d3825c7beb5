"""``clearinghouse audit seal|verify|head``: the hash chain of the audit trail."""

from __future__ import annotations

import re

from django.core.management.base import BaseCommand, CommandError

from clearinghouse.audit import chain

ANCHOR = re.compile(r"(?P<sequence>[0-9]+):(?P<hash>[0-9a-f]{64})")


def parse_anchor(text: str) -> tuple[int, str]:
    match = ANCHOR.fullmatch(text.strip().lower())
    if match is None:
        raise CommandError(f"--anchor {text!r}: give SEQUENCE:HASH as printed by audit head")
    return int(match["sequence"]), match["hash"]


class Command(BaseCommand):
    help = "Seal the audit trail into its hash chain, verify the chain, print its head."
    # It reads and seals the audit tables only: it must answer even when a check of the
    # site's configuration fails (the scheduler runs with --skip-checks for the same reason).
    requires_system_checks = []

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("seal", help="seal every committed event now")
        verify = actions.add_parser(
            "verify", help="check the chain; non-zero exit and the first bad event if broken"
        )
        verify.add_argument(
            "--anchor",
            dest="anchors",
            type=parse_anchor,
            action="append",
            default=[],
            metavar="SEQUENCE:HASH",
            help="a head printed earlier by audit head, kept elsewhere; the chain must hold it",
        )
        actions.add_parser("head", help="the last sealed event's sequence and hash")

    def handle(self, *args, action: str, **options) -> None:
        getattr(self, f"handle_{action}")(**options)

    def handle_seal(self, **options) -> None:
        try:
            sealed = chain.seal()
        except chain.ChainError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Sealed {sealed} event{'s' if sealed != 1 else ''}.")

    def handle_head(self, **options) -> None:
        head = chain.head()
        if head is None:
            raise CommandError("Nothing is sealed yet.")
        self.stdout.write(f"{head.sequence}:{head.hash}")

    def handle_verify(self, *, anchors: list[tuple[int, str]], **options) -> None:
        verdict = chain.verify(anchors=anchors)
        problems = []
        if verdict.problem:
            problems.append(f"BROKEN: {verdict.problem}")
        if verdict.stale:
            oldest = verdict.oldest_stale
            problems.append(
                f"UNSEALED: {verdict.stale} events waited more than a minute for their seal "
                f"(oldest: event id {oldest.pk}, {oldest.at:%Y-%m-%d %H:%M:%S}); "
                "is the scheduler running (audit_seal)?"
            )
        if verdict.triggers:
            problems.append(
                f"UNPROTECTED: append-only triggers missing: {', '.join(verdict.triggers)}"
            )
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(
                f"The audit trail failed verification ({verdict.verified} events verified "
                "before the first problem)."
            )
        head = verdict.head
        where = f", head {head.sequence}:{head.hash}" if head is not None else ""
        self.stdout.write(
            f"Verified {verdict.verified} sealed events{where}; "
            f"{verdict.unsealed} awaiting their seal."
        )
