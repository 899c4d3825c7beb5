"""The whole CyberTipline flow over real HTTP, on a fresh data directory served by
``clearinghouse serve``: a platform reports with the spec's client (status, submit,
upload, fileinfo, finish), the report lands in the analysts' queue placed in Arkansas,
an analyst signed in through the login page makes it available, and from then on the
Arkansas officer, and only the Arkansas officer, finds it (portal list, detail, file and
JSON API), and Arkansas's fact sheet counts it. A retracted report reaches nobody and
nothing; a finished one cannot be retracted."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import re
import secrets

import pytest
from espclient import EspClient, file_details_xml, report_xml
from PIL import Image
from servers import WebSession, run_python

ANALYST, AR_OFFICER, TX_OFFICER = "e2e-analyst", "e2e-ar-officer", "e2e-tx-officer"

CREATE_USERS = """
from clearinghouse.accounts.models import Organization, User
passwords = {passwords!r}
clearinghouse, _ = Organization.objects.get_or_create(
    kind="clearinghouse", name="E2E Clearinghouse")
ar_police, _ = Organization.objects.get_or_create(
    kind="law_enforcement", name="E2E Arkansas Police", defaults={{"jurisdiction_id": "AR"}})
tx_police, _ = Organization.objects.get_or_create(
    kind="law_enforcement", name="E2E Texas Police", defaults={{"jurisdiction_id": "TX"}})
for username, role, organization in [
    ({analyst!r}, "analyst", clearinghouse),
    ({ar!r}, "officer", ar_police),
    ({tx!r}, "officer", tx_police),
]:
    user = User(username=username, role=role, organization=organization,
                is_staff=organization == clearinghouse)
    user.set_password(passwords[username])
    user.full_clean()
    user.save()
answer(sorted(User.objects.values_list("username", flat=True)))
"""


def benign_png() -> bytes:
    """A small generated picture: a gradient, nothing else."""
    image = Image.new("RGB", (64, 48))
    image.putdata([(x * 4, y * 5, 128) for y in range(48) for x in range(64)])
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def issue_credential(cli, data_dir, org: str, username: str) -> str:
    issued = cli(
        "esp-credential", "create", "--org", org, "--username", username, data_dir=data_dir
    )
    assert issued.returncode == 0, issued.stderr
    return issued.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def site(cli, start_server, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("e2e")
    password = issue_credential(cli, data_dir, "Example Social", "e2e-social")
    other_password = issue_credential(cli, data_dir, "Other Platform", "e2e-other")
    passwords = {name: secrets.token_urlsafe(18) for name in (ANALYST, AR_OFFICER, TX_OFFICER)}
    users = run_python(
        cli,
        data_dir,
        CREATE_USERS.format(passwords=passwords, analyst=ANALYST, ar=AR_OFFICER, tx=TX_OFFICER),
    )
    assert users == sorted(passwords)
    server = start_server(data_dir)
    base = server.url.rstrip("/")
    return {
        "data_dir": data_dir,
        "base": base,
        "esp": EspClient(base + "/ispws", "e2e-social", password),
        "other_esp": EspClient(base + "/ispws", "e2e-other", other_password),
        "passwords": passwords,
    }


def signed_in(site, username: str) -> WebSession:
    session = WebSession(site["base"])
    session.log_in(username, site["passwords"][username])
    return session


def factsheet(cli, site, state: str) -> dict:
    year = datetime.datetime.now(datetime.UTC).year
    sheet = cli(
        "factsheet",
        "--state",
        state,
        "--year",
        str(year),
        "--format",
        "json",
        data_dir=site["data_dir"],
    )
    assert sheet.returncode == 0, sheet.stderr
    figures = json.loads(sheet.stdout)["figures"]
    return {key: figure["value"] for key, figure in figures.items() if key.startswith("tipline.")}


def queue_row(page_text: str, external_id: str) -> str | None:
    """The queue table's row for a report, if it is listed."""
    for row in re.findall(r"<tr>.*?</tr>", page_text, flags=re.S):
        if f">{external_id}</a>" in row:
            return row
    return None


def report_pk(row: str) -> int:
    return int(re.search(r'href="/tipline/reports/(\d+)/"', row).group(1))


def api_ids(session: WebSession, query: str = "") -> list[str]:
    listed = session.get("/api/tipline/reports" + query)
    assert listed.status == 200, listed.text
    return [item["external_id"] for item in listed.json()["items"]]


