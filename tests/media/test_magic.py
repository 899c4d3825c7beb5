"""Files are typed by their magic bytes; what the sender declared is only compared."""

from __future__ import annotations

import os

import pytest

from clearinghouse.media import magic
from conftest import encode, pattern


@pytest.mark.parametrize(
    ("fmt", "media_type"),
    [
        ("PNG", "image/png"),
        ("JPEG", "image/jpeg"),
        ("GIF", "image/gif"),
        ("WEBP", "image/webp"),
        ("BMP", "image/bmp"),
        ("TIFF", "image/tiff"),
    ],
)
def test_it_recognises_images_by_their_bytes(fmt, media_type):
    assert magic.sniff(encode(pattern(), fmt)) == media_type


def test_it_does_not_guess_what_it_cannot_recognise():
    assert magic.sniff(b"") == magic.UNKNOWN
    assert magic.sniff(b"\x00" * 64) == magic.UNKNOWN


def test_a_declared_type_wins_over_a_name_and_is_normalised():
    assert magic.declared("photo.png", "image/JPG; charset=binary") == "image/jpeg"
    assert magic.declared("photo.PNG", None) == "image/png"
    assert magic.declared("photo.png", "application/octet-stream") == "image/png"
    assert magic.declared(None, None) == ""
    assert magic.declared("no-extension", None) == ""


def test_only_a_contradiction_of_known_bytes_is_a_mislabel():
    assert magic.disagrees("image/jpeg", "image/png")
    assert not magic.disagrees("image/pjpeg", "image/jpeg")
    assert not magic.disagrees("", "image/png")
    assert not magic.disagrees("image/jpeg", magic.UNKNOWN)
    assert not magic.disagrees("text/plain", magic.sniff(os.urandom(100)))
