import json
import re
from pathlib import Path

import pytest
import record_builders as make

from clearinghouse.impact.render import as_dict, as_html, as_markdown, as_text
from clearinghouse.impact.sheet import UnknownJurisdiction, build_sheet

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "state-data-arkansas-2023.txt"


def test_it_reproduces_the_arkansas_2023_sheet_word_for_word():
    make.arkansas_2023()
    assert as_text(build_sheet("AR", 2023)) == SEED.read_text()


def test_markdown_differs_from_the_seed_only_in_markup_and_whitespace():
    make.arkansas_2023()
    markdown = as_markdown(build_sheet("AR", 2023))

    def words(text):
        return re.sub(r"^#+ ", "", text, flags=re.M).replace("**", "").split()

    assert words(markdown) == words(SEED.read_text())
    assert "## NCMEC's Work to Combat Child Sex Trafficking" in markdown


def test_html_holds_every_sentence_with_figures_marked():
    make.arkansas_2023()
    html = as_html(build_sheet("AR", 2023))
    assert html.startswith("<!doctype html>")
    assert '<span class="figure" data-figure="state:missing.cases">255</span>' in html
    assert "resources and support to develop" in html  # the page break is mended
    text = re.sub(r"<[^>]+>", "", html)
    assert (
        "In 2023, 5,070 CyberTipline reports were made available to law enforcement in Arkansas."
        in text
    )


def test_json_has_every_key_with_its_source_and_citation():
    make.arkansas_2023()
    document = as_dict(build_sheet("AR", 2023))
    json.dumps(document)
    assert (document["state"], document["year"]) == ("AR", 2023)
    figures = document["figures"]
    assert len(figures) == 17
    assert figures["tipline.reports_made_available"] == {
        "value": 5070,
        "text": "5,070",
        "source": "records",
        "citation": None,
        "scope": "state",
    }
    assert figures["tipline.reports_received"]["source"] == "published"
    assert figures["tipline.reports_received"]["citation"].startswith("NCMEC, Arkansas Data")
    assert figures["missing.cases"]["value"] == 255
    assert figures["missing.cases"]["national"]["value"] == 28_886
    assert figures["adam.cases_assisted"]["text"] == "1 case"


def test_a_state_with_no_records_shows_zeros_and_agrees_in_number():
    make.peer_support(1, state="DC")
    make.team_adam(1, state="DC")
    text = as_text(build_sheet("DC", 2023))
    assert "**District of Columbia Data**" in text
    assert (
        "**In 2023, 0 CyberTipline reports were made available to law enforcement in "
        "District of Columbia.**" in text
    )
    assert (
        "In 2023, NCMEC handled 0 cases of missing children from District of Columbia as follows:"
        in text
    )
    assert "Children Missing From Social Services Facility\t0\n" in text
    assert "**including 1 survivor/family in District of Columbia.**" in text
    assert "on 1 case in District of Columbia.**" in text
    assert (
        "**0 new law enforcement and child-serving professionals** in District of Columbia." in text
    )


def test_singular_forms_read_naturally():
    make.reports(1, state="GU", made_available_at="2024-05-01T00:00:00Z")
    make.missing_cases(1, state="GU", reported_at="2024-05-01T00:00:00Z")
    make.registrations(1, state="GU", registered_at="2024-05-01T00:00:00Z")
    text = as_text(build_sheet("GU", 2024))
    assert (
        "**In 2024, 1 CyberTipline report was made available to law enforcement in Guam.**" in text
    )
    assert "NCMEC handled 1 case of missing children from Guam as follows:" in text
    assert "**1 new law enforcement and child-serving professional** in Guam." in text


def test_it_refuses_an_unknown_jurisdiction():
    with pytest.raises(UnknownJurisdiction, match="ZZ"):
        build_sheet("ZZ", 2023)
