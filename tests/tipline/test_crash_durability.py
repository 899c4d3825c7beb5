"""Durability under a crash: platforms load 2,000 complete reports (submit, one upload,
fileinfo, finish) into ``clearinghouse serve`` while the whole server (gunicorn's arbiter
and every worker) is killed with SIGKILL, then the server is started again on the same
data directory.

What must hold (the spec: "an acknowledged reportId/fileId is durable"):

- every report whose submit was acknowledged exists, every file whose upload was
  acknowledged is in its report with its fileId and MD5 and decrypts to the bytes sent,
  every report whose finish was acknowledged is finished (a finish that committed but
  whose answer was lost may be finished too: acknowledged implies durable, not the
  converse);
- no half-stored report is counted: open reports (the in-flight ones, and a few that
  are deliberately left unfinished) are in no ``tipline.*`` figure, and every file row
  has its bytes;
- the platforms then resume (a retried upload gets the same fileId and adds no second
  file; a finish that had committed answers 5102) and complete the load to 2,000, which
  the figures then count exactly.
"""

from __future__ import annotations

import hashlib
import http.client
import threading
import time
import xml.etree.ElementTree as ElementTree
from collections import Counter
from dataclasses import dataclass, field

import pytest
from espclient import EspClient, file_details_xml, report_xml
from servers import run_python, start_group_server

TARGET = 2_000
KILL_AFTER_FINISHES = 800
CLIENTS = 8
ABANDONED = 3  # reports submitted with a file and never finished, on purpose

# An answer that never came: the server was killed while the request was in flight.
LOST = (OSError, http.client.HTTPException, ElementTree.ParseError)

INSPECT = """
import datetime, hashlib
from clearinghouse.impact.figures import figure_value
from clearinghouse.media import vault
from clearinghouse.media.models import Blob
from clearinghouse.tipline.models import ReportFile, TiplineReport

reports = {
    external_id: {"status": status, "files": []}
    for external_id, status in TiplineReport.objects.values_list("external_id", "status")
}
files = ReportFile.objects.select_related("report", "blob").order_by("report_id", "position")
for file in files.iterator():
    entry = {"token": file.file_token, "md5": file.md5}
    try:
        data = vault.read(file.blob)
        entry["bytes_md5"] = hashlib.md5(data).hexdigest()
    except Exception as error:
        entry["error"] = repr(error)
    reports[file.report.external_id]["files"].append(entry)
year = datetime.datetime.now(datetime.UTC).year
answer({
    "reports": reports,
    "blobs_without_bytes": [
        blob.sha256 for blob in Blob.objects.all() if not vault.path_for(blob.sha256).exists()
    ],
    "figures": {
        "reports_received": figure_value("tipline.reports_received", year).value,
        "files_received": figure_value("tipline.files_received", year).value,
        "reports_made_available": figure_value("tipline.reports_made_available", year, "AR").value,
    },
})
"""

# Every finished report is made available (they are all placed in Arkansas), through
# triage as an analyst would; an open one cannot be.
REFER_ALL = """
import datetime
from clearinghouse.accounts.models import Organization, User
from clearinghouse.impact.figures import figure_value
from clearinghouse.tipline import triage
from clearinghouse.tipline.models import TiplineReport

organization, _ = Organization.objects.get_or_create(kind="clearinghouse", name="Crash Test")
analyst, _ = User.objects.get_or_create(
    username="crash-analyst", defaults={"role": "analyst", "organization": organization})
refused = 0
for report in TiplineReport.objects.order_by("pk"):
    try:
        triage.make_available(report, analyst)
    except triage.TriageError:
        refused += 1
year = datetime.datetime.now(datetime.UTC).year
answer({
    "refused": refused,
    "reports_made_available": figure_value("tipline.reports_made_available", year, "AR").value,
    "reports_received": figure_value("tipline.reports_received", year).value,
})
"""


def payload(index: int) -> bytes:
    """The file of report ``index``: distinct bytes for each report, 1 to 2 KB."""
    seed = hashlib.sha256(f"crash-test file {index}".encode()).digest()
    return f"crash-test file {index}\n".encode() + seed * (32 + index % 32)


