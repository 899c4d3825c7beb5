from django.contrib import admin
from django.urls import include, path

from clearinghouse.api import api
from clearinghouse.tipline import urls as tipline_urls

admin.site.site_header = "Clearinghouse administration"
admin.site.site_title = "Clearinghouse"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/", api.urls),
    path("ispws/", include("clearinghouse.tipline.ispws.urls")),
    path("tipline/", include("clearinghouse.tipline.urls", namespace="tipline")),
    path("report/", include((tipline_urls.public_urlpatterns, "report"))),
    path("", include("clearinghouse.impact.urls", namespace="impact")),
]
