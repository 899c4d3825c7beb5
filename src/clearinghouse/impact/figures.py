"""Every figure of a state data sheet, defined once (records.md, "The figures").

Each figure is a query over the platform's records for a year and, for state figures, a
jurisdiction. The fact sheet, its JSON output and the web pages all read figures through
``figure_value``; nothing else counts records for publication.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet

from clearinghouse.education.models import TrainingRegistration
from clearinghouse.impact import formatting
from clearinghouse.impact.models import PublishedStatistic
from clearinghouse.missing.models import MissingCase, TeamAdamDeployment
from clearinghouse.support.models import CstEngagement, MentalHealthReferral, PeerSupport
from clearinghouse.tipline.models import IncidentType, ReportFile, TiplineReport
from clearinghouse.victimid.models import CvipSubmission, IdentifiedChild

NATIONAL = "national"
STATE = "state"

# Bumped whenever a definition below changes meaning, so that published numbers can be
# traced to the rules that produced them.
DEFINITIONS_VERSION = "2023.1"


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The calendar year in UTC, as a half-open interval [start, end)."""
    start = datetime.datetime(year, 1, 1, tzinfo=datetime.UTC)
    return start, start.replace(year=year + 1)


def _in_year(field: str, year: int) -> Q:
    start, end = year_bounds(year)
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def _in_state(field: str, state: str | None) -> Q:
    return Q(**{field: state}) if state else Q()


# -- the queries -------------------------------------------------------------------------


def reports_received(year: int) -> QuerySet[TiplineReport]:
    """Reports received in the year, finished by their reporter and not retracted."""
    return TiplineReport.objects.filter(
        _in_year("received_at", year), status=TiplineReport.Status.FINISHED
    )


def missing_cases(year: int, state: str | None) -> QuerySet[MissingCase]:
    return MissingCase.objects.filter(_in_year("reported_at", year), _in_state("state", state))


def _from_care(cases: QuerySet[MissingCase]) -> QuerySet[MissingCase]:
    return cases.filter(missing_from_care=True).exclude(reported_by=MissingCase.ReportedBy.HHS_ORR)


def _hhs_orr(cases: QuerySet[MissingCase]) -> QuerySet[MissingCase]:
    return cases.filter(reported_by=MissingCase.ReportedBy.HHS_ORR)


def _count_distinct(queryset: QuerySet, field: str) -> int:
    return queryset.order_by().values(field).distinct().count()


def _tipline_reports_received(year, state):
    return reports_received(year).count()


def _tipline_files_received(year, state):
    return ReportFile.objects.filter(report__in=reports_received(year)).count()


def _tipline_reports_made_available(year, state):
    return TiplineReport.objects.filter(
        _in_year("made_available_at", year),
        state=state,
        status=TiplineReport.Status.FINISHED,
    ).count()


def _cvip_children_identified(year, state):
    return IdentifiedChild.objects.filter(identified_at__lte=datetime.date(year, 12, 31)).count()


def _cvip_submissions_reviewed(year, state):
    return CvipSubmission.objects.filter(
        _in_year("reviewed_at", year), agency__jurisdiction=state
    ).count()


def _missing_cases(year, state):
    return missing_cases(year, state).count()


def _missing_cases_from_care(year, state):
    return _from_care(missing_cases(year, state)).count()


def _missing_cases_hhs_orr(year, state):
    return _hhs_orr(missing_cases(year, state)).count()


def _missing_cases_other(year, state):
    cases = missing_cases(year, state)
    return cases.count() - _from_care(cases).count() - _hhs_orr(cases).count()


def _missing_from_care_likely_cst_pct(year, state):
    from_care = _from_care(missing_cases(year, state))
    return formatting.whole_percent(
        from_care.filter(likely_cst_victim=True).count(), from_care.count()
    )


def _cst_tipline_reports(year, state):
    return reports_received(year).filter(incident_type=IncidentType.CHILD_SEX_TRAFFICKING).count()


def _cst_agency_engagements(year, state):
    return CstEngagement.objects.filter(
        _in_year("engaged_at", year), agency__jurisdiction=state
    ).count()


def _hope_families_supported(year, state):
    supported = PeerSupport.objects.filter(
        _in_year("supported_at", year), _in_state("state", state)
    )
    return _count_distinct(supported, "family_id")


def _faon_families_connected(year, state):
    connected = MentalHealthReferral.objects.filter(_in_year("connected_at", year), state=state)
    return _count_distinct(connected, "family_id")


def _adam_cases_assisted(year, state):
    deployments = TeamAdamDeployment.objects.filter(_in_year("deployed_at", year), state=state)
    return _count_distinct(deployments, "case_ref")


def _education_registered_users(year, state):
    _, end = year_bounds(year)
    return TrainingRegistration.objects.filter(registered_at__lt=end).count()


def _education_new_professionals(year, state):
    return TrainingRegistration.objects.filter(
        _in_year("registered_at", year),
        state=state,
        profession__in=[
            TrainingRegistration.Profession.LAW_ENFORCEMENT,
            TrainingRegistration.Profession.CHILD_SERVING_PROFESSIONAL,
        ],
    ).count()


def _cases(value: int) -> str:
    return f"{value:,} {formatting.plural(value, 'case', 'cases')}"


# -- the registry ------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    key: str
    scopes: tuple[str, ...]
    description: str
    count: Callable[[int, str | None], int]
    display: Callable[[int], str] = formatting.exact


