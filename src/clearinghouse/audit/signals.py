"""Sign-ins, failed sign-ins and sign-outs, from Django's authentication signals, so that
every way of signing in (the login page, the admin's, a second factor's) is audited.

A failed attempt records the username that was tried, never the password (Django hands
the receiver the credentials with the password already masked; only the username is
kept), and the client's address, which is what tells a guessing attack apart.
"""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from clearinghouse.audit import events

# A username field is at most 150 characters; anything longer was not one.
MAX_USERNAME = 150


def _address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


@receiver(user_logged_in, dispatch_uid="audit_logged_in")
def logged_in(sender, request, user, **kwargs) -> None:
    events.record("accounts:user:logged_in", actor=user, subject=user, address=_address(request))


@receiver(user_logged_out, dispatch_uid="audit_logged_out")
def logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:  # signing out without being signed in is nothing to record
        events.record(
            "accounts:user:logged_out", actor=user, subject=user, address=_address(request)
        )


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def login_failed(sender, credentials, request=None, **kwargs) -> None:
    username = str(credentials.get("username", ""))[:MAX_USERNAME]
    events.record("accounts:user:login_failed", username=username, address=_address(request))
