"""The pages of recovery services (``cst``), Team HOPE (``hope``) and the outreach
network (``faon``) under ``/support/``.

Thin like the tipline's: each view finds its record through ``access.visible`` (out of
scope is a 404), checks the form, calls the workflow and redirects; a refused step comes
back as the same page with the reason and a 400, and nothing stored.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from clearinghouse.accounts import routes
from clearinghouse.support import services
from clearinghouse.support.services import SupportError


def submit(request, form, run: Callable[[dict], object], *, success: str, then, page):
    """Runs ``run(cleaned_data)`` when ``form`` is valid and redirects to ``then`` (a
    URL, or a callable of the result); otherwise ``page(form)`` with a 400."""
    if form.is_valid():
        try:
            result = run(form.cleaned_data)
        except SupportError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, success)
            return redirect(then(result) if callable(then) else then)
    response = page(form)
    response.status_code = 400
    return response


@routes.declare(routes.SIGNED_IN)
@require_GET
@login_required
def home(request):
    """Each role's first page of the support programs."""
    if services.is_case_manager(request.user):
        return redirect("support:families")
    if services.works_on_engagements(request.user):
        return redirect("support:engagements")
    return render(request, "support/no_access.html", status=403)
