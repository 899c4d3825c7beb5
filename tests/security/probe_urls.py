"""A URL configuration for ``test_route_declarations``: one route of each kind, and one
that declares nothing."""

from django.http import HttpResponse
from django.urls import include, path
from ninja import NinjaAPI
from ninja.security import django_auth

from clearinghouse.accounts import routes
from clearinghouse.tipline.views import role_required


def undeclared(request):
    return HttpResponse("anybody, by mistake")


@routes.public
def published(request):
    return HttpResponse("anybody, on purpose")


@role_required(lambda user: user.is_superuser)
def guarded(request):
    return HttpResponse("superusers")


api = NinjaAPI(urls_namespace="probe-api", docs_url=None, openapi_url=None)


@api.get("/signed-in", auth=django_auth)
def signed_in(request):
    return {}


@api.get("/open")
def open_by_mistake(request):
    return {}


@api.get("/open-on-purpose")
@routes.public
def open_on_purpose(request):
    return {}


urlpatterns = [
    path("undeclared/", undeclared, name="undeclared"),
    path("published/", published, name="published"),
    path("guarded/", guarded, name="guarded"),
    path("nested/", include(([path("deeper/", undeclared, name="deeper")], "nested"))),
    path("api/", api.urls),
]
