"""The figures' rollups: kept by the database on every write path, compacted by the
scheduler, rebuilt and checked by ``clearinghouse rollups``; and figures "as of" a past
moment, recomputed from the records' own timestamps."""

from __future__ import annotations

import datetime
import io
import json

import pytest
import record_builders as make
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models.signals import post_migrate

from clearinghouse.accounts.models import Organization
from clearinghouse.core import schedule
from clearinghouse.impact.figures import figure_value, sheet_figures
from clearinghouse.impact.models import PublishedStatistic
from clearinghouse.impact.rollups import schema, store
from clearinghouse.impact.rollups.check import differences
from clearinghouse.missing.models import MissingCase
from clearinghouse.tipline import credentials, intake
from clearinghouse.tipline.models import TiplineReport

pytestmark = pytest.mark.django_db

at = make.at


def value(key, year=2023, state=None, **options):
    return figure_value(key, year, state, **options).value


def values(sheet):
    return {scope: {key: v.value for key, v in figures.items()} for scope, figures in sheet.items()}


def report_document(incident_type_label: str) -> intake.ReportDocument:
    return intake.ReportDocument(
        text="<report>synthetic</report>",
        incident_type_label=incident_type_label,
        incident_at=at("2023-04-30T00:00:00Z"),
    )


def test_reports_from_the_reporting_api_count_once_finished_and_never_when_retracted():
    credential = credentials.create("Example Social", "example-social").credential
    now = at("2023-05-01T10:00:00Z")
    opened = intake.submit(credential, report_document("Child Sex Trafficking"), now=now)
    withdrawn = intake.submit(credential, report_document("Child Sex Trafficking"), now=now)
    assert value("tipline.reports_received") == 0

    intake.finish(credential, opened.external_id, now=now)
    intake.retract(credential, withdrawn.external_id, now=now)

    assert value("tipline.reports_received") == 1
    assert value("cst.tipline_reports") == 1
    assert value("tipline.reports_received", full_scan=True) == 1


def test_compaction_folds_the_deltas_in_and_changes_no_figure():
    make.arkansas_2023(national=False)
    before = values(sheet_figures("AR", 2023))
    assert store.pending() > 0

    job = next(job for job in schedule.JOBS if job.name == "impact_rollups_compact")
    folded = job.function()

    assert folded > 0
    assert store.pending() == 0
    assert values(sheet_figures("AR", 2023)) == before
    assert before["state"]["tipline.reports_made_available"] == 5_070
    assert differences(2023) == []  # every jurisdiction and the nation


def test_a_bulk_load_with_the_triggers_off_is_counted_by_a_rebuild():
    make.missing_cases(2, state="AR")
    schema.drop_triggers(connection)
    make.missing_cases(3, state="AR", missing_from_care=True)
    schema.install_triggers(connection)
    assert value("missing.cases", state="AR") == 2
    with pytest.raises(CommandError, match="figures differ from their full scans"):
        quiet = {"stdout": io.StringIO(), "stderr": io.StringIO()}
        call_command("rollups", "check", "--year", "2023", **quiet)

    out = io.StringIO()
    call_command("rollups", "rebuild", stdout=out)

    assert "Rebuilt" in out.getvalue()
    assert value("missing.cases", state="AR") == 5
    assert value("missing.cases_from_care") == 3
    checked = io.StringIO()
    call_command("rollups", "check", "--year", "2023", "--year", "2024", stdout=checked)
    assert "equals its full scan" in checked.getvalue()


def test_migrating_puts_back_triggers_a_table_rebuild_lost_and_counts_what_they_missed():
    schema.drop_triggers(connection)  # as SQLite's table remake during a migration does
    make.missing_cases(2, state="AR")
    assert schema.missing_triggers(connection) > 0

    post_migrate.send(
        sender=apps.get_app_config("impact"),
        app_config=apps.get_app_config("impact"),
        verbosity=0,
        interactive=False,
        using=connection.alias,
        apps=apps,
        plan=[],
    )

    assert schema.missing_triggers(connection) == 0
    assert value("missing.cases", state="AR") == 2
    make.missing_cases(1, state="AR")
    assert value("missing.cases", state="AR") == 3


def test_check_needs_a_year():
    with pytest.raises(CommandError, match="--year"):
        call_command("rollups", "check", stdout=io.StringIO())


def test_an_agency_that_moves_takes_its_submissions_and_engagements_along():
    make.cvip_submissions(2, state="AR", reviewed_at="2023-09-01T00:00:00Z")
    make.cst_engagements(1, state="AR")

    Organization.objects.filter(jurisdiction_id="AR").update(jurisdiction_id="TX")

    assert value("cvip.submissions_reviewed", state="AR") == 0
    assert value("cvip.submissions_reviewed", state="TX") == 2
    assert value("cst.agency_engagements", state="TX") == 1
    assert differences(2023, ["AR", "TX"]) == []


