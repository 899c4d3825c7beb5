"""Fixtures of the backup tests: a vault of their own and the backup key."""

from __future__ import annotations

import pytest
from backup_world import BACKUP_KEY


@pytest.fixture(autouse=True)
def vault_dir(settings, tmp_path):
    settings.VAULT_DIR = tmp_path / "vault"
    return settings.VAULT_DIR


@pytest.fixture(autouse=True)
def backup_key(monkeypatch) -> str:
    monkeypatch.setenv("CLEARINGHOUSE_BACKUP_KEY", BACKUP_KEY)
    monkeypatch.delenv("CLEARINGHOUSE_BACKUP_KEY_FILE", raising=False)
    return BACKUP_KEY
