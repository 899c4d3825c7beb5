"""Django's ``flush``, which erases every table, able to erase the audit trail too.

Erasing the whole database is what the test runner does between tests that commit, and
what an administrator asks for with ``flush``; the append-only triggers would refuse it.
They are lifted for the erasure and put back in the same transaction (``triggers.lifted``),
so the database is never left without them.
"""

from __future__ import annotations

from django.core.management.commands import flush

from clearinghouse.audit import triggers


class Command(flush.Command):
    help = flush.Command.help + " The audit trail is erased too."

    def handle(self, **options) -> None:
        with triggers.lifted(options["database"]):
            super().handle(**options)
