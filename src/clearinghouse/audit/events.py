"""Writing the audit trail. Call ``record`` in the same transaction as the action.

Events are inserted unsealed, so that writers never wait for one another; the sealer
(``audit.chain``) puts them in the hash chain within a second or so."""

from __future__ import annotations

from clearinghouse.audit.models import AuditEvent
from clearinghouse.core import fastsql

ACTIONS = frozenset(
    {
        "accounts:second_factor:replaced",
        "accounts:security_key:added",
        "accounts:security_key:removed",
        "accounts:second_factor:reset",
        "accounts:second_factor:set_up",
        "accounts:session:confirmation_asked",
        "accounts:session:confirmed",
        "accounts:session:expired",
        "accounts:sessions:ended",
        "accounts:user:disabled_inactive",
        "accounts:user:locked",
        "accounts:user:unlocked",
        "accounts:user:logged_in",
        "accounts:user:logged_out",
        "accounts:user:login_failed",
        "audit:event:exported",
        "audit:event:listed",
        "core:database:backed_up",
        "core:database:restored",
        "core:keys:rotated",
        "education:registration:created",
        "education:registration:exported",
        "education:registration:listed",
        "education:registration:viewed",
        "impact:factsheet:viewed",
        "impact:provenance:listed",
        "imports:file:imported",
        "media:bank:created",
        "media:bank:deleted",
        "media:bank:disabled",
        "media:bank:enabled",
        "media:bank:exported",
        "media:bank:imported",
        "imports:file:rejected",
        "missing:case:viewed",
        "missing:adam:activity_logged",
        "missing:adam:requested",
        "missing:adam:updated",
        "missing:case:closed",
        "missing:case:created",
        "missing:case:located_deceased",
        "missing:case:recovered",
        "missing:case:reopened",
        "missing:case:updated",
        "missing:photo:added",
        "missing:photo:viewed",
        "missing:poster:published",
        "missing:poster:viewed",
        "missing:poster:withdrawn",
        "posterapi:client:created",
        "posterapi:client:revoked",
        "posterapi:photo:viewed",
        "posterapi:poster:deleted",
        "posterapi:poster:put",
        "posterapi:poster:viewed",
        "posterapi:posters:searched",
        "posterapi:secret:rotated",
        "posterapi:token:issued",
        "support:contact:created",
        "support:engagement:changed",
        "support:engagement:closed",
        "support:engagement:created",
        "support:engagement:viewed",
        "support:family:created",
        "support:family:listed",
        "support:family:viewed",
        "support:match:created",
        "support:match:ended",
        "support:meeting:created",
        "support:provider:changed",
        "support:provider:created",
        "support:referral:closed",
        "support:referral:connected",
        "support:referral:created",
        "support:volunteer:changed",
        "support:volunteer:created",
        "support:volunteer:listed",
        "support:youth_engagement:created",
        "tipline:credential:created",
        "victimid:child:identified",
        "victimid:registry:viewed",
        "victimid:report:exported",
        "victimid:submission:processed",
        "victimid:submission:rejected",
        "victimid:submission:reviewed",
        "victimid:submission:submitted",
        "victimid:submission:viewed",
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


# The audit trail is written on every request of the reporting API: one statement,
# compiled once (``fastsql``), instead of the ORM's ``create``.
_insert = fastsql.Insert(AuditEvent)


def _event(action: str, actor, subject, detail: dict) -> AuditEvent:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    return AuditEvent(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None and subject.pk is not None else "",
        detail=detail,
    )


def record(action: str, *, actor=None, subject=None, **detail) -> AuditEvent:
    event = _event(action, actor, subject, detail)
    _insert(event)
    return event


def insert_and_record(
    insert: fastsql.Insert, subject, action: str, *, actor=None, **detail
) -> AuditEvent:
    """Inserts the new record ``subject`` (with ``insert``) and records ``action`` about
    it, atomically: on PostgreSQL in one statement (``fastsql.Insert.with_dependent``)."""
    event = _event(action, actor, subject, detail)
    insert.with_dependent(subject, event, "subject_id")
    return event


def update_and_record(
    update: fastsql.Update, subject, action: str, *, actor=None, **detail
) -> AuditEvent:
    """Writes the change to ``subject`` (with ``update``) and records ``action`` about it,
    in one statement on PostgreSQL (``fastsql.Update.with_dependent``). Call it in the
    transaction of the action, as ``record``."""
    event = _event(action, actor, subject, detail)
    update.with_dependent(subject, event)
    return event
