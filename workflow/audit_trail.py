"""Audit trail: every domain action records one event, committed with the change it describes."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from db.models import AuditEvent
from workflow import scope
from workflow.clock import now_utc
from workflow.permissions import Actor


def record(
    session: Session,
    *,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    ward_id: int | None = None,
) -> AuditEvent:
    """Adds an audit event to the session; it commits with the change it describes."""
    event = AuditEvent(
        actor_id=actor.id,  # None for the system actor
        ward_id=ward_id if ward_id is not None else scope.ward_scope(actor),
        action=action,
        object_type=object_type,
        object_id=object_id,
        before=before,
        after=after,
        created_at=now_utc(),
    )
    session.add(event)
    return event
