"""The reporting API's short way through the WSGI application.

Platforms send reports in bursts, and each of their requests is small: the cost of a
request is mostly the machinery around the view. Django's middleware chain is for the
site's pages (sessions, CSRF, the signed-in user, messages, static files), none of which
the reporting API uses: it authenticates every request itself, with HTTP Basic
credentials. So ``/ispws/`` requests go straight from the WSGI server to their view,
skipping the middleware and the URL resolver, and everything else goes to Django as
usual.

What the skipped middleware would have done for these requests is done here: the
``Host`` header is checked against ``ALLOWED_HOSTS``, the security headers are set, and
Django's request signals are sent (they close a broken or too old database connection).
A request that would be redirected to HTTPS takes the usual way, which redirects it.

A body sent with ``Transfer-Encoding: chunked`` (no ``Content-Length``; a client
streaming a file of unknown size) is read to its end into a spooled temporary file, up
to the endpoint's limit, and then handled like any other: Django reads no body without
a length.
"""

from __future__ import annotations

import logging
import tempfile

from django.conf import settings
from django.core import signals
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponse

from clearinghouse.tipline.ispws import views, xml

logger = logging.getLogger("django.security.DisallowedHost")

PREFIX = "/ispws/"
# A chunked body is kept in memory up to this size, then in a temporary file.
SPOOL_IN_MEMORY_BYTES = 1024 * 1024
_READ_BYTES = 64 * 1024
ENDPOINTS = {
    "status": views.status,
    "xsd": views.xsd,
    "submit": views.submit,
    "upload": views.upload,
    "fileinfo": views.fileinfo,
    "finish": views.finish,
    "retract": views.retract,
}


def _security_headers(secure: bool) -> list[tuple[str, str]]:
    """What ``SecurityMiddleware``, ``XFrameOptionsMiddleware`` and the site's own
    ``core.middleware`` add (``no-store``: a report's answer must never sit in a cache).
    HSTS is only ever sent over HTTPS."""
    headers = [
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", settings.SECURE_REFERRER_POLICY or "same-origin"),
        ("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY),
        ("X-Frame-Options", "DENY"),
        ("Cache-Control", "no-store"),
        ("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY),
        ("Permissions-Policy", settings.PERMISSIONS_POLICY),
    ]
    if secure and settings.SECURE_HSTS_SECONDS:
        value = f"max-age={settings.SECURE_HSTS_SECONDS}"
        if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
            value += "; includeSubDomains"
        if settings.SECURE_HSTS_PRELOAD:
            value += "; preload"
        headers.append(("Strict-Transport-Security", value))
    return headers


class ReportingApi:
    """WSGI application: the reporting API's endpoints directly, the rest through
    ``site`` (Django's own WSGI handler)."""

    def __init__(self, site) -> None:
        self.site = site
        self.headers = {secure: _security_headers(secure) for secure in (False, True)}

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        view = ENDPOINTS.get(path[len(PREFIX) :]) if path.startswith(PREFIX) else None
        if view is None:
            return self.site(environ, start_response)
        request = WSGIRequest(environ)
        secure = request.is_secure()
        if settings.SECURE_SSL_REDIRECT and not secure:
            return self.site(environ, start_response)
        if _is_chunked(environ):
            limit = views.MAX_UPLOAD_BYTES if view is views.upload else xml.MAX_DOCUMENT_BYTES
            _spool_body(environ, limit)
            request = WSGIRequest(environ)
        signals.request_started.send(sender=self.__class__, environ=environ)
        try:
            try:
                request.get_host()
            except DisallowedHost as error:
                logger.warning("%s", error)
                response = HttpResponse(b"", status=400)
            else:
                response = view(request)
            content = response.content
            headers = [
                *response.items(),
                ("Content-Length", str(len(content))),
                *self.headers[secure],
            ]
            start_response(f"{response.status_code} {response.reason_phrase}", headers)
            return [content]
        finally:
            signals.request_finished.send(sender=self.__class__)


def _is_chunked(environ) -> bool:
    return not environ.get("CONTENT_LENGTH") and "chunked" in (
        environ.get("HTTP_TRANSFER_ENCODING", "").lower()
    )


def _spool_body(environ, limit: int) -> None:
    """Reads a chunked body (the server has decoded the chunks) into a spooled file and
    gives it a ``Content-Length``. Past ``limit`` it stops reading and declares
    ``limit + 1`` bytes with no body, which the endpoint refuses before reading."""
    stream = environ["wsgi.input"]
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY_BYTES)  # noqa: SIM115
    size = 0
    while chunk := stream.read(_READ_BYTES):
        size += len(chunk)
        if size > limit:
            spool.close()
            spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY_BYTES)  # noqa: SIM115
            size = limit + 1
            break
        spool.write(chunk)
    spool.seek(0)
    environ["wsgi.input"] = spool
    environ["CONTENT_LENGTH"] = str(size)
