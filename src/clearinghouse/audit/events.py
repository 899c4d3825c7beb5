"""Writing the audit trail. Call ``record`` in the same transaction as the action."""

from __future__ import annotations

from clearinghouse.audit.models import AuditEvent

ACTIONS = frozenset(
    {
        "impact:factsheet:viewed",
        "imports:file:imported",
        "media:bank:created",
        "media:bank:deleted",
        "media:bank:disabled",
        "media:bank:enabled",
        "media:bank:exported",
        "media:bank:imported",
        "imports:file:rejected",
        "missing:case:viewed",
        "tipline:credential:created",
        "tipline:credential:revoked",
        "tipline:file:uploaded",
        "tipline:file:viewed",
        "tipline:report:acknowledged",
        "tipline:report:assigned",
        "tipline:report:closed",
        "tipline:report:expired",
        "tipline:report:finished",
        "tipline:report:located",
        "tipline:report:made_available",
        "tipline:report:retracted",
        "tipline:report:submitted",
        "tipline:report:viewed",
    }
)


def record(action: str, *, actor=None, subject=None, **detail) -> AuditEvent:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    return AuditEvent.objects.create(
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
        detail=detail,
    )
