"""The records behind each figure: figure key -> queryset, so that every published number
can be traced to the rows that make it, first as counts by category, then as a list.

The querysets are built from ``figures``' own query functions (``reports_received``,
``missing_cases`` and the filters on them) wherever figures.py has one; the others repeat
the one filter of the figure's count. ``tests/impact/test_provenance.py`` checks, for
every figure, that counting these records gives the figure, so the two cannot drift.
Who may see which of these records is ``accounts.access``'s business, never this
module's: the list goes through ``access.visible``.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce

from django.db.models import Count, F, Model, QuerySet
from django.db.models.functions import TruncMonth

from clearinghouse.accounts import access
from clearinghouse.education.models import TrainingRegistration
from clearinghouse.impact import figures
from clearinghouse.impact.figures import FIGURES, NATIONAL, STATE
from clearinghouse.missing.models import TeamAdamDeployment
from clearinghouse.support.models import CstEngagement, MentalHealthReferral, PeerSupport
from clearinghouse.tipline.models import IncidentType, ReportFile, TiplineReport
from clearinghouse.victimid.models import CvipSubmission, IdentifiedChild

MONTH = "month"


class UnknownFigure(LookupError):
    """No such figure, or not for that scope (a national figure asked for a state)."""


@dataclass(frozen=True)
class Source:
    """Where a figure's records are and how to show them.

    ``category`` is the field the counts are broken down by (``MONTH``: the month of
    ``date``, for records whose other fields say too much, such as an agency's name);
    ``date`` is the time that puts a record in the figure's year; ``distinct`` names what
    the figure counts when it is not the records themselves (one family supported twice
    is one family).
    """

    records: Callable[[int, str | None], QuerySet]
    category: str
    date: str
    distinct: str = ""
    related: tuple[str, ...] = ()
    title: Callable[[Model], str] = lambda record: record.external_id


def _files(year, state):
    return ReportFile.objects.filter(report__in=figures.reports_received(year))


def _made_available(year, state):
    return TiplineReport.objects.filter(
        figures._in_year("made_available_at", year),
        state=state,
        status=TiplineReport.Status.FINISHED,
    )


def _children_identified(year, state):
    return IdentifiedChild.objects.filter(identified_at__lte=datetime.date(year, 12, 31))


def _submissions_reviewed(year, state):
    return CvipSubmission.objects.filter(
        figures._in_year("reviewed_at", year), agency__jurisdiction=state
    )


def _cases_other(year, state):
    cases = figures.missing_cases(year, state)
    named = [figures._from_care(cases), figures._hhs_orr(cases)]
    return reduce(lambda rest, part: rest.exclude(pk__in=part.values("pk")), named, cases)


def _cst_reports(year, state):
    return figures.reports_received(year).filter(incident_type=IncidentType.CHILD_SEX_TRAFFICKING)


def _engagements(year, state):
    return CstEngagement.objects.filter(
        figures._in_year("engaged_at", year), agency__jurisdiction=state
    )


def _peer_support(year, state):
    return PeerSupport.objects.filter(
        figures._in_year("supported_at", year), figures._in_state("state", state)
    )


def _referrals(year, state):
    return MentalHealthReferral.objects.filter(figures._in_year("connected_at", year), state=state)


def _deployments(year, state):
    return TeamAdamDeployment.objects.filter(figures._in_year("deployed_at", year), state=state)


def _registered(year, state):
    _, end = figures.year_bounds(year)
    return TrainingRegistration.objects.filter(registered_at__lt=end)


def _new_professionals(year, state):
    return TrainingRegistration.objects.filter(
        figures._in_year("registered_at", year),
        state=state,
        profession__in=[
            TrainingRegistration.Profession.LAW_ENFORCEMENT,
            TrainingRegistration.Profession.CHILD_SERVING_PROFESSIONAL,
        ],
    )


def _cases(year, state):
    return figures.missing_cases(year, state)


SOURCES: dict[str, Source] = {
    "tipline.reports_received": Source(
        lambda year, state: figures.reports_received(year), "incident_type", "received_at"
    ),
    "tipline.files_received": Source(
        _files,
        "media_type",
        "report__received_at",
        related=("report",),
        title=lambda file: f"{file.report.external_id} file {file.position + 1}",
    ),
    "tipline.reports_made_available": Source(_made_available, "incident_type", "made_available_at"),
    "cvip.children_identified": Source(_children_identified, MONTH, "identified_at"),
    "cvip.submissions_reviewed": Source(_submissions_reviewed, MONTH, "reviewed_at"),
    "missing.cases": Source(_cases, "case_type", "reported_at"),
    "missing.cases_from_care": Source(
        lambda year, state: figures._from_care(_cases(year, state)), "case_type", "reported_at"
    ),
    "missing.cases_hhs_orr": Source(
        lambda year, state: figures._hhs_orr(_cases(year, state)), "case_type", "reported_at"
    ),
    "missing.cases_other": Source(_cases_other, "reported_by", "reported_at"),
    "missing.from_care_likely_cst_pct": Source(
        lambda year, state: figures._from_care(_cases(year, state)),
        "likely_cst_victim",
        "reported_at",
    ),
    "cst.tipline_reports": Source(_cst_reports, "state", "received_at"),
    "cst.agency_engagements": Source(_engagements, MONTH, "engaged_at"),
    "hope.families_supported": Source(_peer_support, MONTH, "supported_at", distinct="family_id"),
    "faon.families_connected": Source(_referrals, MONTH, "connected_at", distinct="family_id"),
    "adam.cases_assisted": Source(_deployments, MONTH, "deployed_at", distinct="case_ref"),
    "education.registered_users": Source(_registered, "profession", "registered_at"),
    "education.new_professionals": Source(_new_professionals, "profession", "registered_at"),
}


def source(key: str, state: str | None) -> Source:
    """The source of figure ``key`` in the scope ``state`` gives (None: national)."""
    figure = FIGURES.get(key)
    if figure is None or (STATE if state else NATIONAL) not in figure.scopes:
        raise UnknownFigure(f"no {'state' if state else 'national'} figure {key!r}")
    return SOURCES[key]


def records(key: str, year: int, state: str | None = None) -> QuerySet:
    """Every record behind the figure, whoever asks (for counting, never for showing)."""
    return source(key, state).records(year, state)


def counts_by_category(key: str, year: int, state: str | None = None) -> list[tuple[str, int]]:
    """The records behind the figure counted by their category, largest first."""
    found = source(key, state)
    queryset = records(key, year, state).order_by()
    if found.category == MONTH:
        rows = queryset.annotate(category=TruncMonth(found.date)).values("category")
    else:
        rows = queryset.values(category=F(found.category))
    counted = rows.annotate(records=Count("pk")).values_list("category", "records")
    labels = _labels(queryset.model, found.category)
    return sorted(
        ((labels(category), number) for category, number in counted),
        key=lambda row: (-row[1], row[0]),
    )


def _labels(model: type[Model], category: str) -> Callable[[object], str]:
    if category == MONTH:
        return lambda value: value.strftime("%Y-%m") if value else "unknown"
    field = model._meta.get_field(category)
    choices = dict(field.choices or ())
    if field.get_internal_type() == "BooleanField":
        return lambda value: {True: "yes", False: "no"}.get(value, "unknown")
    return lambda value: str(choices.get(value, value)) if value not in (None, "") else "none"


def visible_records(user, key: str, year: int, state: str | None = None) -> QuerySet:
    """The records behind the figure that ``user`` may see, oldest first."""
    found = source(key, state)
    queryset = access.visible(user, records(key, year, state))
    return queryset.select_related(*found.related).order_by(found.date, "pk")


def may_list(user, key: str, state: str | None = None) -> bool:
    """Whether the user's role sees any record of the figure's kind at all (the link to
    the list is offered only then)."""
    model = records(key, 2000, state).model  # any year: building a queryset runs no query
    return access.scope_for(user, model).reach is not access.Reach.NONE


def describe(key: str, record: Model) -> tuple[str, object, str]:
    """One row of the list: the record's name, its date and its category."""
    found = SOURCES[key]
    date = reduce(getattr, found.date.split("__"), record)
    if found.category == MONTH:
        category = date.strftime("%Y-%m")
    else:
        category = _labels(type(record), found.category)(
            getattr(record, type(record)._meta.get_field(found.category).attname)
        )
    return found.title(record), date, category
