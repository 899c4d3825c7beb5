"""The triage service: queue order, the location-review queue, making a report
available and placing it by hand."""

import pytest

import factories as make
from clearinghouse.audit.models import AuditEvent
from clearinghouse.tipline import triage
from clearinghouse.tipline.models import IncidentType, TiplineReport

pytestmark = pytest.mark.django_db

MADE_AVAILABLE = "2023-06-02T09:00:00Z"


@pytest.fixture
def analyst():
    return make.make_analyst()


def scored(*args, **fields):
    report = make.make_report(*args, **fields)
    triage.prioritize(report)
    return report


def ids(reports):
    return [report.external_id for report in reports]


def test_it_orders_the_queue_by_urgency_then_batched_last_then_age(analyst):
    plain_old = scored(external_id="plain-old", received_at="2023-01-01T00:00:00Z")
    plain_new = scored(external_id="plain-new", received_at="2023-02-01T00:00:00Z")
    batched = scored(external_id="batched", batched=True, escalated=True)
    trafficking = scored(
        external_id="trafficking", incident_type=IncidentType.CHILD_SEX_TRAFFICKING
    )
    sextortion = scored(external_id="sextortion", annotations=["sextortion"])
    escalated = scored(external_id="escalated", escalated=True)

    queue = triage.analyst_queue(analyst)

    assert ids(queue) == ids([escalated, sextortion, trafficking, plain_old, plain_new, batched])


def test_spam_and_sadistic_annotations_weigh_as_they_should():
    assert triage.priority_for(make.make_report(annotations=["spam"])) == 0
    assert (
        triage.priority_for(make.make_report(annotations=["sadisticOnlineExploitation"]))
        == triage.IMMINENT_DANGER
    )
    assert (
        triage.priority_for(make.make_report(incident_type=IncidentType.ONLINE_ENTICEMENT))
        == triage.URGENT_INCIDENT_TYPE
    )


def test_a_report_with_a_file_on_a_hash_bank_is_known_material():
    from clearinghouse.banks.models import BankHash, HashBank

    known = make.make_report(files=1)
    known.files.update(md5="a" * 32)
    new = make.make_report(files=1)
    new.files.update(md5="0" * 32)
    bank = HashBank.objects.create(name="known series")
    BankHash.objects.create(bank=bank, hash_type="md5", value="a" * 32)
    assert triage.matches_known_hash_list(new) is False
    assert triage.matches_known_hash_list(known) is True
    assert triage.priority_for(known) == triage.KNOWN_HASH_MATCH

    bank.enabled = False
    bank.save()
    assert triage.matches_known_hash_list(known) is False


def test_the_queue_leaves_out_unfinished_available_and_unplaced_reports(analyst):
    waiting = make.make_report("AR")
    make.make_report("AR", made_available_at=MADE_AVAILABLE)
    make.make_report("AR", status=TiplineReport.Status.OPEN)
    make.make_report("AR", status=TiplineReport.Status.RETRACTED)
    make.make_report("AR", status=TiplineReport.Status.EXPIRED)
    make.make_report(None)
    make.make_report("AR", needs_location_review=True)

    assert ids(triage.analyst_queue(analyst)) == [waiting.external_id]


def test_the_location_review_queue_holds_unplaced_and_disputed_reports(analyst):
    unplaced = make.make_report(None, external_id="unplaced")
    us_without_state = make.make_report(None, country="US", external_id="us-no-state")
    disputed = make.make_report("AR", needs_location_review=True, external_id="disputed")
    make.make_report("AR")
    make.make_report(None, country="CA")

    assert set(ids(triage.location_review_queue(analyst))) == set(
        ids([unplaced, us_without_state, disputed])
    )


def test_queues_are_empty_for_roles_without_tipline_access():
    make.make_report("AR")
    assert not triage.analyst_queue(make.make_case_manager()).exists()


def test_make_available_refers_the_report_and_audits_it(analyst):
    report = make.make_report("AR")

    triage.make_available(report, analyst)

    report.refresh_from_db()
    assert report.made_available_at is not None
    assert report.made_available_by == analyst
    event = AuditEvent.objects.get(action="tipline:report:made_available")
    assert (event.actor, event.subject_id) == (analyst, str(report.pk))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"status": TiplineReport.Status.OPEN}, "Only a finished report"),
        ({"status": TiplineReport.Status.RETRACTED}, "Only a finished report"),
        ({"made_available_at": MADE_AVAILABLE}, "already available"),
        ({"state": None}, "US jurisdiction"),
        ({"state": None, "country": "CA"}, "US jurisdiction"),
        ({"needs_location_review": True}, "needs review"),
    ],
)
def test_make_available_refuses_a_report_it_cannot_refer(analyst, fields, message):
    fields = {"state": "AR", **fields}
    report = make.make_report(fields.pop("state"), **fields)

    with pytest.raises(triage.TriageError, match=message):
        triage.make_available(report, analyst)

    assert not AuditEvent.objects.filter(action="tipline:report:made_available").exists()


@pytest.mark.parametrize("role", ["officer", "case_manager"])
def test_only_an_analyst_or_admin_makes_a_report_available(role):
    user = make.make_officer("AR") if role == "officer" else make.make_case_manager()
    with pytest.raises(triage.TriageError, match="Only an analyst"):
        triage.make_available(make.make_report("AR"), user)


def test_an_admin_may_triage():
    report = triage.make_available(make.make_report("AR"), make.make_admin())
    assert report.made_available_at is not None


def test_set_jurisdiction_places_a_report_and_settles_its_review(analyst):
    report = make.make_report(None, needs_location_review=True)

    triage.set_jurisdiction(report, analyst, "TX")

    report.refresh_from_db()
    assert (report.country, report.state_id, report.needs_location_review) == ("US", "TX", False)
    assert report.location_confidence == "high"
    event = AuditEvent.objects.get(action="tipline:report:located")
    assert event.detail == {"state": "TX", "previous": None}
    assert ids(triage.analyst_queue(analyst)) == [report.external_id]


def test_set_jurisdiction_refuses_an_unknown_state_and_an_available_report(analyst):
    with pytest.raises(triage.TriageError, match="Choose a state"):
        triage.set_jurisdiction(make.make_report(None), analyst, "ZZ")
    with pytest.raises(triage.TriageError, match="already available"):
        triage.set_jurisdiction(
            make.make_report("AR", made_available_at=MADE_AVAILABLE), analyst, "TX"
        )
