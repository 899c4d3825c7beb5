"""WebAuthn security keys (and passkeys) as a second factor, beside the authenticator app.

Registering a key needs a signed-in user who confirmed their password and a code within
15 minutes; signing in with one replaces the code, after the password. Each ceremony's
challenge lives in the session and is taken out of it by the first answer, right or
wrong: an answer is never accepted twice. A key whose signature counter does not move
forward (a cloned key) is refused. The relying party is the host the browser asked for
(Django's ``ALLOWED_HOSTS`` vouch for it), and the origin its scheme and host.
"""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import PublicKeyCredentialDescriptor

from clearinghouse.accounts import signin, views
from clearinghouse.accounts.models import SecurityKey
from clearinghouse.accounts.routes import SIGNED_IN, declare, public
from clearinghouse.audit import events

CHALLENGE = "webauthn_challenge"  # session key: the challenge of the ceremony under way
RP_NAME = "Clearinghouse"
REFUSED = "The security key's answer was not accepted. Try again, or use a code."
# What a wrong or malformed answer raises: the library's refusals, and JSON of any shape.
_MALFORMED = (WebAuthnException, ValueError, KeyError, TypeError, AttributeError)


def _relying_party(request) -> tuple[str, str]:
    host = request.get_host()
    return host.rsplit(":", 1)[0].strip("[]"), f"{request.scheme}://{host}"


def _descriptors(user) -> list[PublicKeyCredentialDescriptor]:
    return [
        PublicKeyCredentialDescriptor(id=base64url_to_bytes(credential))
        for credential in SecurityKey.objects.filter(user=user).values_list(
            "credential_id", flat=True
        )
    ]


def _json_options(options) -> HttpResponse:
    return HttpResponse(options_to_json(options), content_type="application/json")


def _take_challenge(request) -> bytes | None:
    """The ceremony's challenge, taken out of the session: usable once."""
    challenge = request.session.pop(CHALLENGE, None)
    return base64url_to_bytes(challenge) if challenge else None


# -- signing in ------------------------------------------------------------------------------


@public
@csrf_protect
@never_cache
@require_POST
def sign_in_options(request):
    user, _ = views.pending_user(request)
    if user is None or not SecurityKey.objects.filter(user=user).exists():
        return JsonResponse({"error": "Sign in with your password first."}, status=400)
    rp_id, _ = _relying_party(request)
    options = generate_authentication_options(rp_id=rp_id, allow_credentials=_descriptors(user))
    request.session[CHALLENGE] = bytes_to_base64url(options.challenge)
    return _json_options(options)


@public
@csrf_protect
@never_cache
@require_POST
def sign_in(request):
    user, pending = views.pending_user(request)
    challenge = _take_challenge(request)
    if user is None or challenge is None:
        return JsonResponse({"error": "Sign in with your password first."}, status=400)
    try:
        answer = json.loads(request.body)
        key = SecurityKey.objects.get(user=user, credential_id=answer["id"])
        rp_id, origin = _relying_party(request)
        verified = verify_authentication_response(
            credential=answer,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=origin,
            credential_public_key=base64url_to_bytes(key.public_key),
            credential_current_sign_count=key.sign_count,
        )
    except (*_MALFORMED, SecurityKey.DoesNotExist):
        views.count_failure(request, user)
        return JsonResponse({"error": REFUSED}, status=400)
    # A conditional UPDATE: of two answers racing, only one moves the counter.
    moved = SecurityKey.objects.filter(pk=key.pk, sign_count=key.sign_count).update(
        sign_count=verified.new_sign_count, last_used_at=timezone.now()
    )
    if moved != 1:
        views.count_failure(request, user)
        return JsonResponse({"error": REFUSED}, status=400)
    return JsonResponse({"next": views.complete_sign_in(request, user, pending)})


# -- registering -----------------------------------------------------------------------------


@declare(SIGNED_IN)
@login_required
@csrf_protect
@never_cache
def keys_page(request):
    """The user's security keys: add one, remove one."""
    if not signin.confirmed_recently(request):
        return signin.ask_confirmation(reverse("security-keys"))
    if request.method == "POST" and "remove" in request.POST:
        removed = SecurityKey.objects.filter(user=request.user, pk=request.POST["remove"])
        for key in removed:
            events.record("accounts:security_key:removed", subject=request.user, key=key.name)
        removed.delete()
        return redirect("security-keys")
    keys = SecurityKey.objects.filter(user=request.user).order_by("created_at")
    return render(request, "registration/security_keys.html", {"keys": keys})


@declare(SIGNED_IN)
@login_required
@csrf_protect
@never_cache
@require_POST
def register_options(request):
    if not signin.confirmed_recently(request):
        return JsonResponse({"error": "Confirm your password and a code first."}, status=403)
    user = request.user
    rp_id, _ = _relying_party(request)
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name=RP_NAME,
        user_name=user.get_username(),
        user_id=str(user.pk).encode(),
        exclude_credentials=_descriptors(user),
    )
    request.session[CHALLENGE] = bytes_to_base64url(options.challenge)
    return _json_options(options)


@declare(SIGNED_IN)
@login_required
@csrf_protect
@never_cache
@require_POST
def register(request):
    challenge = _take_challenge(request)
    if challenge is None or not signin.confirmed_recently(request):
        return JsonResponse({"error": "Start again from the security keys page."}, status=400)
    try:
        answer = json.loads(request.body)
        name = str(answer.pop("name", "") or "Security key")[:100]
        rp_id, origin = _relying_party(request)
        verified = verify_registration_response(
            credential=answer,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=origin,
        )
    except _MALFORMED:
        return JsonResponse({"error": REFUSED}, status=400)
    credential_id = bytes_to_base64url(verified.credential_id)
    if SecurityKey.objects.filter(credential_id=credential_id).exists():
        return JsonResponse({"error": "That security key is registered already."}, status=400)
    SecurityKey.objects.create(
        user=request.user,
        name=name,
        credential_id=credential_id,
        public_key=bytes_to_base64url(verified.credential_public_key),
        sign_count=verified.sign_count,
    )
    events.record("accounts:security_key:added", subject=request.user, key=name)
    return JsonResponse({"next": reverse("security-keys")})
