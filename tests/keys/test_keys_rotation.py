"""``clearinghouse keys rotate`` moves every file key of the vault to the keyring's
writing key while files stay readable, can be stopped and run again, and leaves the old
key removable; ``keys status`` counts what each key wraps."""

from __future__ import annotations

import io
import os

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.management import CommandError, call_command

from clearinghouse.audit.models import AuditEvent
from clearinghouse.core import keyring
from clearinghouse.media import rekey, vault
from clearinghouse.media.models import Blob

pytestmark = pytest.mark.django_db

OLD = "old-vault-key-" + "o" * 30
NEW = "new-vault-key-" + "n" * 30
OTHER = "unrelated-key-" + "u" * 30
OLD_ID, NEW_ID = keyring.key_id(OLD).hex(), keyring.key_id(NEW).hex()


class Interrupted(Exception):
    """Stands for a stopped run (Ctrl+C, a deploy) between two batches."""


@pytest.fixture(autouse=True)
def vault_dir(settings, tmp_path):
    settings.VAULT_DIR = tmp_path / "vault"
    settings.VAULT_KEY = OLD
    return settings.VAULT_DIR


@pytest.fixture
def files() -> dict[str, bytes]:
    """Twelve stored files under OLD, by SHA-256."""
    contents = [os.urandom(size) for size in [0, 1, 10, 70_000] + [500] * 8]
    return {vault.put(content).sha256: content for content in contents}


def assert_all_readable(files: dict[str, bytes]) -> None:
    for blob in Blob.objects.all():
        assert vault.read(blob) == files[blob.sha256]


def keys(*args: str) -> str:
    out = io.StringIO()
    call_command("keys", *args, stdout=out)
    return out.getvalue()


def status() -> list[str]:
    return [line for line in keys("status").splitlines() if line.startswith("vault key")]


def test_files_stay_readable_before_during_and_after_rotation(settings, files):
    assert_all_readable(files)
    settings.VAULT_KEY = f"{NEW} {OLD}"
    assert_all_readable(files)
    seen = []

    def between_batches(scanned: int, rewrapped: int) -> None:
        assert_all_readable(files)
        seen.append(dict(rekey.key_counts()))

    assert rekey.rotate(batch_size=5, on_batch=between_batches) == 12
    assert seen[0] == {NEW_ID: 5, OLD_ID: 7}
    assert seen[-1] == {NEW_ID: 12}
    assert_all_readable(files)


def test_rotation_does_not_touch_the_stored_files(settings, files):
    before = {sha: vault.path_for(sha).read_bytes() for sha in files}
    settings.VAULT_KEY = f"{NEW} {OLD}"
    keys("rotate", "--quiet")
    assert {sha: vault.path_for(sha).read_bytes() for sha in files} == before


def test_a_stopped_rotation_goes_on_where_it_stopped(settings, files):
    settings.VAULT_KEY = f"{NEW} {OLD}"

    def stop(scanned: int, rewrapped: int) -> None:
        raise Interrupted

    with pytest.raises(Interrupted):
        rekey.rotate(batch_size=4, on_batch=stop)
    assert rekey.key_counts() == {NEW_ID: 4, OLD_ID: 8}
    assert rekey.to_rotate() == 8
    assert_all_readable(files)
    done = keys("rotate", "--quiet", "--batch-size", "3")
    assert done.startswith(f"Re-wrapped 8 file keys; every file key is under {NEW_ID}")
    assert rekey.key_counts() == {NEW_ID: 12}


def test_the_old_key_can_be_removed_after_rotation(settings, files):
    settings.VAULT_KEY = f"{NEW} {OLD}"
    keys("rotate", "--quiet")
    settings.VAULT_KEY = NEW
    assert_all_readable(files)
    assert status() == [f"vault key {NEW_ID} (writing): 12"]
    rotations = AuditEvent.objects.filter(action="core:keys:rotated").order_by("id")
    assert [event.detail for event in rotations] == [
        {"keys": "vault", "changed": 12},
        {"keys": "fields", "changed": 0},
    ]


def test_removing_the_old_key_too_early_names_it(settings, files):
    settings.VAULT_KEY = NEW
    blob = Blob.objects.first()
    with pytest.raises(vault.WrongKey, match=f"wrapped under key {OLD_ID}, which"):
        vault.read(blob)


def test_a_ring_without_the_old_key_rotates_nothing(settings, files):
    settings.VAULT_KEY = f"{NEW} {OTHER}"
    with pytest.raises(CommandError, match=f"key {OLD_ID}.*does not hold"):
        keys("rotate", "--quiet")
    assert rekey.key_counts() == {OLD_ID: 12}
    settings.VAULT_KEY = OLD
    assert_all_readable(files)


def test_new_files_are_wrapped_under_the_first_key(settings, files):
    settings.VAULT_KEY = f"{NEW} {OLD}"
    blob = vault.put(b"written after the new key came first")
    assert vault.wrapping_key_id(blob.wrapped_key).hex() == NEW_ID
    assert status() == [
        f"vault key {NEW_ID} (writing): 1",
        f"vault key {OLD_ID} (reading only): 12",
    ]


def test_keys_wrapped_before_keyrings_are_read_and_rotated(settings, files):
    """Format 1 (no key id), as the vault wrote before keyrings: tried under each key."""
    blob = Blob.objects.first()
    file_key = vault.unwrap_key(blob.wrapped_key, blob.sha256)
    nonce = os.urandom(12)
    sealed = AESGCM(_format_one_key(OLD)).encrypt(
        nonce, file_key, b"clearinghouse vault file key " + blob.sha256.encode()
    )
    Blob.objects.filter(pk=blob.pk).update(wrapped_key=bytes([1]) + nonce + sealed)
    settings.VAULT_KEY = f"{NEW} {OLD}"
    assert_all_readable(files)
    assert f"vault key {rekey.LEGACY} (tried under every key): 1" in status()
    assert rekey.rotate() == 12
    settings.VAULT_KEY = NEW
    assert_all_readable(files)


def _format_one_key(secret: str) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=b"clearinghouse vault key wrapping v1",
    ).derive(secret.encode())


def test_status_names_keys_outside_the_keyring(settings, files):
    settings.VAULT_KEY = OTHER
    assert status() == [
        f"vault key {keyring.key_id(OTHER).hex()} (writing): 0",
        f"vault key {OLD_ID} (NOT IN THE KEYRING): 12",
    ]
