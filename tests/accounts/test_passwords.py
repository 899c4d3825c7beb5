"""The password policy: 12 to 256 characters, none of the breached passwords the project
ships (nor one with digits or symbols added), no repeated one or two characters, and no
forced rotation; through the settings' validators and the real password-change form."""

import pytest
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

import factories as make
from clearinghouse.accounts import passwords
from clearinghouse.accounts.models import User

GOOD = "violet ferry lantern 1987"


def refused(password: str, user=None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return [e.code for e in error.error_list]
    return []


def test_the_shipped_list_is_large_and_holds_the_passwords_breaches_show_most():
    breached = passwords.breached()
    assert len(breached) > 40_000
    assert {"123456", "password", "qwerty", "iloveyou", "dragon"} <= breached


@pytest.mark.parametrize(
    "password",
    [
        "passwordpassword",  # a listed one, twice
        "baseball1234",  # in the list
        "Password1234!!",  # a listed one with digits and symbols added
        "iloveyou12345678",
        "QWERTYUIOP123",
        "aaaaaaaaaaaaaaaa",  # one character repeated
        "abababababababab",
        "violetvioletviolet",
    ],
)
def test_breached_and_repetitive_passwords_are_refused(password):
    assert set(refused(password)) & {"password_breached", "password_repetitive"}, password


def test_length_is_12_to_256_characters():
    assert "password_too_short" in refused("violet ferr")  # 11
    assert refused("violet ferry") == []  # 12
    assert refused("v" + "iolet ferry lantern " * 3 + "x" * 3) == []  # 64
    assert refused(("violet ferry lantern " * 13)[:256]) == []
    assert "password_too_long" in refused(("violet ferry lantern " * 13)[:257])


def test_no_composition_rules_a_lowercase_passphrase_is_fine():
    assert refused("correct violet ferry lantern") == []


def test_passwords_are_hashed_with_a_strong_kdf():
    hasher = identify_hasher(make_password(GOOD))
    assert hasher.algorithm in {"pbkdf2_sha256", "argon2", "scrypt"}
    if hasher.algorithm == "pbkdf2_sha256":
        assert hasher.iterations >= 600_000  # OWASP's floor for PBKDF2-HMAC-SHA256
    assert settings.PASSWORD_HASHERS[0].endswith(("PBKDF2PasswordHasher", "Argon2PasswordHasher"))


def test_no_password_ever_expires():
    fields = {field.name for field in User._meta.get_fields()}
    assert not {"password_changed_at", "password_expires_at"} & fields
    assert not hasattr(settings, "PASSWORD_MAX_AGE")


@pytest.mark.django_db
def test_the_change_form_refuses_a_breached_password_and_changes_nothing(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = make.make_analyst(password=GOOD)
    client.force_login(user)
    before = User.objects.get(pk=user.pk).password

    response = client.post(
        reverse("password_change"),
        {
            "old_password": GOOD,
            "new_password1": "Password1234!!",
            "new_password2": "Password1234!!",
        },
    )

    assert response.status_code == 200
    assert "found most often in breaches" in response.content.decode()
    assert User.objects.get(pk=user.pk).password == before

    accepted = client.post(
        reverse("password_change"),
        {
            "old_password": GOOD,
            "new_password1": "a lantern on the violet ferry",
            "new_password2": "a lantern on the violet ferry",
        },
    )
    assert accepted.status_code == 302
    assert User.objects.get(pk=user.pk).check_password("a lantern on the violet ferry")
