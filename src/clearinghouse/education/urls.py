"""The public sign-up pages, mounted at ``/training/`` (namespace ``training``), and the
administrators' pages at ``/education/`` (namespace ``education``)."""

from django.urls import path

from clearinghouse.education import views

app_name = "education"

urlpatterns = [
    path("registrations/", views.registration_list, name="registrations"),
    path("registrations.csv", views.registration_export, name="registrations-csv"),
]

public_urlpatterns = [
    path("register/", views.register, name="register"),
    path("register/thanks/", views.registered, name="registered"),
]
