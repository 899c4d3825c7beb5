"""Complete platform reports per second through the reporting API (``/ispws/``), with
1, 16 and 64 concurrent clients, on PostgreSQL (and, for comparison, SQLite).

    python benchmarks/tipline_intake.py --postgres postgres://postgres@127.0.0.1:5432/postgres
        [--clients 1,16,64] [--flows bare,fileinfo3,upload200k] [--seconds 12]
        [--sqlite-clients 16] [--workers N]

The issue asks for "submit + 3 fileinfo + finish, and separately with one 200 KB
upload". A ``fileDetails`` document must name a ``fileId``, and only ``/upload`` hands
one out (``/fileinfo`` on an unknown fileId is error 5002), so there is no fileinfo
without an upload. The flows measured, each one "complete report":

- ``bare``: submit + finish (the "without uploads" goal: 500 reports/s);
- ``fileinfo3``: submit + 3 x (upload of a tiny, distinct 64-byte file + fileinfo) + finish;
- ``upload200k``: submit + upload of a distinct 200 KB file + fileinfo + finish;
- ``status``: one authenticated ``GET /ispws/status`` (one query, no transaction): not a
  report, the floor of what the web server, the reporting API and its credential check
  cost a request.

Each configuration gets a scratch database (PostgreSQL: a new database on the given
server, dropped afterwards), a fresh data directory, one platform credential, and its own
``clearinghouse serve`` on a free loopback port. The load generator speaks HTTP/1.1 over
raw keep-alive sockets (one per client, pre-built request bytes, a minimal response
parser), in several processes with one thread per client, so it costs little CPU -- but
it shares the machine's cores with the server and the database, and its CPU share is
printed alongside. Every acknowledged report is then counted in the database: the number
of finished reports must equal the number of successful ``/finish`` answers.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import secrets
import signal
import socket
import sqlite3
import statistics
import subprocess
import tempfile
import threading
import time
import uuid
from base64 import b64encode
from pathlib import Path

import psycopg
from common import CLI, environment, free_port, machine

READY_TIMEOUT = 60
WARMUP = 2.0
FLOWS = ("bare", "fileinfo3", "upload200k", "status")

REPORT = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<report><incidentSummary>'
    b"<incidentType>Child Pornography (possession, manufacture, and distribution)</incidentType>"
    b"<platform>Bench Social</platform>"
    b"<incidentDateTime>2024-03-01T10:15:00Z</incidentDateTime></incidentSummary>"
    b"<internetDetails><webPageIncident><url>https://example.test/post/1</url>"
    b"</webPageIncident></internetDetails>"
    b"<reporter><reportingPerson><firstName>Trust</firstName><lastName>Safety</lastName>"
    b"<email>cybertip@example.test</email></reportingPerson></reporter>"
    b"<personOrUserReported><personOrUserReportedPerson>"
    b'<address type="Home"><city>Little Rock</city><zipCode>72201</zipCode><state>AR</state>'
    b"<country>US</country></address></personOrUserReportedPerson>"
    b"<espIdentifier>user-42</espIdentifier><screenName>suspect42</screenName>"
    b"</personOrUserReported></report>"
)

FILE_DETAILS = (
    "<fileDetails><reportId>{report}</reportId><fileId>{file}</fileId>"
    "<fileName>a.jpg</fileName><originalFileName>a.jpg</originalFileName>"
    "<fileViewedByEsp>true</fileViewedByEsp><publiclyAvailable>false</publiclyAvailable>"
    "<fileRelevance>Reported</fileRelevance><fileAnnotations><potentialMeme/></fileAnnotations>"
    '<originalFileHash hashType="MD5">0123456789abcdef0123456789abcdef</originalFileHash>'
    '<details type="EXIF"><nameValuePair><name>Make</name><value>Camera</value>'
    "</nameValuePair></details></fileDetails>"
)

JPEG_HEAD = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
_FIELD = {
    name: re.compile(rf"<{name}>([^<]*)</{name}>".encode())
    for name in ("responseCode", "reportId", "fileId")
}


# The load generator -----------------------------------------------------------------------


class Connection:
    """One keep-alive HTTP/1.1 connection: send pre-built bytes, read one response."""

    def __init__(self, port: int, auth: str) -> None:
        self.port = port
        self.head = f"Host: 127.0.0.1:{port}\r\nAuthorization: Basic {auth}\r\n"
        self.sock: socket.socket | None = None
        self.buffer = b""
        self.reconnects = -1

    def connect(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=120)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""
        self.reconnects += 1

    def post(self, path: str, content_type: str | None, body: bytes) -> bytes:
        if content_type is None:
            request = f"GET /ispws/{path} HTTP/1.1\r\n{self.head}\r\n".encode()
        else:
            request = (
                f"POST /ispws/{path} HTTP/1.1\r\n{self.head}Content-Type: {content_type}\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            ).encode() + body
        if self.sock is None:
            self.connect()
        try:
            self.sock.sendall(request)
            return self._response()
        except (ConnectionError, EOFError):
            # The server closed an idle connection between two requests: reconnect once.
            self.connect()
            self.sock.sendall(request)
            return self._response()

    def _response(self) -> bytes:
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        head, _, rest = self.buffer.partition(b"\r\n\r\n")
        status = int(head[9:12])
        match = re.search(rb"\r\ncontent-length:\s*(\d+)", head, re.IGNORECASE)
        if match is None:
            raise RuntimeError(f"no Content-Length in {head[:200]!r}")
        length = int(match.group(1))
        while len(rest) < length:
            rest += self._recv()
        body, self.buffer = rest[:length], rest[length:]
        if status != 200:
            raise RuntimeError(f"HTTP {status}: {body[:200]!r}")
        if re.search(rb"\r\nconnection:\s*close", head, re.IGNORECASE):
            self.sock.close()
            self.sock = None
        return body

    def _recv(self) -> bytes:
        data = self.sock.recv(65536)
        if not data:
            raise EOFError
        return data

    def _fill(self) -> None:
        self.buffer += self._recv()


def _field(body: bytes, name: str) -> str:
    match = _FIELD[name].search(body)
    return match.group(1).decode() if match else ""


def _checked(body: bytes, what: str) -> bytes:
    if _field(body, "responseCode") != "0":
        raise RuntimeError(f"{what} failed: {body[:300]!r}")
    return body


def _multipart(report_id: str, data: bytes) -> tuple[str, bytes]:
    boundary = secrets.token_hex(16)
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="id"\r\n\r\n{report_id}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return f"multipart/form-data; boundary={boundary}", body


def one_report(conn: Connection, flow: str, timings: dict[str, list[float]]) -> None:
    """One complete report; appends each request's latency to ``timings[endpoint]``."""
    clock = time.perf_counter

    def timed(endpoint, path, content_type, body):
        started = clock()
        answer = _checked(conn.post(path, content_type, body), endpoint)
        timings[endpoint].append(clock() - started)
        return answer

    if flow == "status":
        timed("status", "status", None, b"")
        return
    report_id = _field(timed("submit", "submit", "text/xml; charset=utf-8", REPORT), "reportId")
    files = {"bare": 0, "fileinfo3": 3, "upload200k": 1}[flow]
    size = 200 * 1024 if flow == "upload200k" else 64
    for _ in range(files):
        # Distinct bytes each time: the vault deduplicates, and real files are distinct.
        data = JPEG_HEAD + os.urandom(size - len(JPEG_HEAD))
        content_type, body = _multipart(report_id, data)
        file_id = _field(timed("upload", "upload", content_type, body), "fileId")
        details = FILE_DETAILS.format(report=report_id, file=file_id).encode()
        timed("fileinfo", "fileinfo", "text/xml; charset=utf-8", details)
    done = timed(
        "finish", "finish", "application/x-www-form-urlencoded", f"id={report_id}".encode()
    )
    if done.count(b"<fileId>") != files:
        raise RuntimeError(f"finish listed the wrong files: {done[:300]!r}")


