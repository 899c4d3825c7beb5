"""Helpers for the victim identification tests: synthetic images (Pillow + numpy gradients and
noise; nothing here depicts anything), identified-series banks, hash lists, and a
deployment of its own for the tests that need separate processes (server, workers)."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import authenticator
import numpy as np
import pytest
from PIL import Image

from clearinghouse.media import hashing


def synthetic_image(seed: int, size: int = 64) -> Image.Image:
    """A distinct abstract picture per seed: a few random colour waves over the frame
    (smooth, so re-encoding moves its PDQ hash only a little)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:size, 0:size] / size
    pixels = np.zeros((size, size, 3))
    for channel in range(3):
        for _ in range(4):
            fx, fy, phase = rng.uniform(0.5, 4), rng.uniform(0.5, 4), rng.uniform(0, 6.3)
            pixels[..., channel] += np.sin(2 * np.pi * (fx * x + fy * y) + phase)
    pixels = 128 + 30 * pixels
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")


def encode(image: Image.Image, fmt: str = "PNG", **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def pdq_of(data: bytes) -> str:
    return hashing.image_pdq(data)[0]


# Separate processes ---------------------------------------------------------------------

PREAMBLE = """
import os, sys, json, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clearinghouse.settings")
import django
django.setup()
from clearinghouse.cli import migrate_if_needed
migrate_if_needed()
"""

SETTINGS_MODULE = """
from clearinghouse.settings import *  # noqa: F403

CVIP_LEASE_SECONDS = {lease}
CVIP_CHUNK_SIZE = {chunk}
"""


class Deployment:
    """A deployment of its own (data directory, database, vault), driven through separate
    processes: ``python`` runs code after Django is set up, ``worker`` starts a real
    ``clearinghouse db_worker``. Settings come from a small module over the project's
    (a short lease, so a dead worker's chunk is reclaimed within seconds)."""

    def __init__(self, cli, data_dir: Path, lease: float = 3, chunk: int = 50) -> None:
        self.cli = cli
        self.data_dir = data_dir
        settings_dir = data_dir / "settings"
        settings_dir.mkdir(parents=True, exist_ok=True)
        text = SETTINGS_MODULE.format(lease=lease, chunk=chunk)
        (settings_dir / "cvip_test_settings.py").write_text(text)
        self.settings_dir = settings_dir

    def env(self) -> dict[str, str]:
        env = {**self.cli.env(self.data_dir), "CLEARINGHOUSE_TASKS_BACKEND": "database"}
        env.pop("CLEARINGHOUSE_VAULT_DIR", None)
        env["DJANGO_SETTINGS_MODULE"] = "cvip_test_settings"
        env["PYTHONPATH"] = str(self.settings_dir)
        return env

    def python(self, code: str, timeout: float = 300) -> str:
        process = subprocess.run(
            [sys.executable, "-c", PREAMBLE + textwrap.dedent(code)],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if process.returncode != 0:
            pytest.fail(f"child failed ({process.returncode}):\n{process.stderr}")
        return process.stdout.strip()

    def command(self, *args: str, **options) -> subprocess.Popen:
        return subprocess.Popen(
            [str(Path(sys.executable).with_name("clearinghouse")), *args],
            env=self.env(),
            **options,
        )

    def worker(self, log: Path) -> subprocess.Popen:
        with log.open("a") as sink:
            return self.command(
                *("db_worker", "--interval", "0.2", "--no-startup-delay", "--no-reload"),
                stdout=sink,
                stderr=subprocess.STDOUT,
            )


def wait_until(condition, timeout: float, message: str, every: float = 0.3):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(message)
        time.sleep(every)


class HttpSession:
    """A signed-in visitor over real HTTP (urllib, a cookie jar, Django's CSRF token)."""

    def __init__(self, base_url: str) -> None:
        import http.cookiejar
        import urllib.request

        self.base_url = base_url.rstrip("/")
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def csrf(self) -> str:
        return next(cookie.value for cookie in self.cookies if cookie.name == "csrftoken")

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        """``(status, headers, body)``; error statuses are returned, not raised."""
        import urllib.error
        import urllib.request

        csrf = {"X-CSRFToken": self.csrf()} if method == "POST" else {}
        request = urllib.request.Request(  # noqa: S310 (the test server's http:// URL)
            self.base_url + path, data=body, method=method, headers={**csrf, **(headers or {})}
        )
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def get(self, path: str):
        return self.request("GET", path)

    def login(self, username: str, password: str) -> None:
        from urllib.parse import urlencode

        self.get("/accounts/login/")
        form = {"username": username, "password": password, "csrfmiddlewaretoken": self.csrf()}
        status, _, body = self.request(
            "POST",
            "/accounts/login/",
            urlencode(form).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        account = f"{self.base_url}|{username}"
        _, _, page = self.get("/accounts/second-factor/")
        authenticator.remember(page.decode(), account)
        coded = {"code": authenticator.code(account), "csrfmiddlewaretoken": self.csrf()}
        status, _, body = self.request(
            "POST",
            "/accounts/second-factor/",
            urlencode(coded).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert status == 200 and b"Sign out" in body, body[:500]

    def post_files(self, path: str, files: dict[str, tuple[str, bytes]]):
        boundary = "----cvip-test-boundary"
        parts = []
        for field, (name, data) in files.items():
            head = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
                f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
            )
            parts.append(head.encode() + data + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        content_type = f"multipart/form-data; boundary={boundary}"
        return self.request("POST", path, body, {"Content-Type": content_type})

    def post(self, path: str):
        return self.request("POST", path, b"")


MATCHED_MD5 = "0f343b0931126a20f133d67c2b018a3b"


def hash_list(rows: int, matched_every: int = 10) -> bytes:
    """A CSV hash list of ``rows`` files; every ``matched_every``-th has ``MATCHED_MD5``."""
    from clearinghouse.victimid import hashlists

    lines = [
        hashlists.HashRow(
            name=f"file-{n}.jpg",
            md5=MATCHED_MD5 if n % matched_every == 0 else f"{n:032x}",
        )
        for n in range(1, rows + 1)
    ]
    return hashlists.as_csv(lines).encode()