FIGURES: dict[str, Figure] = {
    figure.key: figure
    for figure in [
        Figure(
            "tipline.reports_received",
            (NATIONAL,),
            "CyberTipline reports received in the year (finished, not retracted)",
            _tipline_reports_received,
            formatting.millions_one_decimal,
        ),
        Figure(
            "tipline.files_received",
            (NATIONAL,),
            "Files in those reports",
            _tipline_files_received,
            formatting.more_than_millions,
        ),
        Figure(
            "tipline.reports_made_available",
            (STATE,),
            "Reports made available to law enforcement in the jurisdiction in the year",
            _tipline_reports_made_available,
        ),
        Figure(
            "cvip.children_identified",
            (NATIONAL,),
            "Children identified, cumulative to the end of the year",
            _cvip_children_identified,
        ),
        Figure(
            "cvip.submissions_reviewed",
            (STATE,),
            "CVIP submissions from the jurisdiction's agencies reviewed in the year",
            _cvip_submissions_reviewed,
        ),
        Figure(
            "missing.cases",
            (NATIONAL, STATE),
            "Missing child cases reported in the year",
            _missing_cases,
        ),
        Figure(
            "missing.cases_from_care",
            (NATIONAL, STATE),
            "Of those, children missing from care (not reported by HHS-ORR)",
            _missing_cases_from_care,
        ),
        Figure(
            "missing.cases_hhs_orr",
            (STATE,),
            "Of those, reported by HHS-ORR",
            _missing_cases_hhs_orr,
        ),
        Figure("missing.cases_other", (STATE,), "Of those, all other cases", _missing_cases_other),
        Figure(
            "missing.from_care_likely_cst_pct",
            (NATIONAL,),
            "Percent of children missing from care who were likely victims of child sex "
            "trafficking",
            _missing_from_care_likely_cst_pct,
            formatting.percent,
        ),
        Figure(
            "cst.tipline_reports",
            (NATIONAL,),
            "CyberTipline reports of child sex trafficking received in the year",
            _cst_tipline_reports,
            formatting.more_than_hundreds,
        ),
        Figure(
            "cst.agency_engagements",
            (STATE,),
            "Child sex trafficking engagements with the jurisdiction's social service "
            "agencies in the year",
            _cst_agency_engagements,
        ),
        Figure(
            "hope.families_supported",
            (NATIONAL, STATE),
            "Survivors and families given Team HOPE peer support in the year",
            _hope_families_supported,
        ),
        Figure(
            "faon.families_connected",
            (STATE,),
            "Survivors and families connected to mental health services in the year",
            _faon_families_connected,
        ),
        Figure(
            "adam.cases_assisted",
            (STATE,),
            "Cases with a Team Adam deployment in the year",
            _adam_cases_assisted,
            _cases,
        ),
        Figure(
            "education.registered_users",
            (NATIONAL,),
            "Training platform registrations, cumulative to the end of the year",
            _education_registered_users,
            formatting.more_than_thousands,
        ),
        Figure(
            "education.new_professionals",
            (STATE,),
            "New law enforcement and child-serving professionals registered in the year",
            _education_new_professionals,
        ),
    ]
}
KEYS = tuple(FIGURES)


class FigureUnavailable(Exception):
    """A national figure must come from a published statistic and none was loaded."""


@dataclass(frozen=True)
class FigureValue:
    key: str
    scope: str
    year: int
    state: str | None
    value: int
    text: str
    source: str  # "records" or "published"
    citation: str | None

    def as_json(self) -> dict:
        return {
            "value": self.value,
            "text": self.text,
            "source": self.source,
            "citation": self.citation,
            "scope": self.scope,
        }


def figure_value(key: str, year: int, state: str | None = None) -> FigureValue:
    """The figure ``key`` for a year, for a state or (``state=None``) the nation.

    A state figure always comes from records. A national figure comes from records or
    from a published statistic, as ``settings.NATIONAL_FIGURES`` says ("auto": the
    published statistic when one is loaded for that metric and year).
    """
    figure = FIGURES[key]
    scope = STATE if state else NATIONAL
    if scope not in figure.scopes:
        raise ValueError(f"{key} is not a {scope} figure")
    if scope == NATIONAL and settings.NATIONAL_FIGURES != "records":
        published = PublishedStatistic.objects.filter(metric=key, year=year).first()
        if published is not None:
            value = formatting.whole(published.value)
            return FigureValue(
                key, scope, year, None, value, figure.display(value), "published", published.source
            )
        if settings.NATIONAL_FIGURES == "published":
            raise FigureUnavailable(f"no published statistic for {key} in {year}")
    value = figure.count(year, state)
    return FigureValue(key, scope, year, state, value, figure.display(value), "records", None)


def national_figures(year: int) -> dict[str, FigureValue]:
    """Every national figure of a year's sheets (the same on each state's sheet)."""
    return {
        figure.key: figure_value(figure.key, year)
        for figure in FIGURES.values()
        if NATIONAL in figure.scopes
    }


def sheet_figures(
    state: str, year: int, national: dict[str, FigureValue] | None = None
) -> dict[str, dict[str, FigureValue]]:
    """Every figure a state's sheet shows: ``{"state": {...}, "national": {...}}``.
    ``national`` gives the national figures when the caller has them already (all the
    sheets of a year share them)."""
    state_values = {
        figure.key: figure_value(figure.key, year, state)
        for figure in FIGURES.values()
        if STATE in figure.scopes
    }
    return {
        STATE: state_values,
        NATIONAL: national if national is not None else national_figures(year),
    }
