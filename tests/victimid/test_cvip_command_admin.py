"""The ``cvip`` command (status, resume) and the admin pages of victim identification."""

import pytest
from cvip_support import hash_list
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

import factories as make
from clearinghouse.victimid import processing, services

pytestmark = pytest.mark.django_db


def submit(rows: int):
    officer = make.make_officer("AR")
    return services.submit_hash_list(officer.organization, officer, hash_list(rows), channel="api")


def test_status_lists_unfinished_submissions_with_their_progress(capsys):
    open_one, done_one = submit(4), submit(3)
    processing.run(done_one.pk)
    call_command("cvip", "status")
    out = capsys.readouterr().out
    assert f"{open_one.external_id}" in out and "0/4" in out and "processing" in out
    assert done_one.external_id not in out
    call_command("cvip", "status", str(done_one.pk))
    assert "3/3\t0 matched\tprocessed" in capsys.readouterr().out


def test_resume_enqueues_a_run_for_each_unfinished_submission(capsys):
    submit(4)
    processing.run(submit(2).pk)
    before = DBTaskResult.objects.count()
    call_command("cvip", "resume")
    assert "resumed 1 unfinished submission" in capsys.readouterr().out
    assert DBTaskResult.objects.count() == before + 1


def test_the_admin_pages_render(client):
    submission = submit(2)
    make.make_identified_child(series="Blue Room", agency=submission.agency)
    client.force_login(make.make_superuser())
    for name in ("cvipsubmission", "identifiedchild"):
        assert client.get(reverse(f"admin:victimid_{name}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:victimid_{name}_add")).status_code == 200
    change = reverse("admin:victimid_cvipsubmission_change", args=[submission.pk])
    assert client.get(change).status_code == 200