def submit_arkansas_report(esp: EspClient) -> str:
    submitted = esp.submit(report_xml(suspect_zip="72201", suspect_state="AR"))
    assert (submitted.status, submitted.code) == (200, 0), submitted.fields
    assert submitted.report_id.isdigit()
    return submitted.report_id


def test_a_platform_report_reaches_the_arkansas_portal_and_fact_sheet(cli, site):
    esp = site["esp"]
    png = benign_png()
    md5 = hashlib.md5(png).hexdigest()  # noqa: S324 (the API's own hash)

    # The platform reports, as a client written against the spec does.
    status = esp.status()
    assert (status.status, status.code) == (200, 0)
    assert "e2e-social" in status.fields["responseDescription"]
    report_id = submit_arkansas_report(esp)
    upload = esp.upload(report_id, "picture.png", png, "image/png")
    assert (upload.code, upload.report_id, upload.fields["hash"]) == (0, report_id, md5)
    details = file_details_xml(report_id, upload.file_id, hashes=(("MD5", md5),), name="p.png")
    info = esp.fileinfo(details)
    assert (info.code, info.report_id, info.file_id) == (0, report_id, upload.file_id)
    done = esp.finish(report_id)
    assert (done.root_tag, done.code, done.report_id) == ("reportDoneResponse", 0, report_id)
    assert done.file_ids == [upload.file_id]

    # Finished: nothing more can be done to it by the platform.
    assert esp.retract(report_id).code == 5102
    assert esp.finish(report_id).code == 5102
    assert esp.upload(report_id, "more.png", png, "image/png").code == 5102
    assert esp.fileinfo(details).code == 5102

    assert factsheet(cli, site, "AR")["tipline.reports_made_available"] == 0

    # The analyst finds it in the triage queue, placed in Arkansas.
    analyst = signed_in(site, ANALYST)
    queue = analyst.get("/tipline/queue/")
    assert queue.status == 200, queue.text
    row = queue_row(queue.text, report_id)
    assert row is not None, f"report {report_id} is not in the analysts' queue"
    assert "Arkansas" in row
    pk = report_pk(row)
    detail = analyst.get(f"/tipline/reports/{pk}/")
    assert detail.status == 200
    assert "Make available to law enforcement" in detail.text

    # Until it is made available, no officer sees it.
    ar_officer = signed_in(site, AR_OFFICER)
    assert report_id not in ar_officer.get("/tipline/portal/?show=all").text
    assert ar_officer.get(f"/tipline/portal/{pk}/").status == 404
    assert report_id not in api_ids(ar_officer)

    # Without a CSRF token the referral is refused; with one it goes through.
    forged = analyst.request("POST", f"/tipline/reports/{pk}/make-available/")
    assert forged.status == 403
    referred = analyst.post(f"/tipline/reports/{pk}/make-available/")
    assert referred.status == 302, referred.text
    assert referred.location.endswith(f"/tipline/reports/{pk}/")
    assert "Made available to law enforcement in Arkansas" in analyst.get(referred.location).text
    assert queue_row(analyst.get("/tipline/queue/").text, report_id) is None

    # The Arkansas officer: list, detail, file (confirm, then the bytes), API.
    portal = ar_officer.get("/tipline/portal/")
    assert portal.status == 200
    assert f">{report_id}</a>" in portal.text
    assert "Arkansas" in portal.text
    assert report_id in ar_officer.get(f"/tipline/portal/{pk}/").text
    assert api_ids(ar_officer) == [report_id]
    assert api_ids(ar_officer, "?state=AR") == [report_id]
    read = ar_officer.get(f"/api/tipline/reports/{pk}")
    assert read.status == 200, read.text
    record = read.json()
    assert (record["external_id"], record["state"], record["status"]) == (
        report_id,
        "AR",
        "finished",
    )
    assert record["made_available_at"]
    [file] = record["files"]
    assert (file["md5"], file["media_type"], file["stored"]) == (md5, "image/png", True)
    file_url = f"/tipline/files/{file['id']}/"
    assert ar_officer.get(file_url).status == 200  # the confirmation page
    viewed = ar_officer.post(file_url)
    assert viewed.status == 200
    assert viewed.body == png

    # The Texas officer: nothing, by any way in.
    tx_officer = signed_in(site, TX_OFFICER)
    tx_portal = tx_officer.get("/tipline/portal/?show=all")
    assert tx_portal.status == 200
    assert report_id not in tx_portal.text
    assert tx_officer.get(f"/tipline/portal/{pk}/").status == 404
    assert tx_officer.post(f"/tipline/portal/{pk}/acknowledge/").status == 404
    assert tx_officer.get(file_url).status == 404
    assert tx_officer.post(file_url).status == 404
    assert tx_officer.get(f"/tipline/files/{file['id']}/thumbnail.jpg").status == 404
    assert api_ids(tx_officer) == []
    assert api_ids(tx_officer, "?state=AR") == []
    assert tx_officer.get(f"/api/tipline/reports/{pk}").status == 404

    # And the fact sheets.
    assert factsheet(cli, site, "AR")["tipline.reports_made_available"] == 1
    assert factsheet(cli, site, "TX")["tipline.reports_made_available"] == 0


