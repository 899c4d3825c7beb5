"""What the site adds to Django's ``SecurityMiddleware`` on every response of a view.

- A strict ``Content-Security-Policy`` (``settings.CONTENT_SECURITY_POLICY``): scripts,
  styles and images from this site only, no inline script or style, no plugins, no
  framing. Every template keeps its scripts and styles in static files for that reason.
- ``Cache-Control: no-store`` unless the view chose its own caching: a report, a case or
  a signed-in page must never be kept by a browser or a proxy. Static files are served
  by WhiteNoise before this middleware and stay cacheable.
- A limit on the request body, checked on its declared length before a byte is read
  (``MAX_REQUEST_BYTES``; the few routes that take large uploads have their own in
  ``LARGE_REQUEST_ROUTES``). A body over it is a 413, and nothing is stored. The
  reporting API (``/ispws/``) enforces its own limits, with its own response codes.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse


class SecurityHeadersMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match and match.namespace == "ispws":
            # The reporting API checks its own bodies first and answers in the national
            # API's terms (a response document with code 4000), as its clients expect.
            return None
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponse("Content-Length is not a number.", status=400)
        view_name = request.resolver_match.view_name if request.resolver_match else ""
        limit = settings.LARGE_REQUEST_ROUTES.get(view_name, settings.MAX_REQUEST_BYTES)
        if length > limit:
            return HttpResponse(
                f"The request is too large: at most {limit} bytes.",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return None
