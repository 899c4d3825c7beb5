"""The national page, a state's trends and comparison, and their downloads (PDF, CSV,
XLSX, JSON), for the cast of users, in and out of public release mode."""

from __future__ import annotations

import csv
import io
import re
import subprocess

import impact_world
import pytest
from openpyxl import load_workbook

import factories as make
from clearinghouse.impact.figures import DEFINITIONS_VERSION

pytestmark = pytest.mark.django_db

YEAR = impact_world.YEAR


@pytest.fixture
def world():
    return impact_world.build()


@pytest.fixture
def public_mode(settings):
    settings.IMPACT_PUBLIC_SUPPRESSION = True
    settings.IMPACT_SUPPRESS_BELOW = 5


def _text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def _figure(response, name: str) -> str:
    """The text of the element marked ``data-figure="name"``."""
    found = re.search(rf'data-figure="{re.escape(name)}">([^<]*)<', response.content.decode())
    assert found, f"no figure {name} on the page"
    return found.group(1)


def test_the_national_page_shows_figures_map_and_every_jurisdiction(client, world):
    response = client.get(f"/impact/national/{YEAR}/")
    assert response.status_code == 200
    assert _figure(response, "national:missing.cases") == "16"
    assert _figure(response, "AR:tipline.reports_made_available") == "3"
    assert _figure(response, "TX:tipline.reports_made_available") == "8"
    page = response.content.decode()
    assert page.count('<tr data-state="') == 56
    assert page.count('<a href="/impact/') >= 56  # every tile links to its sheet
    assert '<svg class="tilemap"' in page and 'data-state="GU"' in page
    assert not re.search(r'(src|href)="(https?:)?//', page)  # nothing from elsewhere


def test_the_table_sorts_by_any_figure_both_ways(client, world):
    url = f"/impact/national/{YEAR}/?sort=tipline.reports_made_available&order=desc"
    rows = re.findall(r'<tr data-state="(\w\w)"', client.get(url).content.decode())
    assert rows[:2] == ["TX", "AR"]
    rows = re.findall(
        r'<tr data-state="(\w\w)"', client.get(url.replace("desc", "asc")).content.decode()
    )
    assert rows[-2:] == ["AR", "TX"]
    by_name = re.findall(
        r'<tr data-state="(\w\w)"', client.get(f"/impact/national/{YEAR}/").content.decode()
    )
    assert by_name[:2] == ["AL", "AK"]  # Alabama, Alaska


def test_the_map_shades_by_the_chosen_figure_per_100k_children(client, world):
    response = client.get(f"/impact/national/{YEAR}/?figure=missing.cases&measure=rate")
    page = response.content.decode()
    assert "shaded by Missing child cases reported in the year, per 100,000 children" in page
    # Arkansas: 15 cases for 705,879 children; Texas: 1 for 7,482,530.
    assert "<title>Arkansas: 2.1</title>" in page
    assert "<title>Texas: 0.0</title>" in page
    assert "<title>Guam: no figure</title>" in page


def test_unknown_choices_fall_back_and_bad_years_are_404(client, world):
    assert (
        client.get(f"/impact/national/{YEAR}/?figure=nope&sort=nope&measure=x").status_code == 200
    )
    assert client.get("/impact/national/1999/").status_code == 404
    assert client.get("/impact/national/2999.csv").status_code == 404
    assert client.get("/impact/ZZ/2023/trends/").status_code == 404


