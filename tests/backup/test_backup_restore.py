"""``clearinghouse backup`` and ``restore`` in this database: a restore gives back every
row and every stored file byte for byte, and a wrong key, a damaged or a truncated backup
changes nothing."""

from __future__ import annotations

import pytest
from backup_world import build_world, file_bytes, stored_rows, vault_files
from django.core.management import CommandError, call_command
from django.db import connection

from clearinghouse.audit.models import AuditEvent
from clearinghouse.core import sealed
from clearinghouse.media import vault
from clearinghouse.media.models import Blob
from clearinghouse.missing.models import MissingCase
from clearinghouse.tipline.models import TiplineReport

pytestmark = pytest.mark.django_db

HEADER = sealed.HEADER_BYTES
CHUNK = sealed.CHUNK_BYTES + sealed.TAG_BYTES


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def taken(world, tmp_path):
    """A backup of the world, with every row and stored file as they were when taken."""
    (tmp_path / "backups").mkdir()
    path = tmp_path / "backups" / "clearinghouse.backup"
    rows, files = stored_rows(), vault_files(world)
    call_command("backup", str(path), "--quiet")
    return path, rows, files


@pytest.fixture
def backup_file(taken):
    return taken[0]


def audited_restore(rows: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    """The rows without the restore's own audit event, which must be there once."""
    events = rows["audit_auditevent"]
    assert sum("core:database:restored" in event for event in events) == 1
    trail = [event for event in events if "core:database:restored" not in event]
    return {**rows, "audit_auditevent": trail}


def change_everything(blobs) -> None:
    """Another state to restore over: rows removed, changed and added, a file altered."""
    MissingCase.objects.all().delete()
    TiplineReport.objects.update(external_id="changed")
    vault.put(file_bytes(5000, seed=99))
    vault.path_for(blobs[2].sha256).write_bytes(b"not what was stored")


def restore(path, *args):
    call_command("restore", str(path), "--quiet", *args)


def test_a_restore_gives_back_every_row_and_every_file_byte_for_byte(world, taken):
    backup_file, rows, files = taken
    change_everything(world)
    restore(backup_file, "--force")
    assert audited_restore(stored_rows()) == rows
    assert vault_files(world) == files
    for blob in Blob.objects.all():
        assert len(vault.read(blob)) == blob.size  # opens under its restored key, verified
    assert MissingCase.objects.get().child_first_name == "Synthetic"


def test_a_backup_is_audited_without_what_it_holds(world, backup_file):
    event = AuditEvent.objects.get(action="core:database:backed_up")
    assert event.detail == {"file": backup_file.name, "rows": event.detail["rows"], "files": 4}
    assert event.detail["rows"] > 100


def test_the_backup_holds_no_plaintext(world, backup_file):
    stored = backup_file.read_bytes()
    for marker in (b"Synthetic", b"trainee@example.org", b"analyst", b"auth_user"):
        assert marker not in stored
    assert file_bytes(70_000, 2)[:64] not in stored


def test_it_refuses_a_database_that_holds_data_without_force(world, backup_file):
    change_everything(world)
    rows = stored_rows()
    with pytest.raises(CommandError, match="already holds data.*--force"):
        restore(backup_file)
    assert stored_rows() == rows


def assert_refused(path, match: str, world) -> None:
    """Restoring ``path`` over a changed world fails with ``match`` and changes nothing."""
    change_everything(world)
    rows = stored_rows()
    files = vault_snapshot()
    with pytest.raises(CommandError, match=match):
        restore(path, "--force")
    assert stored_rows() == rows
    assert vault_snapshot() == files


def vault_tree():
    return sorted(path for path in vault.vault_dir().rglob("*") if path.is_file())


def vault_snapshot() -> dict:
    """Every file under the vault folder (temporary ones included), with its bytes."""
    return {path.relative_to(vault.vault_dir()): path.read_bytes() for path in vault_tree()}


def test_a_wrong_key_changes_nothing(world, backup_file, monkeypatch):
    monkeypatch.setenv("CLEARINGHOUSE_BACKUP_KEY", "another backup key, 0123456789")
    assert_refused(backup_file, "backup key does not open this backup", world)


def test_a_missing_key_is_named(world, backup_file, monkeypatch):
    monkeypatch.delenv("CLEARINGHOUSE_BACKUP_KEY")
    assert_refused(backup_file, "CLEARINGHOUSE_BACKUP_KEY", world)


@pytest.mark.parametrize("where", ["first chunk", "last chunk", "key check"])
def test_a_tampered_backup_changes_nothing(world, backup_file, where):
    data = bytearray(backup_file.read_bytes())
    offset = {"first chunk": HEADER + 100, "last chunk": len(data) - 5, "key check": HEADER - 1}
    data[offset[where]] ^= 0x01
    backup_file.write_bytes(bytes(data))
    assert_refused(backup_file, "altered or truncated|does not open", world)


@pytest.mark.parametrize("keep", ["header only", "one chunk", "all but a byte", "half a header"])
def test_a_truncated_backup_changes_nothing(world, backup_file, keep):
    data = backup_file.read_bytes()
    assert len(data) > 2 * CHUNK, "the world should span several chunks"
    size = {"header only": HEADER, "one chunk": HEADER + CHUNK, "all but a byte": len(data) - 1}
    size["half a header"] = HEADER // 2
    backup_file.write_bytes(data[: size[keep]])
    assert_refused(backup_file, "altered or truncated|cut short", world)


def test_a_restore_into_an_empty_database_needs_no_force(world, taken):
    backup_file, rows, files = taken
    connection.check_constraints()  # PostgreSQL truncates no table with checks pending
    call_command("flush", "--no-input")
    for path in vault_tree():
        path.unlink()
    restore(backup_file)
    assert audited_restore(stored_rows()) == rows
    assert vault_files(world) == files


def test_it_never_replaces_an_existing_file(world, backup_file):
    before = backup_file.read_bytes()
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(backup_file), "--quiet")
    assert backup_file.read_bytes() == before
    assert [path.name for path in backup_file.parent.iterdir()] == [backup_file.name]


def test_it_refuses_a_file_that_is_not_a_backup(world, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("a shopping list, not a backup")
    assert_refused(path, "not a Clearinghouse backup", world)


def test_each_backup_is_encrypted_afresh(world, backup_file, tmp_path):
    again = tmp_path / "again.backup"
    call_command("backup", str(again), "--quiet")
    assert again.read_bytes()[:HEADER] != backup_file.read_bytes()[:HEADER]
