"""What a stored file turns out to be: decodable or not, and its PDQ hash if an image.

Images are decoded with Pillow under guards: only a few well-worn formats (never
Ghostscript-backed EPS and the like), a pixel budget checked before any pixel is decoded
(decompression bombs), and a byte budget for what is held in memory. Every failure
becomes a status and a line of text on the blob; nothing here may crash a worker.
"""

from __future__ import annotations

import io
import logging
import struct
import warnings
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.utils import timezone
from PIL import (  # the plugins imported register the formats opened here
    BmpImagePlugin,  # noqa: F401
    GifImagePlugin,  # noqa: F401
    Image,
    ImageFilter,
    ImageOps,
    JpegImagePlugin,  # noqa: F401
    PngImagePlugin,  # noqa: F401
    TiffImagePlugin,  # noqa: F401
    UnidentifiedImageError,
    WebPImagePlugin,  # noqa: F401
)

from clearinghouse.media import magic, vault
from clearinghouse.media.models import Blob
from clearinghouse.media.pdq import pdq as compiled_pdq

logger = logging.getLogger(__name__)

Status = Blob.Status

# Media types decoded here, and the Pillow formats they may open as.
DECODABLE_TYPES = {
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "image/bmp",
    "image/tiff",
}
# JPEG opens multi-picture (MPO) camera files too.
PILLOW_FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "BMP", "TIFF")
UNDECODABLE = {Status.BOMB, Status.MALFORMED, Status.TRUNCATED}

DEFAULT_MAX_IMAGE_BYTES = 256 * 1024 * 1024


class Rejected(Exception):
    """The bytes cannot be decoded as an image; ``status`` says why."""

    def __init__(self, status: str, problem: str) -> None:
        super().__init__(problem)
        self.status = status
        self.problem = problem


@dataclass
class Findings:
    status: str
    problem: str = ""
    pdq: str = ""
    pdq_quality: int | None = None


def max_image_pixels() -> int:
    return getattr(settings, "MEDIA_MAX_IMAGE_PIXELS", None) or Image.MAX_IMAGE_PIXELS


def max_image_bytes() -> int:
    return getattr(settings, "MEDIA_MAX_IMAGE_BYTES", DEFAULT_MAX_IMAGE_BYTES)


def may_be_image(blob: Blob) -> bool:
    """Whether the magic bytes, or failing them the sender's claim, say image."""
    if blob.media_type in DECODABLE_TYPES:
        return True
    return blob.media_type in ("", magic.UNKNOWN) and blob.declared_type in DECODABLE_TYPES


# Decoding ----------------------------------------------------------------------------


def _check_pixels(image: Image.Image) -> None:
    width, height = image.size
    if width * height > max_image_pixels():
        raise Rejected(
            Status.BOMB, f"{width}x{height} pixels is over the limit of {max_image_pixels()}"
        )


def _structurally_truncated(data: bytes) -> bool:
    """Ends that Pillow reports vaguely or not at all."""
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        (declared_length,) = struct.unpack("<I", data[4:8])
        return len(data) < declared_length + 8
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return b"IEND" not in data[-64:]
    return False


def _is_truncation(error: BaseException) -> bool:
    return isinstance(error, EOFError) or "truncat" in str(error).lower()


def decode(data: bytes) -> Image.Image:
    """The first frame of an image, fully decoded, or ``Rejected``."""
    if len(data) > max_image_bytes():
        raise Rejected(Status.BOMB, f"{len(data)} bytes is over the decode limit")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=PILLOW_FORMATS) as probe:
                _check_pixels(probe)
                probe.verify()
            image = Image.open(io.BytesIO(data), formats=PILLOW_FORMATS)
            _check_pixels(image)
            image.load()
        except Rejected:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning, MemoryError) as e:
            raise Rejected(Status.BOMB, f"decompression bomb: {e}") from None
        except UnidentifiedImageError:
            raise Rejected(Status.MALFORMED, "not a decodable image") from None
        except Exception as error:  # Pillow raises many kinds on hostile input
            truncated = _is_truncation(error) or _structurally_truncated(data)
            status = Status.TRUNCATED if truncated else Status.MALFORMED
            raise Rejected(status, f"{type(error).__name__}: {error}") from None
    if _structurally_truncated(data):
        raise Rejected(Status.TRUNCATED, "the file ends before its last chunk")
    return image


