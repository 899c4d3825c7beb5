"""A visitor reads the national page and Arkansas's page in chromium, and every figure
shown is the one the JSON downloads give."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

YEAR = 2023


def _shown(page, root: str = "body") -> list[tuple[str, str]]:
    """Every ``data-figure`` under ``root`` and the text the browser renders for it."""
    pairs = page.eval_on_selector_all(
        f"{root} [data-figure]",
        "elements => elements.map(e => [e.dataset.figure, e.innerText.trim()])",
    )
    return [tuple(pair) for pair in pairs]


def _sheet_text(document: dict, figure: str) -> str:
    """A sheet figure ("state:KEY" or "national:KEY") as the sheet's JSON gives it."""
    scope, key = figure.split(":")
    entry = document["figures"][key]
    if scope == "national" and entry["scope"] == "state":
        entry = entry["national"]
    return entry["text"]


def test_the_national_page_shows_what_its_json_says(page, demo_site, tmp_path):
    screenshot = tmp_path / "national.png"
    page.goto(f"{demo_site.url}impact/national/{YEAR}/")
    page.screenshot(path=screenshot, full_page=True)
    seen = f"(at {page.url}; screenshot: {screenshot})"
    document = page.request.get(f"{demo_site.url}impact/national/{YEAR}.json").json()

    shown = dict(_shown(page))
    assert len(shown) == len(_shown(page)), seen  # each figure once
    expected = {f"national:{key}": value["text"] for key, value in document["national"].items()}
    for code, state in document["states"].items():
        expected |= {f"{code}:{key}": value["text"] for key, value in state["figures"].items()}
    state_figures = len(document["states"]["AR"]["figures"])
    assert len(expected) == len(document["national"]) + 56 * state_figures
    assert shown == expected, seen
    assert shown["AR:tipline.reports_made_available"] == "5,070", seen

    tile = page.locator('svg.tilemap a[data-state="AR"] title')
    assert tile.text_content() == "Arkansas: 5,070", seen

    page.locator("select[name=figure]").select_option("missing.cases")
    page.get_by_role("button", name="Shade the map").click()
    page.wait_for_url("**figure=missing.cases**", timeout=15_000)
    assert page.locator('svg.tilemap a[data-state="AR"] title').text_content() == "Arkansas: 255"

    page.get_by_role("link", name="missing.cases", exact=True).click()
    page.wait_for_url("**sort=missing.cases**", timeout=15_000)
    codes = page.eval_on_selector_all("tr[data-state]", "rows => rows.map(r => r.dataset.state)")
    values = [document["states"][code]["figures"]["missing.cases"]["value"] for code in codes]
    assert values == sorted(values, reverse=True), seen


def test_the_arkansas_page_shows_what_its_json_says_and_its_trends(page, demo_site, tmp_path):
    screenshot = tmp_path / "arkansas.png"
    page.goto(f"{demo_site.url}impact/AR/{YEAR}/")
    page.locator("#trends svg.trend").first.wait_for(timeout=30_000)  # swapped in by htmx
    page.screenshot(path=screenshot, full_page=True)
    seen = f"(at {page.url}; screenshot: {screenshot})"
    document = page.request.get(f"{demo_site.url}impact/AR/{YEAR}.json").json()

    sheet = _shown(page, "main.factsheet")
    assert len(sheet) > 15, seen
    assert [text for _, text in sheet] == [_sheet_text(document, f) for f, _ in sheet], seen
    state_figures = [key for key, entry in document["figures"].items() if entry["scope"] == "state"]
    comparison = _shown(page, "#trends")
    assert [figure for figure, _ in comparison] == [f"state:{key}" for key in state_figures], seen
    assert [t for _, t in comparison] == [_sheet_text(document, f) for f, _ in comparison], seen
    assert page.locator("#trends svg.trend").count() == len(state_figures), seen
    chart = page.locator('#trends figure[data-key="missing.cases"] g[data-year="2023"] title')
    assert chart.text_content() == "2023: 255", seen

    page.locator(
        'main.factsheet a.provenance:has([data-figure="state:missing.cases"])'
    ).first.click()
    page.wait_for_url(f"**/impact/figures/missing.cases/{YEAR}/AR/", timeout=15_000)
    assert page.locator('[data-figure="state:missing.cases"]').inner_text() == "255", seen
    assert page.locator("[data-total]").inner_text() == "255", seen
