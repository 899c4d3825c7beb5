"""The published sheets: a state/year picker, and each sheet as HTML, PDF, JSON, Markdown
and text. Sheets are aggregate figures meant for publication, so they need no login; an
anonymous viewer gets them as public release mode says (``release.Release``)."""

from __future__ import annotations

import datetime

from django.db.models import Max
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from clearinghouse.accounts import routes
from clearinghouse.geo.models import Jurisdiction
from clearinghouse.impact import render as sheet_render
from clearinghouse.impact.figures import FigureUnavailable
from clearinghouse.impact.release import Release
from clearinghouse.impact.sheet import UnknownJurisdiction, build_sheet
from clearinghouse.missing.models import MissingCase

FIRST_YEAR = 2015


def _years() -> list[int]:
    return list(range(datetime.date.today().year, FIRST_YEAR - 1, -1))


def _default_year() -> int:
    """The latest year the records reach, else last year."""
    latest = MissingCase.objects.aggregate(latest=Max("reported_at"))["latest"]
    return latest.year if latest else datetime.date.today().year - 1


def _valid_year(raw) -> int | None:
    try:
        year = int(raw)
    except (TypeError, ValueError):
        return None
    return year if FIRST_YEAR <= year <= datetime.date.today().year else None


@routes.public
@require_GET
def home(request):
    state = request.GET.get("state", "")
    year = _valid_year(request.GET.get("year"))
    jurisdictions = Jurisdiction.objects.order_by("name")
    if state and year and jurisdictions.filter(code=state).exists():
        return redirect("impact:sheet", state=state, year=year)
    return render(
        request,
        "impact/home.html",
        {
            "jurisdictions": jurisdictions,
            "years": _years(),
            "selected_state": state or "AR",
            "selected_year": year or _default_year(),
            "error": "Choose a state and a year from the lists." if request.GET else "",
        },
    )


def picker(year: int, state: str = "") -> dict:
    """What the header's state/year picker needs on every impact page."""
    return {
        "jurisdictions": Jurisdiction.objects.order_by("name"),
        "years": _years(),
        "selected_state": state,
        "selected_year": year,
    }


def figure_url(key: str, year: int, state: str | None = None) -> str:
    """The page of the records behind a figure (``provenance_views``)."""
    if state:
        return reverse("impact:figure-state", kwargs={"key": key, "year": year, "state": state})
    return reverse("impact:figure", kwargs={"key": key, "year": year})


def _sheet_or_404(state: str, year: int):
    if _valid_year(year) is None:
        raise Http404("No sheet for that year.")
    try:
        return build_sheet(state, year)
    except UnknownJurisdiction:
        raise Http404("No such state.") from None
    except FigureUnavailable as error:
        raise Http404(str(error)) from None


@routes.public
@require_GET
def sheet(request, state: str, year: int):
    sheet = Release.for_viewer(request.user).sheet(_sheet_or_404(state, year))
    links = {
        fmt: reverse(
            "impact:sheet-download", kwargs={"state": sheet.state, "year": year, "fmt": ext}
        )
        for fmt, ext in (("PDF", "pdf"), ("JSON", "json"), ("Markdown", "md"), ("Text", "txt"))
    }
    links |= {
        fmt: reverse(
            "impact:state-table-download", kwargs={"state": sheet.state, "year": year, "fmt": ext}
        )
        for fmt, ext in (("CSV", "csv"), ("XLSX", "xlsx"))
    }

    def linked(figure: str) -> str:
        scope, key = figure.split(":")
        return figure_url(key, year, sheet.state if scope == "state" else None)

    return render(
        request,
        "impact/sheet.html",
        {
            "sheet": sheet,
            "body": sheet_render.html_blocks(sheet, linked),
            "jurisdictions": Jurisdiction.objects.order_by("name"),
            "years": _years(),
            "selected_state": sheet.state,
            "selected_year": year,
            "links": links,
        },
    )


_DOWNLOADS = {
    "pdf": ("pdf", "application/pdf"),
    "json": ("json", "application/json"),
    "md": ("markdown", "text/markdown; charset=utf-8"),
    "txt": ("text", "text/plain; charset=utf-8"),
}


@routes.public
@require_GET
def sheet_download(request, state: str, year: int, fmt: str):
    release = Release.for_viewer(request.user)
    sheet = release.sheet(_sheet_or_404(state, year))
    if fmt == "json":
        return JsonResponse(release.mark(sheet_render.as_dict(sheet)))
    name, content_type = _DOWNLOADS[fmt]
    response = HttpResponse(sheet_render.render(sheet, name), content_type=content_type)
    filename = f"{sheet.state.lower()}-data-{year}.{fmt}"
    disposition = "inline" if fmt == "pdf" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
