"""The C allocator, tuned for processes that decode images.

glibc's ``malloc`` hands each block over its *mmap threshold* (128 KiB at start) fresh
pages from the kernel and gives them back on ``free``; it also returns the top of the heap
to the kernel once more than the *trim threshold* (128 KiB) is free there. Hashing one
1024-pixel photo allocates a few blocks of megabytes (the file's bytes, the decoded pixels,
the displayed copy, the PDQ working arrays), so by default every photo pays for thousands
of page faults on zero-filled pages. On this project's 2-core virtual machines those faults
cost as much as the PDQ hash itself: ``benchmarks/image_hashing.py`` measured about 14 ms
a photo with glibc's defaults and 7.1 ms with the thresholds below (2026-11-24).

Blocks of up to 16 MiB are therefore served from the heap and reused, and up to 64 MiB
of free heap is kept rather than trimmed: at most that much resident memory more per
allocator arena, for a process that handles images all day. Larger blocks (a 40-megapixel
scan) still come from, and go back to, the kernel. Elsewhere than glibc this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

M_TRIM_THRESHOLD = -1  # <malloc.h>
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 16 * 1024 * 1024
TRIM_THRESHOLD = 64 * 1024 * 1024


def tune() -> bool:
    """Sets the thresholds for this process; True if the C library took them."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    )
