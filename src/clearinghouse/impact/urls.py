from django.urls import path, register_converter

from clearinghouse.impact import pages, provenance_views, views


class StateCode:
    regex = "[A-Z]{2}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class DownloadFormat(StateCode):
    regex = "pdf|json|md|txt"


class TableFormat(StateCode):
    regex = "csv|xlsx"


class NationalFormat(StateCode):
    regex = "pdf|csv|xlsx|json"


class FigureKey(StateCode):
    regex = r"[a-z]+\.[a-z_]+"


register_converter(StateCode, "state")
register_converter(DownloadFormat, "download")
register_converter(TableFormat, "table")
register_converter(NationalFormat, "national")
register_converter(FigureKey, "figure")

app_name = "impact"
urlpatterns = [
    path("", views.home, name="home"),
    path("impact/national/<int:year>/", pages.national_page, name="national"),
    path(
        "impact/national/<int:year>.<national:fmt>",
        pages.national_download,
        name="national-download",
    ),
    path("impact/<state:state>/<int:year>/", views.sheet, name="sheet"),
    path("impact/<state:state>/<int:year>/trends/", pages.state_trends, name="state-trends"),
    path(
        "impact/<state:state>/<int:year>.<download:fmt>",
        views.sheet_download,
        name="sheet-download",
    ),
    path(
        "impact/<state:state>/<int:year>.<table:fmt>",
        pages.state_table_download,
        name="state-table-download",
    ),
    path(
        "impact/figures/<figure:key>/<int:year>/",
        provenance_views.figure_page,
        name="figure",
    ),
    path(
        "impact/figures/<figure:key>/<int:year>/records/",
        provenance_views.figure_records,
        name="figure-records",
    ),
    path(
        "impact/figures/<figure:key>/<int:year>/<state:state>/",
        provenance_views.figure_page,
        name="figure-state",
    ),
    path(
        "impact/figures/<figure:key>/<int:year>/<state:state>/records/",
        provenance_views.figure_records,
        name="figure-state-records",
    ),
]
