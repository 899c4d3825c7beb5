"""A small client of the CyberTipline Reporting API, written against the spec only
(``/work/shared/spec/cybertipline-api.md``): what an online platform's own client does.

It speaks plain HTTP through ``http.client`` and builds its XML from strings, so it
shares no code with the server. ``report_xml`` writes a valid ``<report>``.
"""

from __future__ import annotations

import base64
import http.client
import secrets
import select
import socket
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit
from xml.sax.saxutils import escape

XML = "text/xml; charset=utf-8"


class Headers(dict):
    """Response headers by name, whatever the case (HTTP header names are
    case-insensitive, and servers differ: granian sends them in lower case)."""

    def __init__(self, items=()) -> None:
        pairs = items.items() if isinstance(items, dict) else items
        super().__init__((name.lower(), value) for name, value in pairs)

    def __getitem__(self, name: str) -> str:
        return super().__getitem__(name.lower())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and super().__contains__(name.lower())

    def get(self, name: str, default=None):
        return super().get(name.lower(), default)


@dataclass
class Answer:
    """One HTTP response and, when it is a response document, what it says."""

    status: int
    headers: dict[str, str]
    body: bytes
    root_tag: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    file_ids: list[str] = field(default_factory=list)

    @property
    def code(self) -> int | None:
        value = self.fields.get("responseCode")
        return int(value) if value is not None else None

    @property
    def report_id(self) -> str | None:
        return self.fields.get("reportId")

    @property
    def file_id(self) -> str | None:
        return self.fields.get("fileId")


def read_answer(status: int, headers, body: bytes) -> Answer:
    answer = Answer(status, Headers(headers), body)
    if body.strip():
        root = ElementTree.fromstring(body)  # noqa: S314 (our own test server's answer)
        answer.root_tag = root.tag
        answer.fields = {child.tag: (child.text or "") for child in root if child.tag != "files"}
        answer.file_ids = [element.text or "" for element in root.iterfind("files/fileId")]
    return answer


class EspClient:
    def __init__(self, base_url: str, username: str, password: str) -> None:
        parts = urlsplit(base_url.rstrip("/"))
        self.host, self.port, self.prefix = parts.hostname, parts.port or 80, parts.path
        token = base64.b64encode(f"{username}:{password}".encode()).decode()
        self.auth = {"Authorization": f"Basic {token}"}

    def request(self, method: str, path: str, body: bytes = b"", headers=None) -> Answer:
        status, response_headers, response_body = self.send(
            method, self.prefix + path, body, {**self.auth, **(headers or {})}
        )
        if not path.endswith("/xsd"):
            return read_answer(status, response_headers, response_body)
        return Answer(status, Headers(response_headers), response_body)

    def send(self, method: str, path: str, body: bytes, headers: dict[str, str]):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            connection.request(method, path, body=body or None, headers=headers)
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    # The seven endpoints ------------------------------------------------------------------

    def status(self) -> Answer:
        return self.request("GET", "/status")

    def xsd(self) -> Answer:
        return self.request("GET", "/xsd")

    def submit(self, document: str | bytes) -> Answer:
        body = document.encode() if isinstance(document, str) else document
        return self.request("POST", "/submit", body, {"Content-Type": XML})

    def upload(self, report_id: str, name: str, data: bytes, media_type: str) -> Answer:
        body, content_type = multipart({"id": report_id}, ("file", name, data, media_type))
        return self.request("POST", "/upload", body, {"Content-Type": content_type})

    def fileinfo(self, document: str | bytes) -> Answer:
        body = document.encode() if isinstance(document, str) else document
        return self.request("POST", "/fileinfo", body, {"Content-Type": XML})

    def finish(self, report_id: str, *, as_multipart: bool = False) -> Answer:
        return self._form("/finish", report_id, as_multipart)

    def retract(self, report_id: str, *, as_multipart: bool = False) -> Answer:
        return self._form("/retract", report_id, as_multipart)

    def _form(self, path: str, report_id: str, as_multipart: bool) -> Answer:
        if as_multipart:
            body, content_type = multipart({"id": report_id})
        else:
            body, content_type = (
                urlencode({"id": report_id}).encode(),
                "application/x-www-form-urlencoded",
            )
        return self.request("POST", path, body, {"Content-Type": content_type})

    def stream_huge_body(self, path: str, size: int, chunk: bytes) -> Answer:
        """Declares ``size`` bytes and sends ``chunk`` repeatedly, never holding more
        than one chunk, until the server answers (or the whole body is sent)."""
        with socket.create_connection((self.host, self.port), timeout=60) as sock:
            head = (
                f"POST {self.prefix}{path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                f"Authorization: {self.auth['Authorization']}\r\nContent-Type: {XML}\r\n"
                f"Content-Length: {size}\r\nConnection: close\r\n\r\n"
            )
            sock.sendall(head.encode())
            sent = 0
            while sent < size:
                if select.select([sock], [], [], 0)[0]:
                    break  # the server has answered already
                piece = chunk[: size - sent]
                try:
                    sock.sendall(piece)
                except (BrokenPipeError, ConnectionResetError):
                    break
                sent += len(piece)
            response = http.client.HTTPResponse(sock)
            response.begin()
            return read_answer(response.status, dict(response.getheaders()), response.read())


