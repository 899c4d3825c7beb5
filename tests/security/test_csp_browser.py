"""The strict Content-Security-Policy in a real browser (Debian's chromium): the pages
of every kind of user load their scripts and styles with nothing refused, and what
used to be inline (the public forms' focus on the error summary) still works."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

import factories as make

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NAVY = "rgb(11, 61, 99)"  # the header of the site's pages, from their static stylesheets
UNSTYLED_BY_US = ("/api/docs", "/admin/")  # Swagger UI's and Django's own styles

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def session_of(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def visit(browser, base_url: str, session: str | None, paths: list[str]) -> list[str]:
    """Opens each page; returns what the browser refused under the policy."""
    context = browser.new_context()
    if session:
        context.add_cookies([{"name": "sessionid", "value": session, "url": base_url}])
    page = context.new_page()
    refused = []

    def listen(message):
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            refused.append(f"{page.url}: {message.text}")

    page.on("console", listen)
    for path in paths:
        response = page.goto(base_url + path)
        assert response.ok, f"{path}: {response.status}"
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        first = page.locator("header.site, #header, .swagger-ui .info").first
        first.wait_for()
        if not path.startswith(UNSTYLED_BY_US):
            colour = first.evaluate("element => getComputedStyle(element).backgroundColor")
            assert colour == NAVY, f"{path}: its stylesheet did not apply"
    if session is None:  # the public form sent empty: its error summary takes the focus
        page.goto(base_url + "/report/")
        page.locator("button.primary").click()
        page.locator("#error-summary").wait_for()
        page.wait_for_function("document.activeElement.id === 'error-summary'")
    context.close()
    return refused


def test_no_page_breaks_the_policy(live_server):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make tools` (as root)", pytrace=False)
    make.make_report("AR", made_available_at="2023-06-02T00:00:00")
    visits = [
        (
            None,
            ["/", "/impact/AR/2023/", "/impact/national/2023/", "/report/", "/training/register/"],
        ),
        (session_of(make.make_analyst()), ["/tipline/queue/", "/cvip/", "/api/docs"]),
        (session_of(make.make_case_manager()), ["/missing/", "/support/engagements/"]),
        (session_of(make.make_superuser()), ["/admin/", "/admin/tipline/tiplinereport/"]),
    ]
    from playwright.sync_api import sync_playwright

    refused = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for session, paths in visits:
            refused += visit(browser, live_server.url, session, paths)
        browser.close()

    assert refused == []
