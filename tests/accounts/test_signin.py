"""Signing in and staying signed in (``accounts.signin``): lockout after five failures,
session limits, sessions ended with the account or by an administrator, inactive
accounts disabled. Through the real sign-in form and pages, on the real database."""

import datetime

import authenticator
import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import factories as make
from clearinghouse.accounts import signin
from clearinghouse.accounts.models import SignedInSession, SignInFailure, User
from clearinghouse.audit.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a long passphrase of words"
LOGIN = reverse("login")
PRIVATE = reverse("tipline:queue")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def analyst():
    return make.make_analyst(password=PASSWORD)


def sign_in(client, username, password=PASSWORD):
    return authenticator.sign_in(client, username, password)


def signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] != LOGIN


def shift_session(client, **ago):
    """Moves the session's clocks back, as if time had passed."""
    session = client.session
    for key, delta in ago.items():
        stamp = datetime.datetime.fromisoformat(session[key]) - delta
        session[key] = stamp.isoformat()
    session.save()


# -- lockout -------------------------------------------------------------------------------


def test_five_failures_lock_the_account_even_against_the_right_password(client, analyst):
    for _ in range(4):
        assert sign_in(client, analyst.username, "wrong password here").status_code == 200
    assert signed_in(sign_in(client, analyst.username))  # four failures: still fine
    client.logout()

    for _ in range(5):
        sign_in(client, analyst.username, "wrong password here")
    analyst.refresh_from_db()
    assert analyst.locked_at is not None
    refused = sign_in(client, analyst.username)
    wrong = sign_in(client, analyst.username, "wrong password here")
    # The same answer as a wrong password: a lock tells a guesser nothing.
    assert refused.status_code == wrong.status_code == 200
    assert refused.context["form"].errors == wrong.context["form"].errors
    assert "correct username and password" in str(refused.context["form"].errors)
    assert client.get(PRIVATE).status_code == 302
    assert AuditEvent.objects.filter(action="accounts:user:locked", subject_id=analyst.pk).exists()


def test_a_success_resets_the_count_and_old_failures_expire(client, analyst):
    for _ in range(4):
        sign_in(client, analyst.username, "wrong password here")
    assert signed_in(sign_in(client, analyst.username))
    client.logout()
    assert not SignInFailure.objects.filter(username=analyst.username).exists()

    long_ago = timezone.now() - signin.FAILURE_WINDOW - datetime.timedelta(seconds=1)
    SignInFailure.objects.bulk_create(
        [SignInFailure(username=analyst.username, at=long_ago) for _ in range(10)]
    )
    sign_in(client, analyst.username, "wrong password here")
    analyst.refresh_from_db()
    assert analyst.locked_at is None


def test_failures_under_an_unknown_name_lock_nothing_and_keep_no_password(client, analyst):
    for _ in range(6):
        sign_in(client, "nobody-by-this-name", "hunter2-the-password")
    assert SignInFailure.objects.filter(username="nobody-by-this-name").count() == 6
    assert not User.objects.filter(locked_at__isnull=False).exists()
    assert not AuditEvent.objects.filter(detail__icontains="hunter2").exists()


def test_only_an_administrator_releases_a_lock(client, analyst):
    analyst.locked_at = timezone.now()
    analyst.save()
    admin = make.make_superuser()
    client.force_login(admin)
    changelist = reverse("admin:accounts_user_changelist")
    response = client.post(changelist, {"action": "release_lock", "_selected_action": [analyst.pk]})
    assert response.status_code == 302
    analyst.refresh_from_db()
    assert analyst.locked_at is None
    assert AuditEvent.objects.filter(action="accounts:user:unlocked", actor=admin).exists()
    client.logout()
    assert signed_in(sign_in(client, analyst.username))


# -- sessions ------------------------------------------------------------------------------


def test_signing_in_gives_a_new_session_key(client, analyst):
    client.get(LOGIN)  # an anonymous session, e.g. with a CSRF token in it
    session = client.session
    session["visited"] = True
    session.save()
    before = session.session_key
    assert signed_in(sign_in(client, analyst.username))
    assert client.session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()


def test_thirty_idle_minutes_end_a_session(client, analyst):
    sign_in(client, analyst.username)
    assert client.get(PRIVATE).status_code == 200
    shift_session(client, last_seen=datetime.timedelta(minutes=29))
    assert client.get(PRIVATE).status_code == 200  # and this request counts as activity
    shift_session(client, last_seen=datetime.timedelta(minutes=31))
    assert client.get(PRIVATE).status_code == 302
    assert client.get(PRIVATE).status_code == 302  # signed out, not just refused once
    assert AuditEvent.objects.filter(
        action="accounts:session:expired", detail__limit="idle"
    ).exists()


def test_twelve_hours_end_a_session_however_active(client, analyst):
    sign_in(client, analyst.username)
    shift_session(client, signed_in_at=datetime.timedelta(hours=11, minutes=59))
    assert client.get(PRIVATE).status_code == 200
    shift_session(client, signed_in_at=datetime.timedelta(minutes=2))
    assert client.get(PRIVATE).status_code == 302
    assert AuditEvent.objects.filter(
        action="accounts:session:expired", detail__limit="absolute"
    ).exists()


def test_disabling_an_account_ends_all_its_sessions(client, analyst):
    other = Client()
    sign_in(client, analyst.username)
    sign_in(other, analyst.username)
    assert SignedInSession.objects.filter(user=analyst).count() == 2
    assert client.get(PRIVATE).status_code == other.get(PRIVATE).status_code == 200

    analyst.is_active = False
    analyst.save()

    assert client.get(PRIVATE).status_code == other.get(PRIVATE).status_code == 302
    assert not SignedInSession.objects.filter(user=analyst).exists()


def test_an_administrator_ends_someones_sessions(client, analyst):
    browser = Client()
    sign_in(browser, analyst.username)
    assert browser.get(PRIVATE).status_code == 200
    admin = make.make_superuser()
    client.force_login(admin)
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "end_sessions", "_selected_action": [analyst.pk]},
    )
    assert browser.get(PRIVATE).status_code == 302
    ended = AuditEvent.objects.get(action="accounts:sessions:ended", actor=admin)
    assert ended.detail["count"] == 1
    assert client.get(PRIVATE).status_code == 200  # the admin's own session goes on


def test_signing_out_forgets_the_session(client, analyst):
    sign_in(client, analyst.username)
    assert SignedInSession.objects.filter(user=analyst).count() == 1
    client.post(reverse("logout"))
    assert not SignedInSession.objects.filter(user=analyst).exists()


# -- inactive accounts ---------------------------------------------------------------------


def test_accounts_unused_for_90_days_are_disabled():
    now = timezone.now()
    recent = make.make_analyst(last_login=now - datetime.timedelta(days=89))
    stale = make.make_analyst(last_login=now - datetime.timedelta(days=91))
    never = make.make_analyst()
    User.objects.filter(pk=never.pk).update(date_joined=now - datetime.timedelta(days=91))
    new = make.make_analyst()

    assert signin.disable_inactive(now) == 2

    active = set(User.objects.filter(is_active=True).values_list("pk", flat=True))
    assert {recent.pk, new.pk} <= active
    assert not {stale.pk, never.pk} & active
    assert AuditEvent.objects.filter(action="accounts:user:disabled_inactive").count() == 2
    assert signin.disable_inactive(now) == 0
