"""Publishing, refreshing and withdrawing posters: this clearinghouse's (from its
cases) and partners' (pushed through the Poster API).

A case's poster is published by somebody working the case, rebuilt from the case on
every change while the case is active, and withdrawn when the case is resolved. A
withdrawn poster forgets its document and photos: only its number and dates remain.
"""

from __future__ import annotations

import base64
import binascii
import datetime

from django.db import transaction
from django.utils import timezone

from clearinghouse.audit import events
from clearinghouse.geo import resolve
from clearinghouse.media import vault
from clearinghouse.missing.models import MissingCase
from clearinghouse.posterapi import document
from clearinghouse.posterapi.models import HOME_CODE, Poster, PosterOrganization, PosterPhoto

PHOTO_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")
MAX_PHOTO_BYTES = 10 * 1024 * 1024


class PosterError(Exception):
    """A poster that cannot be published, changed or withdrawn as asked."""


def home_organization() -> PosterOrganization:
    organization, _ = PosterOrganization.objects.get_or_create(
        code=HOME_CODE, defaults={"name": "Clearinghouse"}
    )
    return organization


def poster_of(case: MissingCase) -> Poster | None:
    return Poster.objects.filter(case=case).first()


def _sync_case_photos(poster: Poster, case: MissingCase) -> None:
    poster.photos.all().delete()
    for photo in case.photos.select_related("blob"):
        PosterPhoto.objects.create(
            poster=poster,
            blob=photo.blob,
            role=PosterPhoto.Role.CHILD,
            md5=photo.blob.md5,
            file_name=photo.file_name or f"{photo.blob.md5}.{photo.blob.media_type.split('/')[-1]}",
            file_type=photo.blob.media_type,
        )


def _store(poster: Poster, case: MissingCase) -> Poster:
    poster.document = document.from_case(case)
    poster.missing_state = case.state_id
    poster.withdrawn_at = None
    poster.save()
    _sync_case_photos(poster, case)
    return poster


def publish(case: MissingCase, user) -> Poster:
    """Publishes (or republishes) the poster of an active case."""
    if case.status != MissingCase.Status.ACTIVE:
        raise PosterError("Only an active case has a poster: this one is resolved.")
    if not (case.child_first_name or case.child_last_name):
        raise PosterError("A poster needs the child's name.")
    with transaction.atomic():
        poster = poster_of(case) or Poster(
            organization=home_organization(), case_number=case.external_id, case=case
        )
        _store(poster, case)
        events.record("missing:poster:published", actor=user, subject=case)
    return poster


def _forget(poster: Poster) -> None:
    poster.document = {}
    poster.withdrawn_at = timezone.now()
    poster.save()
    poster.photos.all().delete()


def refresh(case: MissingCase) -> None:
    """After a change to a case: its published poster follows it, and goes when the case
    is resolved."""
    poster = poster_of(case)
    if poster is None or not poster.is_published:
        return
    if case.status == MissingCase.Status.ACTIVE:
        _store(poster, case)
    else:
        _forget(poster)
        events.record("missing:poster:withdrawn", subject=case, status=case.status)


def withdraw(case: MissingCase, user) -> None:
    poster = poster_of(case)
    if poster is None or not poster.is_published:
        raise PosterError("This case has no published poster.")
    with transaction.atomic():
        _forget(poster)
        events.record("missing:poster:withdrawn", actor=user, subject=case, status=case.status)


# -- partners' posters -----------------------------------------------------------------


def _photo_bytes(photo: document.PhotoIn) -> bytes:
    try:
        data = base64.b64decode(photo.photoData or "", validate=True)
    except (binascii.Error, ValueError):
        raise PosterError("photoData is not valid base64.") from None
    if not data:
        raise PosterError("A photo needs photoData.")
    if len(data) > MAX_PHOTO_BYTES:
        raise PosterError("A photo may be at most 10 MB.")
    return data


def _put_photo(poster: Poster, photo: document.PhotoIn, role: str, person: int) -> None:
    if not photo.photoData:
        return  # a bare photoUri: we never fetch other people's URLs
    blob = vault.put(_photo_bytes(photo), declared_name=photo.fileName, max_bytes=MAX_PHOTO_BYTES)
    if blob.media_type not in PHOTO_TYPES:
        raise PosterError(f"A photo must be a JPEG, PNG, GIF or WebP image, not {blob.media_type}.")
    PosterPhoto.objects.create(
        poster=poster,
        blob=blob,
        role=role,
        person=person,
        md5=blob.md5,
        file_name=photo.fileName or "",
        file_type=blob.media_type,
        description=photo.description or "",
    )


def put(organization: PosterOrganization, case_number: str, body: document.PosterIn) -> Poster:
    """Creates or replaces a partner's poster."""
    if body.caseNumber and body.caseNumber != case_number:
        raise PosterError("caseNumber in the body differs from the one in the path.")
    if body.organizationCode and body.organizationCode != organization.code:
        raise PosterError("organizationCode in the body differs from the one in the path.")
    existing = Poster.objects.filter(organization=organization, case_number=case_number).first()
    if existing is not None and existing.case_id is not None:
        raise PosterError("This poster follows its case: change the case instead.")
    with transaction.atomic():
        poster = existing or Poster(organization=organization, case_number=case_number)
        poster.document = document.from_put(body)
        states = [child.missingState for child in body.children if child.missingState]
        poster.missing_state = (resolve.state_code(states[0]) if states else None) or ""
        poster.withdrawn_at = None
        poster.save()
        poster.photos.all().delete()
        Role = PosterPhoto.Role
        for index, child in enumerate(body.children):
            for photo in child.photos:
                _put_photo(poster, photo, Role.CHILD, index)
            for photo in child.ageProgressionPhotos:
                _put_photo(poster, photo, Role.AGE_PROGRESSION, index)
        for index, companion in enumerate(body.companions):
            for photo in companion.photos:
                _put_photo(poster, photo, Role.COMPANION, index)
        for photo in body.extraPhotos:
            _put_photo(poster, photo, Role.EXTRA, 0)
    return poster


def delete(poster: Poster) -> None:
    if poster.case_id is not None:
        raise PosterError(
            "This poster follows its case: it is withdrawn when the case is resolved."
        )
    with transaction.atomic():
        _forget(poster)


# -- serving ---------------------------------------------------------------------------


def age_now(date_of_birth: str | None, today: datetime.date | None = None) -> str | None:
    if not date_of_birth:
        return None
    try:
        born = datetime.date.fromisoformat(date_of_birth[:10])
    except ValueError:
        return None
    today = today or timezone.now().date()
    years = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return str(years)
