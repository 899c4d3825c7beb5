"""``clearinghouse esp-credential create|list|revoke``: platform credentials for the
reporting API."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from clearinghouse.tipline import credentials
from clearinghouse.tipline.models import EspCredential


class Command(BaseCommand):
    help = "Create, list and revoke the credentials online platforms use on /ispws/."

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="issue a credential (password: last line)")
        create.add_argument("--org", required=True, help="the platform (created if new)")
        create.add_argument("--username", required=True)
        actions.add_parser("list", help="every credential, with its state")
        revoke = actions.add_parser("revoke", help="revoke a credential from now on")
        revoke.add_argument("username")

    def handle(self, *args, action: str, **options) -> None:
        try:
            getattr(self, f"handle_{action}")(**options)
        except credentials.CredentialError as error:
            raise CommandError(str(error)) from None

    def handle_create(self, *, org: str, username: str, **options) -> None:
        issued = credentials.create(org, username)
        self.stdout.write(f"Created credential {username} for {issued.credential.organization}.")
        self.stdout.write("Password (shown once, on the next line):")
        self.stdout.write(issued.password)

    def handle_list(self, **options) -> None:
        rows = EspCredential.objects.select_related("organization").order_by("username")
        for credential in rows:
            state = (
                f"revoked {credential.revoked_at:%Y-%m-%d %H:%M}"
                if credential.revoked_at
                else "active"
            )
            used = (
                f"{credential.last_used_at:%Y-%m-%d %H:%M}" if credential.last_used_at else "never"
            )
            self.stdout.write(
                f"{credential.username}\t{credential.organization}\t{state}\tlast used {used}"
            )

    def handle_revoke(self, *, username: str, **options) -> None:
        credential = credentials.revoke(username)
        self.stdout.write(
            f"Revoked {credential.username} ({credential.revoked_at:%Y-%m-%d %H:%M} UTC)."
        )
