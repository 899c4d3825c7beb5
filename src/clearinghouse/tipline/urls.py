"""The tipline's pages under ``/tipline/`` (namespace ``tipline``), and the public report
form, which the root URLconf mounts at ``/report/`` (namespace ``report``)."""

from django.urls import path

from clearinghouse.tipline import portal_views, views

app_name = "tipline"

urlpatterns = [
    path("", views.home, name="home"),
    path("queue/", views.queue, name="queue"),
    path("review/", views.location_review, name="review"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/make-available/", views.make_available, name="make-available"),
    path("reports/<int:pk>/jurisdiction/", views.set_jurisdiction, name="set-jurisdiction"),
    path("files/<int:pk>/", views.file_view, name="file"),
    path("files/<int:pk>/thumbnail.jpg", views.file_thumbnail, name="file-thumbnail"),
    path("portal/", portal_views.queue, name="portal-queue"),
    path("portal/<int:pk>/", portal_views.detail, name="portal-report"),
    path("portal/<int:pk>/acknowledge/", portal_views.acknowledge, name="portal-acknowledge"),
    path("portal/<int:pk>/assign/", portal_views.assign, name="portal-assign"),
    path("portal/<int:pk>/close/", portal_views.close, name="portal-close"),
]

public_urlpatterns = [
    path("", views.public_report, name="form"),
    path("received/", views.public_report_received, name="received"),
]
