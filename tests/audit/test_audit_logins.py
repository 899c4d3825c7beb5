"""Sign-ins, failed sign-ins and sign-outs are audited, through the real sign-in page:
the username tried and the client's address, never the password."""

from __future__ import annotations

import json

import authenticator
import pytest

import factories as make
from clearinghouse.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
LOGOUT = "/accounts/logout/"
PASSWORD = "correct horse battery staple 42"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def analyst():
    return make.make_analyst(username="analyst", password=PASSWORD)


def everything_recorded() -> str:
    return json.dumps(
        list(AuditEvent.objects.values("action", "subject_type", "subject_id", "detail")),
    )


def test_a_sign_in_is_audited_with_who_and_from_where(client, analyst):
    response = authenticator.sign_in(client, "analyst", PASSWORD)

    assert response.status_code == 302
    event = AuditEvent.objects.get(action="accounts:user:logged_in")
    assert (event.actor, event.subject_type, event.subject_id) == (
        analyst,
        "accounts.user",
        str(analyst.pk),
    )
    assert event.detail == {"address": "127.0.0.1"}


def test_a_failed_sign_in_keeps_the_username_tried_and_never_the_password(client, analyst):
    response = client.post(LOGIN, {"username": "analyst", "password": "wrong horse battery staple"})

    assert response.status_code == 200  # the form again, with its error
    event = AuditEvent.objects.get(action="accounts:user:login_failed")
    assert event.actor is None
    assert event.detail == {"username": "analyst", "address": "127.0.0.1"}
    assert "wrong horse" not in everything_recorded()
    assert not AuditEvent.objects.filter(action="accounts:user:logged_in").exists()


def test_a_failed_sign_in_as_nobody_is_audited_too(client):
    client.post(LOGIN, {"username": "nobody-" + "x" * 300, "password": PASSWORD})

    event = AuditEvent.objects.get(action="accounts:user:login_failed")
    assert event.detail["username"] == ("nobody-" + "x" * 300)[:150]
    assert PASSWORD not in everything_recorded()


def test_a_sign_out_is_audited(client, analyst):
    authenticator.sign_in(client, "analyst", PASSWORD)

    response = client.post(LOGOUT)

    assert response.status_code in (200, 302)
    event = AuditEvent.objects.get(action="accounts:user:logged_out")
    assert (event.actor, event.subject_id) == (analyst, str(analyst.pk))


def test_signing_out_when_not_signed_in_records_nothing(client):
    client.post(LOGOUT)

    assert not AuditEvent.objects.exists()
