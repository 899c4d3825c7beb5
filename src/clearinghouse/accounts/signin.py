"""Signing in and staying signed in, as the CJIS Security Policy and ASVS level 2 ask:

- five failed sign-ins under one username within 15 minutes lock the account until an
  administrator releases it (a locked account cannot sign in even with its password, and
  says so no differently than a wrong password would);
- a session ends after 30 minutes without a request and 12 hours after signing in;
- disabling an account ends all its sessions, and an administrator can end them;
- an account nobody signed in to for 90 days is disabled (a scheduled job);
- signing in takes a second factor, a code from an authenticator (TOTP), each code
  accepted once (``views``: the password, then the code; ``login`` only after both);
- privileged actions (any change through the admin site, a new password or a new
  authenticator) need the password and a code again when the last were given more than
  15 minutes before (``RecentConfirmation``).

Signing in gives a new session key (Django's ``login`` cycles it).
"""

from __future__ import annotations

import datetime
from importlib import import_module

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from clearinghouse.accounts import totp
from clearinghouse.accounts.models import SecondFactor, SignedInSession, SignInFailure, User
from clearinghouse.audit import events

MAX_FAILURES = 5
FAILURE_WINDOW = datetime.timedelta(minutes=15)
IDLE_LIMIT = datetime.timedelta(minutes=30)
ABSOLUTE_LIMIT = datetime.timedelta(hours=12)
INACTIVE_AFTER = datetime.timedelta(days=90)
# How long the password and a code, given once, cover privileged actions.
CONFIRMATION_LIFETIME = datetime.timedelta(minutes=15)
CONFIRMED_AT = "confirmed_at"  # session key: when the password and a code were last given
# ``last_seen`` is written back at most this often: not a session write on every request.
SEEN_RESOLUTION = datetime.timedelta(minutes=1)


class Backend(ModelBackend):
    """Django's own, except that a locked account cannot sign in."""

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and getattr(user, "locked_at", None) is None


# -- lockout -------------------------------------------------------------------------------


@receiver(user_login_failed)
def _count_failure(sender, credentials, request=None, **kwargs) -> None:
    username = str(credentials.get("username") or "")[:150]
    if not username:
        return
    now = timezone.now()
    with transaction.atomic():
        SignInFailure.objects.create(username=username, at=now)
        recent = SignInFailure.objects.filter(username=username, at__gt=now - FAILURE_WINDOW)
        if recent.count() < MAX_FAILURES:
            return
        lockable = User.objects.filter(username=username, locked_at__isnull=True)
        user = lockable.select_for_update().first()
        if user is not None:
            User.objects.filter(pk=user.pk).update(locked_at=now)
            events.record(
                "accounts:user:locked", subject=user, failures=MAX_FAILURES, window_minutes=15
            )


