"""An Arkansas officer signs in on a served instance and finds a report made available
to Arkansas in the portal queue; a member of the public can use the report form on a
phone."""

from __future__ import annotations

import json
import re

import pytest

from clearinghouse.accounts import totp

pytestmark = pytest.mark.browser

REPORT_ID = "PORTAL-BROWSER-0001"


@pytest.fixture(scope="module")
def portal_site(cli, demo_deployment, start_server):
    """A demo data directory (its users, one per role, with printed passwords), plus one
    Arkansas report made available after every demo report, imported as a file."""
    demo = demo_deployment("portal")
    data_dir = demo.data_dir
    officer = re.search(r"demo-officer\s+(\S+)\s+([A-Z2-7]{32})\s", demo.output)
    assert officer, f"no officer password and key in the demo's output:\n{demo.output}"
    lines = data_dir / "portal.jsonl"
    lines.write_text(
        json.dumps(
            {
                "type": "tipline_report",
                "id": REPORT_ID,
                "received_at": "2025-01-14T08:00:00Z",
                "incident_type": "Online Enticement of Children for Sexual Acts",
                "jurisdiction": {"country": "US", "state": "AR"},
                "made_available_at": "2025-01-15T12:00:00Z",
            }
        )
        + "\n"
    )
    imported = cli("import", str(lines), data_dir=data_dir)
    assert imported.returncode == 0, f"import failed:\n{imported.stdout}\n{imported.stderr}"
    return start_server(data_dir), officer.group(1), officer.group(2)


def test_an_officer_signs_in_and_sees_their_report_in_the_queue(page, portal_site, tmp_path):
    server, password, key = portal_site
    screenshot = tmp_path / "portal.png"
    page.goto(server.url + "tipline/portal/")
    page.get_by_label("Username").fill("demo-officer")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(server.url + "accounts/second-factor/", timeout=15_000)
    page.get_by_label("Code").fill(totp.code(key, totp.step_at()))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(server.url + "tipline/portal/", timeout=15_000)
    page.screenshot(path=screenshot, full_page=False)
    seen = f"(at {page.url}; screenshot: {screenshot})"

    assert "Reports made available to Arkansas" in page.inner_text("h1"), seen
    row = page.get_by_role("row").filter(has_text=REPORT_ID)
    assert row.count() == 1, seen
    assert "New" in row.inner_text(), seen

    row.get_by_role("link", name=REPORT_ID).click()
    page.get_by_role("button", name="Acknowledge").click()
    work = page.locator("#work")
    work.get_by_text("Acknowledged.", exact=True).wait_for(timeout=15_000)  # swapped by htmx
    assert page.get_by_role("button", name="Acknowledge").count() == 0, seen


def test_the_public_form_fits_a_phone(browser, portal_site, tmp_path):
    server, *_ = portal_site
    context = browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=1)
    page = context.new_page()
    try:
        page.goto(server.url + "report/")
        page.get_by_role("button", name="Send report").click()
        page.get_by_role("alert").wait_for(timeout=15_000)
        page.screenshot(path=tmp_path / "report-phone.png", full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"the form is {width}px wide on a 375px screen"
        summary = page.get_by_role("alert")
        summary.get_by_role("link", name=re.compile("Type of incident")).click()
        assert page.evaluate("document.activeElement.id") == "id_incident_type"
    finally:
        context.close()