def test_emptying_a_table_at_once_empties_its_counters_and_no_other():
    make.reports(3, state="AR", made_available_at="2023-03-01T00:00:00Z", files=2)
    make.missing_cases(2, state="AR")
    store.compact()

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # TRUNCATE runs no row trigger: the statement's own trigger empties them.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("TRUNCATE tipline_reportfile, tipline_tiplinereport CASCADE")
        else:  # SQLite has no TRUNCATE: a DELETE without WHERE runs the row triggers
            cursor.execute("DELETE FROM tipline_reportfile")
            cursor.execute("DELETE FROM tipline_tiplinereport")

    assert value("tipline.reports_received") == 0
    assert value("tipline.files_received") == 0
    assert value("tipline.reports_made_available", state="AR") == 0
    assert value("missing.cases", state="AR") == 2


# -- as of ---------------------------------------------------------------------------------


def recorded(queryset, when: str) -> None:
    """Pretends the rows were written on the platform at ``when``."""
    queryset.update(created_at=at(when))


def test_a_figure_as_of_a_past_moment_counts_what_had_happened_and_was_recorded():
    [report] = make.reports(
        1,
        state="AR",
        received_at="2023-03-01T00:00:00Z",
        made_available_at="2023-06-01T00:00:00Z",
        files=2,
    )
    recorded(TiplineReport.objects.filter(pk=report.pk), "2023-03-01T00:00:00Z")
    TiplineReport.objects.filter(pk=report.pk).update(finished_at=at("2023-04-01T00:00:00Z"))

    def made_available(as_of):
        return value("tipline.reports_made_available", state="AR", as_of=as_of)

    assert value("tipline.reports_received", as_of=datetime.date(2023, 3, 15)) == 0  # open
    assert value("tipline.files_received", as_of=datetime.date(2023, 5, 1)) == 2
    assert made_available(datetime.date(2023, 5, 1)) == 0
    assert made_available(datetime.date(2023, 6, 1)) == 1  # the end of that day
    assert made_available(at("2023-05-31T23:59:59Z")) == 0
    assert made_available(None) == 1


def test_a_record_loaded_later_is_not_in_a_figure_as_of_before_it_was_loaded():
    make.missing_cases(1, state="AR")
    recorded(MissingCase.objects.all(), "2023-05-02T00:00:00Z")
    make.missing_cases(1, state="AR")  # backfilled now, with a 2023 date
    make.published("missing.cases", 2023, 28_886)
    recorded(PublishedStatistic.objects.all(), "2024-03-01T00:00:00Z")

    as_of = figure_value("missing.cases", 2023, "AR", as_of=datetime.date(2024, 1, 31))
    national = figure_value("missing.cases", 2023, as_of=datetime.date(2024, 1, 31))

    assert as_of.value == 1
    assert as_of.as_json()["as_of"] == "2024-01-31T23:59:59.999999+00:00"
    assert value("missing.cases", state="AR") == 2
    assert (national.value, national.source) == (1, "records")  # not published yet
    assert value("missing.cases", as_of=datetime.date(2024, 3, 1)) == 28_886


def test_the_factsheet_reproduces_a_sheet_as_of_a_date():
    make.reports(2, state="AR", made_available_at="2023-06-01T00:00:00Z")
    recorded(TiplineReport.objects.all(), "2023-01-02T00:00:00Z")
    make.reports(3, state="AR", made_available_at="2023-12-01T00:00:00Z")
    out = io.StringIO()

    call_command(
        "factsheet", "--state", "AR", "--year", "2023", "--format", "json",
        "--as-of", "2023-07-01", stdout=out,
    )  # fmt: skip

    figure = json.loads(out.getvalue())["figures"]["tipline.reports_made_available"]
    assert (figure["value"], figure["as_of"]) == (2, "2023-07-01T23:59:59.999999+00:00")
    now = io.StringIO()
    call_command("factsheet", "--state", "AR", "--year", "2023", "--format", "json", stdout=now)
    current = json.loads(now.getvalue())["figures"]["tipline.reports_made_available"]
    assert current["value"] == 5
    assert "as_of" not in current


@pytest.mark.parametrize(
    ("given", "message"),
    [("last tuesday", "give a date"), ("2023-13-01", "give a date"), ("2999-01-01", "future")],
)
def test_the_factsheet_refuses_a_bad_as_of_and_writes_nothing(tmp_path, given, message):
    target = tmp_path / "AR.json"
    with pytest.raises(CommandError, match=message):
        call_command(
            "factsheet", "--state", "AR", "--year", "2023", "--format", "json",
            "--as-of", given, "--output", str(target),
        )  # fmt: skip
    assert not target.exists()
