"""Background jobs (heavy exports and publishing): who asked, what, progress and the result."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UtcDateTime


class JobState(enum.StrEnum):
    """A job's life: waiting in the queue, running on a worker, done, or failed."""

    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Job(Base):
    """One requested job. The queue message carries only the id; this row is the truth, so a
    message delivered twice, or re-sent after a worker died, runs the work at most once."""

    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint("state in ('pending', 'running', 'done', 'failed')", name="state"),
        CheckConstraint("progress >= 0 and progress <= 100", name="progress"),
        Index("ix_jobs_requested_by_id_kind", "requested_by_id", "kind"),
        Index("ix_jobs_state_heartbeat_at", "state", "heartbeat_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(16), default=JobState.PENDING)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    # Vietnamese, shown to the person who asked (the error of a failed job, or what was made).
    message: Mapped[str | None] = mapped_column(Text)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Written by the running worker; a running job whose heartbeat is old lost its worker.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str | None] = mapped_column(String(128))
    result_key: Mapped[str | None] = mapped_column(String(512))
    result_name: Mapped[str | None] = mapped_column(String(255))
    result_type: Mapped[str | None] = mapped_column(String(128))
    result_size: Mapped[int | None] = mapped_column(Integer)
    result: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
