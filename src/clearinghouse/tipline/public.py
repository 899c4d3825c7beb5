"""Reports from members of the public, through the form at ``/report/``.

A public report is finished the moment it is sent: it gets a confirmation number
(``P`` and a number), keeps what was typed as JSON in its encrypted ``document``, keeps
the suspect's location hints as clues, is placed through ``geo.resolve`` when those
exist and goes to the analysts' queue like a platform's report.

The form is open to anybody, so each client address may send only ``RATE_LIMIT``
reports in ``RATE_WINDOW`` seconds. The count lives in the shared cache (files in the
data directory, or Redis), so every web worker sees the same count.
"""

from __future__ import annotations

import json
import secrets

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from clearinghouse.audit import events
from clearinghouse.core.ratelimit import RateLimit
from clearinghouse.tipline import triage
from clearinghouse.tipline.forms import MAX_FILE_BYTES
from clearinghouse.tipline.models import TiplineReport

RATE_LIMIT = 5
RATE_WINDOW = 10 * 60

# Fields of the form that say where the suspect is.
_SUSPECT_ADDRESS = ("suspect_city", "suspect_state", "suspect_zip_code")


# -- rate limit --------------------------------------------------------------------------


_LIMIT = RateLimit("tipline:public-report", RATE_LIMIT, RATE_WINDOW)


def is_rate_limited(client: str) -> bool:
    """Whether ``client`` has already sent ``RATE_LIMIT`` reports in this window."""
    return _LIMIT.exceeded(client)


def count_report(client: str) -> None:
    """Counts one more from ``client``; the window starts with the first."""
    _LIMIT.count(client)


# -- the report --------------------------------------------------------------------------


def clues_from(data: dict) -> list[dict]:
    """The location clues in the form's answers, in the shape ``geo.resolve`` reads."""
    clues = []
    city, state, zip_code = (data.get(name) or "" for name in _SUSPECT_ADDRESS)
    if city or state:
        clues.append(
            {
                "kind": "address",
                "party": "suspect",
                "city": city,
                "state": state,
                "zip_code": zip_code,
                "country": "US",
            }
        )
    elif zip_code:
        clues.append({"kind": "zip", "party": "suspect", "zip_code": zip_code})
    if data.get("suspect_phone"):
        clues.append({"kind": "phone", "party": "suspect", "number": data["suspect_phone"]})
    return clues


def _resolver():
    """``geo.resolve.resolve``, or None while geolocation is not part of this build."""
    try:
        from clearinghouse.geo.resolve import resolve
    except ImportError:
        return None
    return resolve


def vault_or_none():
    """The file vault, or None while it is not part of this build."""
    try:
        from clearinghouse.media import vault
    except ImportError:
        return None
    return vault


def accepts_files() -> bool:
    """Files are accepted only when the vault can keep them encrypted."""
    return vault_or_none() is not None


def locate(report: TiplineReport, clues: list[dict]) -> None:
    """Places the report from its clues; without a resolver or a clue it waits for an
    analyst in the location-review queue."""
    resolve = _resolver()
    if resolve is None or not clues:
        report.needs_location_review = True
        return
    found = resolve(clues)
    report.country = found.country or ""
    report.state_id = found.state or None
    report.location_clue = str(found.clue or "")[:200]
    report.location_confidence = found.confidence or ""
    report.needs_location_review = bool(found.needs_review) or not report.country


def _document(data: dict, files: list) -> str:
    answers = {
        name: value for name, value in data.items() if name != "files" and value not in ("", None)
    }
    answers["files"] = [
        {"name": file.name, "size": file.size, "content_type": file.content_type} for file in files
    ]
    return json.dumps(answers, cls=DjangoJSONEncoder)


def _store_files(report: TiplineReport, files: list) -> None:
    vault = vault_or_none()
    for position, upload in enumerate(files):
        blob = vault.put(
            upload,
            declared_name=upload.name,
            declared_type=upload.content_type,
            max_bytes=MAX_FILE_BYTES,
        )
        report.files.create(
            position=position, blob=blob, media_type=blob.media_type, md5=blob.md5, sha1=blob.sha1
        )


@transaction.atomic
def submit(data: dict, incident_at, files: list | None = None) -> TiplineReport:
    """Keeps a report from the public form (``data`` is the form's cleaned data) and
    returns it; its ``external_id`` is the confirmation number."""
    files = files or []
    clues = clues_from(data)
    now = timezone.now()
    report = TiplineReport(
        external_id=f"P-pending-{secrets.token_hex(8)}",
        received_at=now,
        finished_at=now,
        last_changed_at=now,
        incident_at=incident_at,
        incident_type=data["incident_type"],
        source=TiplineReport.Source.PUBLIC,
        status=TiplineReport.Status.FINISHED,
        platform=data.get("platform") or "",
        document=_document(data, files),
        clues=json.dumps(clues),
    )
    locate(report, clues)
    report.save()
    report.external_id = f"P{report.pk:08d}"
    report.save(update_fields=["external_id"])
    if files:
        _store_files(report, files)
    triage.prioritize(report)
    events.record("tipline:report:submitted", subject=report, source="public", files=len(files))
    return report
