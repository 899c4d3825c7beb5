"""Encrypting the personal fields again under the writing key of the keyring
``CLEARINGHOUSE_FIELD_KEY``, and recomputing the keyed digests stored beside them, while
the platform keeps running.

Field encryption has no envelope, so every value under an older key is decrypted and
encrypted again. Each batch of rows is done in its own transaction with the rows locked;
readers open a value under whichever key of the ring it is under, and digest look-ups
try every key (``crypto.digest_keys``), so nothing stops working meanwhile. A run that
is stopped loses at most its current batch; running again goes on with what is left.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable

from django.conf import settings
from django.db import models, transaction
from django.db.models.functions import Cast

from clearinghouse.audit import events
from clearinghouse.core import crypto, keyring, tables
from clearinghouse.core.fields import EncryptedTextField

_STORED = "_stored_"


def _digests() -> dict[str, tuple[str, str, Callable[[str], str]]]:
    """Digests kept beside encrypted values: by model, the digest field, the encrypted
    field it is made from and how (from that field's plaintext)."""
    from clearinghouse.education.signup import email_digest
    from clearinghouse.missing.matching import match_key

    return {
        "missing.missingcase": (
            "child_match_key",
            "child_date_of_birth",
            lambda text: match_key(datetime.date.fromisoformat(text)),
        ),
        "education.trainingregistration": ("email_digest", "email", email_digest),
    }


def encrypted_models() -> list[tuple[type[models.Model], list[str]]]:
    """Every model with encrypted fields, with their names."""
    found = []
    for model in tables.backed_up_models():
        names = [
            field.attname
            for field in model._meta.local_concrete_fields
            if isinstance(field, EncryptedTextField)
        ]
        if names:
            found.append((model, names))
    return found


def _stored_values(model, names: list[str]):
    """The model's rows with their encrypted fields as stored (never decrypted)."""
    stored = {_STORED + name: Cast(name, models.TextField()) for name in names}
    return model._base_manager.annotate(**stored).order_by("pk")


def key_counts() -> Counter[str]:
    """How many stored values each key of the ring opens (by key id). Decrypts every
    value: as slow as a rotation that finds nothing to do."""
    ids = [identifier.hex() for identifier, _ in keyring.parse(settings.FIELD_ENCRYPTION_KEY)]
    counts: Counter[str] = Counter()
    for model, names in encrypted_models():
        rows = _stored_values(model, names).values_list(*[_STORED + name for name in names])
        for row in rows.iterator(chunk_size=2000):
            for stored in filter(None, row):
                counts[ids[crypto.decrypt_with_position(stored)[1]]] += 1
    return counts


def rotate(batch_size: int = 500, on_batch: Callable[[int, int], None] | None = None) -> int:
    """Encrypts again every value not under the writing key, and the digests of those
    rows, in batches of ``batch_size`` rows of each model; returns how many rows it
    changed. ``on_batch(scanned, changed)`` after each committed batch.
    ``crypto.DecryptionError`` when a value opens under no key of the ring (that batch
    is left as it was)."""
    digests = _digests()
    changed_rows = 0
    for model, names in encrypted_models():
        digest = digests.get(model._meta.label_lower)
        after = 0
        while True:
            scanned, after, changed = _rotate_batch(model, names, digest, after, batch_size)
            if not scanned:
                break
            changed_rows += changed
            if on_batch is not None:
                on_batch(scanned, changed)
    events.record("core:keys:rotated", keys="fields", changed=changed_rows)
    return changed_rows


@transaction.atomic
def _rotate_batch(model, names, digest, after, batch_size) -> tuple[int, int, int]:
    stored_names = [_STORED + name for name in names]
    wanted = ["pk", *stored_names] + ([digest[0]] if digest else [])
    rows = list(
        _stored_values(model, names)
        .select_for_update()
        .filter(pk__gt=after)
        .values(*wanted)[:batch_size]
    )
    changed = 0
    for row in rows:
        updates = _reencrypted(row, names)
        if not updates:
            continue
        if digest and row[digest[0]]:
            digest_field, source, make = digest
            updates[digest_field] = make(crypto.decrypt(row[_STORED + source]))
        model._base_manager.filter(pk=row["pk"]).update(**updates)
        changed += 1
    return len(rows), rows[-1]["pk"] if rows else after, changed


def _reencrypted(row: dict, names: list[str]) -> dict[str, str]:
    """The row's values that are under an older key, decrypted (the field encrypts
    them again under the writing key when they are saved)."""
    updates = {}
    for name in names:
        stored = row[_STORED + name]
        if stored:
            plaintext, position = crypto.decrypt_with_position(stored)
            if position:
                updates[name] = plaintext
    return updates
