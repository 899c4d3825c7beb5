"""A file's hashes: digests of its bytes, and PDQ of the image as it is displayed."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import numpy as np
import pdqhash
import pytest
from PIL import Image

from clearinghouse.media import hashing
from conftest import encode, pattern

PDQ_DATA = Path("/work/shared/testdata/pdq")
EXPECTED = list(csv.DictReader((PDQ_DATA / "expected.csv").read_text().splitlines()))


def reference_pdq(rgb: np.ndarray) -> tuple[str, int]:
    bits, quality = pdqhash.compute(np.ascontiguousarray(rgb, dtype=np.uint8))
    return np.packbits(np.asarray(bits, dtype=np.uint8)).tobytes().hex(), int(quality)


def hash_bytes(tmp_path: Path, data: bytes, name: str = "file") -> hashing.FileHashes:
    path = tmp_path / name
    path.write_bytes(data)
    return hashing.hash_file(path)


@pytest.mark.parametrize("row", EXPECTED, ids=[row["file"] for row in EXPECTED])
def test_it_reproduces_the_reference_hashes(row):
    hashes = hashing.hash_file(PDQ_DATA / row["file"])
    assert hashes.media_type == "image/jpeg"
    assert (hashes.md5, hashes.sha1) == (row["md5"], row["sha1"])
    assert (hashes.pdq, hashes.pdq_quality) == (row["pdq"], int(row["quality"]))


def test_it_reports_but_flags_low_quality_hashes():
    hashes = hashing.hash_file(PDQ_DATA / "small.jpg")
    assert hashes.pdq_quality < hashing.MIN_MATCH_QUALITY
    assert hashes.as_json()["pdq"] == hashes.pdq
    assert hashes.as_json()["pdq_usable"] is False
    assert hashing.hash_file(PDQ_DATA / "wee.jpg").as_json()["pdq_usable"] is True


# Image modes: each file is built from arrays, with what a viewer shows worked out by hand.

WIDTH, HEIGHT = 96, 64


def rgb_card() -> np.ndarray:
    return np.asarray(pattern(WIDTH, HEIGHT))


def see_through() -> np.ndarray:
    """Binary alpha (0 or 255), so the white background is exact: a transparent band."""
    alpha = np.full((HEIGHT, WIDTH), 255, dtype=np.uint8)
    alpha[:, WIDTH // 2 :] = 0
    return alpha


def over_white(rgb: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    return np.where(alpha[..., None] == 255, rgb, 255).astype(np.uint8)


def grey(values: np.ndarray) -> np.ndarray:
    return np.repeat(values[..., None], 3, axis=-1).astype(np.uint8)


def palette_card() -> tuple[Image.Image, np.ndarray]:
    image = pattern(WIDTH, HEIGHT).quantize(64)
    palette = np.asarray(image.getpalette(), dtype=np.uint8).reshape(-1, 3)
    return image, palette[np.asarray(image)]


def case_l():
    values = rgb_card()[..., 0]
    return encode(Image.fromarray(values), "PNG"), grey(values)


def case_1():
    on = rgb_card()[..., 1] > 128
    return encode(Image.fromarray(on).convert("1"), "PNG"), grey(on * 255)


def case_i16():
    values = (rgb_card()[..., 2].astype(np.uint16) * 257 + 100).astype("<u2")
    image = Image.frombytes("I;16", (WIDTH, HEIGHT), values.tobytes())
    return encode(image, "PNG"), grey(values >> 8)


def case_rgba():
    rgb, alpha = rgb_card(), see_through()
    image = Image.fromarray(np.dstack([rgb, alpha]))
    return encode(image, "PNG"), over_white(rgb, alpha)


def case_la():
    values, alpha = rgb_card()[..., 0], see_through()
    image = Image.merge("LA", [Image.fromarray(values), Image.fromarray(alpha)])
    return encode(image, "PNG"), over_white(grey(values), alpha)


def case_p():
    image, shown = palette_card()
    return encode(image, "PNG"), shown


def case_pa():
    image, shown = palette_card()
    image = image.convert("PA")
    image.putalpha(Image.fromarray(see_through()))
    return encode(image, "TIFF"), over_white(shown, see_through())


def case_cmyk():
    cmy = rgb_card().copy()
    black = np.zeros((HEIGHT, WIDTH), dtype=np.uint8)
    cmy[HEIGHT // 2 :] = 0  # the lower half is printed in black ink only
    black[HEIGHT // 2 :] = np.arange(WIDTH, dtype=np.uint8)[None, :] * 2
    image = Image.fromarray(np.dstack([cmy, black]), "CMYK")
    return encode(image, "TIFF"), (255 - cmy - black[..., None]).astype(np.uint8)


MODES = {
    "L": case_l,
    "1": case_1,
    "I;16": case_i16,
    "RGBA": case_rgba,
    "LA": case_la,
    "P": case_p,
    "PA": case_pa,
    "CMYK": case_cmyk,
}


@pytest.mark.parametrize("mode", MODES)
def test_it_hashes_every_mode_as_displayed(tmp_path, mode):
    data, displayed = MODES[mode]()
    assert Image.open(io.BytesIO(data)).mode == mode
    hashes = hash_bytes(tmp_path, data)
    assert (hashes.pdq, hashes.pdq_quality) == reference_pdq(displayed)


def test_transparent_pixels_count_as_white_not_as_their_hidden_colour(tmp_path):
    data, _displayed = case_rgba()
    hidden = reference_pdq(rgb_card())
    assert hash_bytes(tmp_path, data).pdq != hidden[0]


# Files that are not images, or not whole ones.


def test_a_truncated_image_keeps_its_digests_and_says_why_it_has_no_pdq(tmp_path):
    data = encode(pattern(), "PNG")[:-40]
    hashes = hash_bytes(tmp_path, data)
    assert hashes.sha256 == hashlib.sha256(data).hexdigest()
    assert hashes.pdq is None
    assert hashes.problem.startswith("truncated")


def test_it_types_files_by_their_bytes_not_their_name(tmp_path):
    hashes = hash_bytes(tmp_path, encode(pattern(), "PNG"), name="notes.txt")
    assert hashes.media_type == "image/png"
    assert hashes.pdq is not None


def test_it_streams_large_files_through_the_digests(tmp_path, monkeypatch):
    monkeypatch.setattr(hashing, "CHUNK_BYTES", 1000)
    data = np.random.default_rng(1).integers(0, 256, 25_000, dtype=np.uint8).tobytes()
    hashes = hash_bytes(tmp_path, data)
    assert hashes.media_type == "application/octet-stream"
    assert hashes.md5 == hashlib.md5(data, usedforsecurity=False).hexdigest()
    assert hashes.sha1 == hashlib.sha1(data, usedforsecurity=False).hexdigest()
    assert hashes.sha256 == hashlib.sha256(data).hexdigest()
    assert "vpdq" not in hashes.as_json()


def test_an_image_over_the_decode_limit_is_only_digested(tmp_path, settings):
    data = encode(pattern(), "PNG")
    settings.MEDIA_MAX_IMAGE_BYTES = len(data) - 1
    hashes = hash_bytes(tmp_path, data)
    assert hashes.md5 == hashlib.md5(data, usedforsecurity=False).hexdigest()
    assert hashes.pdq is None
    assert "decode limit" in hashes.problem


def test_a_missing_file_is_an_os_error(tmp_path):
    with pytest.raises(OSError):
        hashing.hash_file(tmp_path / "absent")
