"""Every route declares who may call it (``accounts.routes``), and a route that does not
is found: by ``routes.undeclared`` and by the deployment check ``accounts.E001``."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core import checks

import factories as make
from clearinghouse.accounts import routes


def rules(settings) -> dict[str, routes.RouteRule | None]:
    settings.ROOT_URLCONF = "probe_urls"
    return {route.name: route.rule for route in routes.walk()}


def test_each_kind_of_declaration_is_read(settings):
    found = rules(settings)

    assert found["published"] is routes.PUBLIC
    assert found["guarded"].caller is routes.Caller.ROLE
    assert found["probe-api:signed_in"] is routes.SIGNED_IN
    assert found["probe-api:open_on_purpose"] is routes.PUBLIC


def test_a_view_or_an_api_operation_without_a_declaration_has_no_rule(settings):
    found = rules(settings)

    assert found["undeclared"] is None
    assert found["nested:deeper"] is None
    assert found["probe-api:open_by_mistake"] is None


def test_the_deployment_check_names_each_undeclared_route(settings):
    settings.ROOT_URLCONF = "probe_urls"

    errors = routes.check_routes_declared()

    assert {error.id for error in errors} == {"accounts.E001"}
    assert sorted(error.msg.split("'")[1] for error in errors) == [
        "api/open",
        "nested/deeper/",
        "undeclared/",
    ]


def test_the_deployment_check_passes_on_the_sites_routes():
    assert [
        m for m in checks.run_checks(include_deployment_checks=True) if m.id == "accounts.E001"
    ] == []


def test_a_role_rule_admits_by_its_check_and_never_a_visitor(db):
    rule = routes.role(lambda user: user.username == "chosen")

    assert rule.admits(make.make_analyst(username="chosen"))
    assert not rule.admits(make.make_analyst(username="other"))
    assert not rule.admits(AnonymousUser())
    assert routes.PUBLIC.admits(AnonymousUser())
    assert not routes.ESP_CREDENTIAL.admits(make.make_admin())