def client_process(port, auth, flow, threads, start_at, warmup_end, end_at, results) -> None:
    """``threads`` clients, each on its own connection, reporting until ``end_at``.
    Only reports started after ``warmup_end`` and finished by ``end_at`` are counted."""
    outcome = {"reports": [], "requests": {}, "errors": [], "finished_ok": 0, "reconnects": 0}
    lock = threading.Lock()

    def run() -> None:
        conn = Connection(port, auth)
        mine: list[float] = []
        requests: dict[str, list[float]] = {}
        ok = 0
        try:
            while time.time() < start_at:
                time.sleep(0.001)
            while True:
                started = time.perf_counter()
                wall = time.time()
                if wall >= end_at:
                    break
                timings = {"status": [], "submit": [], "upload": [], "fileinfo": [], "finish": []}
                one_report(conn, flow, timings)
                ok += 1
                if wall >= warmup_end and time.time() <= end_at:
                    mine.append(time.perf_counter() - started)
                    for name, values in timings.items():
                        requests.setdefault(name, []).extend(values)
        except Exception as error:  # noqa: BLE001 (reported, and fails the run)
            with lock:
                outcome["errors"].append(repr(error)[:300])
        with lock:
            outcome["reports"].extend(mine)
            for name, values in requests.items():
                outcome["requests"].setdefault(name, []).extend(values)
            outcome["finished_ok"] += ok
            outcome["reconnects"] += max(conn.reconnects, 0)

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    usage = os.times()
    outcome["cpu"] = usage.user + usage.system
    results.put(outcome)


