"""The second factor (TOTP) and the confirmation before privileged actions, through the
real forms on the real database: a password alone signs nobody in, a code is accepted
once, wrong codes lock the account like wrong passwords, and an administrator's change
waits for the password and a code given within 15 minutes."""

import datetime

import authenticator
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

import factories as make
from clearinghouse.accounts import signin, totp
from clearinghouse.accounts.models import SecondFactor, User
from clearinghouse.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "a long passphrase of words"
CODE_PAGE = reverse("second-factor")
PRIVATE = reverse("tipline:queue")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def analyst():
    return make.make_analyst(password=PASSWORD)


def password_only(client, user, password=PASSWORD):
    return client.post(reverse("login"), {"username": user.username, "password": password})


def enrolled(user) -> str:
    """Gives ``user`` an authenticator; returns its key."""
    return signin.enroll(user)


def now_code(key: str, steps_ahead: int = 0) -> str:
    return totp.code(key, totp.step_at() + steps_ahead)


def test_the_password_alone_signs_nobody_in(client, analyst):
    enrolled(analyst)
    response = password_only(client, analyst)

    assert response.status_code == 302 and response["Location"] == CODE_PAGE
    assert "_auth_user_id" not in client.session
    assert client.get(PRIVATE).status_code == 302
    page = client.get(CODE_PAGE).content.decode()
    assert "Authenticator code" in page and 'id="secret"' not in page  # the key is not shown


def test_the_code_page_without_a_password_sends_to_sign_in(client, analyst):
    key = enrolled(analyst)
    response = client.post(CODE_PAGE, {"code": now_code(key)})
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_the_first_sign_in_sets_up_the_authenticator(client, analyst):
    password_only(client, analyst)
    page = client.get(CODE_PAGE).content.decode()
    shown = authenticator.KEY_SHOWN.search(page)
    assert shown, page
    key = shown.group(1).replace(" ", "")
    assert f"otpauth://totp/Clearinghouse%3A{analyst.username}?secret={key}&amp;" in page
    factor = SecondFactor.objects.get(user=analyst)
    assert factor.confirmed_at is None
    assert factor.secret == key

    response = client.post(CODE_PAGE, {"code": now_code(key)})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(analyst.pk)
    factor.refresh_from_db()
    assert factor.confirmed_at is not None
    assert AuditEvent.objects.filter(action="accounts:second_factor:set_up").count() == 1
    # Stored encrypted: the key is not in the table as typed.
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM accounts_secondfactor WHERE id = %s", [factor.pk])
        assert key not in cursor.fetchone()[0]


def test_a_code_is_accepted_once(client, analyst):
    key = enrolled(analyst)
    code = now_code(key)
    password_only(client, analyst)
    assert client.post(CODE_PAGE, {"code": code}).status_code == 302
    client.logout()

    password_only(client, analyst)
    replayed = client.post(CODE_PAGE, {"code": code})

    assert replayed.status_code == 200
    assert "used already" in replayed.content.decode()
    assert "_auth_user_id" not in client.session
    # The next step's code (clocks drift) is a new code: it is accepted.
    assert client.post(CODE_PAGE, {"code": now_code(key, 1)}).status_code == 302


def test_an_old_code_is_refused_after_a_newer_one(analyst):
    key = enrolled(analyst)
    factor = SecondFactor.objects.get(user=analyst)
    assert signin.check_code(factor, now_code(key, 1))
    assert not signin.check_code(factor, now_code(key))  # earlier than the last accepted
    assert not signin.check_code(factor, now_code(key, 1))


def test_codes_outside_the_window_or_malformed_are_refused(analyst):
    key = enrolled(analyst)
    factor = SecondFactor.objects.get(user=analyst)
    for code in (now_code(key, -3), now_code(key, 3), "", "12345", "1234567", "abcdef"):
        assert not signin.check_code(factor, code), code
    assert signin.check_code(factor, " ".join(now_code(key)))  # spaces as some apps show


def test_five_wrong_codes_lock_the_account(client, analyst):
    key = enrolled(analyst)
    password_only(client, analyst)
    wrong = f"{(int(now_code(key)) + 1) % 1_000_000:06}"
    for _ in range(4):
        assert client.post(CODE_PAGE, {"code": wrong}).status_code == 200
    last = client.post(CODE_PAGE, {"code": wrong})

    analyst.refresh_from_db()
    assert analyst.locked_at is not None
    assert last.status_code == 302 and last["Location"] == reverse("login")
    # Locked: neither the password nor a right code gets in.
    password_only(client, analyst)
    assert client.post(CODE_PAGE, {"code": now_code(key)}).status_code == 302
    assert "_auth_user_id" not in client.session
    # Five codes, then the password refused while locked.
    assert AuditEvent.objects.filter(action="accounts:user:login_failed").count() == 6


