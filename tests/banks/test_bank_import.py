"""Importing, exporting, enabling and deleting banks (``clearinghouse.banks.services``)."""

from __future__ import annotations

import pytest

from clearinghouse.audit.models import AuditEvent
from clearinghouse.banks import services
from clearinghouse.banks.models import BankHash, HashBank

MD5 = "d35c785545392755e7e4164457657269"
SHA1 = "ea45d7166b30f98aac6af52f952193ce3083cb4c"
PDQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"

pytestmark = pytest.mark.django_db


def test_it_imports_csv_with_a_header_into_a_new_bank(hash_file_of):
    path = hash_file_of("type,hash,label", f"md5,{MD5},bridge", f"sha1,{SHA1},", f"pdq,{PDQ},x")

    result = services.import_hashes("series-1", path)

    assert (result.stored, result.added, result.unchanged) == (True, 3, 0)
    bank = HashBank.objects.get(name="series-1")
    assert (bank.enabled, bank.pdq_threshold) == (True, 31)
    assert set(bank.hashes.values_list("hash_type", "value", "label")) == {
        ("md5", MD5, "bridge"),
        ("sha1", SHA1, ""),
        ("pdq", PDQ, "x"),
    }
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["media:bank:created", "media:bank:imported"]


def test_it_imports_json_lines_and_lowercases_hex(hash_file_of):
    path = hash_file_of(
        f'{{"type": "MD5", "hash": "{MD5.upper()}", "label": "a"}}',
        "",
        f'{{"type": "pdq", "hash": "{PDQ}"}}',
        suffix=".jsonl",
    )

    result = services.import_hashes("series-1", path)

    assert (result.added, result.errors) == (2, [])
    assert BankHash.objects.get(hash_type="md5").value == MD5


def test_reimporting_the_same_file_adds_nothing(hash_file_of):
    path = hash_file_of(f"md5,{MD5},a", f"pdq,{PDQ},b", f"pdq,{PDQ},duplicate line")
    services.import_hashes("series-1", path)

    again = services.import_hashes("series-1", path)

    assert (again.added, again.unchanged) == (0, 2)
    assert BankHash.objects.count() == 2


def test_a_bad_line_rejects_the_whole_file_with_line_numbers(hash_file_of):
    path = hash_file_of(
        f"md5,{MD5},good",
        f"md5,{'z' * 32},bad hex",
        f"crc32,{MD5},unknown type",
        f"sha1,{MD5},too short",
        "just-one-column",
    )

    result = services.import_hashes("series-1", path)

    assert not result.stored
    assert [(error.line, error.reason) for error in result.errors] == [
        (2, "md5 hash is not hexadecimal"),
        (3, "unknown hash type (expected one of md5, sha1, pdq, vpdq)"),
        (4, "sha1 hash must be 40 hex digits"),
        (5, "expected 2 or 3 columns (type,hash,label), found 1"),
    ]
    assert not HashBank.objects.exists()
    assert not BankHash.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_bad_json_line_rejects_the_file(hash_file_of):
    path = hash_file_of(
        f'{{"type": "md5", "hash": "{MD5}"}}', "{oops", '["md5"]', '{"type": "md5", "h": 1}'
    )

    result = services.import_hashes("series-1", path)

    assert [error.line for error in result.errors] == [2, 3, 4]
    assert result.errors[0].reason.startswith("not valid JSON")
    assert not BankHash.objects.exists()


def test_export_round_trips_through_import(hash_file_of, tmp_path):
    services.import_hashes("series-1", hash_file_of(f"md5,{MD5},a b", f'pdq,{PDQ},"c,d"'))
    exported = tmp_path / "export.csv"
    exported.write_text(services.export_bank("series-1"))

    services.import_hashes("copy", exported)

    def contents(name):
        return set(
            BankHash.objects.filter(bank__name=name).values_list("hash_type", "value", "label")
        )

    assert contents("copy") == contents("series-1")
    assert ("pdq", PDQ, "c,d") in contents("copy")
    assert AuditEvent.objects.filter(action="media:bank:exported").count() == 1


def test_enable_disable_and_delete_are_audited(hash_file_of):
    services.import_hashes("series-1", hash_file_of(f"md5,{MD5},a"))

    services.set_enabled("series-1", False)
    assert not HashBank.objects.get(name="series-1").enabled
    services.set_enabled("series-1", True)
    deleted = services.delete_bank("series-1")

    assert deleted == 1
    assert not HashBank.objects.exists() and not BankHash.objects.exists()
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions[-3:] == ["media:bank:disabled", "media:bank:enabled", "media:bank:deleted"]


def test_an_unknown_bank_is_an_error():
    with pytest.raises(services.BankError, match="no bank named 'nope'"):
        services.delete_bank("nope")
