"""Impact at national scale: a national clearinghouse's year, bulk-loaded, then every
figure of every state timed from the rollups and from full scans, in the same run.

At --scale 1 the year holds 36.2 million CyberTipline reports with 105 million files,
29,000 missing cases and every other record in proportion to the Arkansas 2023 sheet
(records.md). The two big tables are loaded with COPY (PostgreSQL; executemany on
SQLite) with the rollup triggers off, then ``rollups rebuild`` counts them; the other
records go through the ORM's bulk_create, also with the triggers off.

Measured, in this order:
  1. the intake hot path's cost of the triggers: N reporting-API submit+finish calls,
     in-process, with and without the triggers, on the empty database;
  2. the load and the rebuild;
  3. all 56 sheets as JSON (``factsheet --all-states --format json``) from the rollups,
     and every figure of every sheet from full scans (same data, same run: the ratio),
     the two compared figure by figure;
  4. one sheet page over HTTP (``clearinghouse serve``);
  5. 10,000 more reports through the reporting API's submit+finish, then the national
     figure read: it must count every one of them, and how long the read takes.

    python benchmarks/national_year.py --postgres postgres://postgres@127.0.0.1:5432/postgres
    python benchmarks/national_year.py --sqlite --scale 0.005
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

from common import CLI, environment, free_port, machine

YEAR = 2023
REPORTS = 36_200_000
FILES_PER_THOUSAND_REPORTS = 2_901  # 105.0 million files
CST_EVERY = 1_962  # 18,450 child sex trafficking reports
NOT_FINISHED_EVERY = 250  # open, retracted or expired reports on top: never counted
US_EVERY = 10  # reports placed in a US jurisdiction; the rest are foreign referrals
MADE_AVAILABLE_EVERY = 13  # of those, made available to law enforcement
MISSING_CASES = 29_000
SECONDS_IN_YEAR = 365 * 24 * 3600
FOREIGN = ("PH", "IN", "ID", "BR", "MX", "PK", "DZ", "BD", "VN", "IQ")


def load_average() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def moment(offset_seconds: int) -> datetime.datetime:
    return datetime.datetime(YEAR, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(
        seconds=offset_seconds
    )


# -- the year's records ---------------------------------------------------------------------


def report_rows(scale: float, codes: list[str], first_id: int):
    """(id, external_id, received_at, incident_type, status, country, state,
    made_available_at) of every report, finished ones first, ids from ``first_id``."""
    finished = round(REPORTS * scale)
    extra = finished // NOT_FINISHED_EVERY
    for i in range(finished + extra):
        received = moment(i * SECONDS_IN_YEAR // (finished + extra))
        status = "finished" if i < finished else ("open", "retracted", "expired")[i % 3]
        incident = "child_sex_trafficking" if i % CST_EVERY == 0 else "child_pornography"
        if i % US_EVERY == 0:
            country, state = "US", codes[(i // US_EVERY) % len(codes)]
            placed = (i // (US_EVERY * len(codes))) % MADE_AVAILABLE_EVERY == 0
            made = received + datetime.timedelta(days=2) if placed else None
        else:
            country, state, made = FOREIGN[i % len(FOREIGN)], None, None
        yield first_id + i, f"national-{i}", received, incident, status, country, state, made


def files_of(report_id: int) -> int:
    return 3 if report_id % 1000 < FILES_PER_THOUSAND_REPORTS - 2000 else 2


REPORT_COLUMNS = (
    "id, external_id, received_at, incident_type, status, country, state_id, made_available_at,"
    " import_digest, created_at, updated_at, source, batched, informational, escalated,"
    " annotations, platform, document, clues, location_clue, location_confidence,"
    " needs_location_review, priority, outcome"
)
FILE_COLUMNS = "report_id, position, md5, sha1, pdq, media_type, file_token, details"


def load_big_tables_postgres(url: str, scale: float, codes: list[str], first_id: int) -> dict:
    """COPY the reports and their files, secondary indexes dropped meanwhile and
    rebuilt after, triggers off (``session_replication_role``)."""
    import psycopg

    now = datetime.datetime.now(datetime.UTC).isoformat(sep=" ")
    constant = f"\t\t{now}\t{now}\tesp\tf\tf\tf\t[]\t\t\t\t\t\tf\t0\t\n"
    timings = {}
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("SET session_replication_role = replica")
        dropped = _drop_secondary_indexes(db, ["tipline_tiplinereport", "tipline_reportfile"])
        started = time.monotonic()
        reports = files = 0
        with db.cursor() as cursor:
            with cursor.copy(f"COPY tipline_tiplinereport ({REPORT_COLUMNS}) FROM STDIN") as copy:
                batch = []
                for pk, ext, received, incident, status, country, state, made in report_rows(
                    scale, codes, first_id
                ):
                    batch.append(
                        f"{pk}\t{ext}\t{received.isoformat(sep=' ')}\t{incident}\t{status}\t"
                        f"{country}\t{state or chr(92) + 'N'}\t"
                        f"{made.isoformat(sep=' ') if made else chr(92) + 'N'}{constant}"
                    )
                    reports += 1
                    if len(batch) == 10_000:
                        copy.write("".join(batch))
                        batch = []
                copy.write("".join(batch))
            timings["reports_copy_s"] = time.monotonic() - started
            started = time.monotonic()
            with cursor.copy(f"COPY tipline_reportfile ({FILE_COLUMNS}) FROM STDIN") as copy:
                batch = []
                for pk in range(first_id, first_id + reports):
                    for position in range(files_of(pk)):
                        batch.append(f"{pk}\t{position}\t\t\t\timage/jpeg\t\t\n")
                    if len(batch) >= 20_000:
                        files += len(batch)
                        copy.write("".join(batch))
                        batch = []
                files += len(batch)
                copy.write("".join(batch))
            timings["files_copy_s"] = time.monotonic() - started
        started = time.monotonic()
        for statement in dropped:
            db.execute(statement)
        db.execute(
            "SELECT setval(pg_get_serial_sequence('tipline_tiplinereport', 'id'),"
            " (SELECT max(id) FROM tipline_tiplinereport))"
        )
        timings["indexes_s"] = time.monotonic() - started
        started = time.monotonic()
        db.execute("ANALYZE")
        timings["analyze_s"] = time.monotonic() - started
    return {"reports_rows": reports, "files_rows": files, **timings}


def _drop_secondary_indexes(db, tables: list[str]) -> list[str]:
    """Drops the indexes that back no constraint; returns the statements that recreate
    them."""
    rows = db.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)"
        " AND indexname NOT IN (SELECT conname FROM pg_constraint)",
        [tables],
    ).fetchall()
    for name, _ in rows:
        db.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in rows]


def load_big_tables_sqlite(scale: float, codes: list[str], first_id: int) -> dict:
    from django.db import connection, transaction

    now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None).isoformat(sep=" ")

    def text(value):
        return value.replace(tzinfo=None).isoformat(sep=" ") if value else None

    started = time.monotonic()
    reports = files = 0
    with transaction.atomic(), connection.cursor() as cursor:
        marks = ", ".join(["%s"] * 24)
        rows = (
            (pk, ext, text(received), incident, status, country, state, text(made), "", now, now,
             "esp", False, False, False, "[]", "", "", "", "", "", False, 0, "")
            for pk, ext, received, incident, status, country, state, made in report_rows(
                scale, codes, first_id
            )
        )  # fmt: skip
        cursor.executemany(
            f"INSERT INTO tipline_tiplinereport ({REPORT_COLUMNS}) VALUES ({marks})", rows
        )
        cursor.execute("SELECT max(id) FROM tipline_tiplinereport")
        reports = cursor.fetchone()[0] - first_id + 1
        file_rows = (
            (pk, position, "", "", "", "image/jpeg", "", "")
            for pk in range(first_id, first_id + reports)
            for position in range(files_of(pk))
        )
        cursor.executemany(
            f"INSERT INTO tipline_reportfile ({FILE_COLUMNS}) VALUES ({', '.join(['%s'] * 8)})",
            file_rows,
        )
        cursor.execute("SELECT COUNT(*) FROM tipline_reportfile")
        files = cursor.fetchone()[0]
    return {"reports_rows": reports, "files_rows": files, "load_s": time.monotonic() - started}


def load_small_tables(scale: float, codes: list[str]) -> dict:
    """Every other record of the year, in proportion to the Arkansas sheet (a 56th of
    the nation, roughly), through bulk_create."""
    from clearinghouse.accounts.models import Organization
    from clearinghouse.education.models import TrainingRegistration
    from clearinghouse.missing.models import MissingCase, TeamAdamDeployment
    from clearinghouse.support.models import CstEngagement, MentalHealthReferral, PeerSupport
    from clearinghouse.victimid.models import CvipSubmission, IdentifiedChild

    def agencies(kind: str) -> list:
        return Organization.objects.bulk_create(
            Organization(name=f"National benchmark {kind} {c}", kind=kind, jurisdiction_id=c)
            for c in codes
        )

    police, services = agencies("law_enforcement"), agencies("social_service")

    def case(i, when):
        return MissingCase(
            external_id=f"national-case-{i}",
            reported_at=when,
            state_id=codes[i % len(codes)],
            case_type="endangered_runaway",
            missing_from_care=i % 100 < 78,
            reported_by="hhs_orr" if i % 100 >= 94 else "child_welfare",
            likely_cst_victim=i % 100 < 15,
        )

    def submission(i, when):
        agency = police[i % len(police)]
        return CvipSubmission(
            external_id=f"national-cvip-{i}", received_at=when, reviewed_at=when, agency=agency
        )

    def child(i, when):
        identified = datetime.date(1998 + i % 26, 6, 1)
        return IdentifiedChild(external_id=f"national-child-{i}", identified_at=identified)

    def engagement(i, when):
        agency = services[i % len(services)]
        return CstEngagement(external_id=f"national-cst-{i}", engaged_at=when, agency=agency)

    def contact(i, when):
        return PeerSupport(
            external_id=f"national-hope-{i}",
            family_id=f"family-{i // 2}",
            state_id=codes[(i // 2) % len(codes)],
            supported_at=when,
        )

    def referral(i, when):
        return MentalHealthReferral(
            external_id=f"national-faon-{i}",
            family_id=f"faon-family-{i}",
            state_id=codes[i % len(codes)],
            connected_at=when,
        )

    def deployment(i, when):
        return TeamAdamDeployment(
            external_id=f"national-adam-{i}",
            case_ref=f"national-case-{i // 2}",
            state_id=codes[i % len(codes)],
            deployed_at=when,
        )

    def registration(i, when):
        return TrainingRegistration(
            external_id=f"national-training-{i}",
            registered_at=when,
            state_id=codes[i % len(codes)],
            profession=("law_enforcement", "child_serving_professional", "other")[i % 3],
        )

    plan = [  # (the national count at scale 1, the model, how to make one)
        (MISSING_CASES, MissingCase, case),
        (30 * 56, CvipSubmission, submission),
        (27_130, IdentifiedChild, child),
        (17 * 56, CstEngagement, engagement),
        (2 * 5_759, PeerSupport, contact),
        (36 * 56, MentalHealthReferral, referral),
        (2 * 56, TeamAdamDeployment, deployment),
        (18_400, TrainingRegistration, registration),
    ]
    made = {}
    for national, model, build in plan:
        n = max(1, round(national * scale))
        rows = (build(i, moment(i * SECONDS_IN_YEAR // n)) for i in range(n))
        made[model.__name__] = len(model.objects.bulk_create(rows, batch_size=5_000))
    return made


# -- the measurements -------------------------------------------------------------------------


class Reporter:
    """A platform credential and its reports, through the reporting API's service."""

    def __init__(self, name: str, when: datetime.datetime) -> None:
        from clearinghouse.tipline import credentials

        self.credential = credentials.create(name, name).credential
        self.when = when

    def report(self) -> None:
        from clearinghouse.tipline import intake

        document = intake.ReportDocument(
            text="<report>synthetic</report>",
            incident_type_label="Child Pornography (possession, manufacture, and distribution)",
            incident_at=self.when,
        )
        opened = intake.submit(self.credential, document, now=self.when)
        intake.finish(self.credential, opened.external_id, now=self.when)


