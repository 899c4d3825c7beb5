"""The vault keeps bytes encrypted, content-addressed, once, and refuses altered files."""

from __future__ import annotations

import hashlib
import io
import os
import time

import pytest

from clearinghouse.media import vault
from clearinghouse.media.models import Blob

pytestmark = pytest.mark.django_db

SEGMENT = vault.SEGMENT_BYTES


def sample(size: int, seed: int = 1) -> bytes:
    return bytes((i * 31 + seed) % 251 for i in range(size))


class TricklingStream:
    """A stream that gives at most ``step`` bytes a read, as sockets do."""

    def __init__(self, data: bytes, step: int = 1000) -> None:
        self.source = io.BytesIO(data)
        self.step = step

    def read(self, size: int = -1) -> bytes:
        return self.source.read(min(size, self.step) if size > 0 else self.step)


def stored_bytes(blob: Blob) -> bytes:
    return vault.path_for(blob.sha256).read_bytes()


@pytest.mark.parametrize(
    "size", [0, 1, 1000, SEGMENT - 1, SEGMENT, SEGMENT + 1, 3 * SEGMENT, 3 * SEGMENT + 17]
)
def test_it_gives_back_the_bytes_it_stored(size):
    data = sample(size)
    blob = vault.put(TricklingStream(data, step=7000))
    assert vault.read(blob) == data
    with vault.open_stream(blob) as stream:
        assert stream.read() == data
    assert blob.size == size


def test_it_records_the_hashes_of_the_plaintext():
    data = sample(100_000)
    blob = vault.put(io.BytesIO(data))
    assert blob.sha256 == hashlib.sha256(data).hexdigest()
    assert blob.sha1 == hashlib.sha1(data, usedforsecurity=False).hexdigest()
    assert blob.md5 == hashlib.md5(data, usedforsecurity=False).hexdigest()
    blob.full_clean()


def test_it_stores_under_the_content_address(vault_dir):
    blob = vault.put(b"hello vault")
    sha = blob.sha256
    assert vault.path_for(sha) == vault_dir / sha[:2] / sha[2:4] / sha
    assert vault.path_for(sha).is_file()
    assert list((vault_dir / "tmp").iterdir()) == []


def test_it_never_writes_the_plaintext_to_disk(vault_dir):
    data = b"PLAINTEXT-MARKER " * 8000
    blob = vault.put(io.BytesIO(data))
    stored = stored_bytes(blob)
    assert b"PLAINTEXT-MARKER" not in stored
    assert data[:64] not in stored
    for path in vault_dir.rglob("*"):
        if path.is_file():
            assert b"PLAINTEXT-MARKER" not in path.read_bytes()


def test_it_keeps_the_same_bytes_once(django_capture_on_commit_callbacks):
    data = sample(70_000)
    with django_capture_on_commit_callbacks() as callbacks:
        first = vault.put(io.BytesIO(data), declared_name="a.bin")
    with django_capture_on_commit_callbacks() as again:
        second = vault.put(io.BytesIO(data), declared_name="b.bin")
    assert second.pk == first.pk
    assert Blob.objects.count() == 1
    assert len(callbacks) == 1, "a new blob is analysed once its transaction commits"
    assert again == [], "a known blob is not analysed again"
    assert vault.read(second) == data


def test_it_discards_the_second_copy_when_bytes_are_known(vault_dir):
    vault.put(b"twice")
    vault.put(b"twice")
    stored = [path for path in vault_dir.rglob("*") if path.is_file()]
    assert len(stored) == 1


def test_each_file_has_its_own_key():
    one, two = vault.put(b"one"), vault.put(b"two")
    assert vault.unwrap_key(one.wrapped_key, one.sha256) != vault.unwrap_key(
        two.wrapped_key, two.sha256
    )


def test_it_refuses_a_stream_past_the_limit_and_keeps_nothing(vault_dir):
    with pytest.raises(vault.TooLarge):
        vault.put(io.BytesIO(sample(3 * SEGMENT)), max_bytes=2 * SEGMENT + 5)
    assert Blob.objects.count() == 0
    assert [path for path in vault_dir.rglob("*") if path.is_file()] == []


