from decimal import Decimal

import pytest

from clearinghouse.impact import formatting


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (999_999, "999,999"),
        (1_000_000, "1.0 million"),
        (36_210_368, "36.2 million"),
        (36_250_000, "36.3 million"),
        (36_249_999, "36.2 million"),
    ],
)
def test_it_writes_reports_in_millions_with_one_decimal(value, text):
    assert formatting.millions_one_decimal(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (999_999, "999,999"),
        (105_000_000, "105 million"),
        (105_000_001, "more than 105 million"),
        (105_653_162, "more than 105 million"),
    ],
)
def test_it_writes_files_as_more_than_whole_millions(value, text):
    assert formatting.more_than_millions(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (999, "999"),
        (1_000, "1,000"),
        (1_001, "more than 1,000"),
        (18_436, "more than 18,400"),
        (18_400, "18,400"),
    ],
)
def test_it_floors_to_hundreds_from_a_thousand(value, text):
    assert formatting.more_than_hundreds(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [(9_999, "9,999"), (10_000, "10,000"), (18_217, "more than 18,000"), (18_000, "18,000")],
)
def test_it_floors_to_thousands_from_ten_thousand(value, text):
    assert formatting.more_than_thousands(value) == text


@pytest.mark.parametrize(
    ("part", "whole", "percent"),
    [(0, 0, 0), (1, 2, 50), (37, 200, 19), (185, 1000, 19), (195, 1000, 20), (1, 3, 33)],
)
def test_it_rounds_percentages_half_up(part, whole, percent):
    assert formatting.whole_percent(part, whole) == percent


def test_it_rounds_published_values_half_up():
    assert formatting.whole(Decimal("19.5")) == 20
    assert formatting.whole(Decimal("19.4999")) == 19
