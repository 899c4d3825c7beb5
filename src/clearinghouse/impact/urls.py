from django.urls import path, register_converter

from clearinghouse.impact import views


class StateCode:
    regex = "[A-Z]{2}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class DownloadFormat(StateCode):
    regex = "pdf|json|md|txt"


register_converter(StateCode, "state")
register_converter(DownloadFormat, "download")

app_name = "impact"
urlpatterns = [
    path("", views.home, name="home"),
    path("impact/<state:state>/<int:year>/", views.sheet, name="sheet"),
    path(
        "impact/<state:state>/<int:year>.<download:fmt>",
        views.sheet_download,
        name="sheet-download",
    ),
]
