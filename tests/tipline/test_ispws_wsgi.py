"""The reporting API's short way through the WSGI application (``ispws.wsgi``): what
the skipped middleware did for these requests must still happen, and every other
request must still reach Django's own handler."""

from __future__ import annotations

import base64
import io
import sys

import pytest
from django.core.wsgi import get_wsgi_application
from espclient import report_xml

from clearinghouse.tipline import credentials
from clearinghouse.tipline.ispws.wsgi import ReportingApi
from clearinghouse.tipline.models import TiplineReport
from clearinghouse.wsgi import application

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def auth():
    issued = credentials.create("Example Social", "example-social")
    return "Basic " + base64.b64encode(f"example-social:{issued.password}".encode()).decode()


def call(app, path, *, auth="", method="GET", body=b"", host="127.0.0.1:8000", https=False):
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host,
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "https" if https else "http",
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "text/xml; charset=utf-8" if body else "",
    }
    if auth:
        environ["HTTP_AUTHORIZATION"] = auth
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"] = int(status.split()[0])
        seen["headers"] = headers

    chunks = application(environ, start_response) if app is None else app(environ, start_response)
    content = b"".join(chunks)
    if hasattr(chunks, "close"):
        chunks.close()
    return seen["status"], dict(seen["headers"]), [name for name, _ in seen["headers"]], content


def test_an_endpoint_answers_with_the_security_headers_and_its_length(auth):
    status, headers, names, content = call(None, "/ispws/status", auth=auth)

    assert status == 200
    assert b"<responseCode>0</responseCode>" in content
    assert headers["Content-Length"] == str(len(content))
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cache-Control"] == "no-store"
    assert headers["Request-ID"]
    # No session, no CSRF cookie: the API has no use for either.
    assert "Set-Cookie" not in names
    assert "Strict-Transport-Security" not in names


def test_a_host_outside_allowed_hosts_is_refused_and_stores_nothing(auth):
    body = report_xml().encode()
    status, _, _, content = call(
        None, "/ispws/submit", auth=auth, method="POST", body=body, host="evil.test"
    )

    assert status == 400
    assert content == b""
    assert not TiplineReport.objects.exists()


def test_other_paths_still_go_through_django(auth):
    assert call(None, "/ispws/no-such-endpoint", auth=auth)[0] == 404
    status, _, names, _ = call(None, "/accounts/login/")
    assert status == 200
    assert "Set-Cookie" in names  # the login form's CSRF cookie: Django's middleware ran


def test_plain_http_is_redirected_to_https_when_the_site_requires_it(settings, auth):
    settings.SECURE_SSL_REDIRECT = True
    # Django's middleware reads its settings when the handler is built.
    app = ReportingApi(get_wsgi_application())

    status, headers, _, _ = call(app, "/ispws/status", auth=auth)

    assert status == 301
    assert headers["Location"].startswith("https://")


def test_hsts_goes_out_over_https_only(settings, auth):
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = False
    app = ReportingApi(application.site)

    _, over_https, _, _ = call(app, "/ispws/status", auth=auth, https=True)
    _, over_http, names, _ = call(app, "/ispws/status", auth=auth)

    assert over_https["Strict-Transport-Security"] == "max-age=3600; includeSubDomains"
    assert "Strict-Transport-Security" not in names


def test_a_request_without_credentials_gets_401_and_the_challenge():
    status, headers, _, content = call(None, "/ispws/status")

    assert status == 401
    assert content == b""
    assert headers["WWW-Authenticate"].startswith("Basic")
