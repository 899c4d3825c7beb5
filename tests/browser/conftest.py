"""Browser tests: Debian's chromium (never a browser a test tool downloads), driven by
Playwright, against ``clearinghouse serve`` on a demo data directory."""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# As root on a closed network: no sandbox, and no background calls home that the network
# would refuse.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def demo_site(demo_deployment, start_server):
    """The demo's records (Arkansas 2023, the seed sheet's figures), served over HTTP."""
    return start_server(demo_deployment("demo").data_dir)


# Module scope, not session: Playwright's sync API keeps an event loop running in the main
# thread while it is open, and Django then refuses database access in every later test
# (SynchronousOnlyOperation).
@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run `make tools` (as root) to install Debian's chromium",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()
