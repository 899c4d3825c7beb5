"""The admin pages of Team Adam consultants and deployments and of Poster API partners:
for administrators; an analyst with every Django permission still sees none of them."""

import io

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

import factories as make
from clearinghouse.missing.models import TeamAdamConsultant, TeamAdamDeployment
from clearinghouse.posterapi.models import Poster, PosterClient, PosterOrganization

pytestmark = pytest.mark.django_db

MODELS = (TeamAdamConsultant, PosterOrganization, PosterClient, Poster)


def changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def test_an_administrator_manages_consultants_and_partners(client, consultant):
    call_command("poster_client", "create", "--org", "PARTNER", stdout=io.StringIO())
    make.make_team_adam_deployment("AR")
    client.force_login(make.make_admin(is_superuser=True))

    for model in (*MODELS, TeamAdamDeployment):
        assert client.get(changelist(model)).status_code == 200, model
    assert "Dana Consultant" in client.get(changelist(TeamAdamConsultant)).content.decode()


def test_an_analyst_sees_none_of_them(client, consultant):
    analyst = make.grant(make.make_analyst(is_staff=True), "view", *admin.site._registry)
    client.force_login(analyst)
    for model in MODELS:
        assert client.get(changelist(model)).status_code == 403, model


def test_revoking_a_client_in_the_admin(client):
    out = io.StringIO()
    call_command("poster_client", "create", "--org", "PARTNER", stdout=out)
    client_id = out.getvalue().splitlines()[-2]
    partner = PosterClient.objects.get(client_id=client_id)
    client.force_login(make.make_admin(is_superuser=True))

    client.post(changelist(PosterClient), {"action": "revoke", "_selected_action": [partner.pk]})

    partner.refresh_from_db()
    assert partner.revoked_at is not None
