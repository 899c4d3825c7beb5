"""The Poster API's paths, spelled as the national API spells them."""

from django.urls import path

from clearinghouse.posterapi import views

app_name = "posterapi"

urlpatterns = [
    path("Auth/Token", views.token, name="token"),
    path("Auth/RotateSecret", views.rotate_secret, name="rotate-secret"),
    path("Posters", views.posters, name="posters"),
    path("Poster/<str:code>/Logo", views.logo, name="logo"),
    path("Poster/<str:code>/<str:case_number>", views.poster, name="poster"),
    path("Poster/<str:code>/<str:case_number>/Photo/<str:md5>", views.photo, name="photo"),
]
