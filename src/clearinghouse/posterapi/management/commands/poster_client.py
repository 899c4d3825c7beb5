"""``clearinghouse poster-client create|list|revoke|logo``: Poster API partners."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clearinghouse.media import vault
from clearinghouse.posterapi import credentials
from clearinghouse.posterapi.models import PosterClient, PosterOrganization

LOGO_TYPES = ("image/png", "image/jpeg", "image/gif", "image/svg+xml", "image/webp")


class Command(BaseCommand):
    help = "Create, list and revoke Poster API partner credentials; set a partner's logo."

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="issue credentials (id and secret: last lines)")
        create.add_argument("--org", required=True, help="the organization code (created if new)")
        create.add_argument("--name", default="", help="the organization's name, when new")
        actions.add_parser("list", help="every client, with its state")
        revoke = actions.add_parser("revoke", help="revoke a client from now on")
        revoke.add_argument("client_id")
        logo = actions.add_parser("logo", help="set an organization's logo from an image file")
        logo.add_argument("--org", required=True)
        logo.add_argument("file", type=Path)

    def handle(self, *args, action: str, **options) -> None:
        try:
            getattr(self, f"handle_{action}")(**options)
        except credentials.CredentialError as problem:
            raise CommandError(str(problem)) from None

    def handle_create(self, *, org: str, name: str, **options) -> None:
        issued = credentials.create(org, name)
        self.stdout.write(f"Created a Poster API client for {issued.client.organization.code}.")
        self.stdout.write("clientId and clientSecret (the secret is shown once):")
        self.stdout.write(issued.client.client_id)
        self.stdout.write(issued.secret)

    def handle_list(self, **options) -> None:
        for client in PosterClient.objects.select_related("organization").order_by("pk"):
            state = f"revoked {client.revoked_at:%Y-%m-%d %H:%M}" if client.revoked_at else "active"
            self.stdout.write(f"{client.client_id}\t{client.organization.code}\t{state}")

    def handle_revoke(self, *, client_id: str, **options) -> None:
        client = credentials.revoke(client_id)
        self.stdout.write(f"Revoked {client.client_id}.")

    def handle_logo(self, *, org: str, file: Path, **options) -> None:
        organization = PosterOrganization.objects.filter(code=org).first()
        if organization is None:
            raise CommandError(f"no organization {org!r}: create a client for it first")
        try:
            data = file.read_bytes()
        except OSError as problem:
            raise CommandError(f"cannot read {file}: {problem.strerror}") from None
        blob = vault.put(data, declared_name=file.name, max_bytes=2 * 1024 * 1024)
        if blob.media_type not in LOGO_TYPES:
            raise CommandError(f"{file} is not an image ({blob.media_type})")
        organization.logo = blob
        organization.save(update_fields=["logo"])
        self.stdout.write(f"Logo of {org} set.")
