"""The audit viewer (``/audit/``) and its CSV export: administrators only, filtered,
and itself audited."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.utils import timezone

import factories as make
from clearinghouse.audit import chain, events
from clearinghouse.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

LIST = "/audit/"
CSV = "/audit/events.csv"


@pytest.fixture
def cast():
    return make.make_cast()


@pytest.fixture
def trail(cast):
    report = make.make_report("AR")
    viewed = events.record(
        "tipline:report:viewed", actor=cast.analyst, subject=report, via="triage"
    )
    made_available = events.record(
        "tipline:report:made_available", actor=cast.analyst, subject=report, state="AR"
    )
    exported = events.record("media:bank:exported", actor=cast.admin, hashes=3)
    chain.seal()
    return {"viewed": viewed, "made_available": made_available, "exported": exported}


def rows(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def listed_actions(response) -> list[str]:
    return [event.action for event in response.context["page"]]


def test_an_administrator_reads_the_trail_newest_first(client, cast, trail):
    client.force_login(cast.admin)

    response = client.get(LIST)

    assert response.status_code == 200
    shown = [action for action in listed_actions(response) if not action.startswith("accounts:")]
    assert shown == [
        "media:bank:exported",
        "tipline:report:made_available",
        "tipline:report:viewed",
    ]
    body = response.content.decode()
    assert "Sealed up to event 3" in body and AuditEvent.objects.get(sequence=3).hash in body


@pytest.mark.parametrize(
    "name", ["analyst", "case_manager", "ar_officer", "tx_officer", "ar_agency_staff", "no_role"]
)
def test_nobody_else_reads_or_exports_it(client, cast, trail, name):
    client.force_login(getattr(cast, name))

    assert client.get(LIST).status_code == 403
    assert client.get(CSV).status_code == 403
    assert not AuditEvent.objects.filter(action__startswith="audit:").exists()


def test_an_anonymous_visitor_is_sent_to_sign_in(client, trail):
    for url in (LIST, CSV):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_superuser_without_a_role_reads_it(client, trail):
    client.force_login(make.make_superuser())
    assert client.get(LIST).status_code == 200


def test_it_filters_by_actor_action_subject_and_dates(client, cast, trail):
    client.force_login(cast.admin)
    report_id = trail["viewed"].subject_id

    by_actor = client.get(LIST, {"actor": "analyst"})
    by_action = client.get(LIST, {"action": "tipline:report:made_available"})
    by_subject = client.get(
        LIST, {"subject_type": "tipline.tiplinereport", "subject_id": report_id}
    )
    today = timezone.now().date()
    today_only = client.get(LIST, {"since": today, "until": today, "actor": "admin"})
    tomorrow = client.get(LIST, {"since": today + datetime.timedelta(days=1)})

    assert listed_actions(by_actor) == ["tipline:report:made_available", "tipline:report:viewed"]
    assert listed_actions(by_action) == ["tipline:report:made_available"]
    assert listed_actions(by_subject) == ["tipline:report:made_available", "tipline:report:viewed"]
    assert "media:bank:exported" in listed_actions(today_only)
    assert listed_actions(tomorrow) == []


def test_a_bad_filter_is_a_clear_error_that_shows_nothing(client, cast, trail):
    client.force_login(cast.admin)

    backwards = client.get(LIST, {"since": "2024-05-02", "until": "2024-05-01"})
    unknown = client.get(LIST, {"action": "<script>x</script>"})
    export = client.get(CSV, {"action": "<script>x</script>"})

    assert backwards.status_code == 400
    assert "The start date is after the end date." in backwards.content.decode()
    assert backwards.context["page"].paginator.count == 0
    shown = unknown.content.decode()
    assert unknown.status_code == 400 and "Choose an action from the list." in shown
    assert "<script>x" not in shown and "&lt;script&gt;x" not in shown
    assert export.status_code == 400 and export["Content-Type"].startswith("text/plain")
    assert export.content.decode() == "Invalid filter: action."


def test_listing_is_audited_with_its_filters(client, cast, trail):
    client.force_login(cast.admin)

    client.get(LIST, {"action": "tipline:report:viewed"})

    event = AuditEvent.objects.get(action="audit:event:listed")
    assert event.actor == cast.admin
    assert event.detail == {
        "filters": {"action": "tipline:report:viewed"},
        "page": 1,
        "count": 1,
    }


def test_the_export_is_a_csv_of_the_filtered_events_and_is_audited(client, cast, trail):
    client.force_login(cast.admin)

    response = client.get(CSV, {"actor": "analyst"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    exported = rows(response)
    assert [row["action"] for row in exported] == [
        "tipline:report:made_available",
        "tipline:report:viewed",
    ]
    viewed = AuditEvent.objects.get(pk=trail["viewed"].pk)
    assert exported[1] == {
        "sequence": str(viewed.sequence),
        "at": viewed.at.isoformat(),
        "actor": "analyst",
        "action": "tipline:report:viewed",
        "subject_type": "tipline.tiplinereport",
        "subject_id": viewed.subject_id,
        "detail": '{"via": "triage"}',
        "hash": viewed.hash,
    }
    event = AuditEvent.objects.get(action="audit:event:exported")
    assert (event.actor, event.detail) == (
        cast.admin,
        {"filters": {"actor": "analyst"}, "count": 2},
    )


def test_exported_cells_never_run_as_spreadsheet_formulas(client, cast):
    AuditEvent.objects.create(action="tipline:report:viewed", subject_id='=HYPERLINK("x")')
    client.force_login(cast.admin)

    exported = rows(client.get(CSV, {"action": "tipline:report:viewed"}))

    assert exported[0]["subject_id"] == '\'=HYPERLINK("x")'
    assert exported[0]["sequence"] == ""  # not sealed yet
