"""The verification loop: progress reports, completion claims, evidence and reviews."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, UtcDateTime
from db.models.accounts import Unit, User
from db.models.plans import Task


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(cls, name=name, native_enum=False, length=16,
                values_callable=lambda e: [m.value for m in e])


class ReportPeriod(enum.StrEnum):
    """Reporting cadence (IV.2.2): weekly, monthly, quarterly."""

    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"


class ClaimState(enum.StrEnum):
    """Where a completion claim stands. A member's claim under a plan that requires the
    unit head's confirmation starts AWAITING_HEAD and becomes PENDING (the office queue)
    when the head confirms it, or RETURNED to the member with a reason."""

    AWAITING_HEAD = "awaiting_head"
    RETURNED = "returned"
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


OPEN_CLAIM_SQL = "state IN ('pending', 'awaiting_head')"


class ReviewDecision(enum.StrEnum):
    """The reviewer's decision on a claim."""

    APPROVE = "approve"
    REJECT = "reject"


class EvidenceKind(enum.StrEnum):
    """What an evidence file is meant to show."""

    SIGNED_DOCUMENT = "signed_document"
    PHOTO = "photo"
    OTHER = "other"


class ProgressReport(Base):
    """An append-only progress report for one task and period."""

    __tablename__ = "progress_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    period_kind: Mapped[ReportPeriod] = mapped_column(_enum(ReportPeriod, "report_period"))
    period_start: Mapped[date] = mapped_column(Date)
    period_label: Mapped[str] = mapped_column(String(32))
    percent_complete: Mapped[int] = mapped_column(Integer)
    narrative: Mapped[str] = mapped_column(Text, default="")
    difficulties: Mapped[str] = mapped_column(Text, default="")
    proposals: Mapped[str] = mapped_column(Text, default="")
    # KPI value reached (#16) when the task has a numeric target; for rates optionally the
    # numerator and denominator. percent_complete is derived from value/target unless the
    # unit overrides it, with a reason.
    kpi_value: Mapped[float | None] = mapped_column(Float)
    kpi_numerator: Mapped[float | None] = mapped_column(Float)
    kpi_denominator: Mapped[float | None] = mapped_column(Float)
    percent_override_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    # Drawn by the form when it is shown: a repeated submission (double click, retried
    # request) carries the same token and files no second report.
    request_token: Mapped[str | None] = mapped_column(String(64))

    task: Mapped[Task] = relationship()
    unit: Mapped[Unit] = relationship()
    author: Mapped[User] = relationship()

    # The newest report of a task (ORDER BY id DESC LIMIT 1) and its reports in a window.
    __table_args__ = (
        Index("uq_progress_reports_request_token", "request_token", unique=True),
        Index("ix_progress_reports_task_id_id", "task_id", "id"),
        Index("ix_progress_reports_task_id_created_at", "task_id", "created_at"),
        # The newest report that gives a KPI value (most give none).
        Index("ix_progress_reports_task_id_id_kpi", "task_id", "id",
              postgresql_where=text("kpi_value IS NOT NULL"),
              sqlite_where=text("kpi_value IS NOT NULL")),
    )


class CompletionClaim(Base):
    """A unit's request to recognise a task as completed, backed by evidence files."""

    __tablename__ = "completion_claims"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    claimant_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[ClaimState] = mapped_column(_enum(ClaimState, "claim_state"), index=True)
    # Optimistic lock: a decision must name the version the reviewer saw.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The claim this one was filed after (rejected by the office or returned by the head).
    follows_claim_id: Mapped[int | None] = mapped_column(
        ForeignKey("completion_claims.id"), index=True)
    # When the unit head returned the claim to the member: who, and why.
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    return_reason: Mapped[str | None] = mapped_column(Text)

    task: Mapped[Task] = relationship()
    unit: Mapped[Unit] = relationship()
    claimant: Mapped[User] = relationship(foreign_keys=[claimant_id])
    returned_by: Mapped[User | None] = relationship(foreign_keys=[returned_by_id])
    confirmation: Mapped[ClaimConfirmation | None] = relationship(
        back_populates="claim", uselist=False)
    evidence: Mapped[list[EvidenceFile]] = relationship(
        back_populates="claim", order_by="EvidenceFile.id"
    )
    reviews: Mapped[list[Review]] = relationship(back_populates="claim", order_by="Review.id")

    __mapper_args__ = {"version_id_col": version}
    # At most one open claim (with the head or with the office) per task, whatever races
    # the application layer loses.
    __table_args__ = (
        Index("uq_completion_claims_one_pending", "task_id", unique=True,
              sqlite_where=text(OPEN_CLAIM_SQL), postgresql_where=text(OPEN_CLAIM_SQL)),
        # The newest claim of a task, and the review queue in waiting order.
        Index("ix_completion_claims_task_id_id", "task_id", "id"),
        Index("ix_completion_claims_state_created_at", "state", "created_at", "id"),
    )


