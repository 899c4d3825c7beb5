"""IP addresses placed through a MaxMind-format database built for the test."""

import ipaddress

import pytest
from django.core.exceptions import ImproperlyConfigured
from mmdb_fixture import (
    ANONYMOUS_PROXY,
    DALLAS,
    LEGACY_A1,
    LITTLE_ROCK,
    LITTLE_ROCK_V6,
    SAN_JUAN,
    TORONTO,
    TORONTO_V6,
    US_COUNTRY_ONLY,
    city,
    write_city_database,
)

from clearinghouse.geo import ip
from clearinghouse.geo.ip import IpLocation


@pytest.fixture(autouse=True)
def fresh_reader():
    ip.clear_cache()
    yield
    ip.clear_cache()


@pytest.fixture
def geoip_db(tmp_path, settings):
    settings.GEOIP_DB = write_city_database(tmp_path / "city.mmdb")
    return settings.GEOIP_DB


@pytest.mark.parametrize(
    ("address", "location"),
    [
        (LITTLE_ROCK, IpLocation("US", "AR", city_level=True)),
        (DALLAS, IpLocation("US", "TX", city_level=True)),
        (US_COUNTRY_ONLY, IpLocation("US", None, city_level=False)),
        (SAN_JUAN, IpLocation("PR", None, city_level=True)),  # a country, as MaxMind says
        (TORONTO, IpLocation("CA", None, city_level=True)),  # subdivisions only for the US
        (LEGACY_A1, IpLocation("A1", None, city_level=False)),  # the caller judges codes
        (LITTLE_ROCK_V6, IpLocation("US", "AR", city_level=True)),
        (TORONTO_V6, IpLocation("CA", None, city_level=True)),
        (f"::ffff:{LITTLE_ROCK}", IpLocation("US", "AR", city_level=True)),
        (f" [{LITTLE_ROCK_V6}] ", IpLocation("US", "AR", city_level=True)),
    ],
)
def test_it_places_an_address_as_the_database_does(geoip_db, address, location):
    assert ip.locate(address) == location


def test_it_knows_nothing_of_an_address_outside_the_database(geoip_db):
    assert ip.locate("192.0.2.300") is None  # not an address
    assert ip.locate("8.8.8.8") is None  # routable, but not in this small database


def test_it_treats_an_anonymous_proxy_as_unknown(geoip_db):
    assert ip.locate(ANONYMOUS_PROXY) is None


@pytest.mark.parametrize(
    "address",
    ["10.1.2.3", "192.168.1.1", "172.16.0.1", "127.0.0.1", "169.254.1.1", "100.64.0.1",
     "0.0.0.0", "224.0.0.1", "240.0.0.1", "::1", "fe80::1", "fd00::1", "ff02::1"],  # noqa: S104
)  # fmt: skip
def test_it_never_looks_up_private_or_reserved_addresses(geoip_db, address):
    assert not ip.routable(ipaddress.ip_address(address))
    assert ip.locate(address) is None  # even 10.0.0.0/8, which the test database maps


@pytest.mark.parametrize("address", ["8.8.8.8", "2606:4700::1111", LITTLE_ROCK, TORONTO_V6])
def test_public_and_documentation_addresses_are_routable(address):
    assert ip.routable(ipaddress.ip_address(address))


@pytest.mark.parametrize("text", ["", "nope", "192.0.2", "1.2.3.4.5", "[::1", 3232235777, None])
def test_it_parses_only_text_that_is_an_address(text):
    assert ip.parse_address(text) is None


def test_without_a_database_it_looks_nothing_up(settings):
    settings.GEOIP_DB = None

    assert not ip.configured()
    assert ip.locate(LITTLE_ROCK) is None


def test_it_follows_the_setting_to_another_database(geoip_db, tmp_path, settings):
    assert ip.locate(LITTLE_ROCK).subdivision == "AR"

    moved = {"192.0.2.0/24": city("US", "Dallas", "TX")}
    settings.GEOIP_DB = write_city_database(tmp_path / "moved.mmdb", moved)

    assert ip.locate(LITTLE_ROCK).subdivision == "TX"


def test_an_ipv6_address_in_an_ipv4_database_is_unknown(tmp_path, settings):
    networks = {"192.0.2.0/24": city("US", "Little Rock", "AR")}
    settings.GEOIP_DB = write_city_database(tmp_path / "v4.mmdb", networks, ip_version=4)

    assert ip.locate(LITTLE_ROCK).subdivision == "AR"
    assert ip.locate(LITTLE_ROCK_V6) is None


def test_a_file_that_is_not_a_database_is_a_configuration_error(tmp_path, settings):
    settings.GEOIP_DB = tmp_path / "broken.mmdb"
    settings.GEOIP_DB.write_bytes(b"not a MaxMind database")

    with pytest.raises(ImproperlyConfigured, match="CLEARINGHOUSE_GEOIP_DB"):
        ip.locate(LITTLE_ROCK)
