"""Every route of the site, called by every kind of caller, with the records of two
states: nothing leaks, and every route declares who may call it.

The routes come from the URL configuration itself (``accounts.routes.walk`` follows
every ``include``: the pages, the JSON API's operations, the reporting API and the
Poster API, the admin site), so a route added tomorrow is walked tomorrow. Each is
called with GET and POST (the JSON API's routes with the methods they declare, PUT and
DELETE among them), every method but GET carrying a garbage body, its parameters
filled from the Arkansas records and again from the Texas ones. Each call runs in a
savepoint rolled back afterwards, so what one call changes (an admin's delete) never
hides a record from the next.

A call fails the walk when:
- it answers 2xx to a caller the route's declared rule does not admit;
- a 2xx answer shows a marker of a record the caller may not see (``leakworld``);
- a 2xx answer to a signed-in caller, or of a route that is not public, may be cached
  (no ``Cache-Control: no-store``);
- an HTML answer has an inline script or style (the Content-Security-Policy refuses them);
- it answers 5xx (bad input must get a clear error);
- an error answer repeats what the request carried, or any answer repeats it unescaped.
"""

from __future__ import annotations

import copy
import re
from urllib.parse import quote

import leakworld
import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import resolve

from clearinghouse.accounts import routes

CALLERS = (
    "admin",
    "analyst",
    "case_manager",
    "ar_officer",
    "tx_officer",
    "ar_agency_staff",
    "no_role",
    "esp",
    "poster_partner",
    "anonymous",
)
ECHO = "<b>echo-5c1e</b>"
# What a strict Content-Security-Policy refuses to run or apply.
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>|<style\b|\sstyle=|\son[a-z]+=\"",
    re.IGNORECASE,
)
GARBAGE = f"echo={quote(ECHO)}&junk=%00%ff%fe%7B%5D"

# The record a ``pk`` names: by URL name, else by namespace.
PK_BY_NAME = {
    "tipline:file": "file",
    "tipline:file-thumbnail": "file",
    "missing:photo": "photo",
    "missing:deploy-team-adam": "deployment",
    "missing:decline-team-adam": "deployment",
    "missing:complete-team-adam": "deployment",
    "missing:team-adam-activity": "deployment",
    "support:family": "family",
    "support:family-match": "family",
    "support:family-refer": "family",
    "support:match-contact": "match",
    "support:match-end": "match",
    "support:volunteer-training": "volunteer",
    "support:provider-edit": "provider",
    "support:referral-connected": "referral",
    "support:referral-close": "referral",
}
PK_BY_NAMESPACE = {
    "tipline": "report",
    "missing": "case",
    "victimid": "submission",
    "support": "engagement",
}
# The JSON API names its parameters after the record.
API_IDS = {
    "report_id": "report",
    "case_id": "case",
    "deployment_id": "deployment",
    "engagement_id": "engagement",
    "match_id": "match",
    "referral_id": "referral",
    "submission_id": "submission",
}
# Parameters that are not records, by converter, then by name.
BY_CONVERTER = {
    "download": "json",
    "table": "csv",
    "national": "json",
    "figure": "tipline.reports_received",  # its records: both states' reports
}
FIXED = {
    "year": "2023",
    "language": "en",
    "uidb64": "MQ",
    "token": "set-password",
    "url": "no-such-page/",
    "app_label": "missing",
}
EXTRA_METHODS = {"posterapi:poster": ("PUT", "DELETE")}
PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def parameters(route: str) -> list[tuple[str, str]]:
    return [(m[1] or "", m[2] or m[3]) for m in PARAMETER.finditer(route)]


def is_admin(route: routes.Route) -> bool:
    return route.route.startswith("admin/")


def admin_record(world, route: str):
    """The record an admin route's ``object_id`` names: one of the model in its path."""
    app_label, model_name = route.split("/")[1:3]
    model = apps.get_model(app_label, model_name)
    candidates = [*world.records.values(), *(c.user for c in world.callers.values())]
    return next((r for r in candidates if isinstance(r, model)), None)


def value(world, route: routes.Route, converter: str, name: str, state: str) -> str:
    records = {kind: record for (kind, where), record in world.records.items() if where == state}
    namespace = route.name.partition(":")[0]
    if converter in BY_CONVERTER:
        return BY_CONVERTER[converter]
    if name in FIXED:
        return FIXED[name]
    if name == "state":
        return state
    if name == "pk":
        return str(records[PK_BY_NAME.get(route.name) or PK_BY_NAMESPACE[namespace]].pk)
    if name in API_IDS:
        return str(records[API_IDS[name]].pk)
    if name == "code":
        return records["poster"].organization.code
    if name == "case_number":
        return records["poster"].case_number
    if name == "md5":
        return records["poster_photo"].md5
    if name == "object_id" and "content_type_id" in route.route:  # the admin's "view on site"
        return str(records["case"].pk)
    if name == "object_id":
        record = admin_record(world, route.route)
        return str(record.pk) if record is not None else "0"
    if name == "content_type_id":
        return str(ContentType.objects.get_for_model(records["case"]).pk)
    if name == "id":
        return str(world.callers["admin"].user.pk)
    raise AssertionError(f"{route.route}: no value for its parameter {name!r}; add one here")


