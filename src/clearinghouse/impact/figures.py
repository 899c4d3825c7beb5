"""Every figure of a state data sheet, defined once (records.md, "The figures").

Each figure is defined as a query over the platform's records for a year and, for state
figures, a jurisdiction (the full scan). The fact sheet, its JSON output and the web
pages all read figures through ``figure_value``; nothing else counts records for
publication.

Figures are read from the rollups (``impact.rollups``), which the database keeps equal
to the full scans as records are written; ``full_scan=True`` runs the definitions
themselves (the property test, the benchmark, repairs). ``as_of`` recomputes a figure
as the platform's records stood at a past moment, from the records' own timestamps:
see ``_as_of`` for what that can and cannot reproduce.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet

from clearinghouse.education.models import TrainingRegistration
from clearinghouse.impact import formatting
from clearinghouse.impact.models import PublishedStatistic
from clearinghouse.impact.rollups import store
from clearinghouse.impact.rollups.counters import FROM_CARE_LIKELY_CST
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


def as_of_moment(as_of: datetime.date | datetime.datetime) -> datetime.datetime:
    """The moment an "as of" stands for: a date means the end of that day (UTC), a
    naive time is UTC."""
    if isinstance(as_of, datetime.datetime):
        return as_of if as_of.tzinfo else as_of.replace(tzinfo=datetime.UTC)
    return datetime.datetime.combine(as_of, datetime.time.max, tzinfo=datetime.UTC)


def _as_of(as_of: datetime.datetime | None, *happened: str) -> Q:
    """Records as they stood at ``as_of``: recorded on the platform by then
    (``created_at``), with the times in ``happened`` (when it was received, reviewed,
    made available...) not later.

    What this cannot reproduce, because no history of it is kept: a record deleted
    since, and a field changed since that is not one of those times (a case's
    ``missing_from_care``/``reported_by``/``likely_cst_victim``/``state``, a report's
    jurisdiction, an agency's jurisdiction, a registration's profession, a line
    re-imported with ``--update``). Retracted and expired reports need no history: they
    were never finished, so they never counted."""
    if as_of is None:
        return Q()
    moments = Q(created_at__lte=as_of)
    for field in happened:
        moments &= Q(**{f"{field}__lte": as_of})
    return moments


def _finished_by(as_of: datetime.datetime | None) -> Q:
    """Finished reports, as of a moment: a report imported finished has no
    ``finished_at`` and counts as finished when received."""
    if as_of is None:
        return Q()
    return _as_of(as_of, "received_at") & (Q(finished_at__lte=as_of) | Q(finished_at__isnull=True))


# -- the queries -------------------------------------------------------------------------


def reports_received(year: int, as_of=None) -> QuerySet[TiplineReport]:
    """Reports received in the year, finished by their reporter and not retracted."""
    return TiplineReport.objects.filter(
        _in_year("received_at", year), _finished_by(as_of), status=TiplineReport.Status.FINISHED
    )


def missing_cases(year: int, state: str | None, as_of=None) -> QuerySet[MissingCase]:
    return MissingCase.objects.filter(
        _in_year("reported_at", year), _in_state("state", state), _as_of(as_of, "reported_at")
    )


def _from_care(cases: QuerySet[MissingCase]) -> QuerySet[MissingCase]:
    return cases.filter(missing_from_care=True).exclude(reported_by=MissingCase.ReportedBy.HHS_ORR)


def _hhs_orr(cases: QuerySet[MissingCase]) -> QuerySet[MissingCase]:
    return cases.filter(reported_by=MissingCase.ReportedBy.HHS_ORR)


def _count_distinct(queryset: QuerySet, field: str) -> int:
    return queryset.order_by().values(field).distinct().count()


def _tipline_reports_received(year, state, as_of=None):
    return reports_received(year, as_of).count()


def _tipline_files_received(year, state, as_of=None):
    return ReportFile.objects.filter(report__in=reports_received(year, as_of)).count()


def _tipline_reports_made_available(year, state, as_of=None):
    return TiplineReport.objects.filter(
        _in_year("made_available_at", year),
        _finished_by(as_of),
        _as_of(as_of, "made_available_at"),
        state=state,
        status=TiplineReport.Status.FINISHED,
    ).count()


def _cvip_children_identified(year, state, as_of=None):
    last_day = datetime.date(year, 12, 31)
    if as_of is not None:
        last_day = min(last_day, as_of.astimezone(datetime.UTC).date())
    return IdentifiedChild.objects.filter(_as_of(as_of), identified_at__lte=last_day).count()


def _cvip_submissions_reviewed(year, state, as_of=None):
    return CvipSubmission.objects.filter(
        _in_year("reviewed_at", year), _as_of(as_of, "reviewed_at"), agency__jurisdiction=state
    ).count()


def _missing_cases(year, state, as_of=None):
    return missing_cases(year, state, as_of).count()


def _missing_cases_from_care(year, state, as_of=None):
    return _from_care(missing_cases(year, state, as_of)).count()


def _missing_cases_hhs_orr(year, state, as_of=None):
    return _hhs_orr(missing_cases(year, state, as_of)).count()


def _missing_cases_other(year, state, as_of=None):
    cases = missing_cases(year, state, as_of)
    return cases.count() - _from_care(cases).count() - _hhs_orr(cases).count()


def _missing_from_care_likely_cst_pct(year, state, as_of=None):
    from_care = _from_care(missing_cases(year, state, as_of))
    return formatting.whole_percent(
        from_care.filter(likely_cst_victim=True).count(), from_care.count()
    )


def _cst_tipline_reports(year, state, as_of=None):
    return (
        reports_received(year, as_of)
        .filter(incident_type=IncidentType.CHILD_SEX_TRAFFICKING)
        .count()
    )


def _cst_agency_engagements(year, state, as_of=None):
    return CstEngagement.objects.filter(
        _in_year("engaged_at", year), _as_of(as_of, "engaged_at"), agency__jurisdiction=state
    ).count()


def _hope_families_supported(year, state, as_of=None):
    supported = PeerSupport.objects.filter(
        _in_year("supported_at", year), _in_state("state", state), _as_of(as_of, "supported_at")
    )
    return _count_distinct(supported, "family_id")


def _faon_families_connected(year, state, as_of=None):
    connected = MentalHealthReferral.objects.filter(
        _in_year("connected_at", year), _as_of(as_of, "connected_at"), state=state
    )
    return _count_distinct(connected, "family_id")


def _adam_cases_assisted(year, state, as_of=None):
    deployments = TeamAdamDeployment.objects.filter(
        _in_year("deployed_at", year), _as_of(as_of, "deployed_at"), state=state
    )
    return _count_distinct(deployments, "case_ref")


def _education_registered_users(year, state, as_of=None):
    _, end = year_bounds(year)
    return TrainingRegistration.objects.filter(
        _as_of(as_of, "registered_at"), registered_at__lt=end
    ).count()


def _education_new_professionals(year, state, as_of=None):
    return TrainingRegistration.objects.filter(
        _in_year("registered_at", year),
        _as_of(as_of, "registered_at"),
        state=state,
        profession__in=[
            TrainingRegistration.Profession.LAW_ENFORCEMENT,
            TrainingRegistration.Profession.CHILD_SERVING_PROFESSIONAL,
        ],
    ).count()


# -- the same figures from the rollups' counters ------------------------------------------


def _other_cases(counts: Mapping[str, int]) -> int:
    cases = counts["missing.cases"]
    return cases - counts["missing.cases_from_care"] - counts["missing.cases_hhs_orr"]


def _likely_cst_pct(counts: Mapping[str, int]) -> int:
    return formatting.whole_percent(counts[FROM_CARE_LIKELY_CST], counts["missing.cases_from_care"])


def _cases(value: int) -> str:
    return f"{value:,} {formatting.plural(value, 'case', 'cases')}"


# -- the registry ------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """``count(year, state, as_of=None)`` is the definition (a full scan);
    ``from_counts`` gives the same value from the rollups' counters of the figure's
    scope (by default the counter named as the figure)."""

    key: str
    scopes: tuple[str, ...]
    description: str
    count: Callable[..., int]
    display: Callable[[int], str] = formatting.exact
    from_counts: Callable[[Mapping[str, int]], int] | None = None

    def value_from(self, counts: Mapping[str, int]) -> int:
        return self.from_counts(counts) if self.from_counts else counts[self.key]


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
        Figure(
            "missing.cases_other",
            (STATE,),
            "Of those, all other cases",
            _missing_cases_other,
            from_counts=_other_cases,
        ),
        Figure(
            "missing.from_care_likely_cst_pct",
            (NATIONAL,),
            "Percent of children missing from care who were likely victims of child sex "
            "trafficking",
            _missing_from_care_likely_cst_pct,
            formatting.percent,
            _likely_cst_pct,
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
    as_of: datetime.datetime | None = None  # None: as the records stand now

    def as_json(self) -> dict:
        data = {
            "value": self.value,
            "text": self.text,
            "source": self.source,
            "citation": self.citation,
            "scope": self.scope,
        }
        if self.as_of is not None:
            data["as_of"] = self.as_of.isoformat()
        return data


def figure_value(
    key: str,
    year: int,
    state: str | None = None,
    *,
    as_of: datetime.date | datetime.datetime | None = None,
    full_scan: bool = False,
) -> FigureValue:
    """The figure ``key`` for a year, for a state or (``state=None``) the nation.

    A state figure always comes from records. A national figure comes from records or
    from a published statistic, as ``settings.NATIONAL_FIGURES`` says ("auto": the
    published statistic when one is loaded for that metric and year).

    From the rollups, unless ``full_scan`` or ``as_of`` (the records as they stood at
    that moment; a date means the end of that day, UTC) asks for the definition's
    query over the records themselves.
    """
    figure = FIGURES[key]
    scope = STATE if state else NATIONAL
    if scope not in figure.scopes:
        raise ValueError(f"{key} is not a {scope} figure")
    return _values([figure], year, state, as_of, full_scan)[key]


def _values(figures, year, state, as_of, full_scan) -> dict[str, FigureValue]:
    """The values of ``figures`` (all of the scope of ``state``), with one rollup read
    and one published-statistic query for all of them."""
    scope = STATE if state else NATIONAL
    moment = as_of_moment(as_of) if as_of is not None else None
    published = {}
    if scope == NATIONAL and settings.NATIONAL_FIGURES != "records":
        published = _published([figure.key for figure in figures], year, moment)
    counts = None
    values = {}
    for figure in figures:
        statistic = published.get(figure.key)
        if statistic is not None:
            value = formatting.whole(statistic.value)
            source, citation = "published", statistic.source
        elif scope == NATIONAL and settings.NATIONAL_FIGURES == "published":
            raise FigureUnavailable(f"no published statistic for {figure.key} in {year}")
        elif moment is not None or full_scan:
            value, source, citation = figure.count(year, state, moment), "records", None
        else:
            counts = counts if counts is not None else store.counts(year, state)
            value, source, citation = figure.value_from(counts), "records", None
        values[figure.key] = FigureValue(
            figure.key,
            scope,
            year,
            state,
            value,
            figure.display(value),
            source,
            citation,
            moment,
        )
    return values


def _published(keys, year, as_of) -> dict[str, PublishedStatistic]:
    statistics = PublishedStatistic.objects.filter(_as_of(as_of), metric__in=keys, year=year)
    return {statistic.metric: statistic for statistic in statistics}


def national_figures(
    year: int, *, as_of: datetime.date | datetime.datetime | None = None, full_scan=False
) -> dict[str, FigureValue]:
    """Every national figure of a year's sheets (the same on each state's sheet)."""
    figures = [figure for figure in FIGURES.values() if NATIONAL in figure.scopes]
    return _values(figures, year, None, as_of, full_scan)


def sheet_figures(
    state: str,
    year: int,
    national: dict[str, FigureValue] | None = None,
    *,
    as_of: datetime.date | datetime.datetime | None = None,
    full_scan: bool = False,
) -> dict[str, dict[str, FigureValue]]:
    """Every figure a state's sheet shows: ``{"state": {...}, "national": {...}}``.
    ``national`` gives the national figures when the caller has them already (all the
    sheets of a year share them)."""
    figures = [figure for figure in FIGURES.values() if STATE in figure.scopes]
    if national is None:
        national = national_figures(year, as_of=as_of, full_scan=full_scan)
    return {STATE: _values(figures, year, state, as_of, full_scan), NATIONAL: national}