def cpu_seconds(connection) -> float:
    """CPU time of this process plus, on PostgreSQL, of its server backend (on this
    machine), where the triggers run: unlike wall time, it does not count the time the
    other engineers' processes hold the shared cores."""
    seconds = time.process_time()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        seconds += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return seconds


def intake_cost(n: int, rounds: int) -> dict:
    """Microseconds per submit+finish with and without the rollup triggers, in wall
    time and in CPU time (client and database server), rounds alternating so that a
    change in the machine's load hits both alike."""
    from django.db import connection

    from clearinghouse.impact.rollups import schema

    # Received now, not in the benchmark's year: they stay out of its figures.
    reporter = Reporter("benchmark-intake", datetime.datetime.now(datetime.UTC))
    for _ in range(200):  # warm up: statements prepared, caches filled
        reporter.report()
    modes = ("with triggers", "without triggers")
    wall = {mode: [] for mode in modes}
    cpu = {mode: [] for mode in modes}
    for _ in range(rounds):
        for mode in modes:
            if mode == "without triggers":
                schema.drop_triggers(connection)
            started, started_cpu = time.perf_counter(), cpu_seconds(connection)
            for _ in range(n):
                reporter.report()
            cpu[mode].append(cpu_seconds(connection) - started_cpu)
            wall[mode].append(time.perf_counter() - started)
            schema.install_triggers(connection)
    result = {}
    for name, measured in (("wall", wall), ("cpu", cpu)):
        per_report = {mode: statistics.median(s) / n * 1e6 for mode, s in measured.items()}
        per_report["added"] = per_report["with triggers"] - per_report["without triggers"]
        result[name] = per_report
    return result


