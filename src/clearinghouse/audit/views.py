"""The audit viewer for administrators (``/audit/``), with its CSV export. Looking at the
trail, and exporting it, are audited like any other view."""

from __future__ import annotations

import csv
import json

from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from clearinghouse.accounts import access
from clearinghouse.audit import chain, events
from clearinghouse.audit.forms import AuditFilter
from clearinghouse.audit.models import AuditEvent
from clearinghouse.tipline.views import page_of, role_required

CSV_COLUMNS = (
    "sequence",
    "at",
    "actor",
    "action",
    "subject_type",
    "subject_id",
    "detail",
    "hash",
)


def sees_audit_trail(user) -> bool:
    return access.scope_for(user, AuditEvent).reach is not access.Reach.NONE


def _filtered(request) -> tuple[AuditFilter, object]:
    filters = AuditFilter(request.GET or None)
    found = access.visible(request.user, AuditEvent).select_related("actor")
    return filters, found.filter(**filters.lookups()).order_by("-at", "-id")


@require_GET
@role_required(sees_audit_trail)
def event_list(request):
    filters, found = _filtered(request)
    status = 400 if filters.is_bound and not filters.is_valid() else 200
    page = page_of(request, found)
    for event in page.object_list:
        event.detail_text = json.dumps(event.detail, sort_keys=True, ensure_ascii=False)
    events.record(
        "audit:event:listed",
        actor=request.user,
        filters=filters.described(),
        page=page.number,
        count=len(page.object_list),
    )
    params = request.GET.copy()
    params.pop("page", None)
    context = {"page": page, "filters": filters, "query": params.urlencode(), "head": chain.head()}
    return render(request, "audit/event_list.html", context, status=status)


def _cell(value) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(found):
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    rows = found.values_list(
        "sequence",
        "at",
        "actor__username",
        "action",
        "subject_type",
        "subject_id",
        "detail",
        "hash",
    )
    for sequence, at, actor, action, subject_type, subject_id, detail, digest in rows.iterator(
        chunk_size=2000
    ):
        cells = (sequence, at.isoformat(), actor, action, subject_type, subject_id)
        detail_text = json.dumps(detail, sort_keys=True, ensure_ascii=False)
        yield writer.writerow([*(_cell(cell) for cell in cells), _cell(detail_text), digest or ""])


@require_GET
@role_required(sees_audit_trail)
def event_export(request):
    filters, found = _filtered(request)
    if filters.is_bound and not filters.is_valid():
        # The fields only, never the values given: an error page does not echo input.
        wrong = ", ".join(sorted(filters.errors))
        return HttpResponse(f"Invalid filter: {wrong}.", status=400, content_type="text/plain")
    events.record(
        "audit:event:exported", actor=request.user, filters=filters.described(), count=found.count()
    )
    response = StreamingHttpResponse(_csv_lines(found), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-trail.csv"'
    response["Cache-Control"] = "no-store"
    return response
