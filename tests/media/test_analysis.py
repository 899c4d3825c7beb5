"""Analysis decides what a stored file is, hashes images with PDQ, and records every
hostile or broken file instead of failing on it."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from clearinghouse.media import analysis, vault
from clearinghouse.media.models import Blob
from conftest import encode, pattern, png_declaring

pytestmark = pytest.mark.django_db

VECTORS = Path("/work/shared/testdata/pdq")
if not VECTORS.is_dir():  # a CI clone keeps shared/ beside the project
    VECTORS = Path(__file__).resolve().parents[3] / "shared" / "testdata" / "pdq"


def stored(data: bytes, **declared) -> Blob:
    return analysis.analyse(vault.put(data, **declared))


def pdq_distance(one: str, other: str) -> int:
    return (int(one, 16) ^ int(other, 16)).bit_count()


def displayed_pdq(image: Image.Image) -> str:
    return analysis.pdq(analysis.as_displayed(image))[0]


def reference_vectors() -> list[dict[str, str]]:
    with (VECTORS / "expected.csv").open() as rows:
        return list(csv.DictReader(rows))


@pytest.mark.parametrize("row", reference_vectors(), ids=lambda row: row["file"])
def test_its_pdq_matches_the_reference_vectors(row):
    blob = stored((VECTORS / row["file"]).read_bytes(), declared_name=row["file"])
    assert (blob.md5, blob.sha1) == (row["md5"], row["sha1"])
    assert blob.pdq == row["pdq"]
    assert blob.pdq_quality == int(row["quality"])
    assert (blob.status, blob.media_type, blob.problem) == ("ok", "image/jpeg", "")
    assert blob.analysed_at is not None
    blob.full_clean()


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "WEBP", "BMP", "TIFF"])
def test_it_hashes_each_common_image_format(fmt):
    blob = stored(encode(pattern(), fmt))
    assert blob.status == "ok", blob.problem
    assert len(blob.pdq) == 64 and blob.pdq_quality is not None


def test_it_types_by_magic_bytes_and_flags_a_png_named_jpg():
    png = encode(pattern(), "PNG")
    blob = stored(png, declared_name="holiday.jpg")
    assert blob.media_type == "image/png"
    assert blob.declared_type == "image/jpeg"
    assert blob.status == "mislabelled"
    assert "image/jpeg" in blob.problem and "image/png" in blob.problem
    assert blob.pdq == displayed_pdq(pattern()), "a mislabelled image is still hashed"


def test_a_declared_media_type_wins_over_the_name():
    blob = stored(encode(pattern(), "PNG"), declared_name="x.jpg", declared_type="image/png")
    assert blob.status == "ok"


def test_a_document_claiming_to_be_an_image_is_mislabelled():
    pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
    blob = stored(pdf, declared_type="image/jpeg")
    assert (blob.media_type, blob.status, blob.pdq) == ("application/pdf", "mislabelled", "")


@pytest.mark.parametrize("size", [(100_000, 100_000), (10_000, 10_000)])
def test_it_records_a_decompression_bomb(size):
    blob = stored(png_declaring(*size))
    assert blob.status == "bomb"
    assert "pixels" in blob.problem
    assert blob.pdq == ""


def test_the_pixel_limit_is_a_setting(settings):
    settings.MEDIA_MAX_IMAGE_PIXELS = 1000
    blob = stored(encode(pattern(50, 50), "PNG"))
    assert blob.status == "bomb"


def test_it_records_a_truncated_jpeg():
    jpeg = encode(pattern(400, 300), "JPEG", quality=90)
    blob = stored(jpeg[: len(jpeg) // 2])
    assert (blob.media_type, blob.status, blob.pdq) == ("image/jpeg", "truncated", "")
    assert "truncated" in blob.problem


@pytest.mark.parametrize("keep", [0.5, 0.999])
def test_it_records_a_truncated_png(keep):
    png = encode(pattern(400, 300), "PNG")
    blob = stored(png[: int(len(png) * keep)])
    assert (blob.status, blob.pdq) == ("truncated", "")


def test_it_records_a_truncated_webp():
    webp = encode(pattern(400, 300), "WEBP")
    assert stored(webp[: len(webp) // 2]).status == "truncated"


def test_random_bytes_claiming_to_be_an_image_are_malformed():
    blob = stored(os.urandom(5000), declared_name="photo.jpg")
    assert (blob.media_type, blob.status, blob.pdq) == ("application/octet-stream", "malformed", "")


def test_random_bytes_with_no_claim_are_kept_untyped():
    blob = stored(os.urandom(5000))
    assert (blob.media_type, blob.status, blob.pdq) == ("application/octet-stream", "ok", "")


def test_an_image_with_a_corrupt_body_is_malformed():
    jpeg = bytearray(encode(pattern(200, 200), "JPEG"))
    jpeg[200:1200] = os.urandom(1000)
    blob = stored(bytes(jpeg))
    assert blob.status in ("malformed", "ok", "truncated")  # libjpeg may recover
    assert blob.analysed_at is not None


def test_it_hashes_the_image_as_displayed_after_exif_rotation():
    upright = pattern(160, 120)
    stored_sideways = upright.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6  # display rotated 90 degrees clockwise
    blob = stored(encode(stored_sideways, "PNG", exif=exif))
    assert blob.pdq == displayed_pdq(upright)
    assert pdq_distance(blob.pdq, displayed_pdq(stored_sideways)) > 32


def test_it_lays_transparency_over_white():
    pixels = np.zeros((64, 64, 4), dtype=np.uint8)
    pixels[..., 0] = 200  # red everywhere, but only the left half opaque
    pixels[:, :32, 3] = 255
    displayed = analysis.as_displayed(Image.fromarray(pixels, "RGBA"))
    assert displayed.getpixel((5, 5)) == (200, 0, 0)
    assert displayed.getpixel((60, 5)) == (255, 255, 255)
    assert stored(encode(Image.fromarray(pixels, "RGBA"), "PNG")).pdq == analysis.pdq(displayed)[0]


def test_it_expands_palettes():
    rgb = pattern()
    palette = rgb.convert("P", palette=Image.Palette.ADAPTIVE, colors=64)
    blob = stored(encode(palette, "PNG"))
    assert blob.pdq == analysis.pdq(palette.convert("RGB"))[0]


def test_it_converts_cmyk():
    blob = stored(encode(pattern().convert("CMYK"), "JPEG", quality=95))
    assert blob.status == "ok"
    assert pdq_distance(blob.pdq, displayed_pdq(pattern())) <= 16


def test_it_scales_sixteen_bit_images_to_eight():
    grey = np.asarray(pattern().convert("L"), dtype=np.uint16)
    deep = Image.fromarray(grey * 257)
    blob = stored(encode(deep, "PNG"))
    assert blob.status == "ok", blob.problem
    assert blob.pdq == analysis.pdq(Image.fromarray(grey.astype(np.uint8), "L").convert("RGB"))[0]


def test_a_failure_inside_analysis_is_recorded_not_raised(monkeypatch):
    def explode(image):
        raise RuntimeError("hash library fell over")

    monkeypatch.setattr(analysis, "pdq", explode)
    blob = stored(encode(pattern(), "PNG"))
    assert blob.status == "malformed"
    assert "hash library fell over" in blob.problem
    assert blob.analysed_at is not None


def test_a_tampered_file_is_recorded_as_malformed():
    blob = vault.put(encode(pattern(), "PNG"))
    path = vault.path_for(blob.sha256)
    path.write_bytes(path.read_bytes()[:-1])
    analysis.analyse(blob)
    blob.refresh_from_db()
    assert blob.status == "malformed"
    assert "Tampered" in blob.problem


def busyness(jpeg: bytes) -> float:
    """Mean difference between neighbouring pixels: high for detail, near 0 for blur."""
    pixels = np.asarray(Image.open(io.BytesIO(jpeg)).convert("L"), dtype=np.int16)
    return float(np.abs(np.diff(pixels, axis=1)).mean())


def checkerboard(size: int = 400, square: int = 8) -> Image.Image:
    y, x = np.mgrid[0:size, 0:size]
    pixels = (((x // square) + (y // square)) % 2 * 255).astype(np.uint8)
    return Image.fromarray(pixels, "L").convert("RGB")


def test_a_thumbnail_is_small_and_blurred():
    blob = vault.put(encode(checkerboard(), "PNG"))
    thumb = vault.thumbnail(blob)
    image = Image.open(io.BytesIO(thumb))
    assert image.format == "JPEG"
    assert max(image.size) <= 96
    clear = checkerboard().resize(image.size, Image.Resampling.NEAREST)
    assert busyness(encode(clear, "JPEG")) > 50
    assert busyness(thumb) < 3


def test_a_thumbnail_keeps_the_shape_of_the_picture():
    thumb = vault.thumbnail(vault.put(encode(pattern(300, 150), "PNG")), size=64)
    assert Image.open(io.BytesIO(thumb)).size == (64, 32)


def test_there_is_no_thumbnail_for_what_is_not_an_image():
    assert vault.thumbnail(vault.put(os.urandom(3000))) is None
    assert vault.thumbnail(vault.put(b"%PDF-1.4\n%%EOF\n")) is None


def test_there_is_no_thumbnail_for_a_bomb():
    assert vault.thumbnail(vault.put(png_declaring(100_000, 100_000))) is None
    assert vault.thumbnail(stored(png_declaring(100_000, 100_000))) is None


def test_the_decode_byte_limit_is_a_setting(settings):
    settings.MEDIA_MAX_IMAGE_BYTES = 100
    blob = stored(encode(pattern(), "PNG"))
    assert (blob.status, blob.pdq) == ("bomb", "")
    assert "decode limit" in blob.problem


def test_a_file_that_is_no_image_is_not_read_for_analysis(monkeypatch):
    blob = vault.put(os.urandom(4000))

    def refuse(blob):
        raise AssertionError("read")

    monkeypatch.setattr(vault, "read", refuse)
    assert analysis.analyse(blob).status == "ok"