class InProcessEspClient(EspClient):
    """The same client over Django's test client instead of a socket (fast, and in the
    test's database transaction): for the many error paths."""

    def __init__(self, django_client, username: str, password: str) -> None:
        super().__init__("http://testserver/ispws", username, password)
        self.django_client = django_client

    def send(self, method: str, path: str, body: bytes, headers: dict[str, str]):
        extra = {
            "HTTP_" + name.upper().replace("-", "_"): value
            for name, value in headers.items()
            if name.lower() != "content-type"
        }
        content_type = headers.get("Content-Type", "application/octet-stream")
        response = self.django_client.generic(
            method, path, data=body, content_type=content_type, **extra
        )
        return response.status_code, dict(response.headers), response.content


def multipart(fields: dict[str, str], file: tuple[str, str, bytes, str] | None = None):
    boundary = secrets.token_hex(16)
    parts = []
    for name, value in fields.items():
        disposition = f'Content-Disposition: form-data; name="{name}"'
        parts.append(f"--{boundary}\r\n{disposition}\r\n\r\n{value}\r\n".encode())
    if file is not None:
        name, filename, data, media_type = file
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {media_type}\r\n\r\n'.encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


# Documents ---------------------------------------------------------------------------------


def report_xml(
    *,
    incident_type: str = "Child Pornography (possession, manufacture, and distribution)",
    incident_at: str = "2024-03-01T10:15:00Z",
    url: str = "https://example.test/post/1",
    annotations: tuple[str, ...] = (),
    escalate: str | None = None,
    batched: bool = False,
    suspect_zip: str | None = "72201",
    suspect_state: str | None = "AR",
    suspect_ip: str | None = None,
    victim_phone: str | None = None,
    extra_incident: str = "",
) -> str:
    """A valid ``<report>``, in the spec's element order."""
    flags = "".join(f"<{flag}/>" for flag in annotations)
    suspect_address = ""
    if suspect_zip or suspect_state:
        suspect_address = (
            '<address type="Home"><city>Little Rock</city>'
            + (f"<zipCode>{suspect_zip}</zipCode>" if suspect_zip else "")
            + (f"<state>{suspect_state}</state>" if suspect_state else "")
            + "<country>US</country></address>"
        )
    ip = (
        f"<ipCaptureEvent><ipAddress>{suspect_ip}</ipAddress><eventName>Login</eventName>"
        "<dateTime>2024-03-01T09:00:00Z</dateTime></ipCaptureEvent>"
        if suspect_ip
        else ""
    )
    victim = (
        f'<victim><victimPerson><phone type="Mobile" countryCallingCode="+1">{victim_phone}'
        "</phone></victimPerson></victim>"
        if victim_phone
        else ""
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<report>'
        + ('<batchedReport reason="VIRAL_POTENTIAL_MEME"/>' if batched else "")
        + f"<incidentSummary><incidentType>{escape(incident_type)}</incidentType>"
        + "<platform>Example Social</platform>"
        + (
            f"<escalateToHighPriority>{escape(escalate)}</escalateToHighPriority>"
            if escalate
            else ""
        )
        + (f"<reportAnnotations>{flags}</reportAnnotations>" if flags else "")
        + f"<incidentDateTime>{incident_at}</incidentDateTime></incidentSummary>"
        + "<internetDetails><webPageIncident>"
        + f"<url>{escape(url)}</url></webPageIncident></internetDetails>"
        + extra_incident
        + "<reporter><reportingPerson><firstName>Trust</firstName><lastName>Safety</lastName>"
        + "<email>cybertip@example.test</email></reportingPerson></reporter>"
        + "<personOrUserReported><personOrUserReportedPerson>"
        + suspect_address
        + "</personOrUserReportedPerson><espIdentifier>user-42</espIdentifier>"
        + "<screenName>suspect42</screenName>"
        + ip
        + "</personOrUserReported>"
        + victim
        + "</report>"
    )


def file_details_xml(
    report_id: str, file_id: str, *, hashes: tuple[tuple[str, str], ...] = (), name: str = "a.jpg"
) -> str:
    hash_elements = "".join(
        f'<originalFileHash hashType="{kind}">{value}</originalFileHash>' for kind, value in hashes
    )
    return (
        f"<fileDetails><reportId>{report_id}</reportId><fileId>{file_id}</fileId>"
        f"<fileName>{escape(name)}</fileName><originalFileName>{escape(name)}</originalFileName>"
        "<fileViewedByEsp>true</fileViewedByEsp><publiclyAvailable>false</publiclyAvailable>"
        "<fileRelevance>Reported</fileRelevance>"
        "<fileAnnotations><potentialMeme/></fileAnnotations>"
        f"{hash_elements}"
        '<details type="EXIF"><nameValuePair><name>Make</name><value>Camera</value>'
        "</nameValuePair></details></fileDetails>"
    )
