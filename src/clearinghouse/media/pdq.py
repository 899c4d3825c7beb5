"""PDQ, compiled with numba: bit for bit the reference hash (Meta's C++ ``pdqhashing.cpp``
and ``downscaling.cpp``, as the ``pdqhash`` package runs them), about three times faster.

Every floating-point step is the reference's, in its order and precision: luma in double
precision rounded to single (as ``pdqhash`` computes it), two passes of box filters along
rows then columns in single precision, decimation to 64 x 64 at the centres, the gradient
quality metric, the 16 x 16 corner of the DCT summed in single precision, and the bits set
where a coefficient is above the lower median. ``tests/media`` checks the hashes against
the reference on the shared vectors and on generated pictures of many sizes.

Where the time goes in the reference: ``pdqhash`` builds the luma with numpy in five
passes over double-precision temporaries, filters columns with a stride of a whole row,
and filters rows one long chain of dependent additions at a time. Here luma is one pass,
the column filter walks the rows (all columns' sums side by side) and the row filter
runs four rows' chains together.
"""

from __future__ import annotations

import math
import os

import numba
import numpy as np

MIN_HASHABLE_DIM = 5
JAROSZ_PASSES = 2
_CACHE = os.access(os.path.dirname(__file__), os.W_OK) or "NUMBA_CACHE_DIR" in os.environ


def _dct_matrix() -> np.ndarray:
    """The 16 x 64 DCT-II rows 1..16, as the reference builds them (double, then float)."""
    scale = np.float32(math.sqrt(2.0 / 64.0))
    matrix = np.empty((16, 64), dtype=np.float32)
    for i in range(16):
        for j in range(64):
            matrix[i, j] = float(scale) * math.cos((math.pi / 2.0 / 64.0) * (i + 1) * (2 * j + 1))
    return matrix


DCT_MATRIX = _dct_matrix()


@numba.njit(cache=_CACHE, nogil=True)
def _luma(rgb):
    rows, cols = rgb.shape[0], rgb.shape[1]
    luma = np.empty((rows, cols), dtype=np.float32)
    for i in range(rows):
        for j in range(cols):
            value = rgb[i, j, 0] * 0.299 + rgb[i, j, 1] * 0.587 + rgb[i, j, 2] * 0.114
            luma[i, j] = np.float32(value)
    return luma


@numba.njit(cache=_CACHE, nogil=True)
def _box_along_row(source, target, i, window):
    """``box1DFloat`` on row ``i``: a running sum, divided by the window's current size."""
    length = source.shape[1]
    half = (window + 2) // 2
    total = np.float32(0.0)
    size = 0
    right = 0
    out = 0
    for _ in range(half - 1):
        total += source[i, right]
        size += 1
        right += 1
    for _ in range(window - half + 1):
        total += source[i, right]
        size += 1
        target[i, out] = total / np.float32(size)
        right += 1
        out += 1
    left = 0
    for _ in range(length - window):
        total += source[i, right]
        total -= source[i, left]
        target[i, out] = total / np.float32(size)
        left += 1
        right += 1
        out += 1
    for _ in range(half - 1):
        total -= source[i, left]
        size -= 1
        target[i, out] = total / np.float32(size)
        left += 1
        out += 1


@numba.njit(cache=_CACHE, nogil=True)
def _box_along_rows(source, target, window):
    """``_box_along_row`` on every row, four rows side by side: each row's sum takes the
    same steps, and the four chains of additions overlap in the processor."""
    rows, length = source.shape
    half = (window + 2) // 2
    grouped = rows - rows % 4
    for i in range(0, grouped, 4):
        a = b = c = d = np.float32(0.0)
        size = 0
        right = 0
        out = 0
        for _ in range(half - 1):
            a += source[i, right]
            b += source[i + 1, right]
            c += source[i + 2, right]
            d += source[i + 3, right]
            size += 1
            right += 1
        for _ in range(window - half + 1):
            a += source[i, right]
            b += source[i + 1, right]
            c += source[i + 2, right]
            d += source[i + 3, right]
            size += 1
            n = np.float32(size)
            target[i, out], target[i + 1, out] = a / n, b / n
            target[i + 2, out], target[i + 3, out] = c / n, d / n
            right += 1
            out += 1
        left = 0
        n = np.float32(size)
        for _ in range(length - window):
            a += source[i, right]
            b += source[i + 1, right]
            c += source[i + 2, right]
            d += source[i + 3, right]
            a -= source[i, left]
            b -= source[i + 1, left]
            c -= source[i + 2, left]
            d -= source[i + 3, left]
            target[i, out], target[i + 1, out] = a / n, b / n
            target[i + 2, out], target[i + 3, out] = c / n, d / n
            left += 1
            right += 1
            out += 1
        for _ in range(half - 1):
            a -= source[i, left]
            b -= source[i + 1, left]
            c -= source[i + 2, left]
            d -= source[i + 3, left]
            size -= 1
            n = np.float32(size)
            target[i, out], target[i + 1, out] = a / n, b / n
            target[i + 2, out], target[i + 3, out] = c / n, d / n
            left += 1
            out += 1
    for i in range(grouped, rows):
        _box_along_row(source, target, i, window)