def test_national_downloads_say_what_the_page_says(client, world, tmp_path):
    rows = list(
        csv.reader(io.StringIO(client.get(f"/impact/national/{YEAR}.csv").content.decode()))
    )
    header = rows[0]
    arkansas = dict(zip(header, next(row for row in rows if row[0] == "AR"), strict=True))
    assert arkansas["tipline.reports_made_available"] == "3"
    assert arkansas["children_under_18"] == "705879"
    assert arkansas["missing.cases per 100k children"] == "2.1"
    assert len(rows) == 57

    workbook = load_workbook(io.BytesIO(client.get(f"/impact/national/{YEAR}.xlsx").content))
    assert workbook.sheetnames == ["National", "Jurisdictions", "About"]
    national = {row[0]: row[2] for row in workbook["National"].iter_rows(values_only=True)}
    assert national["missing.cases"] == 16
    assert any(
        "definitions version" in row[0] for row in workbook["About"].iter_rows(values_only=True)
    )

    document = client.get(f"/impact/national/{YEAR}.json").json()
    assert document["definitions_version"] == DEFINITIONS_VERSION
    assert (
        client.get(f"/impact/AR/{YEAR}.json").json()["definitions_version"] == DEFINITIONS_VERSION
    )
    assert document["states"]["AR"]["figures"]["tipline.reports_made_available"]["value"] == 3

    pdf = client.get(f"/impact/national/{YEAR}.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    (tmp_path / "national.pdf").write_bytes(pdf.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "national.pdf"), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "Arkansas" in text and "Figure definitions version" in text


def test_the_state_page_links_every_figure_to_its_records_and_loads_its_trends(client, world):
    page = client.get(f"/impact/AR/{YEAR}/").content.decode()
    figures = re.findall(r'data-figure="(\w+):([\w.]+)"', page)
    links = re.findall(r'<a class="provenance" href="([^"]+)"><span class="figure"', page)
    assert len(links) == len(figures) > 10
    assert f"/impact/figures/missing.cases/{YEAR}/AR/" in links
    assert f"/impact/figures/tipline.reports_received/{YEAR}/" in links
    assert f'hx-get="/impact/AR/{YEAR}/trends/"' in page
    for label in ("CSV", "XLSX", "PDF", "JSON"):
        assert f">{label}</a>" in page


def test_the_trends_show_each_year_and_compare_per_100k_children(client, world):
    response = client.get(f"/impact/AR/{YEAR}/trends/", headers={"HX-Request": "true"})
    page = response.content.decode()
    assert not page.lstrip().startswith("<!doctype")  # the fragment htmx swaps in
    chart = page.split('<figure data-key="missing.cases">')[1].split("</figure>")[0]
    assert "<title>2022: 2</title>" in chart and "<title>2023: 15</title>" in chart
    assert "<title>2015: 0</title>" in chart
    row = page.split('<tr data-key="missing.cases">')[1].split("</tr>")[0]
    cells = re.findall(r'<td class="number">(?:<a[^>]*><span[^>]*>)?([^<]*)<', row)
    # Arkansas: 15 / 705,879 children; the nation: 16 / the 52 jurisdictions' 74.2 million.
    assert cells == ["15", "2.1", "0.0"]
    whole = client.get(f"/impact/AR/{YEAR}/trends/")
    assert whole.content.decode().lstrip().startswith("<!doctype")


def test_state_downloads_hold_the_comparison_and_the_trend(client, world):
    rows = list(csv.reader(io.StringIO(client.get(f"/impact/AR/{YEAR}.csv").content.decode())))
    cases = dict(zip(rows[0], next(row for row in rows if row[1] == "missing.cases"), strict=True))
    assert cases["scope"] == "state"
    assert (cases["value"], cases["per_100k_children"], cases["national_per_100k_children"]) == (
        "15", "2.1", "0.0",
    )  # fmt: skip
    workbook = load_workbook(io.BytesIO(client.get(f"/impact/AR/{YEAR}.xlsx").content))
    trend = list(workbook["Trend"].iter_rows(values_only=True))
    column = trend[0].index("missing.cases")
    assert {row[0]: row[column] for row in trend[1:]}[2022] == 2


def test_public_release_mode_withholds_small_counts_for_the_public(client, world, public_mode):
    national = client.get(f"/impact/national/{YEAR}/")
    assert _figure(national, "AR:tipline.reports_made_available") == "fewer than 5"
    assert _figure(national, "TX:tipline.reports_made_available") == "8"
    sheet = client.get(f"/impact/AR/{YEAR}/")
    assert "fewer than 5 CyberTipline reports were made available" in _text(sheet)
    document = client.get(f"/impact/AR/{YEAR}.json").json()
    assert document["suppressed_below"] == 5
    assert document["figures"]["missing.cases_hhs_orr"] == {
        "value": None, "text": "fewer than 5", "source": "records", "citation": None,
        "scope": "state",
    }  # fmt: skip
    rows = list(csv.reader(io.StringIO(client.get(f"/impact/AR/{YEAR}.csv").content.decode())))
    made = next(row for row in rows if row[1] == "tipline.reports_made_available")
    assert made[3:6] == ["fewer than 5", "fewer than 5", ""]  # no rate: it would tell
    trends = client.get(f"/impact/AR/{YEAR}/trends/").content.decode()
    assert "<title>2022: fewer than 5</title>" in trends
    workbook = load_workbook(io.BytesIO(client.get(f"/impact/national/{YEAR}.xlsx").content))
    jurisdictions = list(workbook["Jurisdictions"].iter_rows(values_only=True))
    column = jurisdictions[0].index("tipline.reports_made_available")
    assert next(row for row in jurisdictions if row[0] == "AR")[column] == "fewer than 5"


@pytest.mark.parametrize(
    "who", ["admin", "analyst", "case_manager", "ar_officer", "ar_agency_staff"]
)
def test_staff_always_see_exact_counts(client, world, public_mode, who):
    client.force_login(getattr(make.make_cast(), who))
    assert (
        _figure(client.get(f"/impact/national/{YEAR}/"), "AR:tipline.reports_made_available") == "3"
    )
    assert (
        client.get(f"/impact/AR/{YEAR}.json").json()["figures"]["missing.cases_hhs_orr"]["value"]
        == 2
    )


def test_a_signed_in_user_without_a_role_is_the_public(client, world, public_mode):
    client.force_login(make.make_cast().no_role)
    assert "fewer than 5" in _text(client.get(f"/impact/AR/{YEAR}/"))


def test_without_public_release_mode_the_public_sees_exact_counts(client, world):
    assert (
        _figure(client.get(f"/impact/national/{YEAR}/"), "AR:tipline.reports_made_available") == "3"
    )
    assert "suppressed_below" not in client.get(f"/impact/AR/{YEAR}.json").json()
