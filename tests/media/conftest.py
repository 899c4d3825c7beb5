"""Fixtures for the vault tests: a fresh vault directory per test, and synthetic images
made with Pillow and numpy (nothing here depicts anything)."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image


@pytest.fixture(autouse=True)
def vault_dir(settings, tmp_path):
    settings.VAULT_DIR = tmp_path / "vault"
    return settings.VAULT_DIR


def pattern(width: int = 160, height: int = 120, seed: int = 7) -> Image.Image:
    """An asymmetric RGB test card: gradients, a block and some noise."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    pixels = np.stack([x * 255 // width, y * 255 // height, (x * y) % 256], axis=-1).astype(
        np.uint8
    )
    pixels[height // 5 : height // 2, width // 6 : width // 3] = (250, 20, 20)
    pixels = pixels + rng.integers(0, 20, pixels.shape, dtype=np.uint8)
    return Image.fromarray(pixels, "RGB")


def encode(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` pixels (1-bit grey): a
    decompression bomb's signature without the cost of building one."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (width // 8 + 2) * 4)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


CONSOLE_SCRIPT = Path(sys.executable).with_name("clearinghouse")

PREAMBLE = """
import os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clearinghouse.settings")
import django
django.setup()
from clearinghouse.cli import migrate_if_needed
migrate_if_needed()
from clearinghouse.media import vault
from clearinghouse.media.models import Blob
"""


class Deployment:
    """A deployment of its own (data directory, database, vault) driven from other
    processes, for what only separate processes show: kills, concurrent writers and the
    database task worker."""

    def __init__(self, cli, data_dir: Path) -> None:
        self.cli = cli
        self.data_dir = data_dir
        self.vault_dir = data_dir / "vault"

    def env(self) -> dict[str, str]:
        env = {**self.cli.env(self.data_dir), "CLEARINGHOUSE_TASKS_BACKEND": "database"}
        env.pop("CLEARINGHOUSE_VAULT_DIR", None)
        return env

    def popen(self, code: str, **options) -> subprocess.Popen:
        """``code`` run after Django is set up, with ``vault`` and ``Blob`` imported."""
        return subprocess.Popen(
            [sys.executable, "-c", PREAMBLE + textwrap.dedent(code)],
            env=self.env(),
            text=True,
            **options,
        )

    def python(self, code: str, timeout: float = 120) -> str:
        process = self.popen(code, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        stdout, stderr = process.communicate(timeout=timeout)
        if process.returncode != 0:
            pytest.fail(f"child failed ({process.returncode}):\n{stderr}")
        return stdout.strip()

    def command(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(CONSOLE_SCRIPT), "--data-dir", str(self.data_dir), *args],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


@pytest.fixture(scope="module")
def deployment(cli, tmp_path_factory) -> Deployment:
    deployment = Deployment(cli, tmp_path_factory.mktemp("deployment"))
    deployment.python("pass")  # creates and migrates the database once
    return deployment