def test_the_limit_defaults_to_the_setting(settings):
    settings.VAULT_MAX_FILE_BYTES = 10
    with pytest.raises(vault.TooLarge):
        vault.put(b"eleven byte")
    assert vault.put(b"ten bytes!").size == 10


def test_the_default_limit_is_two_gibibytes(settings):
    del settings.VAULT_MAX_FILE_BYTES
    assert vault.max_file_bytes() == 2 * 1024**3


@pytest.mark.parametrize("where", [0, 5, vault.HEADER_BYTES + 3, -1, -20])
def test_it_refuses_a_file_with_a_flipped_byte(where):
    blob = vault.put(sample(2 * SEGMENT + 100))
    path = vault.path_for(blob.sha256)
    stored = bytearray(path.read_bytes())
    stored[where] ^= 0x01
    path.write_bytes(bytes(stored))
    with pytest.raises(vault.Tampered):
        vault.read(blob)
    with pytest.raises(vault.Tampered), vault.open_stream(blob) as stream:
        stream.read()


@pytest.mark.parametrize(
    "keep",
    [
        0,
        vault.HEADER_BYTES,
        vault.HEADER_BYTES + SEGMENT + vault.TAG_BYTES,  # on a segment boundary
        vault.HEADER_BYTES + SEGMENT + vault.TAG_BYTES + 50,
        -1,
    ],
)
def test_it_refuses_a_truncated_file(keep):
    blob = vault.put(sample(2 * SEGMENT + 100))
    path = vault.path_for(blob.sha256)
    path.write_bytes(path.read_bytes()[:keep])
    with pytest.raises(vault.Tampered):
        vault.read(blob)


def test_it_refuses_a_file_with_bytes_added():
    blob = vault.put(sample(SEGMENT))
    path = vault.path_for(blob.sha256)
    path.write_bytes(path.read_bytes() + b"\x00" * 16)
    with pytest.raises(vault.Tampered):
        vault.read(blob)


def test_it_refuses_reordered_segments():
    blob = vault.put(sample(2 * SEGMENT + 100))
    path = vault.path_for(blob.sha256)
    stored = path.read_bytes()
    header, body = stored[: vault.HEADER_BYTES], stored[vault.HEADER_BYTES :]
    sealed = SEGMENT + vault.TAG_BYTES
    first, second, rest = body[:sealed], body[sealed : 2 * sealed], body[2 * sealed :]
    path.write_bytes(header + second + first + rest)
    with pytest.raises(vault.Tampered):
        vault.read(blob)


def test_a_wrapped_key_opens_only_for_its_own_blob():
    one, two = vault.put(b"first file"), vault.put(b"second file")
    two.wrapped_key = one.wrapped_key
    with pytest.raises(vault.WrongKey):
        vault.read(two)


def test_it_refuses_to_open_under_another_vault_key(settings):
    blob = vault.put(b"kept under the first key")
    settings.VAULT_KEY = "a-different-vault-key-" + "x" * 20
    with pytest.raises(vault.WrongKey):
        vault.read(Blob.objects.get(pk=blob.pk))


def test_it_sweeps_only_old_temporary_files(vault_dir):
    temp = vault_dir / "tmp"
    temp.mkdir(parents=True)
    (temp / "old.part").write_bytes(b"x")
    (temp / "new.part").write_bytes(b"y")
    hour_ago = time.time() - 3600
    os.utime(temp / "old.part", (hour_ago, hour_ago))
    assert vault.sweep_temp(600) == 1
    assert [path.name for path in temp.iterdir()] == ["new.part"]
    assert vault.sweep_temp(0) == 1


def test_a_failing_stream_leaves_nothing(vault_dir):
    class Broken:
        def __init__(self) -> None:
            self.calls = 0

        def read(self, size: int) -> bytes:
            self.calls += 1
            if self.calls > 2:
                raise ConnectionResetError("client went away")
            return b"a" * size

    with pytest.raises(ConnectionResetError):
        vault.put(Broken())
    assert Blob.objects.count() == 0
    assert [path for path in vault_dir.rglob("*") if path.is_file()] == []


def test_storing_known_bytes_again_restores_a_missing_file():
    data = sample(5000)
    blob = vault.put(data)
    vault.path_for(blob.sha256).unlink()
    again = vault.put(data)
    assert again.pk == blob.pk
    assert vault.read(Blob.objects.get(pk=blob.pk)) == data
