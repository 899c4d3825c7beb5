import json
import re
from pathlib import Path

import pytest

from clearinghouse.impact.render import as_dict, as_html, as_markdown, as_text
from clearinghouse.impact.sheet import UnknownJurisdiction, build_sheet

import record_builders as make

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "state-data-arkansas-2023.txt"

NATIONAL_2023 = {
    "tipline.reports_received": 36_210_368,
    "tipline.files_received": 105_653_162,
    "cvip.children_identified": 27_130,
    "missing.cases": 28_886,
    "missing.cases_from_care": 22_442,
    "missing.from_care_likely_cst_pct": 19,
    "cst.tipline_reports": 18_436,
    "hope.families_supported": 5_759,
    "education.registered_users": 18_217,
}


def arkansas_2023(published=True):
    """Records whose Arkansas 2023 figures are the seed's, and noise that must not count."""
    if published:
        for metric, value in NATIONAL_2023.items():
            make.published(metric, 2023, value, "NCMEC, Arkansas Data (state data sheet), 2023")
    make.reports(5_070, state="AR", made_available_at="2023-03-01T00:00:00Z", files=1)
    make.reports(4, state="AR", made_available_at="2024-01-01T00:00:00Z")
    make.cvip_submissions(30, state="AR", reviewed_at="2023-09-01T00:00:00Z")
    make.missing_cases(203, state="AR", missing_from_care=True, reported_by="child_welfare")
    make.missing_cases(14, state="AR", reported_by="hhs_orr", missing_from_care=True)
    make.missing_cases(38, state="AR", reported_by="parent_guardian")
    make.missing_cases(9, state="AR", reported_at="2022-12-31T23:59:59Z")
    make.cst_engagements(17, state="AR")
    make.peer_support(38, state="AR", contacts_each=2)
    make.mental_health_referrals(36, state="AR")
    make.team_adam(1, state="AR", deployments_each=3)
    make.registrations(100, state="AR", profession="law_enforcement")
    make.registrations(74, state="AR", profession="child_serving_professional")
    make.registrations(12, state="AR", profession="other")
    make.missing_cases(5, state="TX", missing_from_care=True)


def test_it_reproduces_the_arkansas_2023_sheet_word_for_word():
    arkansas_2023()
    assert as_text(build_sheet("AR", 2023)) == SEED.read_text()


def test_markdown_differs_from_the_seed_only_in_markup_and_whitespace():
    arkansas_2023()
    markdown = as_markdown(build_sheet("AR", 2023))

    def words(text):
        return re.sub(r"^#+ ", "", text, flags=re.M).replace("**", "").split()

    assert words(markdown) == words(SEED.read_text())
    assert "## NCMEC's Work to Combat Child Sex Trafficking" in markdown


def test_html_holds_every_sentence_with_figures_marked():
    arkansas_2023()
    html = as_html(build_sheet("AR", 2023))
    assert html.startswith("<!doctype html>")
    assert '<span class="figure" data-figure="state:missing.cases">255</span>' in html
    assert "resources and support to develop" in html  # the page break is mended
    text = re.sub(r"<[^>]+>", "", html)
    assert "In 2023, 5,070 CyberTipline reports were made available to law enforcement in Arkansas." in text


def test_json_has_every_key_with_its_source_and_citation():
    arkansas_2023()
    document = as_dict(build_sheet("AR", 2023))
    json.dumps(document)
    assert (document["state"], document["year"]) == ("AR", 2023)
    figures = document["figures"]
    assert len(figures) == 17
    assert figures["tipline.reports_made_available"] == {
        "value": 5070, "text": "5,070", "source": "records", "citation": None, "scope": "state",
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
    assert "**In 2023, 0 CyberTipline reports were made available to law enforcement in District of Columbia.**" in text
    assert "In 2023, NCMEC handled 0 cases of missing children from District of Columbia as follows:" in text
    assert "Children Missing From Social Services Facility\t0\n" in text
    assert "**including 1 survivor/family in District of Columbia.**" in text
    assert "on 1 case in District of Columbia.**" in text
    assert "**0 new law enforcement and child-serving professionals** in District of Columbia." in text


def test_singular_forms_read_naturally():
    make.reports(1, state="GU", made_available_at="2024-05-01T00:00:00Z")
    make.missing_cases(1, state="GU", reported_at="2024-05-01T00:00:00Z")
    make.registrations(1, state="GU", registered_at="2024-05-01T00:00:00Z")
    text = as_text(build_sheet("GU", 2024))
    assert "**In 2024, 1 CyberTipline report was made available to law enforcement in Guam.**" in text
    assert "NCMEC handled 1 case of missing children from Guam as follows:" in text
    assert "**1 new law enforcement and child-serving professional** in Guam." in text


def test_it_refuses_an_unknown_jurisdiction():
    with pytest.raises(UnknownJurisdiction, match="ZZ"):
        build_sheet("ZZ", 2023)
