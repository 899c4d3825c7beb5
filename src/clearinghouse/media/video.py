"""Video PDQ (vPDQ): a PDQ hash for every decoded frame of a video.

This follows Meta's vPDQ reference: every frame is decoded, converted to 8-bit RGB at the
video's own (display) size, and hashed with PDQ. Matching treats the result as a bag of
frame hashes, so frames are neither skipped nor deduplicated here. Decoding goes through
PyAV (FFmpeg's libraries), so no external process is started.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from os import PathLike

import av

from clearinghouse.media import analysis


class Undecodable(Exception):
    """The file holds no video stream that FFmpeg can decode."""


@dataclass(frozen=True)
class FrameHash:
    frame_number: int
    quality: int
    pdq: str
    timestamp: float

    def as_list(self) -> list:
        """The reference's line ``frame_number,quality,pdq_hex,timestamp_s`` as a list."""
        return [self.frame_number, self.quality, self.pdq, self.timestamp]


def frame_hashes(path: str | PathLike[str]) -> Iterator[FrameHash]:
    """PDQ of each frame of the first video stream, in decoding order.

    Frames are converted to RGB24 at the size FFmpeg reports for the frame, which is the
    display size: a video whose coded size is padded (odd dimensions rounded up to whole
    macroblocks) is hashed without the padding, as the reference does.
    """
    try:
        container = av.open(str(path), mode="r")
    except (av.FFmpegError, ValueError) as error:
        raise Undecodable(f"{type(error).__name__}: {error}") from None
    with container:
        if not container.streams.video:
            raise Undecodable("no video stream")
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        seconds_per_frame = 1 / stream.average_rate if stream.average_rate else Fraction(0)
        try:
            for number, frame in enumerate(container.decode(stream)):
                pdq, quality = analysis.pdq(frame.to_ndarray(format="rgb24"))
                timestamp = frame.time if frame.time is not None else number * seconds_per_frame
                yield FrameHash(number, quality, pdq, round(float(timestamp), 3))
        except av.FFmpegError as error:
            raise Undecodable(f"{type(error).__name__}: {error}") from None


def vpdq(path: str | PathLike[str]) -> list[list]:
    """Every frame's ``[frame_number, quality, pdq_hex, timestamp_seconds]``."""
    return [frame.as_list() for frame in frame_hashes(path)]
