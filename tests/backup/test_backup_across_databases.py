"""A backup taken by one deployment restores into another through the real commands,
across databases: from SQLite into the session's database (PostgreSQL when
``DATABASE_URL`` names it). Every row of every model and every stored file comes back
the same. (A round trip within one database: ``test_backup_restore``.)"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from backup_world import BACKUP_KEY

TESTS = Path(__file__).resolve().parents[1]

# The same master keys on both sides: the backup holds what they encrypt, never them.
KEYS = {
    "CLEARINGHOUSE_VAULT_KEY": secrets.token_urlsafe(32),
    "CLEARINGHOUSE_FIELD_KEY": secrets.token_urlsafe(32),
    "CLEARINGHOUSE_BACKUP_KEY": BACKUP_KEY,
}

SETUP = """
import os, sys
sys.path[:0] = [{tests!r}, {tests!r} + "/backup"]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clearinghouse.settings")
import django
django.setup()
from clearinghouse.cli import migrate_if_needed
migrate_if_needed()
"""

# Every row of every model as the models read it (decrypted, typed), and every stored
# file with its bytes' SHA-256 and whether it opens to its content.
SNAPSHOT = """
import datetime, hashlib, json
from django.apps import apps
from clearinghouse.media import vault
from clearinghouse.audit.models import AuditEvent
from clearinghouse.media.models import Blob

def plain(value):
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return repr(value)

rows = {}
for model in apps.get_models(include_auto_created=True):
    if model._meta.managed and not model._meta.proxy:
        names = [field.attname for field in model._meta.local_concrete_fields]
        table = model._base_manager.order_by("pk")
        if model is AuditEvent:  # the backup's and the restore's own events aside
            table = table.exclude(action__startswith="core:database:")
        table = table.values_list(*names)
        rows[model._meta.label_lower] = [[plain(value) for value in row] for row in table]
restored = AuditEvent.objects.filter(action="core:database:restored").count()
files = {
    blob.sha256: [
        hashlib.sha256(vault.path_for(blob.sha256).read_bytes()).hexdigest(),
        hashlib.sha256(vault.read(blob)).hexdigest() == blob.sha256,
    ]
    for blob in Blob.objects.all()
}
print(json.dumps({"rows": rows, "files": files, "restored": restored}))
"""


class Deployment:
    def __init__(self, cli, data_dir: Path, *, sqlite: bool) -> None:
        if sqlite:
            self.env = {**os.environ, "CLEARINGHOUSE_DATA_DIR": str(data_dir), **KEYS}
            self.env.pop("DATABASE_URL", None)
        else:
            self.env = {**cli.env(data_dir), **KEYS}
        self.env.pop("CLEARINGHOUSE_VAULT_DIR", None)
        self.data_dir = data_dir

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        console = Path(sys.executable).with_name("clearinghouse")
        done = subprocess.run(
            [str(console), "--data-dir", str(self.data_dir), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done

    def python(self, code: str) -> str:
        program = SETUP.format(tests=str(TESTS)) + textwrap.dedent(code)
        done = subprocess.run(
            [sys.executable, "-c", program],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def snapshot(self) -> dict:
        return json.loads(self.python(SNAPSHOT))


@pytest.fixture(scope="module")
def source(cli, tmp_path_factory) -> Deployment:
    """A SQLite deployment holding a small demo world and the backup world's rows and
    files."""
    deployment = Deployment(cli, tmp_path_factory.mktemp("source"), sqlite=True)
    deployment.run("demo", "--no-serve", "--scale", "0.01")
    deployment.python("from backup_world import build_world; build_world()")
    return deployment


@pytest.fixture(scope="module")
def expected(source) -> dict:
    return source.snapshot()


@pytest.fixture(scope="module")
def restored(cli, source, tmp_path_factory) -> Deployment:
    return restored_into(source, cli, tmp_path_factory)


def restored_into(deployment: Deployment, cli, tmp_path_factory) -> Deployment:
    """A fresh deployment on the session's database, restored from ``deployment``."""
    backup = tmp_path_factory.mktemp("backups") / "clearinghouse.backup"
    deployment.run("backup", str(backup), "--quiet")
    target = Deployment(cli, tmp_path_factory.mktemp("target"), sqlite=False)
    done = target.run("restore", str(backup), "--quiet")
    assert "Restored" in done.stdout
    return target


def test_a_sqlite_backup_restores_into_the_session_database(source, expected, restored):
    assert sum(len(rows) for rows in expected["rows"].values()) > 1000
    assert len(expected["files"]) == 4
    snapshot = restored.snapshot()
    assert all(opens for _, opens in snapshot["files"].values())
    assert (expected["restored"], snapshot["restored"]) == (0, 1)
    assert {**snapshot, "restored": 0} == expected
    assert stored_files(restored) == stored_files(source)
    assert list((restored.data_dir / "vault" / "tmp").iterdir()) == []


def stored_files(deployment: Deployment) -> dict[Path, bytes]:
    """The vault's stored files (not its temporary folder), with their bytes."""
    vault = deployment.data_dir / "vault"
    return {
        path.relative_to(vault): path.read_bytes()
        for path in vault.rglob("*")
        if path.is_file() and path.relative_to(vault).parts[0] != "tmp"
    }
