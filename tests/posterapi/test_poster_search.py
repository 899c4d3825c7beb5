"""``GET /Posters`` filters, sorting and paging, against posters put directly through
the publishing service (no HTTP: the flow test covers the wire)."""

import sys
from pathlib import Path

import pytest

from clearinghouse.geo import ip
from clearinghouse.posterapi import document, publishing, search
from clearinghouse.posterapi.models import PosterOrganization

sys.path.insert(0, str(Path(__file__).parents[1] / "geo"))
from mmdb_fixture import DALLAS, LITTLE_ROCK, TORONTO, write_city_database  # noqa: E402

pytestmark = pytest.mark.django_db


def put(code: str, number: str, **child) -> None:
    organization, _ = PosterOrganization.objects.get_or_create(code=code, defaults={"name": code})
    body = {
        "children": [{"firstName": "Sam", "lastName": "Example", **child}],
        "companions": [{"firstName": "Pat", "lastName": "Companion", "companionType": "Mother"}]
        if number.endswith("C")
        else [],
        "descriptions": [{"languageId": "es", "description": "Visto por última vez"}]
        if number.endswith("C")
        else [],
    }
    publishing.put(organization, number, document.PosterIn.model_validate(body))


@pytest.fixture
def posters():
    put("AAA", "1", lastName="Alpha", missingState="AR", missingSince="2024-01-10",
        races=["White"], missingCounty="Pulaski")  # fmt: skip
    put("AAA", "2C", lastName="Bravo", missingState="TX", missingSince="2024-02-10",
        races=["Black", "Hispanic"])  # fmt: skip
    put("BBB", "3", lastName="Charlie", missingState="Arkansas", missingSince="2023-12-01",
        dateFound="2024-03-01", foundState="OK")  # fmt: skip


def found(**params) -> list[str]:
    posters, _ = search.run({key: str(value) for key, value in params.items()})
    return [poster.case_number for poster in posters]


def test_the_filters(posters):
    assert sorted(found(missingState="AR")) == ["1", "3"]
    assert found(organizationCodes="bbb") == ["3"]
    assert sorted(found(organizationCodes="AAA,BBB")) == ["1", "2C", "3"]
    assert found(childLastName="br") == ["2C"]
    assert found(companionFirstName="pat") == ["2C"]
    assert found(races="hispanic") == ["2C"]
    assert found(missingCounty="PULASKI") == ["1"]
    assert found(languageId="es") == ["2C"]
    assert found(foundState="Oklahoma") == ["3"]
    assert found(missingDate="2024-01-10") == ["1"]
    assert sorted(found(missingDateFrom="2024-01-01")) == ["1", "2C"]
    assert found(missingDateTo="2023-12-31") == ["3"]
    assert found(foundDateFrom="2024-01-01", foundDateTo="2024-12-31") == ["3"]
    assert found(posterType="unidentified") == []
    assert len(found(dateCreatedFrom="2000-01-01", lastModifiedTo="2999-01-01")) == 3


def test_sorting_and_paging(posters):
    assert found(sortType="missingDate", sortOrder="asc") == ["3", "1", "2C"]
    assert found(sortType="lastName", sortOrder="desc") == ["3", "2C", "1"]
    assert found(sortType="missingDate", sortOrder="asc", skip=1, limit=1) == ["1"]
    _, total = search.run({"limit": "1"})
    assert total == 3


@pytest.mark.parametrize(
    "params",
    [{"limit": "0"}, {"limit": "1000"}, {"skip": "-1"}, {"missingDate": "yesterday"},
     {"sortType": "shoeSize"}, {"sortOrder": "sideways"}, {"posterType": "lost"},
     {"enableIpGeolocationSearch": "maybe"}],
)  # fmt: skip
def test_bad_parameters_are_refused_with_a_reason(params):
    with pytest.raises(search.SearchError):
        search.run(params)


def test_unknown_parameters_are_ignored(posters):
    assert len(found(someFutureFilter="x")) == 3


def test_geolocation_narrows_to_the_callers_state(posters, tmp_path, settings):
    settings.GEOIP_DB = write_city_database(tmp_path / "city.mmdb")
    ip.clear_cache()
    try:
        near_little_rock, _ = search.run({"enableIpGeolocationSearch": "true"}, LITTLE_ROCK)
        near_dallas, _ = search.run({"enableIpGeolocationSearch": "true"}, DALLAS)
        with pytest.raises(search.SearchError, match="could not be located"):
            search.run({"enableIpGeolocationSearch": "true"}, TORONTO)
    finally:
        ip.clear_cache()
    assert sorted(p.case_number for p in near_little_rock) == ["1", "3"]
    assert [p.case_number for p in near_dallas] == ["2C"]
