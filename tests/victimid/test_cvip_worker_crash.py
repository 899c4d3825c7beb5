"""The issue's other "done when": a worker killed (SIGKILL) in the middle of a collection,
another started, and the collection finishes with every file counted exactly once.

Real processes on a real file-backed database: ``clearinghouse db_worker`` twice, the
deployment's own SQLite file (or its own PostgreSQL database when ``DATABASE_URL`` says
so). The lease is 3 s here (a settings module over the project's), chunks of 50 files.
"""

import signal
import sqlite3

import psycopg
from cvip_support import wait_until

FILES = 3000
MATCHED_EVERY = 10

SETUP = f"""
from pathlib import Path
from clearinghouse.accounts.models import Organization, User
from clearinghouse.banks import services as banks
from clearinghouse.victimid import hashlists, services

agency = Organization.objects.create(
    kind="law_enforcement", name="Little Rock Police", jurisdiction_id="AR"
)
officer = User.objects.create(username="officer", role="officer", organization=agency)
Path("bank.csv").write_text("md5,{"f" * 32},Blue Room\\n")
assert banks.import_hashes("series-blue-room", "bank.csv").stored
def md5(n):
    return "f" * 32 if n % {MATCHED_EVERY} == 0 else f"{{n:032x}}"
def pdq(n):  # a PDQ per file, so that each costs a range search too
    return f"{{n:064x}}"
rows = [
    hashlists.HashRow(name=f"IMG_{{n:05}}.jpg", md5=md5(n), pdq=pdq(n), pdq_quality=100)
    for n in range(1, {FILES} + 1)
]
data = hashlists.as_csv(rows).encode()
submission = services.submit_hash_list(agency, officer, data, channel="api")
print(submission.pk)
"""


class Database:
    """Reads the deployment's database directly, whichever it is, while workers run."""

    def __init__(self, deployment) -> None:
        env = deployment.env()
        self.url = env.get("DATABASE_URL", "")
        self.path = deployment.data_dir / "clearinghouse.sqlite3"

    def query(self, sql: str, *params):
        if self.url:
            with psycopg.connect(self.url.replace("postgres://", "postgresql://", 1)) as db:
                return db.execute(sql.replace("?", "%s"), params).fetchall()
        with sqlite3.connect(self.path, timeout=30) as db:
            return db.execute(sql, params).fetchall()

    def states(self, submission_id: int) -> dict[str, int]:
        rows = self.query(
            "SELECT state, COUNT(*) FROM victimid_cvipitem WHERE submission_id = ? GROUP BY state",
            submission_id,
        )
        return dict(rows)


def mid_chunk(states: dict[str, int]) -> bool:
    """A fifth of the way through, with a chunk claimed and not yet written."""
    return states.get("done", 0) >= FILES // 5 and states.get("claimed", 0) > 0


def test_a_killed_workers_chunk_is_reclaimed_and_every_file_counted_once(
    deployment, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    submission_id = int(deployment.python(SETUP))
    database = Database(deployment)
    assert database.states(submission_id) == {"pending": FILES}

    # The kill is aimed at a claimed chunk, but the worker may finish it and stand
    # between two chunks at that instant: then no file is held, and a new worker is
    # killed again (a few tries; each one leaves nothing to reclaim).
    for attempt in range(5):
        first = deployment.worker(tmp_path / f"first-{attempt}.log")
        try:
            wait_until(
                lambda: mid_chunk(database.states(submission_id)),
                120,
                "the first worker made no progress",
                every=0.05,
            )
            first.send_signal(signal.SIGKILL)
            first.wait(30)
        finally:
            if first.poll() is None:
                first.kill()
                first.wait()
        at_kill = database.states(submission_id)
        assert 0 < at_kill.get("done", 0) < FILES, at_kill
        held_by_the_dead = at_kill.get("claimed", 0)
        if held_by_the_dead:
            break
    assert held_by_the_dead > 0, f"every kill fell between two chunks: {at_kill}"

    second = deployment.worker(tmp_path / "second.log")
    try:
        wait_until(
            lambda: database.query(
                "SELECT processed_at FROM victimid_cvipsubmission WHERE id = ?", submission_id
            )[0][0],
            180,
            f"the second worker did not finish: {database.states(submission_id)}\n"
            + (tmp_path / "second.log").read_text()[-3000:],
        )
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(30)

    assert database.states(submission_id) == {"done": FILES}
    (matched,) = database.query(
        "SELECT COUNT(*) FROM victimid_cvipitem WHERE submission_id = ? AND matched = ?",
        submission_id,
        True,
    )[0]
    assert matched == FILES // MATCHED_EVERY
    (positions, distinct) = database.query(
        "SELECT COUNT(*), COUNT(DISTINCT position) FROM victimid_cvipitem WHERE submission_id = ?",
        submission_id,
    )[0]
    assert positions == distinct == FILES
    reclaimed = database.query(
        "SELECT COUNT(*) FROM victimid_cvipitem WHERE submission_id = ? AND claims = 2",
        submission_id,
    )[0][0]
    assert reclaimed == held_by_the_dead  # the dead worker's chunk, taken over once
    processed = database.query(
        "SELECT detail FROM audit_auditevent WHERE action = 'victimid:submission:processed'"
    )
    assert len(processed) == 1 and f'"files": {FILES}' in str(processed[0][0]).replace("'", '"')
