"""What the support API's modules share: refusing a role, turning a refused workflow step
into a 400, finding a record within the caller's scope."""

from django.shortcuts import get_object_or_404
from ninja.errors import HttpError

from clearinghouse.accounts import access
from clearinghouse.support.services import SupportError


def allowed_or_403(request, allowed, what: str) -> None:
    if not allowed(request.user):
        raise HttpError(403, f"Your role has no access to {what}.")


def run_step(step):
    """Runs a workflow step; a refusal is a 400 with its reason."""
    try:
        return step()
    except SupportError as error:
        raise HttpError(400, str(error)) from None


def get_visible(request, model, pk, **lookups):
    return get_object_or_404(access.visible(request.user, model), pk=pk, **lookups)
