"""Finding earlier reports of the same child: fuzzy name plus the same date of birth.

Names and dates of birth are encrypted at rest (a different ciphertext each time), so
the database cannot compare them. Each case keeps a keyed digest of the child's date of
birth (``child_match_key``): candidates are the cases with the same digest, and only
their names are decrypted and compared. The digest is keyed (HMAC under a key derived
from the field key) so that it does not reveal the date to somebody with the database.
"""

from __future__ import annotations

import datetime
import difflib
import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass

from clearinghouse.core import crypto
from clearinghouse.missing.models import MissingCase

# How alike two normalized names must be (difflib ratio, 0..1) to be the same child.
SAME_CHILD = 0.85


def match_keys(date_of_birth: datetime.date | None) -> list[str]:
    """The date's digest under each field key, the one to store first (see
    ``crypto.digest_keys``)."""
    if date_of_birth is None:
        return [""]
    return [
        hmac.new(key, date_of_birth.isoformat().encode(), hashlib.sha256).hexdigest()
        for key in crypto.digest_keys(b"missing child match key:")
    ]


def match_key(date_of_birth: datetime.date | None) -> str:
    return match_keys(date_of_birth)[0]


def normalized_name(*parts: str) -> str:
    """Lower case, accents and apostrophes dropped, other punctuation a space."""
    text = unicodedata.normalize("NFKD", " ".join(part or "" for part in parts))
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    text = re.sub(r"['’]", "", text)  # O'Neil and ONeil are one name
    return " ".join(re.sub(r"[^a-z ]+", " ", text).split())


def name_similarity(first: str, last: str, other_first: str, other_last: str) -> float:
    """How alike two children's names are, also trying first and last swapped (a
    common intake mistake)."""
    name = normalized_name(first, last)
    if not name:
        return 0.0
    straight = normalized_name(other_first, other_last)
    swapped = normalized_name(other_last, other_first)
    return max(difflib.SequenceMatcher(None, name, other).ratio() for other in (straight, swapped))


@dataclass(frozen=True)
class Match:
    case: MissingCase
    score: float


def _backfill_keys() -> None:
    """Cases written without ``save()`` (the bulk import) get their digest here, once."""
    pending = MissingCase.objects.filter(child_match_key="", child_date_of_birth__isnull=False)
    for case in pending.only("pk", "child_date_of_birth").iterator():
        MissingCase.objects.filter(pk=case.pk).update(
            child_match_key=match_key(case.child_date_of_birth)
        )


def same_child(
    first: str, last: str, date_of_birth: datetime.date | None, *, exclude=None
) -> list[Match]:
    """Earlier cases that are likely the same child, best match first."""
    if date_of_birth is None or not normalized_name(first, last):
        return []
    _backfill_keys()
    candidates = MissingCase.objects.filter(child_match_key__in=match_keys(date_of_birth))
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude.pk)
    matches = [
        Match(case, score)
        for case in candidates
        if (score := name_similarity(first, last, case.child_first_name, case.child_last_name))
        >= SAME_CHILD
    ]
    return sorted(matches, key=lambda match: (-match.score, -match.case.reported_at.timestamp()))
