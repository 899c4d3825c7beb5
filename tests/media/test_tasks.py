"""Analysis runs in the background: enqueued when a new blob commits, run by the
database worker (``db_worker``) or at once by the immediate backend."""

from __future__ import annotations

import pytest
from django_tasks_db.models import DBTaskResult

from clearinghouse.media import analysis, tasks, vault
from clearinghouse.media.models import Blob
from conftest import encode, pattern, png_declaring

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db
def test_the_immediate_backend_analyses_on_commit(settings, django_capture_on_commit_callbacks):
    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=True):
        blob = vault.put(encode(pattern(), "PNG"), declared_name="card.png")
        assert Blob.objects.get(pk=blob.pk).status == "pending", "not before the commit"
    blob.refresh_from_db()
    assert blob.status == "ok"
    assert blob.pdq == analysis.pdq(pattern())[0]


@pytest.mark.django_db
def test_the_database_backend_queues_the_analysis(settings, django_capture_on_commit_callbacks):
    settings.TASKS = DATABASE
    with django_capture_on_commit_callbacks(execute=True):
        blob = vault.put(encode(pattern(), "PNG"))
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "clearinghouse.media.tasks.analyse_blob"
    assert queued.args_kwargs == {"args": [blob.pk], "kwargs": {}}
    blob.refresh_from_db()
    assert blob.status == "pending"


@pytest.mark.django_db
def test_the_task_returns_the_status_and_tolerates_a_missing_blob():
    blob = vault.put(b"%PDF-1.4\n%%EOF\n", declared_name="scan.jpg")
    assert tasks.analyse_blob.call(blob.pk) == "mislabelled"
    assert tasks.analyse_blob.call(blob.pk + 1000) == "missing"


@pytest.mark.django_db
def test_pending_blobs_can_be_enqueued_again(settings, django_capture_on_commit_callbacks):
    settings.TASKS = IMMEDIATE
    blob = vault.put(encode(pattern(), "GIF"))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.enqueue_pending() == 1
    blob.refresh_from_db()
    assert blob.status == "ok"
    assert tasks.enqueue_pending() == 0


def test_the_database_worker_analyses_what_was_stored(deployment, tmp_path):
    good, bomb = tmp_path / "good.png", tmp_path / "bomb.png"
    good.write_bytes(encode(pattern(), "PNG"))
    bomb.write_bytes(png_declaring(100_000, 100_000))
    stored = deployment.python(
        f"""
        import pathlib
        ids = [vault.put(pathlib.Path(p).read_bytes()).pk for p in ({str(good)!r}, {str(bomb)!r})]
        print(*ids, *Blob.objects.filter(pk__in=ids).values_list("status", flat=True))
        """
    )
    good_id, bomb_id, *statuses = stored.split()
    assert statuses == ["pending", "pending"]

    worker = deployment.command(
        "db_worker", "--batch", "--no-startup-delay", "--no-reload", "--skip-checks", "-v", "0"
    )
    assert worker.returncode == 0, worker.stderr

    report = deployment.python(
        f"""
        from django_tasks_db.models import DBTaskResult
        for pk in ({good_id}, {bomb_id}):
            blob = Blob.objects.get(pk=pk)
            print(blob.status, blob.pdq or "-", blob.analysed_at is not None)
        print(*sorted(DBTaskResult.objects.values_list("status", flat=True)))
        """
    )
    assert report.splitlines() == [
        f"ok {analysis.pdq(pattern())[0]} True",
        "bomb - True",
        "SUCCESSFUL SUCCESSFUL",
    ]
