"""Hash banks in the admin: analysts and admins only; changes are audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

import factories as make
from clearinghouse.audit.models import AuditEvent
from clearinghouse.banks.models import BankHash, HashBank

pytestmark = pytest.mark.django_db


def changelist(model) -> str:
    return reverse(f"admin:banks_{model._meta.model_name}_changelist")


def test_an_analyst_sees_banks_and_their_hashes(client):
    bank = HashBank.objects.create(name="series-1")
    BankHash.objects.create(bank=bank, hash_type="md5", value="a" * 32, label="known")
    analyst = make.grant(make.make_analyst(is_staff=True), "view", HashBank, BankHash)
    client.force_login(analyst)

    assert client.get(changelist(HashBank)).status_code == 200
    response = client.get(changelist(BankHash))
    assert [row.label for row in response.context["cl"].result_list] == ["known"]


def test_an_officer_with_permissions_is_still_refused(client):
    officer = make.grant(make.make_officer("AR", is_staff=True), "view", HashBank, BankHash)
    client.force_login(officer)

    assert client.get(changelist(HashBank)).status_code == 403
    assert client.get(changelist(BankHash)).status_code == 403


def test_disabling_banks_from_the_admin_is_audited(client):
    HashBank.objects.create(name="series-1")
    client.force_login(make.make_admin(is_staff=True, is_superuser=True))

    response = client.post(
        changelist(HashBank),
        {"action": "disable_banks", "_selected_action": [HashBank.objects.get().pk]},
    )

    assert response.status_code == 302
    assert not HashBank.objects.get().enabled
    actions = AuditEvent.objects.exclude(action="accounts:user:logged_in")
    assert list(actions.values_list("action", flat=True)) == ["media:bank:disabled"]
