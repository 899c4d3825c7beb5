"""The impact pages beyond one sheet: the national page (figures, map, sortable table),
a state's trends and its rates per 100,000 children beside the national ones, and their
downloads (PDF, CSV, XLSX, JSON). Aggregate figures for publication, so no login; an
anonymous viewer gets them as public release mode says (``release.Release``)."""

from __future__ import annotations

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from clearinghouse.accounts import routes
from clearinghouse.geo.models import Jurisdiction
from clearinghouse.impact import national, overview, tables, tilemap
from clearinghouse.impact.charts import trend
from clearinghouse.impact.figures import FIGURES, STATE, FigureUnavailable
from clearinghouse.impact.population import SOURCE
from clearinghouse.impact.release import Release
from clearinghouse.impact.views import FIRST_YEAR, _valid_year, figure_url, picker

DEFAULT_FIGURE = "tipline.reports_made_available"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _year_or_404(year: int) -> int:
    if _valid_year(year) is None:
        raise Http404("No figures for that year.")
    return year


def _summary_or_404(year: int):
    try:
        return overview.year_summary(_year_or_404(year))
    except FigureUnavailable as error:
        raise Http404(str(error)) from None


def _choice(raw: str | None, choices, default: str) -> str:
    return raw if raw in choices else default


@routes.public
@require_GET
def national_page(request, year: int):
    release = Release.for_viewer(request.user)
    summary = overview.released(_summary_or_404(year), release)
    table = overview.rows(summary)
    figure = _choice(request.GET.get("figure"), overview.STATE_KEYS, DEFAULT_FIGURE)
    measure = _choice(request.GET.get("measure"), ("count", "rate"), "count")
    sort = _choice(request.GET.get("sort"), ("name", *overview.STATE_KEYS), "name")
    descending = request.GET.get("order") == "desc"
    state_keys = overview.STATE_KEYS
    return render(
        request,
        "impact/national.html",
        {
            "year": year,
            "release": release,
            "national": [
                (key, FIGURES[key].description, summary.national[key], figure_url(key, year))
                for key in summary.national_keys
            ],
            "map": _map(table, year, figure, measure),
            "legend": tilemap.legend(_shaded(table, figure, measure)),
            "figure": figure,
            "measure": measure,
            "state_keys": [(key, FIGURES[key].description) for key in overview.STATE_KEYS],
            "columns": _columns(request, sort, descending),
            "rows": [
                (row, [(row.values[key], figure_url(key, year, row.code)) for key in state_keys])
                for row in overview.sort_rows(table, sort, descending, release)
            ],
            "downloads": _downloads("impact:national-download", {"year": year}),
            "population_source": SOURCE,
            **picker(year),
        },
    )


def _shaded(table, figure: str, measure: str) -> dict:
    if measure == "rate":
        return {row.code: row.rates[figure] for row in table}
    return {row.code: row.values[figure].value for row in table}


def _map(table, year: int, figure: str, measure: str):
    values = _shaded(table, figure, measure)
    if measure == "count":
        texts = {row.code: row.values[figure].text for row in table}
    else:
        texts = {code: "" if rate is None else f"{rate:,}" for code, rate in values.items()}
    described = FIGURES[figure].description
    label = f"Map of the jurisdictions shaded by {described}" + (
        ", per 100,000 children" if measure == "rate" else ""
    )
    sheets = {row.code: reverse("impact:sheet", args=[row.code, year]) for row in table}
    return tilemap.svg(values, texts, {row.code: row.name for row in table}, sheets, label)


def _columns(request, sort: str, descending: bool) -> list[tuple[str, str, str, str]]:
    """(key, title, link that sorts by it, aria-sort) for each column that sorts."""
    columns = []
    for key in ("name", *overview.STATE_KEYS):
        current = key == sort
        order = "asc" if current and descending else "desc"
        if key == "name" and not current:
            order = "asc"
        query = request.GET.copy()
        query["sort"], query["order"] = key, order
        state = ("descending" if descending else "ascending") if current else "none"
        title = "Jurisdiction" if key == "name" else key
        columns.append((key, title, "?" + query.urlencode(), state))
    return columns


def _downloads(name: str, kwargs: dict, formats=("pdf", "csv", "xlsx", "json")) -> list:
    return [(fmt.upper(), reverse(name, kwargs={**kwargs, "fmt": fmt})) for fmt in formats]


@routes.public
@require_GET
def national_download(request, year: int, fmt: str):
    release = Release.for_viewer(request.user)
    summary = overview.released(_summary_or_404(year), release)
    if fmt == "json":
        return JsonResponse(release.mark(national.as_dict(summary)))
    if fmt == "pdf":
        return _file(national.as_pdf(summary), "application/pdf", f"national-{year}.pdf")
    if fmt == "csv":
        document = tables.as_csv(tables.jurisdictions_table(summary))
        return _file(document, "text/csv; charset=utf-8", f"national-{year}.csv")
    workbook = tables.as_xlsx(
        {
            "National": tables.national_table(summary),
            "Jurisdictions": tables.jurisdictions_table(summary),
            "About": tables.about_table(release),
        }
    )
    return _file(workbook, XLSX, f"national-{year}.xlsx")


def _file(content, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if content_type == "application/pdf" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def _state_view(state: str, year: int, release: Release):
    """The state's released sheet, its rates, the national rates and its trend."""
    get_object_or_404(Jurisdiction, code=state)
    summary = _summary_or_404(year)
    sheet = release.sheet(next(sheet for sheet in summary.sheets if sheet.state == state))
    years = list(range(FIRST_YEAR, year + 1))
    return (
        sheet,
        overview.state_rates(sheet),
        overview.national_rates(summary),
        overview.trend(state, years, release),
    )


@routes.public
@require_GET
def state_trends(request, state: str, year: int):
    """The state page's trends and comparison: a fragment the sheet page loads (htmx),
    or a page of its own without a script."""
    release = Release.for_viewer(request.user)
    sheet, rates, national_rates, series = _state_view(state, _year_or_404(year), release)
    charts = [
        (
            key,
            FIGURES[key].description,
            trend(points, f"{FIGURES[key].description}, by year"),
            figure_url(key, year, state),
        )
        for key, points in series.items()
    ]
    comparison = [
        (
            key,
            FIGURES[key].description,
            value,
            rates[key],
            national_rates[key],
            figure_url(key, year, state),
        )
        for key, value in sheet.figures[STATE].items()
    ]
    template = (
        "impact/state_trends.html"
        if request.headers.get("HX-Request")
        else ("impact/state_trends_page.html")
    )
    return render(
        request,
        template,
        {
            "sheet": sheet,
            "year": year,
            "charts": charts,
            "comparison": comparison,
            "population_source": SOURCE,
            "release": release,
            **picker(year, state),
        },
    )


@routes.public
@require_GET
def state_table_download(request, state: str, year: int, fmt: str):
    release = Release.for_viewer(request.user)
    sheet, rates, national_rates, series = _state_view(state, _year_or_404(year), release)
    figures_table = tables.state_table(sheet, rates, national_rates)
    name = f"{state.lower()}-data-{year}.{fmt}"
    if fmt == "csv":
        return _file(tables.as_csv(figures_table), "text/csv; charset=utf-8", name)
    workbook = tables.as_xlsx(
        {
            "Figures": figures_table,
            "Trend": tables.trend_table(series),
            "About": tables.about_table(release),
        }
    )
    return _file(workbook, XLSX, name)
