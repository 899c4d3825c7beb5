"""The tests' authenticator app: reads the key that the set-up page shows once, and
gives a code not used before for it (a code is accepted once, so a second sign-in in
the same 30 seconds takes the next step's code, which the server accepts too)."""

from __future__ import annotations

import re
import time

from clearinghouse.accounts import totp

KEY_SHOWN = re.compile(r'<code id="secret">([A-Z2-7 ]+)</code>')
_keys: dict[str, str] = {}
_last_step: dict[str, int] = {}


def remember(page: str, account: str) -> None:
    """Keeps the key if ``page`` is the set-up page (``account``: a name unique to the
    server and user, e.g. its URL and username)."""
    shown = KEY_SHOWN.search(page)
    if shown:
        set_key(account, shown.group(1))


def set_key(account: str, key: str) -> None:
    _keys[account] = key.replace(" ", "")
    _last_step.pop(account, None)


def code(account: str) -> str:
    key = _keys[account]
    step = max(totp.step_at(), _last_step.get(account, 0) + 1)
    while step > totp.step_at() + totp.DRIFT_STEPS:  # both used: wait for the next step
        time.sleep(1)
    _last_step[account] = step
    return totp.code(key, step)


def sign_in(client, username: str, password: str, **extra):
    """Signs in through the two forms with Django's test client; returns the last
    answer (the password form's, when the password was refused)."""
    response = client.post(
        "/accounts/login/", {"username": username, "password": password, **extra}
    )
    if response.status_code != 302 or response["Location"] != "/accounts/second-factor/":
        return response
    account = f"test-client|{username}"
    remember(client.get("/accounts/second-factor/").content.decode(), account)
    return client.post("/accounts/second-factor/", {"code": code(account)})
