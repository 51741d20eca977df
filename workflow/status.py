"""Task status, derived from the claim and progress history.

The status is never stored: one SQL expression computes it, so lists, filters, details
and warnings cannot disagree with the history.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime

from sqlalchemy import ColumnElement, and_, case, exists, not_, select
from sqlalchemy.sql.selectable import ScalarSelect

from db.models import ClaimState, CompletionClaim, ProgressReport, Task
from db.sql import constant, constants, number
from workflow.clock import LOCAL_TZ


class TaskStatus(enum.StrEnum):
    """The five statuses of the state machine."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    PENDING_REVIEW = "pending_review"
    COMPLETED = "completed"
    NOT_COMPLETED = "not_completed"


# Bootstrap colour names; the convention offices read: grey not started, blue in progress,
# red not completed or overdue, green done (orange when done late).
STATUS_COLOURS: dict[TaskStatus, str] = {
    TaskStatus.NOT_STARTED: "secondary",
    TaskStatus.IN_PROGRESS: "primary",
    TaskStatus.PENDING_REVIEW: "info",
    TaskStatus.COMPLETED: "success",
    TaskStatus.NOT_COMPLETED: "danger",
}
OVERDUE_LABEL = "Quá hạn"
LATE_LABEL = "Hoàn thành trễ hạn"


# Claims the office has seen: one waiting for (or returned by) the unit head does not change
# the task's status, and neither does a withdrawn one.
OFFICE_STATES = (ClaimState.PENDING, ClaimState.APPROVED, ClaimState.REJECTED)


def latest_claim_state() -> ScalarSelect:
    """Correlated subquery: the state of the task's newest claim the office has seen."""
    return (
        select(CompletionClaim.state)
        .where(CompletionClaim.task_id == Task.id,
               CompletionClaim.state.in_(constants(OFFICE_STATES)))
        .order_by(CompletionClaim.id.desc())
        .limit(number(1))
        .correlate(Task)
        .scalar_subquery()
    )


def latest_percent() -> ScalarSelect:
    """Correlated subquery: completion % of the task's newest progress report."""
    return (
        select(ProgressReport.percent_complete)
        .where(ProgressReport.task_id == Task.id)
        .order_by(ProgressReport.id.desc())
        .limit(number(1))
        .correlate(Task)
        .scalar_subquery()
    )


def approved_at() -> ScalarSelect:
    """Correlated subquery: when the task's newest approved claim was approved."""
    return (
        select(CompletionClaim.decided_at)
        .where(CompletionClaim.task_id == Task.id,
               CompletionClaim.state == constant(ClaimState.APPROVED))
        .order_by(CompletionClaim.id.desc())
        .limit(number(1))
        .correlate(Task)
        .scalar_subquery()
    )


def completed_late(status: TaskStatus, deadline: date | None, approved: datetime | None) -> bool:
    """Done, but approved after the deadline day (shown orange rather than green)."""
    if status != TaskStatus.COMPLETED or deadline is None or approved is None:
        return False
    if approved.tzinfo is None:
        approved = approved.replace(tzinfo=UTC)
    return approved.astimezone(LOCAL_TZ).date() > deadline


def status_expression() -> ColumnElement[str]:
    """SQL expression giving a TaskStatus value for each task row.

    A simple CASE on the latest claim's state: the database evaluates that subquery once per
    row (a searched CASE would run it once per WHEN), and the progress EXISTS only when the
    task has no live claim. Both subqueries are index lookups (migration 0010).
    """
    has_progress = exists().where(ProgressReport.task_id == Task.id).correlate(Task)
    # Fixed names are written into the SQL (db.sql.constant) so PostgreSQL can keep one plan.
    return case(
        {constant(ClaimState.PENDING): constant(TaskStatus.PENDING_REVIEW),
         constant(ClaimState.APPROVED): constant(TaskStatus.COMPLETED),
         constant(ClaimState.REJECTED): constant(TaskStatus.NOT_COMPLETED)},
        value=latest_claim_state(),
        else_=case((has_progress, constant(TaskStatus.IN_PROGRESS)),
                   else_=constant(TaskStatus.NOT_STARTED)),
    )


def overdue_expression(as_of: date, status: ColumnElement[str]) -> ColumnElement[bool]:
    """SQL expression: deadline passed (strictly before ``as_of``) and not completed."""
    return and_(
        Task.deadline_date.is_not(None),
        Task.deadline_date < as_of,
        not_(status == constant(TaskStatus.COMPLETED)),
    )


def is_overdue(deadline: date | None, status: TaskStatus, as_of: date) -> bool:
    """The same rule as overdue_expression, for values already loaded."""
    return deadline is not None and deadline < as_of and status != TaskStatus.COMPLETED


def is_completed(session, task_id: int) -> bool:
    """Whether the task is "hoàn thành" now (its newest decided claim was approved)."""
    return session.scalar(select(status_expression()).where(Task.id == task_id)) \
        == TaskStatus.COMPLETED.value