def release(user: User, *, by) -> None:
    """An administrator lets a locked account sign in again."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(locked_at=None)
        SignInFailure.objects.filter(username=user.username).delete()
        events.record("accounts:user:unlocked", actor=by, subject=user)
    user.locked_at = None


# -- second factor -------------------------------------------------------------------------


def enroll(user: User) -> str:
    """Gives ``user`` a new authenticator secret, already confirmed (the demo's users,
    an administrator's command); returns the secret."""
    secret = totp.new_secret()
    SecondFactor.objects.update_or_create(
        user=user, defaults={"secret": secret, "confirmed_at": timezone.now(), "last_step": 0}
    )
    return secret


def check_code(factor: SecondFactor, entered: str, *, secret: str | None = None) -> bool:
    """Whether ``entered`` is a code of the factor's secret (or of ``secret``, one being
    set up) not accepted before; accepting it moves the factor's last step forward."""
    step = totp.matching_step(secret or factor.secret, entered, after=factor.last_step)
    if step is None:
        return False
    moved = SecondFactor.objects.filter(pk=factor.pk, last_step__lt=step).update(last_step=step)
    factor.last_step = step
    return moved == 1


def confirmed_recently(request) -> bool:
    confirmed_at = _read(request.session.get(CONFIRMED_AT))
    return confirmed_at is not None and timezone.now() - confirmed_at <= CONFIRMATION_LIFETIME


def mark_confirmed(request) -> None:
    request.session[CONFIRMED_AT] = _stamp(timezone.now())


def ask_confirmation(next_url: str):
    """The redirect to the confirmation page, which sends back to ``next_url``."""
    return redirect(f"{reverse('confirm')}?{urlencode({'next': next_url})}")


# -- sessions ------------------------------------------------------------------------------


def _stamp(moment: datetime.datetime) -> str:
    return moment.isoformat()


def _read(stamp) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return None


@receiver(user_logged_in)
def _session_started(sender, request, user, **kwargs) -> None:
    now = timezone.now()
    session = request.session
    session["signed_in_at"] = session["last_seen"] = session[CONFIRMED_AT] = _stamp(now)
    if session.session_key is None:
        session.save()
    SignInFailure.objects.filter(username=user.get_username()).delete()
    SignedInSession.objects.update_or_create(
        session_key=session.session_key, defaults={"user": user, "started_at": now}
    )


@receiver(user_logged_out)
def _session_ended(sender, request, user, **kwargs) -> None:
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        SignedInSession.objects.filter(session_key=key).delete()


def end_sessions(user: User) -> int:
    """Ends every session ``user`` signed in with; returns how many."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(SignedInSession.objects.filter(user=user).values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    SignedInSession.objects.filter(session_key__in=keys).delete()
    return len(keys)


@receiver(post_save, sender=User)
def _disabled_ends_sessions(sender, instance: User, created: bool, **kwargs) -> None:
    if not created and not instance.is_active:
        transaction.on_commit(lambda: end_sessions(instance))


class SessionLimits:
    """Signs out a session idle for ``IDLE_LIMIT`` or older than ``ABSOLUTE_LIMIT``.
    After Django's authentication middleware; the view then sees an anonymous visitor
    (and sends a page to the sign-in form)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._check(request, user)
        return self.get_response(request)

    def _check(self, request, user) -> None:
        session = request.session
        now = timezone.now()
        signed_in_at = _read(session.get("signed_in_at"))
        last_seen = _read(session.get("last_seen"))
        if signed_in_at is None or last_seen is None:  # a session from before these limits
            session["signed_in_at"] = session["last_seen"] = _stamp(now)
            return
        expired = (
            "idle" if now - last_seen > IDLE_LIMIT else
            "absolute" if now - signed_in_at > ABSOLUTE_LIMIT else
            None
        )  # fmt: skip
        if expired:
            events.record("accounts:session:expired", subject=user, limit=expired)
            logout(request)
        elif now - last_seen >= SEEN_RESOLUTION:
            session["last_seen"] = _stamp(now)


class RecentConfirmation:
    """Sends a change through the admin site, or of a password, to the confirmation page
    (password and code) when they were last given more than 15 minutes before. The
    change is not made: the user confirms, then sends it again."""

    PRIVILEGED = ("/admin/", "/accounts/password_change/")
    EXEMPT = ("/admin/logout/", "/admin/login/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._needs_confirmation(request):
            events.record("accounts:session:confirmation_asked", subject=request.user)
            return ask_confirmation(request.META.get("HTTP_REFERER") or request.path)
        return self.get_response(request)

    def _needs_confirmation(self, request) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return False
        if not request.path.startswith(self.PRIVILEGED) or request.path.startswith(self.EXEMPT):
            return False
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated and not confirmed_recently(request))


# -- inactive accounts ---------------------------------------------------------------------


def disable_inactive(now: datetime.datetime | None = None) -> int:
    """Disables every active account not signed in to for ``INACTIVE_AFTER`` (counted
    from when it was created, if never); returns how many. Superusers are not exempt."""
    cutoff = (now or timezone.now()) - INACTIVE_AFTER
    idle = Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
    disabled = 0
    for user in User.objects.filter(idle, is_active=True):
        with transaction.atomic():
            user.is_active = False
            user.save(update_fields=["is_active"])
            events.record("accounts:user:disabled_inactive", subject=user, days=90)
        disabled += 1
    return disabled