def all_sheets_command(output: Path) -> float:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command(
        "factsheet", "--all-states", "--year", str(YEAR), "--format", "json",
        "--output", str(output), "--quiet",
    )  # fmt: skip
    return time.perf_counter() - started


def every_figure(codes: list[str], *, full_scan: bool) -> tuple[float, dict]:
    from clearinghouse.impact.figures import national_figures, sheet_figures

    started = time.perf_counter()
    national = national_figures(YEAR, full_scan=full_scan)
    values = {"national": {key: v.value for key, v in national.items()}}
    for code in codes:
        sheet = sheet_figures(code, YEAR, national, full_scan=full_scan)
        values[code] = {key: v.value for key, v in sheet["state"].items()}
    return time.perf_counter() - started, values


def sheet_over_http(env: dict[str, str], data_dir: Path, requests: int) -> dict:
    port = free_port()
    log = data_dir / "serve.log"
    with log.open("w") as sink:
        server = subprocess.Popen(
            [str(CLI), "serve", "--port", str(port), "--workers", "1", "--task-workers", "0",
             "--no-scheduler"],
            env=env, stdout=sink, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while "Serving Clearinghouse" not in log.read_text():
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start:\n{log.read_text()}")
            time.sleep(0.2)
        timings = {}
        for name, path in (("AR sheet page", f"/impact/AR/{YEAR}/"),):
            url = f"http://127.0.0.1:{port}{path}"
            for _ in range(3):
                urllib.request.urlopen(url, timeout=60).read()  # noqa: S310 - our own server
            seconds = []
            for _ in range(requests):
                started = time.perf_counter()
                with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310
                    response.read()
                    assert response.status == 200
                seconds.append(time.perf_counter() - started)
            seconds.sort()
            timings[name] = {
                "median_ms": statistics.median(seconds) * 1000,
                "p95_ms": seconds[math.ceil(len(seconds) * 0.95) - 1] * 1000,
            }
        return timings
    finally:
        server.terminate()
        server.wait(60)


def freshness(count: int) -> dict:
    from clearinghouse.impact.figures import figure_value
    from clearinghouse.impact.rollups import store

    reporter = Reporter("benchmark-freshness", moment(180 * 24 * 3600))
    before = figure_value("tipline.reports_received", YEAR).value
    started = time.perf_counter()
    for _ in range(count):
        reporter.report()
    written = time.perf_counter()
    after = figure_value("tipline.reports_received", YEAR).value
    read = time.perf_counter()
    pending = store.pending()
    compact_started = time.perf_counter()
    store.compact()
    compacted = time.perf_counter()
    settled = figure_value("tipline.reports_received", YEAR).value
    return {
        "records": count,
        "write_s": written - started,
        "reports_per_s_one_thread": count / (written - started),
        "counted": after - before,
        "counted_after_compaction": settled - before,
        "read_after_last_commit_ms": (read - written) * 1000,
        "pending_deltas": pending,
        "compaction_s": compacted - compact_started,
    }


# -- the run ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--postgres", metavar="URL", help="a server; a scratch database is made")
    where.add_argument("--sqlite", action="store_true")
    parser.add_argument("--scale", type=float, help="share of a national year (default: 1 on "
                        "PostgreSQL, 0.005 on SQLite)")  # fmt: skip
    parser.add_argument(
        "--intake", type=int, default=2_000, help="reports per intake round (0: skip)"
    )
    parser.add_argument(
        "--intake-only", action="store_true", help="measure the intake cost only, then stop"
    )
    parser.add_argument(
        "--no-fsync",
        action="store_true",
        help="intake without waiting for the disk at each commit (synchronous_commit off; "
        "SQLite synchronous OFF): the triggers' CPU cost shows through the fsync noise",
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--runs", type=int, default=3, help="runs of the 56 sheets")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument(
        "--keep", action="store_true", help="keep the scratch database and data directory"
    )
    args = parser.parse_args()
    scale = args.scale or (1.0 if args.postgres else 0.005)

    data_dir = Path(tempfile.mkdtemp(prefix="national-year-"))
    url = name = None
    if args.postgres:
        import psycopg

        name = f"national_year_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(args.postgres, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        url = args.postgres.rsplit("/", 1)[0] + f"/{name}"
    env = environment(data_dir, url)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clearinghouse.settings")
    try:
        results = run(args, scale, url, data_dir, env)
    finally:
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)
        if name and not args.keep:
            from django.db import connections

            connections.close_all()
            import psycopg

            with psycopg.connect(args.postgres, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(json.dumps(results, indent=2, default=str))


def run(args, scale: float, url: str | None, data_dir: Path, env: dict) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Max

    from clearinghouse.geo.models import Jurisdiction
    from clearinghouse.impact.rollups import schema, store
    from clearinghouse.tipline.models import TiplineReport

    results = {
        "machine": machine(),
        "database": "PostgreSQL" if url else "SQLite",
        "scale": scale,
        "load_average_start": load_average(),
    }
    call_command("migrate", verbosity=0)
    codes = list(Jurisdiction.objects.order_by("code").values_list("code", flat=True))
    log = sys.stderr

    if args.intake:
        print("intake hot path, with and without the triggers ...", file=log)
        if args.no_fsync:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SET synchronous_commit TO off" if url else "PRAGMA synchronous = OFF"
                )
        results["intake_fsync"] = not args.no_fsync
        results["intake_us_per_report"] = intake_cost(args.intake, args.rounds)
        if args.intake_only:
            return results
        connection.close()  # the load and the timings run with the settings as deployed

    print(f"loading a year at scale {scale} ...", file=log)
    started = time.monotonic()
    first_id = (TiplineReport.objects.aggregate(last=Max("id"))["last"] or 0) + 1
    if url:
        results["load"] = load_big_tables_postgres(url, scale, codes, first_id)
    else:
        schema.drop_triggers(connection)
        results["load"] = load_big_tables_sqlite(scale, codes, first_id)
    schema.drop_triggers(connection)
    results["load"]["other records"] = load_small_tables(scale, codes)
    schema.install_triggers(connection)
    results["load"]["total_s"] = time.monotonic() - started
    started = time.monotonic()
    results["rebuild_rows"] = store.rebuild()
    results["rebuild_s"] = time.monotonic() - started
    if url:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    results["load_average_after_load"] = load_average()

    print("all 56 sheets ...", file=log)
    output = data_dir / "sheets"
    results["all_sheets_json_s"] = [all_sheets_command(output) for _ in range(args.runs)]
    rollup_runs = [every_figure(codes, full_scan=False) for _ in range(args.runs)]
    results["every_figure_rollups_s"] = [seconds for seconds, _ in rollup_runs]
    print("... and from full scans", file=log)
    full_seconds, full_values = every_figure(codes, full_scan=True)
    results["every_figure_full_scan_s"] = full_seconds
    results["rollups_equal_full_scans"] = rollup_runs[0][1] == full_values
    results["national_figures"] = full_values["national"]
    results["AR_figures"] = full_values["AR"]
    results["ratio_full_scan_to_rollups"] = full_seconds / statistics.median(
        results["every_figure_rollups_s"]
    )
    results["load_average_after_sheets"] = load_average()

    print("one sheet page over HTTP ...", file=log)
    results["http"] = sheet_over_http(env, data_dir, args.requests)

    print("10,000 new reports through the reporting API ...", file=log)
    results["freshness"] = freshness(10_000)
    results["load_average_end"] = load_average()
    return results


if __name__ == "__main__":
    sys.stdout = io.TextIOWrapper(sys.stdout.buffer, line_buffering=True)
    main()
