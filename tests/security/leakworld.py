"""The records and callers that the route walk uses: in Arkansas and in Texas, one of
each kind of record, each carrying marker strings that no page shows unless it shows
that record (``leak-AR-...``), and the whole cast of callers.

A marker names the record it belongs to, so that the walk can tell a leak from a record
the caller may see: the answer is ``access.can_view`` (the rules themselves are tested
in ``tests/accounts``). A marker that is on a published poster is public to a Poster API
partner; every other marker is private to whoever may see its record.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model
from django.test import Client
from PIL import Image

import factories as make
from clearinghouse.accounts import access
from clearinghouse.media import vault
from clearinghouse.missing.models import CasePhoto
from clearinghouse.posterapi import credentials as poster_credentials
from clearinghouse.posterapi import publishing
from clearinghouse.support.models import (
    Family,
    MentalHealthProvider,
    MentalHealthReferral,
    PeerMatch,
    Volunteer,
)
from clearinghouse.tipline import credentials as esp_credentials
from clearinghouse.victimid.models import CvipItem

STATES = ("AR", "TX")


@dataclass(frozen=True)
class Marker:
    text: str
    record: Model
    on_poster: bool = False


@dataclass
class Caller:
    """Somebody calling the site: a user signed in through a session, or a reporting
    API credential, a Poster API partner or a visitor (``user`` is then anonymous)."""

    name: str
    user: object
    headers: dict[str, str] = field(default_factory=dict)

    def client(self) -> Client:
        client = Client(raise_request_exception=False, headers=self.headers)
        if self.user.is_authenticated:
            client.force_login(self.user)
        return client


@dataclass
class LeakWorld:
    callers: dict[str, Caller]
    records: dict[tuple[str, str], Model]  # (kind, state) -> record
    markers: list[Marker]

    def may_see(self, caller: Caller) -> set[str]:
        """The markers this caller may be shown."""
        if caller.name == "poster_partner":
            return {marker.text for marker in self.markers if marker.on_poster}
        return {
            marker.text for marker in self.markers if access.can_view(caller.user, marker.record)
        }


def _png(colour: tuple[int, int, int]) -> bytes:
    picture = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(picture, "PNG")
    return picture.getvalue()


def _state_records(state: str, cast, marks: list[Marker]) -> dict[str, Model]:
    def mark(text: str, record: Model, on_poster: bool = False) -> str:
        marks.append(Marker(text, record, on_poster))
        return text

    hex_tag = "ae0" if state == "AR" else "7e0"  # file hashes must stay hexadecimal
    officer = cast.ar_officer if state == "AR" else cast.tx_officer
    agency = (
        cast.ar_agency_staff.organization
        if state == "AR"
        else make.make_social_service_agency(state)
    )
    found = {}
    available = make.make_report(
        state,
        external_id=f"leak-{state}-report-available",
        made_available_at="2023-06-02T00:00:00",
        document=f"leak-{state}-report-document",
    )
    mark(available.external_id, available)
    mark(available.document, available)
    held = make.make_report(state, external_id=f"leak-{state}-report-held")
    mark(held.external_id, held)
    found["report"] = available
    found["held_report"] = held
    found["file"] = make.make_report_file(available, md5=f"{hex_tag}1" * 8, sha1=f"{hex_tag}1" * 10)
    mark(found["file"].md5, found["file"])
    found["held_file"] = make.make_report_file(held, md5=f"{hex_tag}2" * 8, sha1=f"{hex_tag}2" * 10)
    mark(found["held_file"].md5, found["held_file"])

    submission = make.make_cvip_submission(
        officer.organization, external_id=f"leak-{state}-cvip", kind="files"
    )
    mark(submission.external_id, submission)
    found["submission"] = submission
    item = CvipItem.objects.create(
        submission=submission, position=1, name=f"leak-{state}-cvip-item.jpg"
    )
    mark(item.name, item)
    child = make.make_identified_child(
        external_id=f"leak-{state}-identified",
        agency=officer.organization,
        submission=submission,
        series=f"leak-{state}-series",
    )
    mark(child.external_id, child)
    mark(child.series, child)

    case = make.make_missing_case(
        state,
        external_id=f"leak-{state}-case",
        child_first_name=f"Leak{state}First",
        child_last_name=f"Leak{state}Last",
        circumstances=f"leak-{state}-circumstances",
        reporter_name=f"leak-{state}-reporter",
        custodial_agency=agency,
    )
    for text in (case.external_id, case.child_first_name, case.child_last_name):
        mark(text, case, on_poster=True)
    mark(case.circumstances, case)
    mark(case.reporter_name, case)
    found["case"] = case
    blob = vault.put(_png((200, 10, 10) if state == "AR" else (10, 10, 200)), declared_name="p.png")
    found["photo"] = CasePhoto.objects.create(case=case, blob=blob, file_name="p.png")
    poster = publishing.publish(case, cast.case_manager)
    found["poster"] = poster
    found["poster_photo"] = poster.photos.first()
    deployment = make.make_team_adam_deployment(
        state,
        external_id=f"leak-{state}-adam",
        case_ref=case.external_id,
        case=case,
        request_reason=f"leak-{state}-adam-reason",
    )
    mark(deployment.external_id, deployment)
    mark(deployment.request_reason, deployment)
    found["deployment"] = deployment

    engagement = make.make_cst_engagement(
        agency, external_id=f"leak-{state}-cst", recovery_plan=f"leak-{state}-recovery-plan"
    )
    mark(engagement.external_id, engagement)
    mark(engagement.recovery_plan, engagement)
    found["engagement"] = engagement
    family = Family.objects.create(
        external_id=f"leak-{state}-family",
        state_id=state,
        display_name=f"leak-{state}-family-name",
        contact=f"leak-{state}-family-contact",
    )
    mark(family.display_name, family)
    mark(family.contact, family)
    found["family"] = family
    volunteer = Volunteer.objects.create(
        name=f"leak-{state}-volunteer", state_id=state, training_status="trained"
    )
    mark(volunteer.name, volunteer)
    found["volunteer"] = volunteer
    found["match"] = PeerMatch.objects.create(
        family=family, volunteer=volunteer, matched_at=make.at("2023-06-03T00:00:00")
    )
    provider = MentalHealthProvider.objects.create(name=f"leak-{state}-provider", state_id=state)
    mark(provider.name, provider)
    found["provider"] = provider
    referral = MentalHealthReferral.objects.create(
        external_id=f"leak-{state}-referral",
        family_id=family.external_id,
        state_id=state,
        provider=provider,
        notes=f"leak-{state}-referral-notes",
    )
    mark(referral.notes, referral)
    found["referral"] = referral
    registration = make.make_training_registration(
        state, full_name=f"leak-{state}-trainee", email=f"leak-{state.lower()}@example.org"
    )
    mark(registration.full_name, registration)
    return found


def build() -> LeakWorld:
    cast = make.make_cast()
    markers: list[Marker] = []
    records = {
        (kind, state): record
        for state in STATES
        for kind, record in _state_records(state, cast, markers).items()
    }
    esp = esp_credentials.create("Leak test platform", "leak-platform")
    basic = base64.b64encode(f"{esp.credential.username}:{esp.password}".encode()).decode()
    partner = poster_credentials.create("PARTNER", "A distribution partner")
    token, _ = poster_credentials.issue_token(partner.client.client_id, partner.secret)
    callers = {name: Caller(name, user) for name, user in cast}
    callers["esp"] = Caller("esp", AnonymousUser(), {"Authorization": f"Basic {basic}"})
    callers["poster_partner"] = Caller(
        "poster_partner", AnonymousUser(), {"Authorization": f"Bearer {token}"}
    )
    return LeakWorld(callers, records, markers)
