"""Platform credentials: ``clearinghouse esp-credential create|list|revoke`` and the
check behind the reporting API's Basic authentication."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.core.management import CommandError, call_command
from django.utils import timezone

from clearinghouse.accounts.models import Organization
from clearinghouse.tipline import credentials
from clearinghouse.tipline.models import EspCredential

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run(*args) -> list[str]:
    from io import StringIO

    out = StringIO()
    call_command("esp_credential", *args, stdout=out)
    return out.getvalue().splitlines()


def test_create_makes_the_platform_and_prints_the_password_last():
    lines = run("create", "--org", "Example Social", "--username", "social")

    password = lines[-1]
    credential = EspCredential.objects.get(username="social")
    assert credential.organization.kind == Organization.Kind.ESP
    assert credential.organization.name == "Example Social"
    assert password not in credential.password_hash
    assert identify_hasher(credential.password_hash)
    assert credentials.authenticate("social", password) == credential


def test_a_second_credential_joins_the_same_platform():
    run("create", "--org", "Example Social", "--username", "social")
    run("create", "--org", "Example Social", "--username", "social-2")

    assert Organization.objects.filter(name="Example Social").count() == 1


def test_a_taken_username_is_refused():
    run("create", "--org", "Example Social", "--username", "social")

    with pytest.raises(CommandError, match="already exists"):
        run("create", "--org", "Other", "--username", "social")


def test_list_and_revoke():
    password = run("create", "--org", "Example Social", "--username", "social")[-1]
    assert credentials.authenticate("social", password) is not None

    run("revoke", "social")

    assert credentials.authenticate("social", password) is None
    assert "revoked" in run("list")[0]
    with pytest.raises(CommandError, match="no credential"):
        run("revoke", "nobody")


def test_a_wrong_password_or_unknown_user_is_refused():
    run("create", "--org", "Example Social", "--username", "social")

    assert credentials.authenticate("social", "guess") is None
    assert credentials.authenticate("nobody", "guess") is None


def test_a_changed_password_hash_is_checked_again_once_the_trust_window_ends(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(credentials, "_clock", lambda: now[0])
    password = run("create", "--org", "Example Social", "--username", "social")[-1]
    assert credentials.authenticate("social", password) is not None

    EspCredential.objects.filter(username="social").update(password_hash="md5$x$00")
    # Within the window the credential read a moment ago is trusted: no query.
    now[0] += credentials.REVALIDATE_AFTER / 2
    assert credentials.authenticate("social", password) is not None
    now[0] += credentials.REVALIDATE_AFTER

    assert credentials.authenticate("social", password) is None


def test_a_revocation_by_another_process_is_seen_once_the_trust_window_ends(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(credentials, "_clock", lambda: now[0])
    password = run("create", "--org", "Example Social", "--username", "social")[-1]
    assert credentials.authenticate("social", password) is not None

    # Another process (the CLI, an admin page on another worker) revokes it.
    EspCredential.objects.filter(username="social").update(revoked_at=timezone.now())
    now[0] += credentials.REVALIDATE_AFTER

    assert credentials.authenticate("social", password) is None


def test_the_trust_window_never_accepts_another_password(monkeypatch):
    monkeypatch.setattr(credentials, "_clock", lambda: 1000.0)
    password = run("create", "--org", "Example Social", "--username", "social")[-1]
    assert credentials.authenticate("social", password) is not None

    assert credentials.authenticate("social", password + "x") is None
    assert credentials.authenticate("social", password) is not None


def test_an_administrator_revokes_credentials_in_the_admin(client):
    import factories as make

    run("create", "--org", "Example Social", "--username", "social")
    admin = make.grant(make.make_admin(), "change", EspCredential)
    admin = make.grant(admin, "view", EspCredential)
    client.force_login(admin)
    credential = EspCredential.objects.get(username="social")

    response = client.post(
        "/admin/tipline/espcredential/",
        {"action": "revoke", "_selected_action": [credential.pk]},
    )

    assert response.status_code == 302
    assert EspCredential.objects.get(pk=credential.pk).revoked_at is not None
