"""Reporting upward: API tokens and their call log, and generated periodic reports."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UtcDateTime


class ApiToken(Base):
    """A named, read-only token for the systems above the ward. Only its hash is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(16), default="read")
    # The ward whose data the token reads (#13); ward_code repeats its code for the call log.
    ward_id: Mapped[int] = mapped_column(ForeignKey("wards.id"), index=True)
    ward_code: Mapped[str | None] = mapped_column(String(32), index=True)
    expires_on: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ApiCall(Base):
    """One API request, written by a single insert at the end of the request."""

    __tablename__ = "api_calls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"), index=True)
    token_name: Mapped[str] = mapped_column(String(64))
    endpoint: Mapped[str] = mapped_column(String(255))
    status: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class PeriodicReport(Base):
    """A generated Word report (monthly, quarterly, year-end); every version is kept."""

    __tablename__ = "periodic_reports"
    __table_args__ = (UniqueConstraint("plan_id", "kind", "period_label", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    period_label: Mapped[str] = mapped_column(String(32))
    as_of: Mapped[date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer)
    object_key: Mapped[str] = mapped_column(String(512), unique=True)
    file_name: Mapped[str] = mapped_column(String(255))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
