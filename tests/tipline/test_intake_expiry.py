"""Open reports that are never finished expire: 24 hours after they were opened or 1 hour
after their last change, whichever is later."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command

import factories as make
from clearinghouse.tipline.intake import expire_stale_reports
from clearinghouse.tipline.models import TiplineReport

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2024, 3, 2, 12, 0, tzinfo=datetime.UTC)


def opened(hours_ago: float, changed_hours_ago: float | None = None, **fields) -> TiplineReport:
    changed = hours_ago if changed_hours_ago is None else changed_hours_ago
    fields.setdefault("status", TiplineReport.Status.OPEN)
    return make.make_report(
        None,
        source=TiplineReport.Source.ESP,
        received_at=NOW - datetime.timedelta(hours=hours_ago),
        last_changed_at=NOW - datetime.timedelta(hours=changed),
        **fields,
    )


def status_of(report: TiplineReport) -> str:
    return TiplineReport.objects.get(pk=report.pk).status


def test_it_expires_an_open_report_past_both_deadlines():
    stale = opened(25, changed_hours_ago=2)

    assert expire_stale_reports(NOW) == 1
    assert status_of(stale) == "expired"


def test_a_recent_change_keeps_an_old_report_open_for_an_hour():
    busy = opened(30, changed_hours_ago=0.5)

    assert expire_stale_reports(NOW) == 0
    assert status_of(busy) == "open"


def test_a_report_younger_than_a_day_stays_open_however_idle():
    young = opened(23, changed_hours_ago=23)

    assert expire_stale_reports(NOW) == 0
    assert status_of(young) == "open"


def test_finished_and_retracted_reports_are_left_alone():
    finished = opened(48, status=TiplineReport.Status.FINISHED)
    retracted = opened(48, status=TiplineReport.Status.RETRACTED)

    assert expire_stale_reports(NOW) == 0
    assert (status_of(finished), status_of(retracted)) == ("finished", "retracted")


def test_the_command_expires_stale_reports(capsys):
    stale = opened(24 * 10)

    call_command("tipline_expire")

    assert status_of(stale) == "expired"
    assert "Expired 1 open report." in capsys.readouterr().out
