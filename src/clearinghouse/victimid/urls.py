"""Victim identification's pages under ``/cvip/`` (namespace ``victimid``)."""

from django.urls import path

from clearinghouse.victimid import views

app_name = "victimid"

urlpatterns = [
    path("", views.submission_list, name="list"),
    path("submit/", views.submit, name="submit"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/report.csv", views.report_csv, name="report-csv"),
    path("<int:pk>/report.pdf", views.report_pdf, name="report-pdf"),
    path("<int:pk>/complete/", views.complete, name="complete"),
    path("<int:pk>/identify/", views.identify, name="identify"),
    path("children/", views.registry, name="registry"),
]
