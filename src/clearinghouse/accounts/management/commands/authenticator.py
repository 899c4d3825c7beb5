"""``clearinghouse authenticator code KEY``: the code an authenticator app shows now for
a key (the demo's users, who may have no app at hand); ``clearinghouse authenticator
reset USERNAME``: an administrator's remedy for a lost device (the user sets up a new
one at the next sign-in, and every session of theirs ends)."""

from __future__ import annotations

import binascii

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from clearinghouse.accounts import signin, totp
from clearinghouse.accounts.models import SecondFactor, User
from clearinghouse.audit import events


class Command(BaseCommand):
    help = "Authenticator codes for a key, and resetting a user's authenticator."

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        code = actions.add_parser("code", help="print the current code for a key")
        code.add_argument("key", help="the key, as set up in the app (spaces allowed)")
        reset = actions.add_parser("reset", help="make a user set up a new authenticator")
        reset.add_argument("username")

    def handle(self, *args, action: str, **options) -> None:
        if action == "code":
            try:
                self.stdout.write(totp.code(options["key"], totp.step_at()))
            except (binascii.Error, ValueError):
                raise CommandError("that is not an authenticator key (base32)") from None
            return
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user is called {options['username']!r}")
        with transaction.atomic():
            SecondFactor.objects.filter(user=user).delete()
            events.record("accounts:second_factor:reset", subject=user, via="command")
        ended = signin.end_sessions(user)
        self.stdout.write(
            f"{user.username} sets up a new authenticator at the next sign-in; "
            f"{ended} session(s) ended."
        )
