"""Provenance pages: from a published figure to the records behind it.

The figure's page gives its definition, its value and the records counted by category,
to everyone (aggregates, released as the viewer's ``Release`` says). The list of the
records themselves is for signed-in staff, scoped by ``accounts.access`` (an officer sees
their jurisdiction's reports, not another state's), and every page of it is audited.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from clearinghouse.accounts import routes
from clearinghouse.audit import events
from clearinghouse.geo.models import Jurisdiction
from clearinghouse.impact import provenance
from clearinghouse.impact.figures import (
    DEFINITIONS_VERSION,
    FIGURES,
    STATE,
    FigureUnavailable,
    figure_value,
    sheet_figures,
)
from clearinghouse.impact.release import Release
from clearinghouse.impact.views import _valid_year, picker

PAGE_SIZE = 50


def _checked(key: str, year: int, state: str | None) -> Jurisdiction | None:
    """Raises 404 for a year, jurisdiction or figure that has no page."""
    if _valid_year(year) is None:
        raise Http404("No figures for that year.")
    jurisdiction = get_object_or_404(Jurisdiction, code=state) if state else None
    try:
        provenance.source(key, state)
    except provenance.UnknownFigure as error:
        raise Http404(str(error)) from None
    return jurisdiction


def _released_value(release: Release, key: str, year: int, state: str | None):
    """The figure as the sheet shows it: a state figure is released with the sheet's
    other state figures, so a part withheld beside its total stays withheld here."""
    try:
        if state is None:
            return release.figure(figure_value(key, year))
        return release.figures(sheet_figures(state, year, national={})[STATE])[key]
    except FigureUnavailable as error:
        raise Http404(str(error)) from None


@routes.public
@require_GET
def figure_page(request, key: str, year: int, state: str | None = None):
    jurisdiction = _checked(key, year, state)
    release = Release.for_viewer(request.user)
    value = _released_value(release, key, year, state)
    withheld = value.value is None
    categories = [] if withheld else release.counts(provenance.counts_by_category(key, year, state))
    total = provenance.records(key, year, state).count()
    records_url = None
    if request.user.is_authenticated and provenance.may_list(request.user, key, state):
        records_url = _records_url(key, year, state)
    return render(
        request,
        "impact/figure.html",
        {
            "key": key,
            "figure": FIGURES[key],
            "year": year,
            "jurisdiction": jurisdiction,
            "value": value,
            "withheld": withheld,
            "total": None if withheld else release.count(total),
            "categories": categories,
            "distinct": provenance.source(key, state).distinct,
            "records_url": records_url,
            "definitions_version": DEFINITIONS_VERSION,
            "release": release,
            **picker(year, state or ""),
        },
    )


def _records_url(key: str, year: int, state: str | None) -> str:
    if state:
        return reverse(
            "impact:figure-state-records", kwargs={"key": key, "year": year, "state": state}
        )
    return reverse("impact:figure-records", kwargs={"key": key, "year": year})


@routes.declare(routes.SIGNED_IN)
@require_GET
@login_required
def figure_records(request, key: str, year: int, state: str | None = None):
    """The records behind a figure that the viewer may see, 50 a page, audited."""
    jurisdiction = _checked(key, year, state)
    if not provenance.may_list(request.user, key, state):
        raise PermissionDenied("Your role does not give access to these records.")
    visible = provenance.visible_records(request.user, key, year, state)
    page = Paginator(visible, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(record.pk, *provenance.describe(key, record)) for record in page.object_list]
    with transaction.atomic():
        events.record(
            "impact:provenance:listed",
            actor=request.user,
            figure=key,
            year=year,
            state=state or "",
            page=page.number,
            records=[str(pk) for pk, *_ in rows],
        )
    return render(
        request,
        "impact/figure_records.html",
        {
            "key": key,
            "figure": FIGURES[key],
            "year": year,
            "jurisdiction": jurisdiction,
            "rows": rows,
            "page": page,
            "visible_count": page.paginator.count,
            "total": provenance.records(key, year, state).count(),
            "figure_url": request.path.removesuffix("records/"),
            **picker(year, state or ""),
        },
    )
