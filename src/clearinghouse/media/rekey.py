"""Moving the vault's file keys from old master keys to the writing key of the keyring
(``CLEARINGHOUSE_VAULT_KEY``), while the platform keeps running.

Only the small wrapped keys change, never the stored files. Each batch is re-wrapped
in its own short transaction with its rows locked (so a concurrent ``vault.put`` that
restores a missing file cannot be overwritten), and readers are never stopped: before
its batch commits a file opens under its old key, after under the new one, and the
keyring holds both. A run that is stopped loses at most its current batch; running
again goes on with what is left.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from django.conf import settings
from django.db import transaction

from clearinghouse.audit import events
from clearinghouse.core import keyring
from clearinghouse.media import vault
from clearinghouse.media.models import Blob

LEGACY = "format 1 (no key id)"


def key_label(wrapped: bytes) -> str:
    identifier = vault.wrapping_key_id(wrapped)
    return LEGACY if identifier is None else identifier.hex()


def key_counts() -> Counter[str]:
    """How many stored files are wrapped under each key (by id) and how many in the old
    format without one."""
    wrapped_keys = Blob._base_manager.values_list("wrapped_key", flat=True)
    return Counter(key_label(wrapped) for wrapped in wrapped_keys.iterator(chunk_size=2000))


def to_rotate() -> int:
    """How many stored files are not yet under the writing key."""
    counts = key_counts()
    return counts.total() - counts[keyring.writing(settings.VAULT_KEY)[0].hex()]


def rotate(batch_size: int = 500, on_batch: Callable[[int, int], None] | None = None) -> int:
    """Re-wraps every file key not under the writing key, in batches of ``batch_size``
    rows, and returns how many it re-wrapped. ``on_batch(scanned, rewrapped)`` is
    called after each committed batch. ``vault.WrongKey`` when a key opens under no
    key of the ring (that batch is left as it was)."""
    after, rewrapped = 0, 0
    while True:
        scanned, last_pk, changed = _rotate_batch(after, batch_size)
        if not scanned:
            events.record("core:keys:rotated", keys="vault", changed=rewrapped)
            return rewrapped
        after = last_pk
        rewrapped += changed
        if on_batch is not None:
            on_batch(scanned, changed)


@transaction.atomic
def _rotate_batch(after: int, batch_size: int) -> tuple[int, int, int]:
    """Re-wraps the stale keys among the next rows after ``after``; returns how many
    rows it looked at, the last one's primary key, and how many it re-wrapped."""
    writing_id = keyring.writing(settings.VAULT_KEY)[0]
    batch = list(
        Blob._base_manager.select_for_update()
        .filter(pk__gt=after)
        .order_by("pk")
        .only("pk", "sha256", "wrapped_key")[:batch_size]
    )
    stale = [blob for blob in batch if vault.wrapping_key_id(blob.wrapped_key) != writing_id]
    for blob in stale:
        file_key = vault.unwrap_key(blob.wrapped_key, blob.sha256)
        blob.wrapped_key = vault.wrap_key(file_key, blob.sha256)
    Blob._base_manager.bulk_update(stale, ["wrapped_key"])
    return len(batch), batch[-1].pk if batch else after, len(stale)
