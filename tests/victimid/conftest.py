"""Fixtures for victim identification (helpers in ``cvip_support``)."""

from __future__ import annotations

import pytest
from cvip_support import Deployment

from clearinghouse.banks import matcher
from clearinghouse.banks import services as banks


@pytest.fixture
def series_bank(tmp_path):
    """``series_bank(series, rows)``: import ``(type, hash)`` rows into the series bank
    ``series-<slug>``, labelled with the series; returns the bank name."""

    def create(series: str, rows: list[tuple[str, str]], name: str | None = None) -> str:
        name = name or "series-" + series.lower().replace(" ", "-")
        path = tmp_path / f"{name}.csv"
        path.write_text("".join(f"{kind},{value},{series}\n" for kind, value in rows))
        result = banks.import_hashes(name, path)
        assert result.stored, result.errors
        return name

    return create


@pytest.fixture(autouse=True)
def current_matcher(monkeypatch):
    """A matcher that reads the banks afresh (the process-wide one refreshes at most once
    a second, and test transactions roll back under it)."""
    monkeypatch.setattr(matcher, "get_matcher", lambda: matcher.Matcher())


@pytest.fixture(autouse=True)
def vault_dir(settings, tmp_path):
    settings.VAULT_DIR = tmp_path / "vault"
    return settings.VAULT_DIR


@pytest.fixture
def deployment(cli, tmp_path) -> Deployment:
    deployment = Deployment(cli, tmp_path / "deployment")
    deployment.python("pass")  # creates and migrates the database
    return deployment
