"""The compiled PDQ (``clearinghouse.media.pdq``) is bit for bit the reference
(``pdqhash``, Meta's C++), on the shared vectors and on generated pictures of every shape
the filters treat differently: tiny, 64 x 64 (no filtering), odd sizes, wide and tall."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pdqhash
import pytest
from PIL import Image

from clearinghouse.media import pdq

PDQ_DATA = Path("/work/shared/testdata/pdq")


def reference(rgb: np.ndarray) -> tuple[str, int]:
    bits, quality = pdqhash.compute(np.ascontiguousarray(rgb, dtype=np.uint8))
    return np.packbits(np.asarray(bits, dtype=np.uint8)).tobytes().hex(), int(quality)


def card(height: int, width: int, seed: int) -> np.ndarray:
    """Gradients, a product pattern and noise: a picture with structure at all scales."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    pixels = np.stack([x * 255 // width, y * 255 // height, (x * y * (seed + 1)) % 256], -1)
    return (pixels + rng.integers(0, 40, pixels.shape)).clip(0, 255).astype(np.uint8)


@pytest.mark.parametrize("name", sorted(path.name for path in PDQ_DATA.glob("*.jpg")))
def test_it_equals_the_reference_on_the_shared_vectors(name):
    with Image.open(PDQ_DATA / name) as image:
        rgb = np.asarray(image.convert("RGB"))

    assert pdq.pdq(rgb) == reference(rgb)


SHAPES = [(5, 5), (5, 300), (64, 64), (63, 65), (100, 37), (129, 255), (768, 1024), (1500, 90)]


@pytest.mark.parametrize(("height", "width"), SHAPES)
def test_it_equals_the_reference_on_generated_pictures(height, width):
    rng = np.random.default_rng(height * width)
    for rgb in (card(height, width, seed=3), rng.integers(0, 256, (height, width, 3), np.uint8)):
        assert pdq.pdq(rgb) == reference(rgb)


def test_it_takes_any_strides_and_flat_pictures():
    rgb = card(200, 300, seed=5)
    flat = np.full((80, 80, 3), 128, dtype=np.uint8)

    assert pdq.pdq(rgb[::-1, ::2]) == reference(rgb[::-1, ::2])
    assert pdq.pdq(flat) == reference(flat)
    assert pdq.pdq(flat)[1] == 0


def test_too_small_hashes_to_zero_and_a_wrong_shape_is_refused():
    assert pdq.pdq(np.zeros((4, 100, 3), np.uint8)) == ("0" * 64, 0)
    with pytest.raises(ValueError, match="RGB pixels"):
        pdq.pdq(np.zeros((10, 10), np.uint8))
