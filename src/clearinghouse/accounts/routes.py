"""Who may call each route: every URL pattern of the site declares it.

``access`` decides which records a caller sees; this module says who may call a route
at all, so that "a route nobody thought about" cannot exist unnoticed. A view carries
its rule as an attribute set by the decorator that enforces it:

- ``tipline.views.role_required(check)`` declares ``role(check)``: signed in, and
  ``check(user)`` (the predicates are ``access`` questions, e.g. ``triage.is_triager``);
- ``declare(SIGNED_IN)`` on a view that only needs a signed-in user (the landing
  pages that send each role to its screen);
- ``public`` on what anybody may call (the published sheets, the public forms);
- the reporting API's ``endpoint`` declares ``ESP_CREDENTIAL`` (HTTP Basic), the Poster
  API's ``bearer`` declares ``POSTER_PARTNER``.

Two families of routes are not ours to decorate and are declared here instead: the
JSON API, whose operations declare their callers with django-ninja's ``auth`` (the
site's session: ``SIGNED_IN``, records then scoped by ``access`` in each handler; its
schema and documentation are public), and Django's own views (the admin site, sign-in),
listed in ``DJANGO_ROUTES``.

``undeclared()`` lists the routes with no rule; the deployment check ``accounts.E001``
makes ``clearinghouse check --deploy`` fail on one, and ``tests/security`` calls every
route as every kind of caller to show the declarations hold.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.core import checks
from django.urls import URLPattern, URLResolver, get_resolver


class Caller(enum.StrEnum):
    PUBLIC = "anybody"
    SIGNED_IN = "a signed-in user"
    ROLE = "a signed-in user whose role passes a check"
    STAFF = "a signed-in staff member (the admin site)"
    ESP_CREDENTIAL = "an online platform (reporting API credential, HTTP Basic)"
    POSTER_PARTNER = "a Poster API partner (bearer token)"


@dataclass(frozen=True)
class RouteRule:
    caller: Caller
    check: Callable | None = None

    def admits(self, user) -> bool:
        """Whether a site user (anonymous included) may call the route; the reporting
        and Poster APIs admit no site user, only their own credentials."""
        signed_in = user is not None and user.is_authenticated and user.is_active
        match self.caller:
            case Caller.PUBLIC:
                return True
            case Caller.SIGNED_IN:
                return signed_in
            case Caller.ROLE:
                return signed_in and bool(self.check(user))
            case Caller.STAFF:
                return signed_in and user.is_staff
        return False

    def __str__(self) -> str:
        if self.check is None:
            return self.caller.value
        return f"{self.caller.value}: {getattr(self.check, '__name__', self.check)}"


PUBLIC = RouteRule(Caller.PUBLIC)
SIGNED_IN = RouteRule(Caller.SIGNED_IN)
STAFF = RouteRule(Caller.STAFF)
ESP_CREDENTIAL = RouteRule(Caller.ESP_CREDENTIAL)
POSTER_PARTNER = RouteRule(Caller.POSTER_PARTNER)


def role(check: Callable) -> RouteRule:
    return RouteRule(Caller.ROLE, check)


def declare(rule: RouteRule):
    """Marks a view with the rule it enforces (the decorator that enforces it calls
    this, so the declaration and the enforcement cannot drift apart)."""

    def mark(view):
        view.route_rule = rule
        return view

    return mark


public = declare(PUBLIC)

# Django's own views, by URL name ("namespace:name"), or by namespace for a whole site.
DJANGO_ROUTES: dict[str, RouteRule] = {
    "admin": STAFF,  # every admin page; records are scoped by ``admin_scoping``
    "admin:login": PUBLIC,
    "admin:logout": PUBLIC,
    "login": PUBLIC,
    "logout": PUBLIC,
    "password_change": SIGNED_IN,
    "password_change_done": SIGNED_IN,
    "password_reset": PUBLIC,
    "password_reset_done": PUBLIC,
    "password_reset_confirm": PUBLIC,
    "password_reset_complete": PUBLIC,
}


@dataclass(frozen=True)
class Route:
    """One URL pattern, with its full route (Django's syntax) and its rule, or None."""

    route: str
    name: str
    callback: Callable
    rule: RouteRule | None

    @property
    def operations(self) -> list:
        """The JSON API's operations behind this route (empty for any other route)."""
        path_view = _ninja_path_view(self.callback)
        return list(path_view.operations) if path_view is not None else []


def walk(resolver: URLResolver | None = None) -> Iterator[Route]:
    """Every URL pattern of the site (``include`` followed), with its rule."""
    yield from _walk(resolver or get_resolver(), "", ())


def _walk(resolver: URLResolver, prefix: str, namespaces: tuple[str, ...]) -> Iterator[Route]:
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from _walk(entry, route, inner)
        elif isinstance(entry, URLPattern):
            name = ":".join((*namespaces, entry.name)) if entry.name else ""
            yield Route(route, name, entry.callback, rule_for(entry.callback, name, namespaces))


def rule_for(callback, name: str, namespaces: tuple[str, ...] = ()) -> RouteRule | None:
    if (rule := getattr(callback, "route_rule", None)) is not None:
        return rule
    if _is_ninja_description(callback):
        return PUBLIC
    if (path_view := _ninja_path_view(callback)) is not None and name not in DJANGO_ROUTES:
        return _api_rule(path_view)
    if name in DJANGO_ROUTES:
        return DJANGO_ROUTES[name]
    return DJANGO_ROUTES.get(namespaces[0]) if namespaces else None


def _is_ninja_description(callback) -> bool:
    """django-ninja's own views of an API: its OpenAPI schema, its documentation page
    and its root (a 404 naming the documentation). They describe the endpoints and hold
    no record."""
    from ninja.openapi import views

    own = (views.openapi_json, views.openapi_view, views.default_home)
    return isinstance(callback, functools.partial) and callback.func in own


def _ninja_path_view(callback):
    """django-ninja serves all the operations of one path through a closure over its
    ``PathView``: find it there."""
    from ninja.operation import PathView

    for cell in getattr(callback, "__closure__", None) or ():
        if isinstance(cell.cell_contents, PathView):
            return cell.cell_contents
    return None


def _api_rule(path_view) -> RouteRule | None:
    """``SIGNED_IN`` when every operation of the path requires the site's session (the
    API's default ``auth``); an operation without authentication must be declared on
    its handler, else the path has no rule."""
    from ninja.security import SessionAuth

    rules = set()
    for operation in path_view.operations:
        declared = getattr(operation.view_func, "route_rule", None)
        if declared is None and operation.auth_callbacks:
            session = all(isinstance(auth, SessionAuth) for auth in operation.auth_callbacks)
            declared = SIGNED_IN if session else None
        rules.add(declared)
    return rules.pop() if len(rules) == 1 else None


def undeclared() -> list[Route]:
    return [route for route in walk() if route.rule is None]


@checks.register(checks.Tags.security, checks.Tags.urls, deploy=True)
def check_routes_declared(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    return [
        checks.Error(
            f"The route {route.route!r} ({route.name or route.callback!r}) declares no access "
            "rule.",
            hint="Decorate its view (role_required, routes.public, routes.declare) or add it "
            "to accounts.routes.DJANGO_ROUTES.",
            id="accounts.E001",
        )
        for route in undeclared()
    ]
