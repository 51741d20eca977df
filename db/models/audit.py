"""Append-only audit trail: who did what to which object, and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, UtcDateTime
from db.models.accounts import User


class AuditEvent(Base):
    """One action; written in the same transaction as the change it records."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The ward the action happened in; null for province-level actions (creating a ward).
    ward_id: Mapped[int | None] = mapped_column(ForeignKey("wards.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)

    actor: Mapped[User | None] = relationship()
