"""Test-database helpers shared by ``conftest.py`` and fixtures wider than one test."""

from __future__ import annotations


def ensure_jurisdictions() -> None:
    """Puts back the jurisdictions a migration loads, if a flush took them away."""
    from clearinghouse.geo.jurisdictions import all_jurisdictions
    from clearinghouse.geo.models import Jurisdiction

    expected = all_jurisdictions()
    if Jurisdiction.objects.count() >= len(expected):
        return
    Jurisdiction.objects.bulk_create(
        (
            Jurisdiction(code=info.code, name=info.name, kind=info.kind, fips=info.fips)
            for info in expected
        ),
        ignore_conflicts=True,
    )