@numba.njit(cache=_CACHE, nogil=True)
def _box_along_cols(source, target, window, totals):
    """``box1DFloat`` on every column, all columns a row at a time (each column's sum
    takes the same steps as the reference's, in the same order)."""
    length, cols = source.shape
    half = (window + 2) // 2
    totals[:] = 0
    size = 0
    right = 0
    out = 0
    for _ in range(half - 1):
        for j in range(cols):
            totals[j] += source[right, j]
        size += 1
        right += 1
    for _ in range(window - half + 1):
        size += 1
        for j in range(cols):
            totals[j] += source[right, j]
            target[out, j] = totals[j] / np.float32(size)
        right += 1
        out += 1
    left = 0
    for _ in range(length - window):
        for j in range(cols):
            totals[j] += source[right, j]
            totals[j] -= source[left, j]
            target[out, j] = totals[j] / np.float32(size)
        left += 1
        right += 1
        out += 1
    for _ in range(half - 1):
        size -= 1
        for j in range(cols):
            totals[j] -= source[left, j]
            target[out, j] = totals[j] / np.float32(size)
        left += 1
        out += 1


@numba.njit(cache=_CACHE, nogil=True)
def _downsample(luma):
    """The 64 x 64 picture: Jarosz filters (tent, by two box passes), then the centres."""
    rows, cols = luma.shape
    if rows == 64 and cols == 64:
        return luma.copy()
    along_rows = (cols + 2 * 64 - 1) // (2 * 64)
    along_cols = (rows + 2 * 64 - 1) // (2 * 64)
    scratch = np.empty_like(luma)
    totals = np.empty(cols, dtype=np.float32)
    for _ in range(JAROSZ_PASSES):
        _box_along_rows(luma, scratch, along_rows)
        _box_along_cols(scratch, luma, along_cols, totals)
    small = np.empty((64, 64), dtype=np.float32)
    for i in range(64):
        row = int(((i + 0.5) * rows) / 64)
        for j in range(64):
            small[i, j] = luma[row, int(((j + 0.5) * cols) / 64)]
    return small


@numba.njit(cache=_CACHE, nogil=True)
def _quality(small):
    gradients = 0
    for i in range(63):
        for j in range(64):
            gradients += abs(
                int(((small[i, j] - small[i + 1, j]) * np.float32(100)) / np.float32(255))
            )
    for i in range(64):
        for j in range(63):
            gradients += abs(
                int(((small[i, j] - small[i, j + 1]) * np.float32(100)) / np.float32(255))
            )
    return min(gradients // 90, 100)


@numba.njit(cache=_CACHE, nogil=True)
def _dct(small, matrix):
    """``D A D^T``, rows and columns 1..16 only, each sum in order in single precision."""
    partial = np.empty((16, 64), dtype=np.float32)
    for i in range(16):
        for j in range(64):
            total = np.float32(0.0)
            for k in range(64):
                total += matrix[i, k] * small[k, j]
            partial[i, j] = total
    result = np.empty((16, 16), dtype=np.float32)
    for i in range(16):
        for j in range(16):
            total = np.float32(0.0)
            for k in range(64):
                total += partial[i, k] * matrix[j, k]
            result[i, j] = total
    return result


@numba.njit(cache=_CACHE, nogil=True)
def _coefficients(rgb, matrix):
    small = _downsample(_luma(rgb))
    return _dct(small, matrix), _quality(small)


def pdq(rgb: np.ndarray) -> tuple[str, int]:
    """PDQ hash (64 hex digits) and quality (0-100) of 8-bit RGB pixels (``[h, w, 3]``)."""
    rgb = np.asarray(rgb, dtype=np.uint8)
    if rgb.ndim != 3 or rgb.shape[2] != 3:
        raise ValueError(f"PDQ takes RGB pixels as [height, width, 3], not {rgb.shape}")
    if rgb.shape[0] < MIN_HASHABLE_DIM or rgb.shape[1] < MIN_HASHABLE_DIM:
        return "0" * 64, 0
    coefficients, quality = _coefficients(rgb, DCT_MATRIX)
    flat = coefficients.ravel()
    median = np.partition(flat, 127)[127]  # the reference's Torben median: the lower one
    bits = (flat > median)[::-1]  # bit i*16+j of the reference's words, last first
    return np.packbits(bits).tobytes().hex(), int(quality)