def test_a_password_given_more_than_five_minutes_ago_must_be_given_again(client, analyst):
    key = enrolled(analyst)
    password_only(client, analyst)
    session = client.session
    pending = session["signin_pending"]
    pending["at"] = (timezone.now() - datetime.timedelta(minutes=6)).isoformat()
    session["signin_pending"] = pending
    session.save()

    response = client.post(CODE_PAGE, {"code": now_code(key)})

    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


# -- confirmation before privileged actions --------------------------------------------------


def age_confirmation(client, minutes: int) -> None:
    session = client.session
    stamp = timezone.now() - datetime.timedelta(minutes=minutes)
    session[signin.CONFIRMED_AT] = stamp.isoformat()
    session.save()


def release_lock(client, user):
    return client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "release_lock", "_selected_action": [user.pk]},
    )


def test_an_admin_change_waits_for_a_confirmation_older_than_15_minutes(client, analyst):
    admin = make.make_superuser(password=PASSWORD)
    key = enrolled(admin)
    analyst.locked_at = timezone.now()
    analyst.save()
    client.force_login(admin)
    age_confirmation(client, 16)

    asked = release_lock(client, analyst)

    assert asked.status_code == 302 and asked["Location"].startswith(reverse("confirm"))
    analyst.refresh_from_db()
    assert analyst.locked_at is not None  # nothing changed
    assert client.get(reverse("admin:index")).status_code == 200  # reading needs nothing

    wrong = client.post(reverse("confirm"), {"password": "not the password", "code": now_code(key)})
    assert wrong.status_code == 200 and "not right" in wrong.content.decode()
    confirmed = client.post(
        reverse("confirm"), {"password": PASSWORD, "code": now_code(key), "next": "/admin/"}
    )
    assert confirmed.status_code == 302 and confirmed["Location"] == "/admin/"

    assert release_lock(client, analyst).status_code == 302
    analyst.refresh_from_db()
    assert analyst.locked_at is None
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"accounts:session:confirmation_asked", "accounts:session:confirmed"} <= actions


def test_within_15_minutes_of_signing_in_no_confirmation_is_asked(client, analyst):
    admin = make.make_superuser(password=PASSWORD)
    analyst.locked_at = timezone.now()
    analyst.save()
    client.force_login(admin)
    age_confirmation(client, 14)

    assert release_lock(client, analyst).status_code == 302
    analyst.refresh_from_db()
    assert analyst.locked_at is None


def test_confirming_goes_nowhere_but_this_site(client, analyst):
    key = enrolled(analyst)
    client.force_login(analyst)
    response = client.post(
        reverse("confirm"),
        {"password": PASSWORD, "code": now_code(key), "next": "https://elsewhere.example/"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("tipline:home")


# -- replacing the authenticator ---------------------------------------------------------------


def test_replacing_the_authenticator_needs_a_confirmation_and_a_code_from_the_new_one(
    client, analyst
):
    old = enrolled(analyst)
    client.force_login(analyst)
    age_confirmation(client, 16)
    page = reverse("second-factor-replace")
    asked = client.get(page)
    assert asked.status_code == 302 and asked["Location"].startswith(reverse("confirm"))

    client.post(reverse("confirm"), {"password": PASSWORD, "code": now_code(old)})
    shown = authenticator.KEY_SHOWN.search(client.get(page).content.decode())
    new = shown.group(1).replace(" ", "")
    assert new != old

    # A code of the old key does not confirm the new one; the old one stays in use.
    assert client.post(page, {"code": now_code(old, 1)}).status_code == 200
    assert SecondFactor.objects.get(user=analyst).secret == old
    assert client.post(page, {"code": now_code(new, 1)}).status_code == 302
    factor = SecondFactor.objects.get(user=analyst)
    assert factor.secret == new
    assert AuditEvent.objects.filter(action="accounts:second_factor:replaced").exists()


# -- the command ---------------------------------------------------------------------------------


def test_the_command_prints_the_code_of_a_key(capsys):
    key = totp.new_secret()
    call_command("authenticator", "code", totp.grouped(key))
    assert capsys.readouterr().out.strip() in {now_code(key), now_code(key, 1)}
    with pytest.raises(CommandError, match="not an authenticator key"):
        call_command("authenticator", "code", "not base32 at all!")


def test_the_command_resets_a_users_authenticator_and_ends_their_sessions(client, analyst):
    enrolled(analyst)
    client.force_login(analyst)
    call_command("authenticator", "reset", analyst.username)
    assert not SecondFactor.objects.filter(user=analyst).exists()
    assert client.get(PRIVATE).status_code == 302  # signed out
    assert AuditEvent.objects.filter(action="accounts:second_factor:reset").exists()
    # The next sign-in sets up a new one.
    password_only(client, analyst)
    assert 'id="secret"' in client.get(CODE_PAGE).content.decode()
    with pytest.raises(CommandError, match="no user"):
        call_command("authenticator", "reset", "nobody")
    assert User.objects.filter(pk=analyst.pk).exists()
