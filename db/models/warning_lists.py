"""Published warning lists (IV.2.4): frozen snapshots per month or quarter."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, UtcDateTime


class WarningList(Base):
    """A warning list as published; its rows never change afterwards."""

    __tablename__ = "warning_lists"
    __table_args__ = (UniqueConstraint("plan_id", "period_kind", "period_label"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ward_id: Mapped[int] = mapped_column(ForeignKey("wards.id"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    period_kind: Mapped[str] = mapped_column(String(16))
    period_label: Mapped[str] = mapped_column(String(32))
    as_of: Mapped[date] = mapped_column(Date)
    # None when published by the scheduled command rather than a person.
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    published_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Drawn by the page when it is shown: a repeated click on "Công bố" answers with the
    # list already published instead of a refusal.
    request_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    rows: Mapped[list[WarningRow]] = relationship(
        back_populates="warning_list", order_by="WarningRow.position"
    )


class WarningRow(Base):
    """One warned task, copied by value so that later edits do not alter the list."""

    __tablename__ = "warning_rows"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    warning_list_id: Mapped[int] = mapped_column(ForeignKey("warning_lists.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"))
    task_code: Mapped[str] = mapped_column(String(32))
    task_title: Mapped[str] = mapped_column(Text)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    unit_name: Mapped[str] = mapped_column(String(255))
    deadline_text: Mapped[str] = mapped_column(Text, default="")
    deadline_date: Mapped[date | None] = mapped_column(Date)
    reasons: Mapped[list] = mapped_column(JSON)
    details: Mapped[dict] = mapped_column(JSON)

    warning_list: Mapped[WarningList] = relationship(back_populates="rows")