def urls_of(world, route: routes.Route) -> list[str]:
    """The route's URL filled from each state's records (once, if nothing in it
    depends on the state; admin pages are only ever shown to staff, who see all)."""
    names = parameters(route.route)
    states = leakworld.STATES if names and not is_admin(route) else leakworld.STATES[:1]
    urls = []
    for state in states:
        url = route.route
        for converter, name in names:
            filled = quote(value(world, route, converter, name, state), safe="/.")
            url = PARAMETER.sub(lambda _, filled=filled: filled, url, count=1)
        urls.append("/" + url.replace("^", "").replace("$", ""))
    return urls


def methods_of(route: routes.Route) -> list[str]:
    declared = {method for operation in route.operations for method in operation.methods}
    methods = sorted(declared) if declared else ["GET", "POST"]
    return methods + list(EXTRA_METHODS.get(route.name, ()))


def body_of(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def admits(rule: routes.RouteRule | None, caller) -> bool:
    """Whether the route's rule lets the caller in (a route without a rule admits
    nobody: whatever it answers with a 2xx is a failure)."""
    if rule is None:
        return False
    if rule.caller is routes.Caller.ESP_CREDENTIAL:
        return caller.name == "esp"
    if rule.caller is routes.Caller.POSTER_PARTNER:
        return caller.name == "poster_partner"
    return rule.admits(caller.user)


def call(client, method: str, url: str):
    """One call, undone afterwards: the database in a savepoint, the client's cookies
    (a call to sign out must not sign the caller out of the rest of the walk)."""
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        if method == "GET":
            response = client.get(url)
        else:
            response = client.generic(
                method,
                f"{url}?echo={quote(ECHO)}",
                GARBAGE,
                content_type="application/x-www-form-urlencoded",
            )
        body = body_of(response)
        transaction.set_rollback(True)
    client.cookies = cookies
    return response, body


def problems_of(response, body: str, method: str, rule, caller, private: set[str]) -> list[str]:
    status = response.status_code
    found = []
    if status >= 500:
        found.append(f"answered {status}")
    if 200 <= status < 300:
        if not admits(rule, caller):
            found.append(f"answered {status} though its rule is {rule}")
        found += [f"shows {marker!r}" for marker in private if marker in body]
        sensitive = rule is not routes.PUBLIC or caller.user.is_authenticated
        if sensitive and "no-store" not in response.get("Cache-Control", ""):
            found.append("may be cached (no Cache-Control: no-store)")
        if response.get("Content-Type", "").startswith("text/html") and INLINE.search(body):
            found.append(f"has inline script or style: {INLINE.search(body)[0]!r}")
    if method != "GET" and ECHO in body:
        found.append("repeats the request unescaped")
    if method != "GET" and status >= 400 and "echo-5c1e" in body:
        found.append(f"its {status} answer repeats the request")
    return found


@pytest.fixture
def world(db, settings):
    # The reporting API's credential is checked once; its hashing is not what is tested.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return leakworld.build()


def walk_order() -> list[routes.Route]:
    """The site's routes, the admin's last (its deletes touch the most records)."""
    walked = sorted(routes.walk(), key=is_admin)
    seen, unique = set(), []
    for route in walked:  # the API serves several operations on one path
        if route.route not in seen:
            seen.add(route.route)
            unique.append(route)
    return unique


def test_every_route_declares_who_may_call_it():
    undeclared = [f"{route.route} ({route.name})" for route in routes.walk() if route.rule is None]
    assert undeclared == [], "routes without an access rule:\n" + "\n".join(undeclared)


@pytest.mark.parametrize("caller_name", CALLERS)
def test_no_route_leaks_to(world, caller_name):
    caller = world.callers[caller_name]
    client = caller.client()
    markers = {marker.text for marker in world.markers}
    private = markers - world.may_see(caller)
    seen: set[str] = set()
    failures = []
    for route in walk_order():
        for url in urls_of(world, route):
            assert resolve(url).func is route.callback, f"{url} is not {route.route}"
            for method in methods_of(route):
                if method != "GET" and is_admin(route) and not admits(route.rule, caller):
                    continue  # the admin site turns away a non-staff caller whatever the method
                response, body = call(client, method, url)
                if 200 <= response.status_code < 300:
                    seen |= {marker for marker in markers if marker in body}
                failures += [
                    f"{method} {url}: {problem}"
                    for problem in problems_of(response, body, method, route.rule, caller, private)
                ]
    assert failures == [], f"as {caller_name}:\n" + "\n".join(failures)
    missing = EXPECTED_SEEN[caller_name] - seen
    assert not missing, f"{caller_name} was never shown {sorted(missing)}: the walk missed them"


# What each caller must have been shown somewhere, so that a walk that reached no record
# (a broken fixture, every page a redirect) cannot pass.
EXPECTED_SEEN = {
    "admin": {"leak-AR-report-held", "leak-TX-circumstances", "leak-TX-trainee"},
    "analyst": {
        "leak-AR-report-held",
        "leak-TX-report-available",
        "leak-AR-cvip",
        "leak-TX-cvip",
        "leak-TX-report-document",
    },
    "case_manager": {
        "leak-AR-circumstances",
        "leak-TX-circumstances",
        "leak-AR-family-name",
        "leak-TX-cst",
        "leak-TX-volunteer",
    },
    "ar_officer": {"leak-AR-report-available", "leak-AR-circumstances", "leak-AR-cvip"},
    "tx_officer": {"leak-TX-report-available", "leak-TX-circumstances", "leak-TX-cvip"},
    "ar_agency_staff": {"leak-AR-cst", "leak-AR-recovery-plan", "leak-AR-circumstances"},
    "no_role": set(),
    "esp": set(),
    "poster_partner": {"leak-AR-case", "LeakTXFirst"},
    "anonymous": set(),
}
