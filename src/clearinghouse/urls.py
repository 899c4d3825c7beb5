from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Clearinghouse administration"
admin.site.site_title = "Clearinghouse"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("clearinghouse.impact.urls", namespace="impact")),
]
