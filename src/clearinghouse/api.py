"""The JSON API at ``/api/``, with its OpenAPI description at ``/api/openapi.json`` and
interactive documentation at ``/api/docs``.

Each program adds a router. Callers sign in through the site (session cookie); what a
caller sees is decided by ``clearinghouse.accounts.access``, as on every page.
"""

from __future__ import annotations

import json

from django.db import DataError
from django.shortcuts import render
from ninja import NinjaAPI
from ninja.openapi.docs import DocsBase
from ninja.security import django_auth

from clearinghouse.education.api import router as education_router
from clearinghouse.missing.api import router as missing_router
from clearinghouse.support.api import router as support_router
from clearinghouse.tipline.api import router as tipline_router
from clearinghouse.victimid.api import router as victimid_router


class LocalSwagger(DocsBase):
    """Swagger UI from this project's static files: django-ninja's own page loads it from
    a CDN unless ``ninja`` is an installed app, and a deployment may have no Internet."""

    def render_page(self, request, api, **kwargs):
        settings = {"url": self.get_openapi_url(api, kwargs), "layout": "BaseLayout"}
        return render(
            request,
            "core/api_docs.html",
            {
                "api": api,
                "swagger_settings": json.dumps(settings),
            },
        )


api = NinjaAPI(
    title="Clearinghouse API",
    version="1",
    description="Records within the caller's scope. Sign in at /accounts/login/ first.",
    auth=django_auth,
    docs=LocalSwagger(),
    urls_namespace="api",
)


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def out_of_range(request, error):
    """A number or text the database cannot hold (an id of 30 digits, found by
    schemathesis) is the caller's bad input, not a server error. The answer names no
    value: errors never echo input."""
    return api.create_response(
        request, {"detail": "a value is out of range for its field"}, status=422
    )


api.add_router("/tipline/", tipline_router)
api.add_router("/missing/", missing_router)
api.add_router("/support/", support_router)
api.add_router("/education/", education_router)
api.add_router("/cvip/", victimid_router)
