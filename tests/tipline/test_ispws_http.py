"""The reporting API over real HTTP: ``clearinghouse serve`` in a subprocess on its own
data directory, a credential issued with ``clearinghouse esp-credential create``, and
the spec's client (``espclient``) doing what a platform does."""

from __future__ import annotations

import hashlib

import pytest
from espclient import EspClient, file_details_xml, report_xml

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x01" * 2048


@pytest.fixture(scope="module")
def deployment(cli, start_server, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("ispws")
    issued = cli(
        "esp-credential",
        "create",
        "--org",
        "Example Social",
        "--username",
        "social",
        data_dir=data_dir,
    )
    assert issued.returncode == 0, issued.stderr
    password = issued.stdout.strip().splitlines()[-1]
    server = start_server(data_dir)
    return data_dir, server, EspClient(server.url + "ispws", "social", password)


def test_a_platform_reports_over_http_from_submit_to_finish(deployment):
    _, _, esp = deployment
    assert esp.status().code == 0
    assert b"<xs:schema" in esp.xsd().body

    submitted = esp.submit(report_xml(escalate="imminent"))
    assert (submitted.status, submitted.code) == (200, 0), submitted.fields
    assert submitted.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert submitted.headers["Request-ID"]
    report_id = submitted.report_id

    upload = esp.upload(report_id, "photo.jpg", JPEG, "image/jpeg")
    assert upload.code == 0, upload.fields
    assert upload.fields["hash"] == hashlib.md5(JPEG).hexdigest()  # noqa: S324
    assert esp.upload(report_id, "photo.jpg", JPEG, "image/jpeg").file_id == upload.file_id

    for _ in range(3):
        assert esp.fileinfo(file_details_xml(report_id, upload.file_id)).code == 0
    done = esp.finish(report_id)
    assert (done.root_tag, done.code, done.report_id) == ("reportDoneResponse", 0, report_id)
    assert done.file_ids == [upload.file_id]
    assert esp.finish(report_id).code == 5102


def test_a_platform_retracts_over_http(deployment):
    _, _, esp = deployment
    report_id = esp.submit(report_xml()).report_id

    assert esp.retract(report_id).code == 0
    assert esp.retract(report_id).code == 5101
    assert esp.finish(report_id).code == 5101


def test_hostile_requests_over_http_get_their_codes(deployment):
    _, _, esp = deployment
    assert esp.submit(report_xml(url="https://example.test/a b")).code == 4100
    assert esp.submit(report_xml(incident_at="2999-01-01T00:00:00Z")).code == 4100
    xxe = '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><report>&x;</report>'
    assert esp.submit(xxe).code == 4110
    assert esp.request("GET", "/submit").code == 4000


def test_a_100_megabyte_body_is_refused_early(deployment):
    _, _, esp = deployment
    answer = esp.stream_huge_body("/submit", 100 * 1024 * 1024, b"<report>" + b" " * 65528)

    assert (answer.status, answer.code) == (200, 4000)
    assert esp.status().code == 0  # and the server is still there


def test_bad_credentials_over_http_get_401_with_an_empty_body(deployment):
    _, server, _ = deployment
    stranger = EspClient(server.url + "ispws", "social", "not-the-password")

    answer = stranger.status()

    assert (answer.status, answer.body) == (401, b"")
    assert answer.headers["Request-ID"]


def test_a_revoked_credential_stops_working_at_once(deployment, cli):
    data_dir, server, esp = deployment
    second = cli(
        "esp-credential",
        "create",
        "--org",
        "Example Social",
        "--username",
        "social-2",
        data_dir=data_dir,
    )
    client = EspClient(server.url + "ispws", "social-2", second.stdout.splitlines()[-1])
    assert client.status().code == 0

    revoked = cli("esp-credential", "revoke", "social-2", data_dir=data_dir)
    assert revoked.returncode == 0, revoked.stderr

    assert client.status().status == 401
    assert esp.status().code == 0
    listing = cli("esp-credential", "list", data_dir=data_dir).stdout
    assert "social-2\tExample Social\trevoked" in listing
    assert "social\tExample Social\tactive" in listing
