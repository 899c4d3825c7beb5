"""Hardening of every answer: a strict Content-Security-Policy, no caching of records or
signed-in pages, limits on request bodies, error pages that say nothing of the request,
and the reporting API's short WSGI path sending the same security headers as the site.
"""

from __future__ import annotations

import base64
import io
import re
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.test import Client
from django.views.defaults import server_error

import clearinghouse
import factories as make
from clearinghouse.tipline import credentials
from clearinghouse.tipline.ispws.wsgi import ReportingApi
from clearinghouse.tipline.models import TiplineReport

TEMPLATES = Path(clearinghouse.__file__).parent
# Markup that a strict CSP blocks: a script without ``src`` (JSON data excepted), a
# style element or attribute, an event-handler attribute, a javascript: URL.
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>|<style\b|\sstyle=|\son[a-z]+=|javascript:",
    re.IGNORECASE,
)
# Written to a file by ``clearinghouse factsheet --format html``, never served: a
# document that stands alone carries its styles.
STANDALONE = {"impact/templates/impact/factsheet_document.html"}
SECURITY_HEADERS = (
    "Content-Security-Policy",
    "Permissions-Policy",
    "Cache-Control",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Strict-Transport-Security",
)


def test_the_policy_allows_nothing_inline_and_nothing_from_elsewhere(client, db):
    policy = client.get("/")["Content-Security-Policy"]

    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy and "*" not in policy and "http" not in policy


def test_no_template_served_by_the_site_has_inline_script_or_style():
    found = [
        f"{path.relative_to(TEMPLATES)}: {match[0]!r}"
        for path in sorted(TEMPLATES.glob("*/templates/**/*.html"))
        if str(path.relative_to(TEMPLATES)) not in STANDALONE
        for match in INLINE.finditer(path.read_text())
    ]
    assert found == []


def test_signed_in_pages_and_records_are_never_cached(client, db):
    analyst = make.make_analyst()
    report = make.make_report("AR", files=1)
    client.force_login(analyst)

    for url in (
        "/tipline/queue/",
        f"/tipline/reports/{report.pk}/",
        f"/tipline/files/{report.files.get().pk}/",
        "/api/tipline/reports",
        f"/api/tipline/reports/{report.pk}",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url


def test_a_body_over_the_limit_is_refused_before_it_is_read(client, db, settings):
    settings.MAX_REQUEST_BYTES = 1000
    before = TiplineReport.objects.count()

    response = client.post(
        "/report/", b"x=" + b"y" * 2000, content_type="application/x-www-form-urlencoded"
    )
    declared = client.generic(
        "POST", "/report/", b"x=1", content_type="text/plain", CONTENT_LENGTH=str(10**12)
    )

    assert response.status_code == 413
    assert declared.status_code == 413
    assert "no-store" in response["Cache-Control"]
    assert TiplineReport.objects.count() == before


def test_the_upload_routes_take_more_than_the_limit(client, db, settings):
    settings.MAX_REQUEST_BYTES = 1000
    client.force_login(make.make_officer("AR"))

    response = client.post("/cvip/submit/", {"hash_list": io.BytesIO(b"0" * 4000)})

    assert response.status_code != 413


def test_a_length_that_is_not_a_number_is_a_bad_request(client, db):
    response = client.generic("POST", "/report/", b"", CONTENT_LENGTH="many")

    assert response.status_code == 400
    assert "many" not in response.content.decode()


def test_a_missing_page_repeats_neither_its_address_nor_its_parameters(client, db):
    response = client.get("/no-such-page/echo-path-5c1e/", {"q": "<b>echo-query-5c1e</b>"})

    assert response.status_code == 404
    text = response.content.decode()
    assert "Not found" in text
    assert "echo" not in text and "no-such-page" not in text


def test_a_refusal_does_not_show_the_reason_of_the_code(client, db):
    client.force_login(make.make_officer("AR"))

    response = client.get("/tipline/queue/")

    assert response.status_code == 403
    assert "Not allowed" in response.content.decode()
    assert "Your role" not in response.content.decode()


def test_a_bad_host_gets_the_plain_bad_request_page(client, db):
    response = client.get("/", headers={"host": "echo-host-5c1e.example"})

    assert response.status_code == 400
    assert "Bad request" in response.content.decode()
    assert "echo-host" not in response.content.decode()


def test_a_stale_form_gets_the_plain_csrf_page(db):
    response = Client(enforce_csrf_checks=True).post("/report/", {"echo": "echo-form-5c1e"})

    assert response.status_code == 403
    text = response.content.decode()
    assert "Form expired" in text
    assert "echo" not in text and "CSRF" not in text


def test_a_server_error_shows_no_detail(rf):
    response = server_error(rf.get("/tipline/?echo=echo-5c1e"))

    assert response.status_code == 500
    text = response.content.decode()
    assert "Something went wrong" in text
    assert "echo" not in text and "Traceback" not in text


def test_debug_pages_are_off():
    assert settings.DEBUG is False


# -- the reporting API's short path ------------------------------------------------------


def _wsgi(app, path: str, authorization: str, *, https: bool):
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "443" if https else "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_AUTHORIZATION": authorization,
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "https" if https else "http",
        "CONTENT_LENGTH": "0",
    }
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"] = int(status.split()[0])
        seen["headers"] = dict(headers)

    chunks = app(environ, start_response)
    b"".join(chunks)
    if hasattr(chunks, "close"):
        chunks.close()
    return seen["status"], seen["headers"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("https", [False, True])
def test_the_short_path_sends_the_security_headers_of_the_site(settings, https):
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    issued = credentials.create("Example Social", "example-social")
    authorization = (
        "Basic " + base64.b64encode(f"example-social:{issued.password}".encode()).decode()
    )
    site = get_wsgi_application()

    short = _wsgi(ReportingApi(site), "/ispws/status", authorization, https=https)
    through_django = _wsgi(site, "/ispws/status", authorization, https=https)

    assert short[0] == through_django[0] == 200
    for name in SECURITY_HEADERS:
        assert short[1].get(name) == through_django[1].get(name), name
    assert ("Strict-Transport-Security" in short[1]) is https
