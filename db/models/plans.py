"""The plan (kế hoạch), its sections (nhóm nhiệm vụ) and tasks (nhiệm vụ / chỉ tiêu)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, UtcDateTime
from db.models.accounts import Unit


class DeadlineKind(enum.StrEnum):
    """How a plan writes a deadline: a date, "thường xuyên", "sau khi ...", the plan year (an
    appendix without a deadline column), or unreadable."""

    FIXED = "fixed"
    RECURRING = "recurring"
    CONDITIONAL = "conditional"
    PLAN_YEAR = "plan_year"
    UNKNOWN = "unknown"


class Plan(Base):
    """A ward's yearly plan; tasks come from its appendix."""

    __tablename__ = "plans"
    __table_args__ = (
        # At most one plan per ward is pinned as current by its admin (otherwise the plan
        # covering today is current: workflow.plans.current_plan).
        Index("uq_plans_one_pinned", "ward_id", unique=True,
              sqlite_where=text("is_pinned"), postgresql_where=text("is_pinned")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ward_id: Mapped[int] = mapped_column(ForeignKey("wards.id"), index=True)
    is_pinned: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    number: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)
    issuing_body: Mapped[str] = mapped_column(String(255))
    year: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    # Reporting cycle of the plan (IV.2.2): "month" by default, report due by reporting_day.
    report_cycle: Mapped[str] = mapped_column(String(16), default="month")
    reporting_day: Mapped[int] = mapped_column(Integer, default=18)
    # The rest of the reporting calendar (#15): the office's aggregation day each month, the
    # quarterly report day in the quarter's last month (clamped), the year-end report date.
    office_aggregation_day: Mapped[int] = mapped_column(Integer, default=19,
                                                        server_default="19")
    quarterly_report_day: Mapped[int] = mapped_column(Integer, default=30, server_default="30")
    year_end_report_month: Mapped[int] = mapped_column(Integer, default=12, server_default="12")
    year_end_report_day: Mapped[int] = mapped_column(Integer, default=15, server_default="15")
    # The unit head answers for the unit's data (#16): a member's claim waits for the head's
    # confirmation before the office sees it (on for new plans; plans from before stay as
    # they were), and, when set, so do monthly progress reports.
    require_head_confirmation: Mapped[bool] = mapped_column(Boolean, default=True,
                                                            server_default=false())
    require_head_report_confirmation: Mapped[bool] = mapped_column(Boolean, default=False,
                                                                   server_default=false())
    # The office's review time limit in working days (weekends and holidays excluded).
    review_working_days: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    # A new random value at every committed write that can change the plan's derived
    # figures (progress, claims, reviews, tasks; db.change_tracking): caches key by it.
    data_stamp: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

    sections: Mapped[list[Section]] = relationship(
        back_populates="plan", order_by="Section.position"
    )


class Section(Base):
    """A roman-numbered group of tasks ("I. Nâng cao nhận thức ...")."""

    __tablename__ = "sections"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    code: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)

    plan: Mapped[Plan] = relationship(back_populates="sections")
    tasks: Mapped[list[Task]] = relationship(back_populates="section", order_by="Task.position")


class Task(Base):
    """One row of the plan appendix: a sub-task with its output, KPI, units and deadline."""

    __tablename__ = "tasks"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(Integer, default=0)
    parent_title: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    required_output: Mapped[str] = mapped_column(Text, default="")
    kpi_text: Mapped[str] = mapped_column(Text, default="")
    kpi_target: Mapped[float | None] = mapped_column(Float)
    kpi_unit: Mapped[str | None] = mapped_column(String(64))
    lead_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    coordinates_all_units: Mapped[bool] = mapped_column(Boolean, default=False)
    deadline_text: Mapped[str] = mapped_column(Text, default="")
    deadline_date: Mapped[date | None] = mapped_column(Date, index=True)
    deadline_kind: Mapped[DeadlineKind] = mapped_column(
        Enum(DeadlineKind, name="deadline_kind", native_enum=False, length=16,
             values_callable=lambda e: [m.value for m in e])
    )
    basis: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    # From the appendix: the body that monitors the task (often above the ward, kept as
    # written after alias matching), the task group ("Chính quyền số"), and columns the
    # importer has no field for, by their header text.
    monitoring_unit: Mapped[str] = mapped_column(Text, default="", server_default="")
    task_group: Mapped[str] = mapped_column(Text, default="", server_default="")
    extra_fields: Mapped[dict | None] = mapped_column(JSON)
    # Set when a re-import no longer contains the row: reported, never deleted.
    removed_from_plan_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    section: Mapped[Section] = relationship(back_populates="tasks")
    plan: Mapped[Plan] = relationship(foreign_keys=[plan_id], viewonly=True)
    lead_unit: Mapped[Unit | None] = relationship(foreign_keys=[lead_unit_id])
    coordinators: Mapped[list[TaskCoordinator]] = relationship(
        back_populates="task", cascade="all, delete-orphan"
    )


class TaskCoordinator(Base):
    """A coordinating unit (đơn vị phối hợp) of a task."""

    __tablename__ = "task_coordinators"
    __table_args__ = (UniqueConstraint("task_id", "unit_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)

    task: Mapped[Task] = relationship(back_populates="coordinators")
    unit: Mapped[Unit] = relationship()


class Holiday(Base):
    """A public holiday (ngày nghỉ lễ, Tết) on which review time limits do not run."""

    __tablename__ = "holidays"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    name: Mapped[str] = mapped_column(String(255))
