"""The Poster API at ``/posterapi/``, wire-compatible with the national one (see
``shared/spec/poster-api.md``): JSON in and out, camelCase names, every value a string
except the two booleans, errors as ``{"message": ...}``.

Bearer tokens, not cookies: no CSRF. Any partner reads every published poster; a
partner changes and withdraws only its own organization's.
"""

from __future__ import annotations

import base64
import functools
import json

from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from pydantic import ValidationError

from clearinghouse.accounts import routes
from clearinghouse.audit import events
from clearinghouse.media import vault
from clearinghouse.posterapi import credentials, publishing, search
from clearinghouse.posterapi.document import PosterIn
from clearinghouse.posterapi.models import Poster, PosterOrganization, PosterPhoto

MAX_BODY_BYTES = 60 * 1024 * 1024


def error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"message": message}, status=status)


def _json_body(request) -> dict:
    if len(request.body) > MAX_BODY_BYTES:
        raise ValueError("The body is too large.")
    try:
        body = json.loads(request.body or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ValueError("The body is not JSON.") from None
    if not isinstance(body, dict):
        raise ValueError("The body must be a JSON object.")
    return body


def bearer(view):
    """The caller's client from ``Authorization: Bearer <token>``, else 401."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        client = credentials.client_for_token(token.strip()) if scheme.lower() == "bearer" else None
        if client is None:
            response = error(401, "A valid bearer token is required: POST /Auth/Token.")
            response["WWW-Authenticate"] = "Bearer"
            return response
        request.poster_client = client
        return view(request, *args, **kwargs)

    return routes.declare(routes.POSTER_PARTNER)(csrf_exempt(wrapped))


# -- authentication ---------------------------------------------------------------------


@routes.public  # exchanges a client id and secret for a token
@csrf_exempt
@require_POST
def token(request):
    try:
        body = _json_body(request)
    except ValueError as problem:
        return error(400, str(problem))
    client_id, secret = body.get("clientId"), body.get("clientSecret")
    if not isinstance(client_id, str) or not isinstance(secret, str):
        return error(400, "clientId and clientSecret are required strings.")
    issued = credentials.issue_token(client_id, secret)
    if issued is None:
        return error(401, "Unknown clientId or wrong clientSecret.")
    access_token, stored = issued
    return JsonResponse(
        {
            "accessToken": access_token,
            "tokenType": "Bearer",
            "expiresIn": str(int(credentials.TOKEN_LIFETIME.total_seconds())),
            "expiresAt": stored.expires_at.isoformat(),
        }
    )


@require_POST
@bearer
def rotate_secret(request):
    return JsonResponse({"clientSecret": credentials.rotate_secret(request.poster_client)})


# -- posters ------------------------------------------------------------------------------


def _photo(request, poster: Poster, photo: PosterPhoto, *, data: bool = False) -> dict:
    uri = reverse("posterapi:photo", args=[poster.organization.code, poster.case_number, photo.md5])
    return {
        "photoData": base64.b64encode(vault.read(photo.blob)).decode() if data else None,
        "photoUri": request.build_absolute_uri(uri),
        "md5": photo.md5,
        "fileName": photo.file_name,
        "fileType": photo.file_type,
        "description": photo.description,
    }


def _person(request, poster, person: dict, photos: list[PosterPhoto], *, companion=False):
    wire = dict(person)
    wire["ageNow"] = publishing.age_now(person.get("dateOfBirth"))
    wire["photos"] = [_photo(request, poster, p) for p in photos if p.role != "age_progression"]
    if not companion:
        wire["ageProgressionPhotos"] = [
            _photo(request, poster, p) for p in photos if p.role == "age_progression"
        ]
    return wire


def as_wire(request, poster: Poster) -> dict:
    """The spec's ``Poster``: the stored public document plus the server's fields."""
    document = poster.document
    photos = list(poster.photos.all())

    def of(role_names, index):
        return [p for p in photos if p.role in role_names and p.person == index]

    logo = reverse("posterapi:logo", args=[poster.organization.code])
    return {
        "id": str(poster.pk),
        "dateCreated": poster.date_created.isoformat(),
        "lastModified": poster.last_modified.isoformat(),
        "organizationCode": poster.organization.code,
        "organizationLogo": request.build_absolute_uri(logo)
        if poster.organization.logo_id
        else None,
        "caseNumber": poster.case_number,
        "descriptions": document.get("descriptions", []),
        "unidentified": bool(document.get("unidentified")),
        "amberAlert": bool(document.get("amberAlert")),
        "children": [
            _person(request, poster, child, of(("child", "age_progression"), index))
            for index, child in enumerate(document.get("children", []))
        ],
        "companions": [
            _person(request, poster, companion, of(("companion",), index), companion=True)
            for index, companion in enumerate(document.get("companions", []))
        ],
        "extraPhotos": [_photo(request, poster, p) for p in photos if p.role == "extra"],
        "contacts": document.get("contacts", []),
        "distributionLocations": document.get("distributionLocations", []),
    }


@require_GET
@bearer
def posters(request):
    try:
        found, total = search.run(request.GET, request.META.get("REMOTE_ADDR", ""))
    except search.SearchError as problem:
        return error(400, str(problem))
    events.record(
        "posterapi:posters:searched",
        subject=request.poster_client,
        # Which filters, not their values: a search names children, places, dates of birth.
        filters=sorted(request.GET.keys()),
        found=total,
    )
    return JsonResponse(
        {"posters": [as_wire(request, poster) for poster in found], "totalCount": str(total)}
    )


def _published(code: str, case_number: str) -> Poster | None:
    return (
        Poster.objects.select_related("organization")
        .filter(organization__code=code, case_number=case_number, withdrawn_at=None)
        .first()
    )


@require_http_methods(["GET", "PUT", "DELETE"])
@bearer
def poster(request, code: str, case_number: str):
    if request.method == "GET":
        found = _published(code, case_number)
        if found is None:
            return error(404, f"No poster {code}/{case_number}.")
        events.record(
            "posterapi:poster:viewed", subject=found, client=request.poster_client.client_id
        )
        return JsonResponse(as_wire(request, found))
    organization = request.poster_client.organization
    if organization.code != code:
        return error(
            403, f"Your organization is {organization.code}: you cannot change {code}'s posters."
        )
    if request.method == "PUT":
        return _put(request, organization, case_number)
    return _delete(request, organization, case_number)


def _put(request, organization: PosterOrganization, case_number: str):
    try:
        body = PosterIn.model_validate(_json_body(request))
        stored = publishing.put(organization, case_number, body)
    except ValueError as problem:  # pydantic's ValidationError is a ValueError
        if isinstance(problem, ValidationError):
            return error(400, _describe(problem))
        return error(400, str(problem))
    except publishing.PosterError as problem:
        return error(409, str(problem))
    events.record("posterapi:poster:put", subject=stored, client=request.poster_client.client_id)
    return JsonResponse(as_wire(request, stored))


def _describe(problem: ValidationError) -> str:
    first = problem.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}"


def _delete(request, organization: PosterOrganization, case_number: str):
    found = Poster.objects.filter(
        organization=organization, case_number=case_number, withdrawn_at=None
    ).first()
    if found is None:
        return error(404, f"No poster {organization.code}/{case_number}.")
    try:
        publishing.delete(found)
    except publishing.PosterError as problem:
        return error(409, str(problem))
    events.record("posterapi:poster:deleted", subject=found, client=request.poster_client.client_id)
    return JsonResponse(
        {"caseNumber": case_number, "organizationCode": organization.code, "deleted": True}
    )


@require_GET
@bearer
def photo(request, code: str, case_number: str, md5: str):
    found = _published(code, case_number)
    picture = found.photos.filter(md5=md5.lower()).select_related("blob").first() if found else None
    if picture is None:
        return error(404, f"No photo {md5} on poster {code}/{case_number}.")
    events.record("posterapi:photo:viewed", subject=found, md5=picture.md5)
    return JsonResponse(_photo(request, found, picture, data=True))


@require_GET
@bearer
def logo(request, code: str):
    organization = PosterOrganization.objects.filter(code=code).select_related("logo").first()
    if organization is None or organization.logo is None:
        return error(404, f"No logo for {code}.")
    return HttpResponse(vault.read(organization.logo), content_type=organization.logo.media_type)