def as_displayed(image: Image.Image) -> Image.Image:
    """The image as a viewer shows it, in 8-bit RGB: EXIF orientation applied, palettes
    expanded, transparency laid over white, CMYK converted, 16-bit scaled to 8."""
    image = ImageOps.exif_transpose(image)
    if image.mode.startswith("I"):
        pixels = np.asarray(image).astype(np.int64)
        image = Image.fromarray((pixels.clip(0, 65535) >> 8).astype(np.uint8), mode="L")
    elif image.mode == "F":
        image = Image.fromarray(np.asarray(image).clip(0, 255).astype(np.uint8), mode="L")
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        image = image.convert("RGBA")
        white = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, image)
    return image if image.mode == "RGB" else image.convert("RGB")  # already a copy


def pdq(image: Image.Image | np.ndarray) -> tuple[str, int]:
    """PDQ hash (64 hex digits) and quality (0-100) of a displayed RGB image (or its
    pixels), bit for bit the reference's (``clearinghouse.media.pdq``)."""
    return compiled_pdq(np.asarray(image, dtype=np.uint8))


# Analysis ----------------------------------------------------------------------------


def examine(blob: Blob) -> Findings:
    """What analysis finds in a stored file. Only a file that may be an image, and is small
    enough to decode, is read at all."""
    mislabelled = magic.disagrees(blob.declared_type, blob.media_type)
    label_problem = f"declared {blob.declared_type}, but the bytes are {blob.media_type}"
    if not may_be_image(blob):
        if mislabelled:
            return Findings(Status.MISLABELLED, label_problem)
        return Findings(Status.OK)
    try:
        image = decode(_read_image_bytes(blob))
    except Rejected as rejected:
        return Findings(rejected.status, rejected.problem)
    with image:
        hash_hex, quality = pdq(as_displayed(image))
    if mislabelled:
        return Findings(Status.MISLABELLED, label_problem, hash_hex, quality)
    return Findings(Status.OK, "", hash_hex, quality)


def _read_image_bytes(blob: Blob) -> bytes:
    if blob.size > max_image_bytes():
        raise Rejected(Status.BOMB, f"{blob.size} bytes is over the decode limit")
    return vault.read(blob)


def analyse(blob: Blob) -> Blob:
    """Analyses a stored blob and records the findings on it. Never raises for anything
    the file or the analysis does: that is recorded as a malformed file."""
    try:
        findings = examine(blob)
    except Exception as error:
        logger.exception("analysis of %s failed", blob)
        findings = Findings(Status.MALFORMED, f"analysis failed: {type(error).__name__}: {error}")
    blob.status = findings.status
    blob.problem = findings.problem
    blob.pdq = findings.pdq
    blob.pdq_quality = findings.pdq_quality
    blob.analysed_at = timezone.now()
    blob.save(update_fields=["status", "problem", "pdq", "pdq_quality", "analysed_at"])
    return blob


def blurred_thumbnail(blob: Blob, size: int) -> bytes | None:
    """A heavily blurred JPEG at most ``size`` pixels on a side, or None if the blob does
    not decode. The picture is first shrunk to a few pixels, so no detail survives."""
    try:
        image = decode(_read_image_bytes(blob))
    except Rejected:
        return None
    with image:
        displayed = as_displayed(image)
    displayed.thumbnail((size, size), Image.Resampling.BOX)
    coarse = displayed.resize(
        (max(1, displayed.width // 12), max(1, displayed.height // 12)), Image.Resampling.BOX
    )
    blurred = coarse.resize(displayed.size, Image.Resampling.BILINEAR)
    blurred = blurred.filter(ImageFilter.GaussianBlur(radius=max(2, size // 16)))
    out = io.BytesIO()
    blurred.save(out, "JPEG", quality=70)
    return out.getvalue()
