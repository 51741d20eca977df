"""Home-page figures: status counts and a per-unit summary of the visible tasks."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Role, Task, Unit, User, WarningList, WarningRow
from workflow import permissions
from workflow.clock import today
from workflow.permissions import Capability
from workflow.status import TaskStatus, is_overdue, status_expression
from workflow.tasks import TaskRow, visibility


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


def unit_summaries(session: Session, *, actor: User, as_of: date | None = None,
                   plan_id: int | None = None) -> list[UnitSummary]:
    """Per lead unit: totals by status and overdue count, worst overdue first."""
    as_of = as_of or today()
    rows = session.execute(
        select(Task.lead_unit_id, Unit.name, status_expression(), Task.deadline_date)
        .outerjoin(Unit, Unit.id == Task.lead_unit_id)
        .where(visibility(actor), *([Task.plan_id == plan_id] if plan_id else []))
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


@dataclass(frozen=True)
class OfficeHome:
    """The home page of roles that see the whole plan: overview and overdue tasks."""

    title: str
    subtitle: str
    counts: dict[str, int]
    summaries: list[UnitSummary]
    overdue_rows: list[TaskRow]
    units_total: int = 0  # units in all; ``summaries`` holds the HOME_UNITS worst


# Units listed on the office home page (worst overdue first); the dashboard has all of them.
HOME_UNITS = 20


@dataclass(frozen=True)
class UnitHome:
    """A unit member's home page: the unit's tasks and its latest warnings."""

    unit_name: str
    counts: dict[str, int]
    rows: list[TaskRow]
    warning_list: WarningList | None
    warning_rows: list[WarningRow]


_OFFICE_TITLES = {
    Role.REVIEWER: ("Tổng quan thẩm định", "Văn phòng Đảng ủy theo dõi toàn bộ kế hoạch"),
    Role.LEADER: ("Tổng quan kế hoạch", "Tình hình thực hiện nhiệm vụ chuyển đổi số"),
    Role.ADMIN: ("Tổng quan hệ thống", "Toàn bộ nhiệm vụ của kế hoạch"),
}


def home(session: Session, *, actor: User, plan_id: int | None = None) -> OfficeHome | UnitHome:
    """What the actor's home page shows for one plan (the ward's current plan unless named):
    the whole plan for the office, leaders and admins, the unit's own tasks and warnings for
    a unit member."""
    from workflow import warning_lists
    from workflow.plans import plan_for
    from workflow.tasks import TaskFilter, list_tasks, status_counts

    plan = plan_for(session, actor=actor, plan_id=plan_id)
    plan_id = plan.id if plan else None
    counts = status_counts(session, actor=actor, plan_id=plan_id)
    if permissions.has(actor, Capability.VIEW_ALL_TASKS):
        overdue = list_tasks(session, actor=actor,
                             filters=TaskFilter(overdue_only=True, plan_id=plan_id),
                             limit=20, sort="deadline_date").rows
        title, subtitle = _OFFICE_TITLES.get(Role(actor.role), _OFFICE_TITLES[Role.LEADER])
        summaries = unit_summaries(session, actor=actor, plan_id=plan_id)
        return OfficeHome(title, subtitle, counts, summaries[:HOME_UNITS], overdue,
                          units_total=len(summaries))
    rows = list_tasks(session, actor=actor, filters=TaskFilter(plan_id=plan_id), limit=200).rows
    published, warned = warning_lists.latest_rows_for_unit(session, actor=actor)
    return UnitHome(actor.unit.name if actor.unit else "", counts, rows, published, warned)
