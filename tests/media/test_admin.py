"""Blobs in the admin: hashes and findings for those allowed, never the bytes or the key."""

from __future__ import annotations

import pytest
from django.urls import reverse

import factories as make
from clearinghouse.media import analysis, vault
from clearinghouse.media.models import Blob
from conftest import encode, pattern

pytestmark = pytest.mark.django_db


@pytest.fixture
def blob():
    return analysis.analyse(vault.put(encode(pattern(), "PNG"), declared_name="card.png"))


def test_an_analyst_sees_a_blobs_hashes_and_findings_only(client, blob):
    client.force_login(make.grant(make.make_analyst(is_staff=True), "view", Blob))
    page = client.get(reverse("admin:media_blob_change", args=[blob.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert blob.sha256 in html and blob.pdq in html
    assert "wrapped" not in html.lower()
    listing = client.get(reverse("admin:media_blob_changelist"))
    assert listing.status_code == 200
    assert blob.sha256[:16] in listing.content.decode()


def test_nobody_adds_or_deletes_a_blob_by_hand(client, blob):
    client.force_login(make.make_superuser())
    assert client.get(reverse("admin:media_blob_add")).status_code == 403
    assert client.get(reverse("admin:media_blob_delete", args=[blob.pk])).status_code == 403


def test_an_officer_cannot_see_blobs_even_with_the_permission(client, blob):
    officer = make.grant(make.make_officer("AR", is_staff=True), "view", Blob)
    client.force_login(officer)
    assert client.get(reverse("admin:media_blob_changelist")).status_code == 403
    assert client.get(reverse("admin:media_blob_change", args=[blob.pk])).status_code == 403
