"""Signing in with a password and then a code; confirming both again before a
privileged action; replacing the authenticator.

The password alone never signs anybody in: once it is right, the session (with a new
key) remembers for five minutes whose it was, and ``login`` is called only when a code
of that user's authenticator is right too. A user without a confirmed authenticator sets
one up on that second page (the secret is shown once, to the holder of the password).
A wrong code counts as a failed sign-in: five in 15 minutes lock the account.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView, redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from clearinghouse.accounts import signin, totp
from clearinghouse.accounts.models import SecondFactor, SecurityKey
from clearinghouse.accounts.routes import SIGNED_IN, declare, public
from clearinghouse.audit import events

PENDING = "signin_pending"  # session key: {"user", "backend", "next", "at"}
PENDING_FOR = datetime.timedelta(minutes=5)
REPLACING = "signin_replacing"  # session key: the key of the authenticator being set up
WRONG_CODE = "That code is not right, or was used already. Wait for the next one."


class SignInView(LoginView):
    """Django's sign-in form, whose success leads to the code, not into the site."""

    def form_valid(self, form):
        user = form.get_user()
        session = self.request.session
        session.cycle_key()
        session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_success_url(),
            "at": timezone.now().isoformat(),
        }
        return redirect("second-factor")


def pending_user(request):
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict):
        return None, None
    started = datetime.datetime.fromisoformat(pending["at"])
    if timezone.now() - started > PENDING_FOR:
        del request.session[PENDING]
        return None, None
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    if user is None or user.locked_at is not None:
        del request.session[PENDING]
        return None, None
    return user, pending


def complete_sign_in(request, user, pending) -> str:
    """Signs ``user`` in, the second factor given; returns where to go next."""
    del request.session[PENDING]
    login(request, user, backend=pending["backend"])
    return pending["next"]


def count_failure(request, user) -> None:
    """A wrong code is a failed sign-in: counted towards the lockout, and audited."""
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username()}, request=request
    )


@public
@sensitive_post_parameters()
@csrf_protect
@never_cache
def second_factor(request):
    user, pending = pending_user(request)
    if user is None:
        messages.info(request, "Sign in with your password first.")
        return redirect("login")
    factor, _ = SecondFactor.objects.get_or_create(
        user=user, defaults={"secret": totp.new_secret()}
    )
    setting_up = factor.confirmed_at is None
    error = ""
    if request.method == "POST":
        if signin.check_code(factor, request.POST.get("code", "")):
            if setting_up:
                factor.confirmed_at = timezone.now()
                factor.save(update_fields=["confirmed_at"])
                events.record("accounts:second_factor:set_up", subject=user)
            return redirect(complete_sign_in(request, user, pending))
        count_failure(request, user)
        user.refresh_from_db(fields=["locked_at"])
        if user.locked_at is not None:
            del request.session[PENDING]
            return redirect("login")
        error = WRONG_CODE
    has_keys = SecurityKey.objects.filter(user=user).exists()
    context = {"setting_up": setting_up and not has_keys, "error": error, "has_keys": has_keys}
    if context["setting_up"]:
        context |= {"secret": totp.grouped(factor.secret), "uri": totp.uri(factor.secret, user)}
    return render(request, "registration/second_factor.html", context)


def _safe_next(request, default: str) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return default


@declare(SIGNED_IN)
@sensitive_post_parameters()
@csrf_protect
@never_cache
def confirm(request):
    """The password and a code again, before a privileged action."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    user = request.user
    error = ""
    if request.method == "POST":
        factor = SecondFactor.objects.filter(user=user, confirmed_at__isnull=False).first()
        password_right = (
            authenticate(
                request, username=user.get_username(), password=request.POST.get("password", "")
            )
            is not None
        )
        if password_right and factor and signin.check_code(factor, request.POST.get("code", "")):
            signin.mark_confirmed(request)
            events.record("accounts:session:confirmed", subject=user)
            return redirect(_safe_next(request, reverse("tipline:home")))
        if password_right:  # a wrong password was counted already by authenticate
            count_failure(request, user)
        error = "The password or the code is not right."
    return render(
        request,
        "registration/confirm.html",
        {"error": error, "next": _safe_next(request, "")},
    )


@declare(SIGNED_IN)
@login_required
@sensitive_post_parameters()
@csrf_protect
@never_cache
def replace_second_factor(request):
    """A new authenticator in place of the old one: after a confirmation, and a first
    code from the new one (so that a typo cannot lock the user out)."""
    if not signin.confirmed_recently(request):
        return signin.ask_confirmation(reverse("second-factor-replace"))
    user = request.user
    secret = request.session.get(REPLACING) or totp.new_secret()
    request.session[REPLACING] = secret
    error = ""
    if request.method == "POST":
        factor, _ = SecondFactor.objects.get_or_create(user=user, defaults={"secret": secret})
        if signin.check_code(factor, request.POST.get("code", ""), secret=secret):
            factor.secret, factor.confirmed_at = secret, timezone.now()
            factor.save(update_fields=["secret", "confirmed_at"])
            del request.session[REPLACING]
            events.record("accounts:second_factor:replaced", subject=user)
            messages.success(request, "Your new authenticator is the one to use from now on.")
            return redirect("tipline:home")
        error = WRONG_CODE
    return render(
        request,
        "registration/second_factor_replace.html",
        {"secret": totp.grouped(secret), "uri": totp.uri(secret, user), "error": error},
    )


@public
def admin_sign_in(request):
    """The admin site's own sign-in page would skip the code: it sends to this one."""
    return redirect_to_login(_safe_next(request, reverse("admin:index")))
