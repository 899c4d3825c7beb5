"""The issue's "done when", end to end through the installed command: the demo's world
prints the seed sheet; one more imported case moves its figures; a bad file moves nothing."""

import json
from pathlib import Path

import pytest

SEED = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "state-data-arkansas-2023.txt"


@pytest.fixture(scope="module")
def world(cli, demo_deployment):
    """``clearinghouse(*args)`` on a deployment of the demo's world, and its directory."""
    data_dir = demo_deployment("demo-world").data_dir

    def clearinghouse(*args):
        return cli(*args, data_dir=data_dir, timeout=300)

    return clearinghouse, data_dir


def arkansas_2023(clearinghouse):
    result = clearinghouse("factsheet", "--state", "AR", "--year", "2023", "--format", "text")
    assert result.returncode == 0, result.stderr
    return result.stdout


def one_case(case_id, **fields):
    return {
        "type": "missing_case",
        "id": case_id,
        "reported_at": "2023-12-31T23:59:59Z",
        "state": "AR",
        "case_type": "endangered_runaway",
        "missing_from_care": True,
        "reported_by": "child_welfare",
        **fields,
    }


def test_the_demo_world_prints_the_seed_sheet_word_for_word(world):
    clearinghouse, _ = world
    assert arkansas_2023(clearinghouse).rstrip("\n") == SEED.read_text().rstrip("\n")


def test_one_more_case_from_care_moves_255_to_256_and_203_to_204(world, tmp_path):
    clearinghouse, _ = world
    before = arkansas_2023(clearinghouse)
    assert "handled 255 cases" in before and "Facility\t203" in before

    extra = tmp_path / "one-more-case.jsonl"
    extra.write_text(json.dumps(one_case("e2e-extra-case-1")) + "\n")
    result = clearinghouse("import", str(extra))
    assert result.returncode == 0, result.stderr

    after = arkansas_2023(clearinghouse)
    assert "handled 256 cases" in after and "Facility\t204" in after
    assert after.replace("256", "255").replace("\t204", "\t203") == before

    # Importing the same file again changes nothing.
    assert clearinghouse("import", str(extra)).returncode == 0
    assert arkansas_2023(clearinghouse) == after


def test_a_file_with_one_bad_line_changes_nothing_and_names_the_line(world, tmp_path):
    clearinghouse, _ = world
    before = arkansas_2023(clearinghouse)
    bad = tmp_path / "cases.jsonl"
    lines = [one_case(f"e2e-bad-file-{n}") for n in range(5)]
    lines[3]["case_type"] = "kidnapped_by_aliens"
    bad.write_text("".join(json.dumps(line) + "\n" for line in lines))

    result = clearinghouse("import", str(bad))

    assert result.returncode != 0
    assert f"{bad}:4:" in result.stderr
    assert "case_type" in result.stderr
    assert arkansas_2023(clearinghouse) == before
