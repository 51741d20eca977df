"""Wards (phường/xã): the tenants of a province's portal.

What belongs to a ward, and how a query reaches its ward:

- carry ``ward_id`` themselves: plans, units (names unique per ward), unit aliases, users
  (null only for the province roles, enforced by a check constraint), warning lists, API
  tokens and audit events (null for province-level actions);
- reached through their plan: sections, tasks (``tasks.plan_id -> plans.ward_id``), periodic
  reports; through their task: progress reports, completion claims, evidence files, reviews,
  warning rows; through their user: notifications and login sessions.

Every service scopes through ``workflow.scope`` (one helper taking the acting user); a ward's
reporting calendar is held by its plans (each plan keeps the calendar of its year).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UtcDateTime


class Ward(Base):
    """A ward or commune with its Party Committee and office names."""

    __tablename__ = "wards"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Short, URL- and key-safe: prefixes the ward's evidence object keys ("phuoc-binh/...").
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    committee_name: Mapped[str] = mapped_column(String(255))
    office_name: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
