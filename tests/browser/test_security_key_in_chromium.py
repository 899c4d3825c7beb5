"""A security key as the second factor, in Debian's chromium with a virtual authenticator
(the DevTools protocol's WebAuthn domain: a real WebAuthn ceremony, signed by a key the
browser holds): the demo's officer adds a key, signs in with the password and the key,
and the key's answer, replayed, signs nobody in."""

from __future__ import annotations

import json
import re

import pytest

from clearinghouse.accounts import totp

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def keys_site(demo_deployment, start_server):
    demo = demo_deployment("security-keys")
    officer = re.search(r"demo-officer\s+(\S+)\s+([A-Z2-7]{32})\s", demo.output)
    assert officer, demo.output
    server = start_server(demo.data_dir)
    # WebAuthn takes a domain, never an IP address, as the relying party.
    return server.url.replace("127.0.0.1", "localhost"), officer.group(1), officer.group(2)


def password_step(page, url, password):
    page.goto(url + "accounts/login/")
    page.get_by_label("Username").fill("demo-officer")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(url + "accounts/second-factor/", timeout=15_000)


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def post_from_page(page, path, body):
    """A same-origin POST from the page, with its CSRF token, as the script sends it."""
    return page.evaluate(
        """async ([path, body]) => {
            const token = document.querySelector("input[name=csrfmiddlewaretoken]").value;
            const r = await fetch(path, {method: "POST", body,
                headers: {"Content-Type": "application/json", "X-CSRFToken": token}});
            return [r.status, await r.text()];
        }""",
        [path, body],
    )


def test_an_officer_adds_a_key_signs_in_with_it_and_its_answer_cannot_be_replayed(
    browser, keys_site, tmp_path
):
    url, password, key = keys_site
    context = browser.new_context()
    page = context.new_page()
    devtools = context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": False,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    shot = tmp_path / "keys.png"
    try:
        # Signed in with the password and a code, the officer adds a key.
        password_step(page, url, password)
        page.get_by_label("Code").fill(totp.code(key, totp.step_at()))
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url(re.compile(r".*/tipline/.*"), timeout=15_000)
        page.goto(url + "accounts/security-keys/")
        page.get_by_label("Name").fill("Blue key")
        page.get_by_role("button", name="Add a security key").click()
        page.get_by_role("cell", name="Blue key").wait_for(timeout=15_000)
        assert "never" in page.get_by_role("row").filter(has_text="Blue key").inner_text()
        sign_out(page)

        # The password, then the key instead of a code.
        password_step(page, url, password)
        with page.expect_request(re.compile(r".*/security-keys/sign-in/$")) as sent:
            page.get_by_role("button", name="Use a security key").click()
        page.wait_for_url(re.compile(r".*/tipline/portal/.*"), timeout=15_000)
        assert "Reports made available to Arkansas" in page.inner_text("h1")
        answer = sent.value.post_data
        assert json.loads(answer)["response"]["signature"]
        page.goto(url + "accounts/security-keys/")
        assert "never" not in page.get_by_role("row").filter(has_text="Blue key").inner_text()
        sign_out(page)

        # Replayed after a new password step: without a challenge, then against a new one.
        password_step(page, url, password)
        status, _ = post_from_page(page, "/accounts/security-keys/sign-in/", answer)
        assert status == 400
        options_status, _ = post_from_page(page, "/accounts/security-keys/sign-in/options/", "{}")
        assert options_status == 200
        status, body = post_from_page(page, "/accounts/security-keys/sign-in/", answer)
        assert status == 400 and "not accepted" in body
        page.goto(url + "tipline/portal/")
        assert "/accounts/login/" in page.url  # nobody signed in
    finally:
        page.screenshot(path=shot)
        context.close()