# CPU accounting ---------------------------------------------------------------------------


def _ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime


def _processes() -> dict[int, tuple[str, int]]:
    """Every process: its command name and parent."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                head, tail = (entry / "stat").read_text().rsplit(")", 1)
            except OSError:
                continue
            found[int(entry.name)] = (head.split("(", 1)[1], int(tail.split()[1]))
    return found


def _descendants(pid: int) -> list[int]:
    """The server's processes: the web server and its workers, task worker, scheduler."""
    processes = _processes()
    found, frontier = [], [pid]
    while frontier:
        frontier = [child for child, (_, parent) in processes.items() if parent in frontier]
        found += frontier
    return found


def _postgres_ticks() -> dict[int, int]:
    """CPU ticks used so far by each running PostgreSQL process (server and backends)."""
    return {pid: _ticks(pid) for pid, (name, _) in _processes().items() if name == "postgres"}


def _postgres_used(before: dict[int, int], after: dict[int, int]) -> int:
    """Ticks used between the two snapshots by the processes alive at the second (a
    backend that ended in between is left out: the connections here are long-lived)."""
    return sum(ticks - before.get(pid, 0) for pid, ticks in after.items())


def wait_for_quiet(limit: float = 0.25, patience: float = 20.0) -> float:
    """Waits (up to ``patience`` seconds) until the machine's CPU is under ``limit`` busy
    for a second, so that other work on a shared machine does not skew a measurement;
    returns the last busy share seen (printed with the results)."""
    deadline = time.monotonic() + patience
    while True:
        busy_before, total_before = _busy_ticks()
        time.sleep(1.0)
        busy_after, total_after = _busy_ticks()
        share = (busy_after - busy_before) / max(1, total_after - total_before)
        if share < limit or time.monotonic() > deadline:
            return share


def _busy_ticks() -> tuple[int, int]:
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values[:8]) - idle, sum(values[:8])


# One configuration ------------------------------------------------------------------------


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _wait_ready(port: int, auth: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"clearinghouse serve exited with {server.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
                sock.sendall(
                    f"GET /ispws/status HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    f"Authorization: Basic {auth}\r\nConnection: close\r\n\r\n".encode()
                )
                answer = b""
                while chunk := sock.recv(65536):
                    answer += chunk
            if b"<responseCode>0</responseCode>" in answer:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"no answer on port {port} within {READY_TIMEOUT} s")


