"""Where an IP address is, from a MaxMind-format city database (``settings.GEOIP_DB``).

The database is optional: without one every lookup answers None and ``configured()`` says
why. The reader is opened on first use and kept; it is reopened when the setting names
another file (tests point it at databases of their own), and ``clear_cache()`` closes it.

Answers are the database's own words, lightly checked: the country's ISO code as it is
stored (MaxMind calls Puerto Rico a country, "PR"; mapping territories to jurisdictions is
the caller's business), and the subdivision only for the US. Addresses that cannot be
placed on a map (private networks, loopback, link-local, carrier-grade NAT, multicast,
reserved) are never looked up, even if a database maps them.
"""

from __future__ import annotations

import ipaddress
import threading
from dataclasses import dataclass
from pathlib import Path

import maxminddb
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# RFC 5737 and RFC 3849 reserve these for examples, so no real GeoIP database maps them,
# while a test database may. Every other non-global address is refused.
_DOCUMENTATION_NETWORKS = tuple(
    ipaddress.ip_network(network)
    for network in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
)


@dataclass(frozen=True)
class IpLocation:
    country: str  # ISO 3166 alpha-2 as the database has it ("US", "PR", "CA", or "A1")
    subdivision: str | None  # the US state or territory code, only when country is "US"
    city_level: bool  # the database placed it in a city or subdivision, not just a country


class _ReaderCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._path: Path | None = None
        self._reader: maxminddb.Reader | None = None

    def get(self, path: Path) -> maxminddb.Reader:
        with self._lock:
            if self._reader is None or self._path != path:
                self._close()
                try:
                    self._reader = maxminddb.open_database(str(path))
                except (OSError, maxminddb.InvalidDatabaseError) as error:
                    raise ImproperlyConfigured(
                        f"CLEARINGHOUSE_GEOIP_DB: cannot read {path} as a MaxMind database "
                        f"({error})"
                    ) from error
                self._path = path
            return self._reader

    def clear(self) -> None:
        with self._lock:
            self._close()

    def _close(self) -> None:
        if self._reader is not None:
            self._reader.close()
        self._reader, self._path = None, None


_readers = _ReaderCache()


def clear_cache() -> None:
    """Closes the open database; the next lookup opens whatever the setting names then."""
    _readers.clear()


def configured() -> bool:
    """Whether a GeoIP database is configured (``CLEARINGHOUSE_GEOIP_DB``)."""
    return getattr(settings, "GEOIP_DB", None) is not None


def parse_address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An IP address from text: surrounding space and IPv6 brackets are allowed, and an
    IPv4-mapped IPv6 address (``::ffff:192.0.2.1``) is read as the IPv4 address."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def routable(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """False for addresses that say nothing about a place: private, loopback, link-local,
    shared (CGNAT), multicast, unspecified, reserved."""
    if any(address in network for network in _DOCUMENTATION_NETWORKS):
        return True
    return address.is_global and not address.is_multicast


def locate(text: str) -> IpLocation | None:
    """Where the database places an IP address, or None: no database configured, not an
    address, not routable, or not in the database."""
    path = getattr(settings, "GEOIP_DB", None)
    address = parse_address(text)
    if path is None or address is None or not routable(address):
        return None
    try:
        record = _readers.get(Path(path)).get(address)
    except ValueError:  # an IPv6 address in an IPv4-only database
        return None
    return _location(record) if isinstance(record, dict) else None


def _location(record: dict) -> IpLocation | None:
    country = _iso_code(record.get("country"))
    traits = record.get("traits")
    if isinstance(traits, dict) and (
        traits.get("is_anonymous_proxy") or traits.get("is_satellite_provider")
    ):
        return None  # what the legacy codes A1 and A2 became in GeoIP2
    if country is None:
        return None
    subdivisions = record.get("subdivisions")
    first = subdivisions[0] if isinstance(subdivisions, list) and subdivisions else None
    subdivision = _iso_code(first) if country == "US" else None
    city_level = _iso_code(first) is not None or isinstance(record.get("city"), dict)
    return IpLocation(country, subdivision, city_level)


def _iso_code(entry: object) -> str | None:
    code = entry.get("iso_code") if isinstance(entry, dict) else None
    return code.strip().upper() if isinstance(code, str) and code.strip() else None
