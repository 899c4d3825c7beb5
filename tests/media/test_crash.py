"""A writer killed at any moment leaves the vault consistent: no blob and no file under
a final name for bytes that were never acknowledged, and every acknowledged file intact."""

from __future__ import annotations

import hashlib
import signal
import subprocess
import time

import pytest

from clearinghouse.media import vault

ENDLESS_UPLOAD = """
class Endless:
    def read(self, size):
        time.sleep(0.002)
        return b"\\xab" * size

vault.put(Endless(), max_bytes=10**12)
"""


def files_outside_temp(vault_dir):
    return [
        path for path in vault_dir.rglob("*") if path.is_file() and path.parent != vault_dir / "tmp"
    ]


def wait_for(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("timed out")
        time.sleep(0.05)


def test_a_writer_killed_mid_file_leaves_no_blob_and_no_file(deployment, settings):
    before = int(deployment.python("print(Blob.objects.count())"))
    writer = deployment.popen(ENDLESS_UPLOAD)
    temp = deployment.vault_dir / "tmp"

    def writing() -> bool:
        parts = list(temp.glob("*.part")) if temp.is_dir() else []
        return any(part.stat().st_size > 5 * vault.SEGMENT_BYTES for part in parts)

    try:
        wait_for(writing)
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait(30)
    assert writer.returncode == -signal.SIGKILL

    assert int(deployment.python("print(Blob.objects.count())")) == before
    assert files_outside_temp(deployment.vault_dir) == []
    assert list(temp.glob("*.part")), "the killed writer's temporary file is left to sweep"

    settings.VAULT_DIR = deployment.vault_dir
    assert vault.sweep_temp(0) >= 1
    assert list(temp.glob("*.part")) == []

    after = deployment.python("print(vault.read(vault.put(b'after the crash')).decode())")
    assert after == "after the crash"


MAKE_DATA = 'import hashlib; data = hashlib.sha256(b"seed").digest() * 10_000'


def test_an_acknowledged_file_survives_the_writer_being_killed(deployment):
    data = hashlib.sha256(b"seed").digest() * 10_000
    writer = deployment.popen(
        f"""
        {MAKE_DATA}
        blob = vault.put(data)
        print(blob.sha256, flush=True)
        time.sleep(120)
        """,
        stdout=subprocess.PIPE,
    )
    try:
        sha256 = writer.stdout.readline().strip()
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait(30)
        writer.stdout.close()
    assert sha256 == hashlib.sha256(data).hexdigest()
    check = f"""
        {MAKE_DATA}
        print(vault.read(Blob.objects.get(sha256={sha256!r})) == data)
        """
    assert deployment.python(check) == "True"


def test_concurrent_writers_of_the_same_bytes_share_one_blob(deployment, tmp_path):
    go = tmp_path / "go"
    code = f"""
        import pathlib
        data = bytes(range(256)) * 4096
        while not pathlib.Path({str(go)!r}).exists():
            time.sleep(0.01)
        print(vault.put(data).pk)
        """
    writers = [deployment.popen(code, stdout=subprocess.PIPE) for _ in range(3)]
    go.touch()
    ids = {writer.communicate(timeout=120)[0].strip() for writer in writers}
    assert all(writer.returncode == 0 for writer in writers)
    assert len(ids) == 1
    check = """
        data = bytes(range(256)) * 4096
        blobs = Blob.objects.filter(size=len(data))
        print(blobs.count(), vault.read(blobs.get()) == data)
        """
    assert deployment.python(check) == "1 True"
