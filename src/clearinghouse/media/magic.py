"""What a file is, decided from its first bytes, and what its sender said it was.

The type a sender declares (a ``Content-Type`` or a file name) is recorded but never
trusted: storage and analysis go by the magic bytes. The two are compared only to record
a mislabelled file.
"""

from __future__ import annotations

import mimetypes

import filetype

# How many leading bytes the detector looks at.
HEAD_BYTES = 8192
UNKNOWN = "application/octet-stream"

# Spellings of one type that senders and libraries disagree on.
_ALIASES = {
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "image/x-png": "image/png",
    "image/x-ms-bmp": "image/bmp",
    "image/x-bmp": "image/bmp",
    "image/x-icon": "image/vnd.microsoft.icon",
    "image/tif": "image/tiff",
    "audio/x-wav": "audio/wav",
    "audio/wave": "audio/wav",
    "audio/mp3": "audio/mpeg",
    "video/avi": "video/x-msvideo",
    "application/x-zip-compressed": "application/zip",
}


def normalize(media_type: str) -> str:
    """A media type in lower case, without parameters, in its usual spelling."""
    bare = media_type.split(";", 1)[0].strip().lower()
    return _ALIASES.get(bare, bare)


def sniff(head: bytes) -> str:
    """The media type the leading bytes show, or ``UNKNOWN``."""
    kind = filetype.guess(head[:HEAD_BYTES]) if head else None
    return normalize(kind.mime) if kind else UNKNOWN


def declared(name: str | None, media_type: str | None) -> str:
    """The type the sender claimed: an explicit media type wins over the name's extension.
    Empty when the sender claimed nothing (a generic ``application/octet-stream`` is no
    claim)."""
    if media_type and normalize(media_type) != UNKNOWN:
        return normalize(media_type)
    if name:
        guessed, _encoding = mimetypes.guess_type(name, strict=False)
        if guessed:
            return normalize(guessed)
    return ""


def disagrees(declared_type: str, sniffed_type: str) -> bool:
    """Whether a claim contradicts the magic bytes. Bytes the detector does not recognise
    contradict nothing: they may be any type it does not know."""
    if not declared_type or sniffed_type == UNKNOWN:
        return False
    return normalize(declared_type) != normalize(sniffed_type)
