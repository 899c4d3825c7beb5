"""Public release mode: small counts withheld on public outputs, never on internal ones."""

from __future__ import annotations

import json
from io import StringIO

import impact_world
import pytest
from django.core.management import CommandError, call_command

from clearinghouse.impact.release import Release
from clearinghouse.impact.render import as_text
from clearinghouse.impact.sheet import build_sheet

pytestmark = pytest.mark.django_db


def test_it_withholds_counts_from_one_to_four_and_shows_zero_and_five():
    public = Release.public(5)
    assert [public.hides(n) for n in (0, 1, 4, 5, 100)] == [False, True, True, False, False]
    assert public.count(3) == "fewer than 5"
    assert public.count(0) == "0"
    assert not Release().hides(1)


def test_the_sheet_says_fewer_than_5_and_keeps_its_grammar():
    impact_world.build()
    sheet = Release.public(5).sheet(build_sheet("AR", 2023))
    text = " ".join(as_text(sheet).split())
    assert "fewer than 5 CyberTipline reports were made available to law enforcement" in text
    assert "NCMEC handled 15 cases of missing children from Arkansas" in text
    # 2 from HHS-ORR is withheld, and so is the smallest other part (6 others), or
    # 15 - 7 - 6 would give it away.
    assert "Children Missing From Social Services Facility\t7" in as_text(sheet)
    assert "Other Missing Children Cases\tfewer than 5" in as_text(sheet)
    assert "(HHS-ORR) :\tfewer than 5" in as_text(sheet)
    assert "critical case assistance on 0 cases" in text  # zero points at no one


def test_a_percentage_is_not_a_count_and_is_shown():
    impact_world.build()
    sheet = Release.public(50).sheet(build_sheet("AR", 2023))
    percent = sheet.figures["national"]["missing.from_care_likely_cst_pct"]
    assert (percent.value, percent.text) == (29, "29%")  # 2 of 7 from care


def test_factsheet_public_withholds_and_says_so_only_when_asked():
    impact_world.build()

    def sheet(*flags):
        out = StringIO()
        call_command(
            "factsheet", "--state", "AR", "--year", "2023", "--format", "json", *flags, stdout=out
        )
        return json.loads(out.getvalue())["figures"]

    internal = sheet()["tipline.reports_made_available"]
    assert (internal["value"], internal["text"]) == (3, "3")
    public = sheet("--public")["tipline.reports_made_available"]
    assert (public["value"], public["text"]) == (None, "fewer than 5")
    higher = sheet("--public", "--suppress-below", "10")["missing.cases_from_care"]
    assert higher["text"] == "fewer than 10"


def test_factsheet_refuses_a_threshold_without_public_or_below_two():
    with pytest.raises(CommandError, match="goes with --public"):
        call_command("factsheet", "--state", "AR", "--year", "2023", "--suppress-below", "5")
    with pytest.raises(CommandError, match="2 or more"):
        call_command(
            "factsheet", "--state", "AR", "--year", "2023", "--public", "--suppress-below", "1"
        )


def test_factsheet_all_states_public_withholds_in_every_file(tmp_path):
    impact_world.build()
    call_command(
        "factsheet", "--all-states", "--year", "2023", "--format", "json",
        "--output", str(tmp_path), "--quiet", "--public",
    )  # fmt: skip
    arkansas = json.loads((tmp_path / "AR-2023.json").read_text())
    assert arkansas["figures"]["tipline.reports_made_available"]["text"] == "fewer than 5"
    national = json.loads((tmp_path / "national-2023.json").read_text())
    assert national["states"]["AR"]["figures"]["missing.cases_hhs_orr"]["value"] is None
    assert national["states"]["TX"]["figures"]["tipline.reports_made_available"]["value"] == 8
