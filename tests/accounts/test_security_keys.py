"""Security keys around the ceremony itself (which ``browser/test_security_key_in_chromium.py``
drives in chromium): who may ask for a challenge, what an answer without one gets,
and keys listed and removed only by their owner, after a confirmation."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from webauthn.helpers import bytes_to_base64url

import factories as make
from clearinghouse.accounts import signin
from clearinghouse.accounts.models import SecurityKey
from clearinghouse.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "a long passphrase of words"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def credential_id(user, name: str) -> str:
    return bytes_to_base64url(f"cred-{user.pk}-{name}".encode())


def a_key(user, name="Blue key") -> SecurityKey:
    return SecurityKey.objects.create(
        user=user, name=name, credential_id=credential_id(user, name), public_key="pk"
    )


def post_json(client, name, body="{}"):
    return client.post(reverse(name), body, content_type="application/json")


def test_no_challenge_without_the_password_and_a_registered_key(client):
    analyst = make.make_analyst(password=PASSWORD)
    assert post_json(client, "security-key-sign-in-options").status_code == 400
    client.post(reverse("login"), {"username": analyst.username, "password": PASSWORD})
    assert post_json(client, "security-key-sign-in-options").status_code == 400  # no key
    a_key(analyst)
    options = post_json(client, "security-key-sign-in-options")
    assert options.status_code == 200
    assert options.json()["allowCredentials"][0]["id"]
    assert options.json()["rpId"] == "testserver"


def test_an_answer_without_a_challenge_or_a_bad_one_signs_nobody_in(client):
    analyst = make.make_analyst(password=PASSWORD)
    a_key(analyst)
    client.post(reverse("login"), {"username": analyst.username, "password": PASSWORD})
    assert post_json(client, "security-key-sign-in", '{"id": "x"}').status_code == 400
    post_json(client, "security-key-sign-in-options")
    mine = f'{{"id": "{credential_id(analyst, "Blue key")}", "rawId": "!!", "response": {{}}}}'
    garbage_answers = ('{"id": "cred-x"}', "not json", "[]", '"text"', mine)
    for garbage in garbage_answers:
        assert post_json(client, "security-key-sign-in", garbage).status_code == 400
        post_json(client, "security-key-sign-in-options")
    assert "_auth_user_id" not in client.session
    # Each refused answer counted as a failed sign-in: the fifth locked the account.
    analyst.refresh_from_db()
    assert analyst.locked_at is not None


def test_registering_needs_a_recent_confirmation(client):
    analyst = make.make_analyst(password=PASSWORD)
    client.force_login(analyst)
    options = post_json(client, "security-key-register-options")
    assert options.status_code == 200
    assert options.json()["user"]["name"] == analyst.username
    session = client.session
    stale = timezone.now() - datetime.timedelta(minutes=16)
    session[signin.CONFIRMED_AT] = stale.isoformat()
    session.save()
    assert post_json(client, "security-key-register-options").status_code == 403
    assert post_json(client, "security-key-register", '{"id": "x"}').status_code == 400
    page = client.get(reverse("security-keys"))
    assert page.status_code == 302 and page["Location"].startswith(reverse("confirm"))
    assert not SecurityKey.objects.exists()


def test_a_user_lists_and_removes_only_their_own_keys(client):
    analyst, other = make.make_analyst(), make.make_analyst()
    mine, theirs = a_key(analyst), a_key(other, "Red key")
    client.force_login(analyst)
    page = client.get(reverse("security-keys")).content.decode()
    assert "Blue key" in page and "Red key" not in page

    client.post(reverse("security-keys"), {"remove": theirs.pk})
    assert SecurityKey.objects.filter(pk=theirs.pk).exists()
    client.post(reverse("security-keys"), {"remove": mine.pk})
    assert not SecurityKey.objects.filter(pk=mine.pk).exists()
    event = AuditEvent.objects.get(action="accounts:security_key:removed")
    assert event.detail["key"] == "Blue key"
