"""Training registrations in the JSON API (``/api/education/``): administrators only,
like the page; each listing is audited, since it carries names and addresses."""

# No "from __future__ import annotations": django-ninja reads these annotations at import.

import datetime

from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from clearinghouse.accounts import access
from clearinghouse.audit import events
from clearinghouse.core.pagination import Pages
from clearinghouse.education.models import TrainingRegistration

router = Router(tags=["education"])


class RegistrationOut(Schema):
    id: int
    external_id: str
    registered_at: datetime.datetime
    state: str = Field(alias="state_id")
    profession: TrainingRegistration.Profession
    full_name: str
    email: str
    job_title: str
    agency_name: str


class RegistrationFilter(Schema):
    state: str | None = Field(None, description="USPS code, e.g. AR")
    profession: TrainingRegistration.Profession | None = None
    registered_from: datetime.datetime | None = None
    registered_to: datetime.datetime | None = Field(None, description="Exclusive.")

    def lookups(self) -> dict:
        given = {
            "state": self.state.upper() if self.state else None,
            "profession": self.profession,
            "registered_at__gte": self.registered_from,
            "registered_at__lt": self.registered_to,
        }
        return {lookup: value for lookup, value in given.items() if value is not None}


@router.get("/registrations", response=list[RegistrationOut], summary="List registrations")
@paginate(Pages, page_size=100)
def list_registrations(request, filters: Query[RegistrationFilter]):
    if access.scope_for(request.user, TrainingRegistration).reach is access.Reach.NONE:
        raise HttpError(403, "Your role has no access to training registrations.")
    events.record(
        "education:registration:listed",
        actor=request.user,
        via="api",
        filters=filters.model_dump(mode="json", exclude_none=True),
    )
    registrations = access.visible(request.user, TrainingRegistration)
    return registrations.filter(**filters.lookups()).order_by("-registered_at", "-pk")
