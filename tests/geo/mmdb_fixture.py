"""A small MaxMind-format city database for tests, written with ``mmdb_writer``.

Its networks are the documentation ranges (RFC 5737, RFC 3849), which no real database
maps, laid out as MaxMind lays out its records: a country's ISO code, the subdivision's
ISO code (the USPS code for a US state), a city. Puerto Rico is a country, as MaxMind and
ISO 3166 have it. Import it as ``from mmdb_fixture import write_city_database``.
"""

from __future__ import annotations

from pathlib import Path

from mmdb_writer import MMDBWriter
from netaddr import IPSet


def city(country: str, name: str, subdivision: str | None = None) -> dict:
    record: dict = {"country": {"iso_code": country, "names": {"en": country}}}
    if subdivision:
        record["subdivisions"] = [{"iso_code": subdivision, "names": {"en": subdivision}}]
    record["city"] = {"names": {"en": name}}
    return record


def country_only(country: str) -> dict:
    return {"country": {"iso_code": country, "names": {"en": country}}}


LITTLE_ROCK = "192.0.2.10"
DALLAS = "198.51.100.10"
US_COUNTRY_ONLY = "198.51.100.200"
SAN_JUAN = "203.0.113.10"
TORONTO = "203.0.113.150"
LEGACY_A1 = "203.0.113.200"
ANONYMOUS_PROXY = "203.0.113.240"
LITTLE_ROCK_V6 = "2001:db8:1::10"
TORONTO_V6 = "2001:db8:2::10"

NETWORKS = {
    "192.0.2.0/24": city("US", "Little Rock", "AR"),
    "198.51.100.0/25": city("US", "Dallas", "TX"),
    "198.51.100.128/25": country_only("US"),
    "203.0.113.0/25": city("PR", "San Juan"),
    "203.0.113.128/27": city("CA", "Toronto", "ON"),
    "203.0.113.192/27": country_only("A1"),
    "203.0.113.224/27": {**country_only("US"), "traits": {"is_anonymous_proxy": True}},
    "2001:db8:1::/48": city("US", "Little Rock", "AR"),
    "2001:db8:2::/48": city("CA", "Toronto", "ON"),
    # A private network no real database maps: the code must refuse it anyway.
    "10.0.0.0/8": city("US", "Dallas", "TX"),
}


def write_city_database(
    path: Path, networks: dict[str, dict] | None = None, ip_version: int = 6
) -> Path:
    """Writes ``networks`` (default ``NETWORKS``) to ``path`` and returns ``path``."""
    writer = MMDBWriter(
        ip_version=ip_version,
        ipv4_compatible=ip_version == 6,
        database_type="GeoIP2-City",
        languages=["en"],
        description="Clearinghouse test city database",
    )
    for network, record in (NETWORKS if networks is None else networks).items():
        writer.insert_network(IPSet([network]), record)
    writer.to_db_file(str(path))
    return path
