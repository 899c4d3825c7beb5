"""The audit viewer, mounted at ``/audit/`` (namespace ``audit``)."""

from django.urls import path

from clearinghouse.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list, name="events"),
    path("events.csv", views.event_export, name="events-csv"),
]
