"""A small world for the backup tests: one row at least in every program's tables, a
cast of users with permissions and groups, and files of several sizes in the vault (one
larger than two chunks of the backup stream)."""

from __future__ import annotations

import datetime
import os

from django.apps import apps
from django.contrib.auth.models import Group
from django.db import connection

import factories as make
from clearinghouse.media import vault
from clearinghouse.media.models import Blob
from clearinghouse.missing.models import MissingCase
from clearinghouse.tipline.models import ReportFile

BACKUP_KEY = "synthetic backup key for the tests, 0123456789"


def file_bytes(size: int, seed: int) -> bytes:
    """Bytes that do not compress, so the backup is at least as large as they are."""
    return bytes((index * 131 + seed * 17 + (index >> 8)) % 256 for index in range(size))


def build_world() -> list[Blob]:
    """Rows in every program's tables and files in the vault; returns the blobs."""
    cast = make.make_cast()
    group = Group.objects.create(name="Synthetic reviewers")
    cast.analyst.groups.add(group)
    make.grant(cast.case_manager, "view", MissingCase)
    blobs = [vault.put(file_bytes(size, seed)) for seed, size in enumerate([0, 1, 70_000])]
    blobs.append(vault.put(os.urandom(2_500_000)))  # more than one chunk of the backup
    report = make.make_report("AR", made_available_at="2023-06-02T08:30:00.123456Z")
    for position, blob in enumerate(blobs):
        ReportFile.objects.create(
            report=report, position=position, blob=blob, md5=blob.md5, details='{"a": 1}'
        )
    make.make_missing_case(
        child_first_name="Synthetic",
        child_last_name="Child",
        child_date_of_birth=datetime.date(2010, 4, 5),
        circumstances="Synthetic circumstances, for a test.",
    )
    make.make_team_adam_deployment()
    make.make_cvip_submission(reviewed_at="2023-07-01T00:00:00Z")
    make.make_identified_child()
    make.make_cst_engagement()
    make.make_peer_support()
    make.make_mental_health_referral()
    make.make_training_registration(full_name="Synthetic Trainee", email="trainee@example.org")
    make.make_published_statistic(year=2001, value=42)
    make.make_audit_event(actor=cast.analyst, subject=report)
    return blobs


def stored_rows() -> dict[str, list[tuple]]:
    """Every row of every table as the database stores it (raw SQL, not the models'
    reading: encrypted fields stay ciphertext), by table."""
    state = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            if not model._meta.managed or model._meta.proxy:
                continue
            table, key = model._meta.db_table, model._meta.pk.column
            cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY {quote(key)}")  # noqa: S608
            state[table] = [
                tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
                for row in cursor.fetchall()
            ]
    return state


def vault_files(blobs) -> dict[str, bytes]:
    return {blob.sha256: vault.path_for(blob.sha256).read_bytes() for blob in blobs}
