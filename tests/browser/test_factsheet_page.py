"""A visitor picks Arkansas and 2023 on the home page and reads the seed sheet's figures."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

pytestmark = pytest.mark.browser

# The seed sheet's words around each figure, so that a 255 elsewhere on the page can't pass.
FIGURES = [
    "5,070 CyberTipline reports were made available to law enforcement in Arkansas",
    "NCMEC handled 255 cases of missing children from Arkansas",
    "Children Missing From Social Services Facility 203",
    "critical case assistance on 1 case in Arkansas",
]


def test_a_visitor_picks_arkansas_2023_and_reads_its_sheet(page, demo_site, tmp_path):
    screenshot = tmp_path / "arkansas-2023.png"
    page.goto(demo_site.url)
    page.select_option("select[name=state]", label="Arkansas")
    page.select_option("select[name=year]", label="2023")
    page.get_by_role("button", name="Show sheet").click()
    try:
        page.wait_for_url(demo_site.url + "impact/AR/2023/", timeout=15_000)
    except PlaywrightTimeoutError:
        pass  # the assertion below says where the browser went instead
    page.screenshot(path=screenshot, full_page=True)
    seen = f"(at {page.url}; screenshot: {screenshot})"

    assert page.url == demo_site.url + "impact/AR/2023/", seen
    text = " ".join(page.inner_text("main").split())
    for figure in FIGURES:
        assert figure in text, f"{figure!r} is not on the sheet {seen}"

    pdf_url = urljoin(page.url, page.get_by_role("link", name="PDF").get_attribute("href"))
    pdf = page.request.get(pdf_url)
    assert pdf.status == 200, f"the PDF link answered {pdf.status} {seen}"
    assert pdf.headers["content-type"] == "application/pdf", seen
    assert pdf.body().startswith(b"%PDF-"), seen
