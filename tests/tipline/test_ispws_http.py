"""The reporting API over real HTTP: ``clearinghouse serve`` in a subprocess on its own
data directory, a credential issued with ``clearinghouse esp-credential create``, and
the spec's client (``espclient``) doing what a platform does."""

from __future__ import annotations

import hashlib
import time

import pytest
from espclient import EspClient, file_details_xml, multipart, read_answer, report_xml

from clearinghouse.tipline import credentials

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


def test_a_revoked_credential_stops_working_within_the_trust_window(deployment, cli):
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
    refused_at = time.monotonic()

    # The server's workers trust a credential they checked for REVALIDATE_AFTER (1 s)
    # before reading it again: the revocation reaches every one of them by then.
    time.sleep(max(0.0, refused_at + credentials.REVALIDATE_AFTER + 0.05 - time.monotonic()))
    assert [client.status().status for _ in range(12)] == [401] * 12
    assert esp.status().code == 0
    listing = cli("esp-credential", "list", data_dir=data_dir).stdout
    assert "social-2\tExample Social\trevoked" in listing
    assert "social\tExample Social\tactive" in listing


def _chunked(esp: EspClient, path: str, body_chunks, content_type: str):
    """POSTs a body with ``Transfer-Encoding: chunked`` (no Content-Length), as a client
    streaming a file of unknown size does."""
    import http.client

    connection = http.client.HTTPConnection(esp.host, esp.port, timeout=60)
    try:
        try:
            connection.request(
                "POST",
                esp.prefix + path,
                body=iter(body_chunks),
                headers={**esp.auth, "Content-Type": content_type, "Transfer-Encoding": "chunked"},
                encode_chunked=True,
            )
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before the body ended: read its answer
        response = connection.getresponse()
        return read_answer(response.status, dict(response.getheaders()), response.read())
    finally:
        connection.close()


def test_chunked_uploads_and_documents_are_taken_like_any_other(deployment):
    _, _, esp = deployment
    submitted = _chunked(esp, "/submit", [report_xml().encode()], "text/xml; charset=utf-8")
    assert submitted.code == 0, submitted.fields
    data = JPEG + bytes(range(256)) * 4096  # 1 MB and a bit: spooled to a temporary file
    body, content_type = multipart(
        {"id": submitted.report_id}, ("file", "a.jpg", data, "image/jpeg")
    )

    uploaded = _chunked(
        esp, "/upload", [body[i : i + 10_000] for i in range(0, len(body), 10_000)], content_type
    )

    assert uploaded.code == 0, uploaded.fields
    assert uploaded.fields["hash"] == hashlib.md5(data).hexdigest()  # noqa: S324
    assert esp.finish(submitted.report_id).file_ids == [uploaded.file_id]


def test_a_chunked_document_over_the_limit_is_refused_and_stores_nothing(deployment, cli):
    data_dir, _, esp = deployment
    before = cli("shell", "-c", _COUNT_REPORTS, data_dir=data_dir).stdout.strip()
    block = b"<!-- " + b"x" * 65_000 + b" -->"
    document = report_xml().encode()
    chunks = [document[:-9], *[block] * 90, document[-9:]]  # about 5.9 MB

    try:
        answer = _chunked(esp, "/submit", chunks, "text/xml; charset=utf-8")
    except ConnectionResetError:
        # The server refused and closed while the client was still sending: the kernel
        # then resets the connection, and may drop the answer with it before it is read.
        answer = None
    if answer is not None:
        assert answer.code == 4000
    assert cli("shell", "-c", _COUNT_REPORTS, data_dir=data_dir).stdout.strip() == before


_COUNT_REPORTS = (
    "from clearinghouse.tipline.models import TiplineReport; print(TiplineReport.objects.count())"
)