def md5_of(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()  # noqa: S324 (the API's own hash)


@dataclass
class Ledger:
    """What the server acknowledged, as the platforms saw it."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    next_index: int = 0
    pending: int = 0  # submits sent and not answered yet
    submitted: dict[str, int] = field(default_factory=dict)  # reportId -> payload index
    uploaded: dict[str, tuple[str, str]] = field(default_factory=dict)  # -> (fileId, md5)
    finished: set[str] = field(default_factory=set)
    unexpected: list[str] = field(default_factory=list)
    cut_off: int = 0  # clients whose request went unanswered when the server died

    def take_index(self) -> int | None:
        """A new report to make (its payload's index), while fewer than TARGET are
        known or being submitted."""
        with self.lock:
            if len(self.submitted) + self.pending >= TARGET:
                return None
            self.pending += 1
            self.next_index += 1
            return self.next_index - 1

    def note(self, problem: str) -> None:
        with self.lock:
            self.unexpected.append(problem)


def complete(esp: EspClient, ledger: Ledger, report_id: str, index: int) -> None:
    """Upload, describe and finish a known report (resuming after a crash: a step whose
    answer was lost is simply asked again)."""
    data = payload(index)
    upload = esp.upload(report_id, f"file-{index}.bin", data, "application/octet-stream")
    if upload.code == 5102 and report_id in ledger.uploaded:
        with ledger.lock:  # its finish committed before the crash; the answer was lost
            ledger.finished.add(report_id)
        return
    if upload.code != 0 or upload.fields.get("hash") != md5_of(data):
        ledger.note(f"upload to {report_id}: {upload.code} {upload.fields}")
        return
    with ledger.lock:
        earlier = ledger.uploaded.setdefault(report_id, (upload.file_id, md5_of(data)))
    if earlier[0] != upload.file_id:
        ledger.note(f"a retried upload to {report_id} got {upload.file_id}, not {earlier[0]}")
    info = esp.fileinfo(file_details_xml(report_id, upload.file_id, name=f"file-{index}.bin"))
    if info.code != 0:
        ledger.note(f"fileinfo of {report_id}: {info.code} {info.fields}")
        return
    done = esp.finish(report_id)
    if done.code != 0 or done.file_ids != [upload.file_id]:
        ledger.note(f"finish of {report_id}: {done.code} {done.file_ids}")
        return
    with ledger.lock:
        ledger.finished.add(report_id)


def make_report(esp: EspClient, ledger: Ledger, index: int) -> None:
    submitted = esp.submit(report_xml(url=f"https://example.test/post/{index}"))
    with ledger.lock:
        ledger.pending -= 1
        if submitted.code == 0:
            ledger.submitted[submitted.report_id] = index
    if submitted.code != 0:
        ledger.note(f"submit {index}: {submitted.code} {submitted.fields}")
        return
    complete(esp, ledger, submitted.report_id, index)


def load(esp: EspClient, ledger: Ledger, killed: threading.Event, todo: list[str]) -> None:
    """One platform client: first the known reports in ``todo`` (shared), then new ones,
    until the server goes away or TARGET reports are known."""
    try:
        while True:
            with ledger.lock:
                report_id = todo.pop() if todo else None
            if report_id is not None:
                complete(esp, ledger, report_id, ledger.submitted[report_id])
                continue
            index = ledger.take_index()
            if index is None:
                return
            make_report(esp, ledger, index)
    except LOST as error:
        if not killed.is_set():
            ledger.note(f"the server failed before it was killed: {error!r}")
        with ledger.lock:
            ledger.cut_off += 1


def run_clients(esp: EspClient, ledger: Ledger, killed: threading.Event, todo: list[str]):
    threads = [
        threading.Thread(target=load, args=(esp, ledger, killed, todo), daemon=True)
        for _ in range(CLIENTS)
    ]
    for thread in threads:
        thread.start()
    return threads


def join(threads, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    assert not any(thread.is_alive() for thread in threads), "a client hung"


@pytest.fixture
def deployment(cli, tmp_path):
    data_dir = tmp_path / "data"
    issued = cli(
        "esp-credential",
        "create",
        "--org",
        "Crash Social",
        "--username",
        "crash",
        data_dir=data_dir,
    )
    assert issued.returncode == 0, issued.stderr
    servers = []

    def start():
        server = start_group_server(cli, data_dir, tmp_path / "server.log")
        servers.append(server)
        return server

    yield data_dir, issued.stdout.strip().splitlines()[-1], start
    for server in servers:
        server.kill()


def test_a_killed_server_loses_nothing_acknowledged_and_counts_nothing_half_stored(cli, deployment):
    data_dir, password, start = deployment
    started = time.monotonic()
    server = start()
    esp = EspClient(server.url + "ispws", "crash", password)
    assert esp.status().code == 0

    # A few reports left open on purpose: half-stored, whatever happens.
    abandoned = {}
    for number in range(ABANDONED):
        report_id = esp.submit(report_xml(url=f"https://example.test/left/{number}")).report_id
        data = payload(-1 - number)
        upload = esp.upload(report_id, "left.bin", data, "application/octet-stream")
        assert upload.code == 0, upload.fields
        abandoned[report_id] = (upload.file_id, md5_of(data))

    # The load, and SIGKILL of the whole server in the middle of it.
    ledger, killed = Ledger(), threading.Event()
    threads = run_clients(esp, ledger, killed, [])
    deadline = time.monotonic() + 120
    while len(ledger.finished) < KILL_AFTER_FINISHES:
        assert time.monotonic() < deadline, f"too slow: {len(ledger.finished)} finished"
        assert not ledger.unexpected, ledger.unexpected[:5]
        time.sleep(0.01)
    killed.set()
    server.kill()
    join(threads)
    loaded = time.monotonic()
    assert not ledger.unexpected, ledger.unexpected[:5]
    assert ledger.cut_off == CLIENTS, "the server died before every client was cut off"
    submitted, uploaded, finished = (
        dict(ledger.submitted),
        dict(ledger.uploaded),
        set(ledger.finished),
    )
    assert KILL_AFTER_FINISHES <= len(finished) < TARGET

    # Started again on the same data directory.
    server = start()
    esp = EspClient(server.url + "ispws", "crash", password)
    assert esp.status().code == 0
    found = run_python(cli, data_dir, INSPECT)
    reports = found["reports"]

    for report_id in submitted:
        assert report_id in reports, f"acknowledged report {report_id} is lost"
        assert reports[report_id]["status"] in ("open", "finished"), reports[report_id]
    for report_id, (file_id, md5) in {**uploaded, **abandoned}.items():
        [stored] = reports[report_id]["files"]
        assert (stored["token"], stored["md5"]) == (file_id, md5), stored
        assert stored.get("bytes_md5") == md5, f"{report_id}'s file does not read back: {stored}"
    for report_id in finished:
        assert reports[report_id]["status"] == "finished", f"finished {report_id} is not"
    for report_id in abandoned:
        assert reports[report_id]["status"] == "open"

    # Nothing half-stored: every file has its bytes; open reports count nowhere.
    assert found["blobs_without_bytes"] == []
    for report_id, report in reports.items():
        for stored in report["files"]:
            assert "error" not in stored, (report_id, stored)
    statuses = Counter(report["status"] for report in reports.values())
    assert set(statuses) <= {"open", "finished"}, statuses
    assert statuses["open"] >= ABANDONED
    assert found["figures"] == {
        "reports_received": statuses["finished"],
        "files_received": sum(
            len(report["files"]) for report in reports.values() if report["status"] == "finished"
        ),
        "reports_made_available": 0,
    }
    # A report is in the database without its submit being acknowledged only if it was
    # in flight when the server died (one per client at most).
    unknown = set(reports) - set(submitted) - set(abandoned)
    assert len(unknown) <= CLIENTS, unknown
    assert all(reports[report_id]["status"] == "open" for report_id in unknown)
    assert all(reports[report_id]["files"] == [] for report_id in unknown)

    # The platforms resume: known reports are completed, new ones bring the load to TARGET.
    todo = sorted(set(submitted) - finished)
    ledger.pending = 0  # the submits in flight when the server died were never answered
    threads = run_clients(esp, ledger, killed, todo)
    join(threads)
    assert not ledger.unexpected, ledger.unexpected[:5]
    assert ledger.cut_off == CLIENTS  # none more: the restarted server answered everything
    assert len(ledger.submitted) == TARGET
    assert ledger.finished == set(ledger.submitted)
    for report_id, (file_id, _) in uploaded.items():
        assert ledger.uploaded[report_id][0] == file_id
    resumed = time.monotonic()

    found = run_python(cli, data_dir, INSPECT)
    reports = found["reports"]
    for report_id, index in ledger.submitted.items():
        report = reports[report_id]
        assert report["status"] == "finished", (report_id, report)
        [stored] = report["files"]  # a retried upload added no second file
        assert (stored["token"], stored["md5"]) == ledger.uploaded[report_id], stored
        assert stored["bytes_md5"] == md5_of(payload(index))
    statuses = Counter(report["status"] for report in reports.values())
    assert statuses == {"finished": TARGET, "open": ABANDONED + len(unknown)}, statuses
    assert found["blobs_without_bytes"] == []
    assert found["figures"] == {
        "reports_received": TARGET,
        "files_received": TARGET,
        "reports_made_available": 0,
    }

    # Every finished report can be referred; no open one can, or is ever counted.
    referred = run_python(cli, data_dir, REFER_ALL)
    assert referred == {
        "refused": ABANDONED + len(unknown),
        "reports_made_available": TARGET,
        "reports_received": TARGET,
    }
    print(
        f"\n{len(finished)} of {TARGET} finished when killed after {loaded - started:.1f}s "
        f"({len(submitted)} submitted, {len(unknown)} in flight); resumed in "
        f"{resumed - loaded:.1f}s; checked in {time.monotonic() - resumed:.1f}s"
    )
