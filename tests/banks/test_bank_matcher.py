"""Matching against banks (``clearinghouse.banks.matcher``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from clearinghouse.banks.hashing import pdq_hashes
from clearinghouse.banks.matcher import Matcher
from clearinghouse.banks.models import BankHash, HashBank

TESTDATA = Path("/work/shared/testdata")
PDQ_DIR = TESTDATA / "pdq"

pytestmark = pytest.mark.django_db

BRIDGE = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"
MD5 = "d35c785545392755e7e4164457657269"


def flipped(hex_hash: str, bits: int) -> str:
    """``hex_hash`` with its first ``bits`` bits inverted (at that Hamming distance)."""
    value = int(hex_hash, 16) ^ (((1 << bits) - 1) << (256 - bits))
    return f"{value:064x}"


def bank_with(name: str = "series-1", *rows: tuple[str, str, str], **fields) -> HashBank:
    bank = HashBank.objects.create(name=name, **fields)
    BankHash.objects.bulk_create(
        BankHash(bank=bank, hash_type=hash_type, value=value, label=label)
        for hash_type, value, label in rows
    )
    return bank


def image_pdq(name: str, *, dihedral: bool = False) -> tuple[list[str], int]:
    with Image.open(PDQ_DIR / name) as image:
        return pdq_hashes(np.asarray(image.convert("RGB")), dihedral=dihedral)


def test_md5_matches_exactly_in_enabled_banks_only():
    bank_with("on", ("md5", MD5, "known"))
    bank_with("off", ("md5", MD5, "known too"), enabled=False)

    matches = Matcher().match_exact("md5", MD5.upper())

    assert [(m.bank, m.label, m.hash_type, m.distance) for m in matches] == [
        ("on", "known", "md5", 0)
    ]
    assert Matcher().match_exact("md5", "0" * 32) == []


@pytest.mark.parametrize(("distance", "matched"), [(0, True), (31, True), (32, False)])
def test_pdq_matches_up_to_the_default_threshold_of_31(distance, matched):
    bank_with("series-1", ("pdq", BRIDGE, "bridge"))

    matches = Matcher().match_pdq(flipped(BRIDGE, distance), quality=100)

    assert [(m.bank, m.label, m.distance) for m in matches] == (
        [("series-1", "bridge", distance)] if matched else []
    )


def test_a_bank_sets_its_own_threshold():
    bank_with("strict", ("pdq", BRIDGE, "a"), pdq_threshold=10)
    bank_with("loose", ("pdq", BRIDGE, "b"), pdq_threshold=40)

    matches = Matcher().match_pdq(flipped(BRIDGE, 35), quality=100)

    assert [m.bank for m in matches] == ["loose"]


def test_a_rotated_image_matches_only_when_rotations_are_asked_for(expected_pdq):
    bank_with("series-1", ("pdq", expected_pdq["bridge-1-original.jpg"]["pdq"], "bridge"))
    plain, quality = image_pdq("bridge-2-rotate-90.jpg")
    variants, _ = image_pdq("bridge-2-rotate-90.jpg", dihedral=True)
    matcher = Matcher()

    assert matcher.match_pdq(plain, quality) == []
    matches = matcher.match_pdq(variants, quality)

    assert [(m.bank, m.label) for m in matches] == [("series-1", "bridge")]
    assert matches[0].distance <= 31


def test_a_low_quality_query_never_matches():
    hashes, quality = image_pdq("small.jpg")
    assert quality < 50
    bank_with("series-1", ("pdq", hashes[0], "itself"))

    assert Matcher().match_pdq(hashes, quality) == []
    assert Matcher().match_pdq(hashes, 49) == []


def test_new_hashes_reach_a_running_matcher_without_a_rebuild():
    bank = bank_with("series-1", ("pdq", BRIDGE, "first"))
    matcher = Matcher()
    other = flipped(BRIDGE, 200)
    assert matcher.match_pdq(other, 100) == []

    BankHash.objects.create(bank=bank, hash_type="pdq", value=other, label="added")
    matches = matcher.match_pdq(other, 100)

    assert [(m.label, m.distance) for m in matches] == [("added", 0)]
    assert matcher.full_loads == 1
    assert matcher.indexes["pdq"].size == 2


def test_disabled_and_deleted_banks_stop_matching_at_once():
    bank_with("series-1", ("pdq", BRIDGE, "a"))
    second = bank_with("series-2", ("pdq", BRIDGE, "b"))
    matcher = Matcher()
    assert [m.bank for m in matcher.match_pdq(BRIDGE, 100)] == ["series-1", "series-2"]

    HashBank.objects.filter(name="series-1").update(enabled=False)
    second.delete()

    assert matcher.match_pdq(BRIDGE, 100) == []


def read_vpdq(name: str) -> list[tuple[str, int]]:
    """The reference frames of a video: ``(pdq_hex, quality)`` per frame."""
    frames = []
    for line in (TESTDATA / "vpdq" / name).read_text().splitlines():
        _frame, quality, pdq, _timestamp = line.split(",")
        frames.append((pdq, int(quality)))
    return frames


def reference_videos() -> list[str]:
    return sorted(path.name for path in (TESTDATA / "vpdq").glob("*.txt"))


def test_a_video_matches_itself_and_not_the_other_video():
    first, second = reference_videos()[:2]
    bank = bank_with("videos")
    for name in (first, second):
        BankHash.objects.bulk_create(
            [
                BankHash(bank=bank, hash_type="vpdq", value=pdq, label=name)
                for pdq in {pdq for pdq, quality in read_vpdq(name) if quality >= 50}
            ],
            ignore_conflicts=True,
        )

    matches = Matcher().match_video(read_vpdq(first))

    assert [(m.bank, m.label, m.hash_type) for m in matches] == [("videos", first, "vpdq")]


def test_a_video_needs_80_percent_of_its_usable_frames_to_match():
    rng = np.random.default_rng(7)
    frames = [(rng.bytes(32).hex(), 100) for _ in range(10)]
    unrelated = [(rng.bytes(32).hex(), 100) for _ in range(2)]
    bank = bank_with("videos")
    BankHash.objects.bulk_create(
        BankHash(bank=bank, hash_type="vpdq", value=pdq, label="clip") for pdq, _ in frames[:8]
    )
    matcher = Matcher()

    assert [m.label for m in matcher.match_video(frames)] == ["clip"]
    assert [m.label for m in matcher.match_video(frames[:8] + unrelated)] == ["clip"]
    assert matcher.match_video(frames[:7] + unrelated + frames[9:]) == []  # 7 of 10
    low_quality = [(pdq, 10) for pdq, _ in unrelated]
    assert [m.label for m in matcher.match_video(frames[:4] + low_quality)] == ["clip"]