class EvidenceFile(Base):
    """A stored evidence object and what ingest learned about it."""

    __tablename__ = "evidence_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Null while an upload is staged and not yet attached to a claim.
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("completion_claims.id"), index=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    object_key: Mapped[str] = mapped_column(String(512), unique=True)
    thumbnail_key: Mapped[str | None] = mapped_column(String(512))
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(128))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[EvidenceKind] = mapped_column(_enum(EvidenceKind, "evidence_kind"))
    document_date: Mapped[date | None] = mapped_column(Date)
    captured_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    phash: Mapped[str | None] = mapped_column(String(32), index=True)
    pdf_pages: Mapped[int | None] = mapped_column(Integer)
    pdf_signed: Mapped[bool | None] = mapped_column(Boolean)
    pdf_encrypted: Mapped[bool | None] = mapped_column(Boolean)
    # Comma-separated active content found in a PDF (javascript, launch, embedded_file,
    # open_action); shown to the reviewer as a warning. Null: none found or not a PDF.
    pdf_active_content: Mapped[str | None] = mapped_column(String(255))
    # Validation of every embedded signature (storage.pdf_signatures), computed at ingest
    # and again only when the trust store changes: {"signed", "signatures": [...], ...}.
    pdf_signatures: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    derived: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

    claim: Mapped[CompletionClaim | None] = relationship(back_populates="evidence")
    uploaded_by: Mapped[User] = relationship()

    __table_args__ = (
        Index("ix_evidence_files_task_id_id", "task_id", "id"),
        # The 8 bytes of a photo's perceptual hash: near-duplicate search reads only the
        # photos that share one (workflow.evidence_checks.near_duplicate_tasks).
        *(Index(f"ix_evidence_files_phash_b{n}", text(f"substr(phash, {2 * n + 1}, 2)"))
          for n in range(8)),
    )


class ClaimConfirmation(Base):
    """The unit head's confirmation of a claim: who, when, and the exact files (id, name,
    SHA-256) the head stood behind. One per claim; the migration's triggers refuse any
    update of it, and any change of an attached file."""

    __tablename__ = "claim_confirmations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("completion_claims.id"), unique=True)
    head_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    files: Mapped[list] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    confirmed_at: Mapped[datetime] = mapped_column(UtcDateTime)

    claim: Mapped[CompletionClaim] = relationship(back_populates="confirmation")
    head: Mapped[User] = relationship()


class ReportConfirmation(Base):
    """The unit head's confirmation of a monthly progress report (when the plan asks)."""

    __tablename__ = "report_confirmations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("progress_reports.id"), unique=True)
    head_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    confirmed_at: Mapped[datetime] = mapped_column(UtcDateTime)

    head: Mapped[User] = relationship()


class Review(Base):
    """A reviewer's decision on a claim. Append-only: a claim has at most one."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(
        ForeignKey("completion_claims.id"), unique=True, index=True
    )
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decision: Mapped[ReviewDecision] = mapped_column(_enum(ReviewDecision, "review_decision"))
    reason_code: Mapped[str | None] = mapped_column(String(64))
    reason_text: Mapped[str] = mapped_column(Text, default="")
    quality_rating: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

    claim: Mapped[CompletionClaim] = relationship(back_populates="reviews")
    reviewer: Mapped[User] = relationship()


class Notification(Base):
    """An in-app notification for one user."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(255))
    # Makes reminders idempotent: the same key is never sent twice to the same user.
    dedupe_key: Mapped[str | None] = mapped_column(String(128), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