def measure(
    label: str,
    database_url: str | None,
    flow: str,
    client_counts: list[int],
    args,
    count_finished,
    report,
) -> None:
    """One database and one server for ``flow``; each client count in turn against it
    (the few thousand reports a run leaves behind do not slow the next one)."""
    with tempfile.TemporaryDirectory() as scratch:
        env = environment(Path(scratch) / "data", database_url)
        subprocess.run([str(CLI), "migrate", "-v0"], env=env, check=True)
        created = subprocess.run(
            [str(CLI), "esp-credential", "create", "--org", "Bench Social", "--username", "bench"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        password = created.stdout.strip().splitlines()[-1]
        auth = b64encode(f"bench:{password}".encode()).decode()
        port = free_port()
        command = [str(CLI), "serve", "--port", str(port)]
        if args.workers:
            command += ["--workers", str(args.workers)]
        server = subprocess.Popen(
            command,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        acknowledged = 0
        try:
            _wait_ready(port, auth, server)
            for clients in client_counts:
                background = wait_for_quiet()
                if background >= 0.25:
                    print(
                        f"(the machine was {background:.0%} busy before the next run)", flush=True
                    )
                result = _load(label, flow, clients, port, auth, server, args)
                acknowledged += result.pop("acknowledged")
                report(result)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        finished = count_finished(env)
    if flow != "status" and finished != acknowledged:
        raise SystemExit(f"{label}: {acknowledged} finishes acknowledged, {finished} stored")


def _load(label, flow, clients, port, auth, server, args) -> dict:
    seconds = args.seconds
    processes = max(1, min(args.processes, clients))
    shares = [clients // processes + (i < clients % processes) for i in range(processes)]
    start_at = time.time() + 0.5
    warmup_end = start_at + WARMUP
    end_at = warmup_end + seconds
    results = multiprocessing.Queue()
    generators = [
        multiprocessing.Process(
            target=client_process,
            args=(port, auth, flow, share, start_at, warmup_end, end_at, results),
        )
        for share in shares
    ]
    for generator in generators:
        generator.start()
    time.sleep(max(0.0, warmup_end - time.time()))
    server_pids = [server.pid, *_descendants(server.pid)]
    server_before = sum(_ticks(pid) for pid in server_pids)
    postgres_before = _postgres_ticks()
    busy_before, total_before = _busy_ticks()
    time.sleep(max(0.0, end_at - time.time()))
    server_after = sum(_ticks(pid) for pid in server_pids)
    postgres_after = _postgres_ticks()
    busy_after, total_after = _busy_ticks()
    outcomes = [results.get(timeout=300) for _ in generators]
    for generator in generators:
        generator.join()

    errors = [error for outcome in outcomes for error in outcome["errors"]]
    if errors:
        raise SystemExit(f"{label} {flow} x{clients}: {len(errors)} client errors: {errors[:3]}")
    reports = [value for outcome in outcomes for value in outcome["reports"]]
    requests: dict[str, list[float]] = {}
    for outcome in outcomes:
        for name, values in outcome["requests"].items():
            requests.setdefault(name, []).extend(values)
    hz = os.sysconf("SC_CLK_TCK")
    return {
        "database": label,
        "flow": flow,
        "clients": clients,
        "acknowledged": sum(outcome["finished_ok"] for outcome in outcomes),
        "reports_per_s": len(reports) / seconds,
        "report_p50": statistics.median(reports),
        "report_p99": _percentile(reports, 0.99),
        "requests": {
            name: (len(values) / seconds, statistics.median(values), _percentile(values, 0.99))
            for name, values in requests.items()
            if values
        },
        "cpu_busy": (busy_after - busy_before) / max(1, total_after - total_before),
        "server_cpu": (server_after - server_before) / hz / seconds,
        "postgres_cpu": _postgres_used(postgres_before, postgres_after) / hz / seconds,
        "cores": os.cpu_count() or 1,
        "client_cpu": sum(outcome["cpu"] for outcome in outcomes),  # whole run, warm-up too
        "client_seconds": seconds + WARMUP,
        "reconnects": sum(outcome["reconnects"] for outcome in outcomes),
    }


def scratch_postgres(url: str):
    name = f"clearinghouse_bench_{uuid.uuid4().hex[:8]}"
    base = url.rsplit("/", 1)[0]
    with psycopg.connect(base + "/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return name, f"{base}/{name}"


def drop_postgres(url: str, name: str) -> None:
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


FINISHED_SQL = "SELECT count(*) FROM tipline_tiplinereport WHERE status = 'finished'"


def run(label: str, postgres: str | None, flow: str, client_counts: list[int], args) -> None:
    def report(result: dict) -> None:
        print(show(result), flush=True)

    if postgres:
        name, url = scratch_postgres(postgres)

        def count(env):
            with psycopg.connect(url) as connection:
                return connection.execute(FINISHED_SQL).fetchone()[0]

        try:
            measure(label, url, flow, client_counts, args, count, report)
        finally:
            drop_postgres(postgres, name)
        return

    def count(env):
        path = Path(env["CLEARINGHOUSE_DATA_DIR"]) / "clearinghouse.sqlite3"
        with sqlite3.connect(path) as connection:
            return connection.execute(FINISHED_SQL).fetchone()[0]

    measure(label, None, flow, client_counts, args, count, report)


def show(result: dict) -> str:
    requests = "; ".join(
        f"{name} {rate:,.0f}/s p50 {p50 * 1000:.1f} p99 {p99 * 1000:.1f}"
        for name, (rate, p50, p99) in result["requests"].items()
    )
    client = result["client_cpu"] / result["client_seconds"]
    busy_cores = result["cpu_busy"] * result["cores"]
    other = max(0.0, busy_cores - result["server_cpu"] - result["postgres_cpu"] - client)
    return (
        f"| {result['flow']} | {result['database']} | {result['clients']} "
        f"| {result['reports_per_s']:,.0f} | {result['report_p50'] * 1000:.1f} "
        f"| {result['report_p99'] * 1000:.1f} | {requests} "
        f"| {busy_cores:.2f}: srv {result['server_cpu']:.2f}, pg {result['postgres_cpu']:.2f}, "
        f"cli {client:.2f}, other {other:.2f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--postgres", help="a PostgreSQL server URL (a scratch database is made)")
    parser.add_argument("--clients", default="1,16,64")
    parser.add_argument("--flows", default="bare,fileinfo3,upload200k")
    parser.add_argument(
        "--sqlite-clients", default="16", help="client counts to run on SQLite too ('' for none)"
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds each")
    parser.add_argument("--workers", type=int, help="serve --workers (default: serve's own)")
    parser.add_argument("--processes", type=int, default=2, help="load generator processes")
    args = parser.parse_args()
    flows = [flow for flow in args.flows.split(",") if flow]
    unknown = set(flows) - set(FLOWS)
    if unknown:
        parser.error(f"unknown flows {sorted(unknown)}; choose from {FLOWS}")
    print(f"machine: {machine()}")
    print(
        "| flow | database | clients | reports/s | report p50 ms | report p99 ms "
        "| per request: rate, p50, p99 ms "
        "| cores busy: server, PostgreSQL, load generator, other |"
    )
    print("|---|---|---:|---:|---:|---:|---|---|")
    counts = [int(n) for n in args.clients.split(",") if n]
    sqlite_counts = [int(n) for n in args.sqlite_clients.split(",") if n]
    for flow in flows:
        if args.postgres and counts:
            run("PostgreSQL", args.postgres, flow, counts, args)
    for flow in flows:
        if sqlite_counts:
            run("SQLite", None, flow, sqlite_counts, args)


if __name__ == "__main__":
    main()
