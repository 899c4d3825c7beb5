"""``clearinghouse keys rotate`` encrypts the personal fields again under the first key
of ``CLEARINGHOUSE_FIELD_KEY`` and recomputes the digests kept beside them, while values
stay readable and digest look-ups keep finding them; then the old key can go."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

import factories as make
from clearinghouse.core import crypto, keyring, rekey_fields
from clearinghouse.education import signup
from clearinghouse.education.models import TrainingRegistration
from clearinghouse.geo.models import Jurisdiction
from clearinghouse.missing import matching
from clearinghouse.missing.models import MissingCase

pytestmark = pytest.mark.django_db

OLD = "old-field-key-" + "o" * 30
NEW = "new-field-key-" + "n" * 30
OTHER = "unrelated-key-" + "u" * 30
OLD_ID, NEW_ID = keyring.key_id(OLD).hex(), keyring.key_id(NEW).hex()
BIRTH = datetime.date(2011, 2, 3)


class Interrupted(Exception):
    """Stands for a stopped run between two batches."""


@pytest.fixture(autouse=True)
def old_key(settings):
    settings.FIELD_ENCRYPTION_KEY = OLD


@pytest.fixture
def people():
    """Three missing cases and a training registration, written under OLD."""
    for first in ("Synthetic", "Other", "Third"):
        make.make_missing_case(
            child_first_name=first, child_last_name="Child", child_date_of_birth=BIRTH
        )
    signup.register(
        full_name="Synthetic Trainee",
        email="trainee@example.org",
        profession=TrainingRegistration.Profession.LAW_ENFORCEMENT,
        state=Jurisdiction.objects.get(code="AR"),
        agency_name="Synthetic agency",
    )


def stored(table: str, column: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} ORDER BY id")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def assert_readable_and_findable() -> None:
    names = sorted(case.child_first_name for case in MissingCase.objects.all())
    assert names == ["Other", "Synthetic", "Third"]
    assert {case.child_date_of_birth for case in MissingCase.objects.all()} == {BIRTH}
    assert [
        match.case.child_first_name for match in matching.same_child("Synthetic", "Child", BIRTH)
    ] == ["Synthetic"]
    registration, created = signup.register(
        full_name="Synthetic Trainee",
        email="Trainee@example.org ",
        profession=TrainingRegistration.Profession.LAW_ENFORCEMENT,
        state=Jurisdiction.objects.get(code="AR"),
        agency_name="Synthetic agency",
    )
    assert not created and registration.full_name == "Synthetic Trainee"


def field_status() -> list[str]:
    out = io.StringIO()
    call_command("keys", "status", stdout=out)
    return [line for line in out.getvalue().splitlines() if line.startswith("field key")]


def test_values_stay_readable_and_findable_through_a_stopped_and_resumed_rotation(settings, people):
    assert_readable_and_findable()
    settings.FIELD_ENCRYPTION_KEY = f"{NEW} {OLD}"
    assert_readable_and_findable()

    def stop_after_one(scanned: int, changed: int) -> None:
        assert_readable_and_findable()
        raise Interrupted

    with pytest.raises(Interrupted):
        rekey_fields.rotate(batch_size=1, on_batch=stop_after_one)
    counts = rekey_fields.key_counts()
    assert counts[NEW_ID] > 0 and counts[OLD_ID] > 0
    assert_readable_and_findable()
    out = io.StringIO()
    call_command("keys", "rotate", "--quiet", "--batch-size", "2", stdout=out)
    assert f"every value is under {NEW_ID}" in out.getvalue()
    assert set(rekey_fields.key_counts()) == {NEW_ID}

    settings.FIELD_ENCRYPTION_KEY = NEW
    assert_readable_and_findable()
    assert field_status() == [
        f"field key {NEW_ID} (writing): {sum(rekey_fields.key_counts().values())}"
    ]


def test_rotation_recomputes_the_digests(settings, people):
    digests = stored("education_trainingregistration", "email_digest")
    match_keys = stored("missing_missingcase", "child_match_key")
    settings.FIELD_ENCRYPTION_KEY = f"{NEW} {OLD}"
    rekey_fields.rotate()
    assert (
        stored("education_trainingregistration", "email_digest")
        == [signup.email_digest("trainee@example.org")]
        != digests
    )
    assert set(stored("missing_missingcase", "child_match_key")) == {matching.match_key(BIRTH)}
    assert matching.match_key(BIRTH) not in match_keys


def test_removing_the_old_key_too_early_fails_clearly(settings, people):
    settings.FIELD_ENCRYPTION_KEY = NEW
    with pytest.raises(crypto.DecryptionError, match="any key of CLEARINGHOUSE_FIELD_KEY"):
        list(MissingCase.objects.all())


def test_a_ring_without_the_old_key_changes_nothing(settings, people):
    before = stored("missing_missingcase", "child_first_name")
    settings.FIELD_ENCRYPTION_KEY = f"{NEW} {OTHER}"
    with pytest.raises(CommandError, match="any key of CLEARINGHOUSE_FIELD_KEY"):
        call_command("keys", "rotate", "--quiet")
    assert stored("missing_missingcase", "child_first_name") == before
    settings.FIELD_ENCRYPTION_KEY = OLD
    assert_readable_and_findable()