def test_a_report_retracted_before_finish_reaches_nobody_and_no_figure(cli, site):
    esp = site["esp"]
    before = factsheet(cli, site, "AR")

    report_id = submit_arkansas_report(esp)
    upload = esp.upload(report_id, "picture.png", benign_png(), "image/png")
    assert upload.code == 0
    retracted = esp.retract(report_id)
    assert (retracted.root_tag, retracted.code, retracted.report_id) == (
        "reportResponse",
        0,
        report_id,
    )

    # Nothing more can happen to it.
    assert esp.retract(report_id).code == 5101
    assert esp.finish(report_id).code == 5101
    assert esp.upload(report_id, "again.png", b"\x89PNG\r\n\x1a\n", "image/png").code == 5101
    assert esp.fileinfo(file_details_xml(report_id, upload.file_id)).code == 5101

    # Not in either analysts' queue, and it cannot be referred.
    analyst = signed_in(site, ANALYST)
    for queue in ("/tipline/queue/", "/tipline/review/"):
        page = analyst.get(queue)
        assert page.status == 200
        assert report_id not in page.text, f"a retracted report is listed in {queue}"
    records = analyst.get("/api/tipline/reports?status=retracted").json()["items"]
    [record] = [item for item in records if item["external_id"] == report_id]
    assert (record["status"], record["made_available_at"]) == ("retracted", None)
    assert report_id not in api_ids(analyst, "?status=finished")
    assert analyst.post(f"/tipline/reports/{record['id']}/make-available/").status == 302
    assert analyst.get(f"/api/tipline/reports/{record['id']}").json()["made_available_at"] is None

    # No officer sees it, and no figure counts it.
    for officer in (AR_OFFICER, TX_OFFICER):
        session = signed_in(site, officer)
        assert report_id not in session.get("/tipline/portal/?show=all").text
        assert session.get(f"/tipline/portal/{record['id']}/").status == 404
        assert report_id not in api_ids(session)
    assert factsheet(cli, site, "AR") == before


def test_the_error_codes_over_http(site):
    esp, other = site["esp"], site["other_esp"]
    report_id = submit_arkansas_report(esp)

    # Another platform's report does not exist for this one, whatever it asks.
    assert other.upload(report_id, "a.png", benign_png(), "image/png").code == 5001
    assert other.fileinfo(file_details_xml(report_id, "0" * 32)).code == 5001
    assert other.retract(report_id).code == 5001
    refused = other.finish(report_id)
    assert (refused.root_tag, refused.code, refused.report_id) == (
        "reportDoneResponse",
        5001,
        report_id,
    )
    assert refused.file_ids == []
    assert esp.finish("999999999999").code == 5001
    assert esp.fileinfo(file_details_xml(report_id, "f" * 32)).code == 5002

    # Malformed requests.
    assert esp.request("GET", "/finish").code == 4000
    assert esp.request("POST", "/status").code == 4000
    missing = esp.request(
        "POST", "/finish", b"", {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert (missing.root_tag, missing.code) == ("reportDoneResponse", 4000)
    assert esp.submit("<report><incidentSummary>").code == 4110
    out_of_order = report_xml().replace("<platform>Example Social</platform>", "")
    out_of_order = out_of_order.replace(
        "</incidentDateTime>", "</incidentDateTime><platform>Example Social</platform>"
    )
    assert esp.submit(out_of_order).code == 4100
    assert esp.submit(report_xml(incident_type="Something Else")).code == 4100

    # And the report they all aimed at is still the platform's, open, and finishes.
    assert esp.finish(report_id).code == 0
    assert EspClient(site["base"] + "/ispws", "e2e-social", "wrong").status().status == 401
