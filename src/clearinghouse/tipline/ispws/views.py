"""The reporting API's endpoints: authenticate, read the request, call ``intake``, answer.

Every response carries a ``Request-ID``; every answer but a 401 is an XML document
(``reportDoneResponse`` from ``/finish``, ``reportResponse`` from the rest), errors
included, so a client always finds a response code to act on.
"""

from __future__ import annotations

import base64
import binascii
import functools
import logging
import uuid

from django.core.exceptions import SuspiciousOperation
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.views.decorators.csrf import csrf_exempt

from clearinghouse.accounts import routes
from clearinghouse.tipline import credentials, intake
from clearinghouse.tipline.intake import Code, IntakeError
from clearinghouse.tipline.ispws import documents, xml

logger = logging.getLogger(__name__)

XML_CONTENT_TYPE = "text/xml; charset=utf-8"
# A form with a report id is tiny; a file upload may be as large as the vault takes.
MAX_FORM_BYTES = 64 * 1024
MAX_UPLOAD_BYTES = 2 * 1024**3


def _credentials_from(request: HttpRequest) -> tuple[str, str] | None:
    scheme, _, encoded = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    username, colon, password = decoded.partition(":")
    return (username, password) if colon else None


def endpoint(method: str, *, done: bool = False):
    """Wraps a view ``(request, credential) -> bytes`` with what every endpoint does:
    Basic authentication, the method check, the Request-ID header and turning an
    ``IntakeError`` (or a crash) into the endpoint's response document."""

    def decorate(view):
        @routes.declare(routes.ESP_CREDENTIAL)
        @csrf_exempt
        @functools.wraps(view)
        def wrapped(request: HttpRequest) -> HttpResponse:
            request_id = uuid.uuid4().hex
            given = _credentials_from(request)
            credential = credentials.authenticate(*given) if given else None
            if credential is None:
                response = HttpResponse(b"", status=401, content_type=XML_CONTENT_TYPE)
                response["WWW-Authenticate"] = 'Basic realm="ispws", charset="UTF-8"'
            else:
                response = HttpResponse(
                    _answer(view, request, credential, method, done),
                    content_type=XML_CONTENT_TYPE,
                )
            response["Request-ID"] = request_id
            return response

        return wrapped

    return decorate


def _answer(view, request, credential, method: str, done: bool) -> bytes:
    try:
        if request.method != method:
            raise IntakeError(Code.INVALID_REQUEST, f"use {method}")
        return view(request, credential)
    except (MultiPartParserError, SuspiciousOperation, UnreadablePostError) as error:
        return _answer_error(IntakeError(Code.INVALID_REQUEST, str(error)), request, done)
    except IntakeError as error:
        return _answer_error(error, request, done)
    except DatabaseError:
        logger.exception("the reporting API could not save on %s", request.path)
        return _answer_error(IntakeError(Code.SAVE_FAILED), request, done)
    except Exception:
        logger.exception("the reporting API failed on %s", request.path)
        return _answer_error(IntakeError(Code.SERVER_ERROR), request, done)


def _answer_error(error: IntakeError, request, done: bool) -> bytes:
    if done:
        return xml.report_done_response(error.code, report_id=_report_id_of(request))
    description = error.code.description
    if error.detail:
        description = f"{description}: {error.detail}"[:3000]
    return xml.report_response(error.code, description=description)


def _report_id_of(request: HttpRequest) -> str | None:
    """The report id a request asked about, if it is one (to echo in an error)."""
    try:
        small = int(request.META.get("CONTENT_LENGTH") or 0) <= MAX_FORM_BYTES
        value = request.POST.get("id", "").strip() if request.method == "POST" and small else ""
    except Exception:  # an unreadable form already has its error code
        return None
    return value if value.isdigit() and len(value) < 19 else None


def _form_id(request: HttpRequest, limit: int = MAX_FORM_BYTES) -> str:
    """The ``id`` field of a urlencoded or multipart form, read only if the body fits."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise IntakeError(Code.INVALID_REQUEST, "bad Content-Length") from None
    if length > limit:
        raise IntakeError(Code.INVALID_REQUEST, f"body over {limit} bytes")
    report_id = request.POST.get("id", "").strip()
    if not report_id:
        raise IntakeError(Code.INVALID_REQUEST, "form field id is missing")
    return report_id


@endpoint("GET")
def status(request, credential) -> bytes:
    return xml.report_response(Code.SUCCESS, description=f"Remote User : {credential.username}")


@endpoint("GET")
def xsd(request, credential) -> bytes:
    return xml.schema_text()


@endpoint("POST")
def submit(request, credential) -> bytes:
    body = xml.read_body(request)
    root = xml.parse_valid(body, "report")
    report = intake.submit(credential, documents.read_report(root, xml.document_text(body, root)))
    return xml.report_response(Code.SUCCESS, report_id=report.external_id)


@endpoint("POST")
def upload(request, credential) -> bytes:
    report_id = _form_id(request, MAX_UPLOAD_BYTES)
    uploaded = request.FILES.get("file")
    if uploaded is None:
        raise IntakeError(Code.INVALID_REQUEST, "form field file is missing")
    result = intake.upload(
        credential,
        report_id,
        uploaded,
        declared_name=uploaded.name,
        declared_type=uploaded.content_type,
    )
    return xml.report_response(
        Code.SUCCESS,
        report_id=result.report.external_id,
        file_id=result.file.file_token,
        md5=result.md5,
    )


@endpoint("POST")
def fileinfo(request, credential) -> bytes:
    body = xml.read_body(request)
    root = xml.parse_valid(body, "fileDetails")
    report_file = intake.describe_file(credential, documents.read_file_details(root))
    return xml.report_response(
        Code.SUCCESS, report_id=report_file.report.external_id, file_id=report_file.file_token
    )


@endpoint("POST", done=True)
def finish(request, credential) -> bytes:
    finished = intake.finish(credential, _form_id(request))
    return xml.report_done_response(
        Code.SUCCESS, report_id=finished.report.external_id, file_ids=finished.file_ids
    )


@endpoint("POST")
def retract(request, credential) -> bytes:
    report = intake.retract(credential, _form_id(request))
    return xml.report_response(Code.SUCCESS, report_id=report.external_id)
