"""Audit trail: every domain action records one event in its own transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from db.models import AuditEvent, User
from workflow.clock import now_utc


def record(
    session: Session,
    *,
    actor: User | None,
    action: str,
    object_type: str,
    object_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Adds an audit event to the session; it commits with the change it describes."""
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        before=before,
        after=after,
        created_at=now_utc(),
    )
    session.add(event)
    return event
