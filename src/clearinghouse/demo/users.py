"""The demo's users: one per role, each in an organization that role belongs to.

Every run gives each of them a new password (printed once, never stored in clear), so
that a demo data directory never keeps a password someone else has seen.
"""

from __future__ import annotations

import secrets
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from clearinghouse.accounts import signin
from clearinghouse.accounts.models import Organization, User

Kind = Organization.Kind
Role = User.Role


@dataclass(frozen=True)
class DemoOrganization:
    name: str
    kind: str
    jurisdiction: str | None = None


CLEARINGHOUSE = DemoOrganization("Demo National Clearinghouse", Kind.CLEARINGHOUSE)
# The same agencies hold Arkansas records of the demo world (``world.agencies_of``).
POLICE = DemoOrganization("Arkansas Demo Police Department", Kind.LAW_ENFORCEMENT, "AR")
FAMILY_SERVICES = DemoOrganization("Arkansas Demo Family Services", Kind.SOCIAL_SERVICE, "AR")

# (role, organization); the username is "demo-<role>" with dashes.
DEMO_ROLES: tuple[tuple[str, DemoOrganization], ...] = (
    (Role.ADMIN, CLEARINGHOUSE),
    (Role.ANALYST, CLEARINGHOUSE),
    (Role.CASE_MANAGER, CLEARINGHOUSE),
    (Role.OFFICER, POLICE),
    (Role.AGENCY_STAFF, FAMILY_SERVICES),
)

# Unambiguous letters and digits (no 0/o, 1/l/i): read off a screen and typed by hand.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    secret: str  # the authenticator's (TOTP), for an app or ``clearinghouse totp-code``
    role: str
    organization: str


def username_for(role: str) -> str:
    return "demo-" + role.replace("_", "-")


def new_password() -> str:
    """Five groups of five characters from 31: about 124 bits."""
    groups = ("".join(secrets.choice(_ALPHABET) for _ in range(5)) for _ in range(5))
    return "-".join(groups)


def _organization(spec: DemoOrganization) -> Organization:
    organization, _ = Organization.objects.update_or_create(
        kind=spec.kind, name=spec.name, defaults={"jurisdiction_id": spec.jurisdiction}
    )
    return organization


def _prepare(role: str, spec: DemoOrganization) -> tuple[User, str]:
    user = User.objects.filter(username=username_for(role)).first() or User(
        username=username_for(role)
    )
    user.role = role
    user.organization = _organization(spec)
    user.first_name = "Demo"
    user.last_name = Role(role).label
    user.email = f"{username_for(role)}@example.org"
    user.is_active = True
    user.is_superuser = role == Role.ADMIN
    user.is_staff = spec.kind == Kind.CLEARINGHOUSE
    user.full_clean(exclude=["password"])
    password = new_password()
    validate_password(password, user)
    return user, password


@transaction.atomic
def create_demo_users() -> list[DemoAccount]:
    """Create the demo users, or bring them back to their demo role and organization,
    each with a new password. Returns the accounts with their passwords in clear."""
    prepared = [_prepare(role, spec) for role, spec in DEMO_ROLES]
    # Hashing is slow on purpose (PBKDF2); it releases the GIL, so the cores share it.
    with ThreadPoolExecutor(max_workers=len(prepared)) as pool:
        hashes = list(pool.map(make_password, [password for _, password in prepared]))
    accounts = []
    for (user, password), hashed in zip(prepared, hashes, strict=True):
        user.password = hashed
        user.save()
        secret = signin.enroll(user)
        accounts.append(
            DemoAccount(
                user.username, password, secret, user.get_role_display(), user.organization.name
            )
        )
    return accounts
