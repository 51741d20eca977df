"""Home-page figures: status counts and a per-unit summary of the visible tasks."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Task, Unit, User
from workflow.clock import today
from workflow.status import TaskStatus, is_overdue, status_expression
from workflow.tasks import visible_tasks


@dataclass(frozen=True)
class UnitSummary:
    """How one lead unit stands."""

    unit_id: int | None
    unit_name: str
    total: int
    completed: int
    pending_review: int
    not_completed: int
    overdue: int

    @property
    def completion_rate(self) -> int:
        """Completed tasks as a whole percentage of the unit's tasks."""
        return round(100 * self.completed / self.total) if self.total else 0


def unit_summaries(session: Session, *, user: User, as_of: date | None = None) -> list[UnitSummary]:
    """Per lead unit: totals by status and overdue count, worst overdue first."""
    as_of = as_of or today()
    ids = visible_tasks(user).with_only_columns(Task.id)
    rows = session.execute(
        select(Task.lead_unit_id, Unit.name, status_expression(), Task.deadline_date)
        .outerjoin(Unit, Unit.id == Task.lead_unit_id)
        .where(Task.id.in_(ids))
    ).all()
    buckets: dict[tuple[int | None, str], list[tuple[TaskStatus, date | None]]] = defaultdict(list)
    for unit_id, name, status, deadline in rows:
        buckets[(unit_id, name or "Chưa xác định đơn vị")].append((TaskStatus(status), deadline))
    summaries = [
        UnitSummary(
            unit_id=unit_id,
            unit_name=name,
            total=len(items),
            completed=sum(s == TaskStatus.COMPLETED for s, _ in items),
            pending_review=sum(s == TaskStatus.PENDING_REVIEW for s, _ in items),
            not_completed=sum(s == TaskStatus.NOT_COMPLETED for s, _ in items),
            overdue=sum(is_overdue(d, s, as_of) for s, d in items),
        )
        for (unit_id, name), items in buckets.items()
    ]
    return sorted(summaries, key=lambda s: (-s.overdue, s.unit_name))
