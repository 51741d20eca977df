"""Reading tasks: filtered, paged lists and a task's full detail, as the user may see them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, Select, and_, case, false, func, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from db.models import (
    ClaimState,
    CompletionClaim,
    Review,
    Section,
    Task,
    TaskCoordinator,
    Unit,
    User,
)
from workflow import permissions, scope
from workflow.clock import today
from workflow.errors import ValidationError
from workflow.permissions import Capability
from workflow.status import (
    TaskStatus,
    approved_at,
    completed_late,
    is_overdue,
    latest_percent,
    overdue_expression,
    status_expression,
)

MAX_PAGE_SIZE = 500


@dataclass(frozen=True)
class TaskFilter:
    """What the task list may be narrowed by. Every field is optional."""

    unit_id: int | None = None
    section_id: int | None = None
    # One plan of the ward (its current plan when a page does not say otherwise).
    plan_id: int | None = None
    status: TaskStatus | None = None
    overdue_only: bool = False
    deadline_from: date | None = None
    deadline_to: date | None = None
    search: str = ""


@dataclass(frozen=True)
class TaskRow:
    """One line of a task list."""

    id: int
    code: str
    title: str
    section_code: str
    lead_unit: str
    deadline_text: str
    deadline_date: date | None
    status: TaskStatus
    percent: int | None
    overdue: bool
    late: bool = False


@dataclass(frozen=True)
class TaskPage:
    """A page of rows and the total number of matching tasks."""

    rows: list[TaskRow]
    total: int


@dataclass(frozen=True)
class TaskDetail:
    """Everything the plan row says about a task, plus its derived state."""

    task: Task
    section: Section
    lead_unit: str
    coordinating_units: list[str]
    status: TaskStatus
    percent: int | None
    overdue: bool
    late: bool
    can_report: bool
    can_claim: bool
    # When completed: the approval's time and the reviewer who approved it.
    approved_at: datetime | None = None
    approved_by: str | None = None


SORTABLE = {
    "code": Task.position,
    "deadline_date": Task.deadline_date,
    "title": Task.title,
}


def visibility(user: User) -> ColumnElement[bool]:
    """WHERE clause on Task: the tasks this user may see — within the user's ward
    (workflow.scope), all active ones for office roles, those of the user's unit otherwise.
    Used directly, not as ``id IN (subquery)``, so the database filters the task rows it
    reads anyway."""
    permissions.require(user, Capability.VIEW_TASKS)
    active = Task.removed_from_plan_at.is_(None)
    if scope.ward_scope(user) is not None:
        active = and_(active, Task.plan_id.in_(scope.plan_ids(user)))
    if permissions.has(user, Capability.VIEW_ALL_TASKS):
        return active
    if user.unit_id is None:
        return false()
    coordinated = select(TaskCoordinator.task_id).where(TaskCoordinator.unit_id == user.unit_id)
    return and_(active, or_(
        Task.lead_unit_id == user.unit_id,
        Task.coordinates_all_units.is_(True),
        Task.id.in_(coordinated),
    ))


def visible_tasks(user: User) -> Select:
    """A query of the tasks this user may see: its ward's (workflow.scope), all of them for
    office roles, its own unit's otherwise."""
    return select(Task).where(visibility(user))


def list_tasks(
    session: Session,
    *,
    actor: User,
    filters: TaskFilter = TaskFilter(),
    offset: int = 0,
    limit: int = 100,
    sort: str = "code",
    descending: bool = False,
    as_of: date | None = None,
) -> TaskPage:
    """A page of the tasks the user may see, filtered and sorted in the database."""
    if offset < 0 or not 0 < limit <= MAX_PAGE_SIZE:
        raise ValidationError("Tham số phân trang không hợp lệ.")
    as_of = as_of or today()
    status_expr = status_expression()
    lead = aliased(Unit)
    query = (
        select(Task.id, Task.code, Task.title, Section.code, lead.name, Task.deadline_text,
               Task.deadline_date, status_expr.label("status"), latest_percent().label("percent"),
               approved_at().label("approved_at"))
        .join(Section, Section.id == Task.section_id)
        .outerjoin(lead, lead.id == Task.lead_unit_id)
        .where(visibility(actor))
    )
    if filters.unit_id:
        query = query.where(Task.lead_unit_id == filters.unit_id)
    if filters.plan_id:
        query = query.where(Task.plan_id == filters.plan_id)
    if filters.section_id:
        query = query.where(Task.section_id == filters.section_id)
    if filters.status:
        query = query.where(status_expr == TaskStatus(filters.status).value)
    if filters.overdue_only:
        query = query.where(overdue_expression(as_of, status_expr))
    if filters.deadline_from:
        query = query.where(Task.deadline_date >= filters.deadline_from)
    if filters.deadline_to:
        query = query.where(Task.deadline_date <= filters.deadline_to)
    if filters.search.strip():
        needle = f"%{filters.search.strip().lower()}%"
        query = query.where(or_(func.lower(Task.title).like(needle),
                                func.lower(Task.code).like(needle),
                                func.lower(Task.required_output).like(needle),
                                func.lower(Task.kpi_text).like(needle)))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    order_column = SORTABLE.get(sort, Task.position)
    ordering = order_column.desc() if descending else order_column.asc()
    query = query.order_by(ordering.nulls_last(), Task.position).offset(offset).limit(limit)
    rows = [
        TaskRow(
            id=r[0], code=r[1], title=r[2], section_code=r[3], lead_unit=r[4] or "",
            deadline_text=r[5] or "", deadline_date=r[6], status=TaskStatus(r[7]),
            percent=100 if r[7] == TaskStatus.COMPLETED.value else r[8], overdue=is_overdue(r[6], TaskStatus(r[7]), as_of),
            late=completed_late(TaskStatus(r[7]), r[6], r[9]),
        )
        for r in session.execute(query)
    ]
    return TaskPage(rows=rows, total=total)


def get_for_user(session: Session, *, actor: User, task_id: int,
                 as_of: date | None = None) -> TaskDetail:
    """A task's detail, or NotFound when it does not exist or the user may not see it."""
    permissions.require(actor, Capability.VIEW_TASKS)
    task = session.scalar(
        select(Task).where(Task.id == task_id)
        .options(selectinload(Task.coordinators).selectinload(TaskCoordinator.unit))
    )
    permissions.require_task_visible(actor, task)
    status_value, percent, approved = session.execute(
        select(status_expression(), latest_percent(), approved_at()).where(Task.id == task.id)
    ).one()
    status = TaskStatus(status_value)
    as_of = as_of or today()
    approved_by = None
    if status == TaskStatus.COMPLETED:
        # A completed task is 100% whatever the last progress report said (as in the
        # province export).
        percent = 100
        approved_by = session.scalar(
            select(User.full_name).join(Review, Review.reviewer_id == User.id)
            .join(CompletionClaim, CompletionClaim.id == Review.claim_id)
            .where(CompletionClaim.task_id == task.id,
                   CompletionClaim.state == ClaimState.APPROVED)
            .order_by(CompletionClaim.id.desc()).limit(1))
    return TaskDetail(
        task=task,
        section=task.section,
        lead_unit=task.lead_unit.name if task.lead_unit else "",
        coordinating_units=sorted(c.unit.name for c in task.coordinators),
        status=status,
        percent=percent,
        overdue=is_overdue(task.deadline_date, status, as_of),
        late=completed_late(status, task.deadline_date, approved),
        # A completed task takes no more progress reports or claims (workflow.progress and
        # workflow.claims refuse them): the page does not offer the forms.
        can_report=permissions.has(actor, Capability.REPORT_PROGRESS)
        and permissions.unit_involved(actor, task) and status != TaskStatus.COMPLETED,
        can_claim=permissions.has(actor, Capability.FILE_CLAIM)
        and permissions.is_lead_member(actor, task) and status != TaskStatus.COMPLETED,
        approved_at=approved if status == TaskStatus.COMPLETED else None,
        approved_by=approved_by,
    )


def status_counts(session: Session, *, actor: User, as_of: date | None = None,
                  plan_id: int | None = None) -> dict[str, int]:
    """Number of visible tasks (of one plan when named) per status, plus "overdue", "total"."""
    as_of = as_of or today()
    conditions = [visibility(actor)] + ([Task.plan_id == plan_id] if plan_id else [])
    per_task = (select(status_expression().label("status"), Task.deadline_date.label("deadline"))
                .where(*conditions).subquery())
    overdue = case((and_(per_task.c.deadline.is_not(None), per_task.c.deadline < as_of,
                         per_task.c.status != TaskStatus.COMPLETED.value), 1), else_=0)
    counts = {s.value: 0 for s in TaskStatus}
    counts["overdue"] = counts["total"] = 0
    # One grouped query: the database counts, whatever the number of tasks.
    for value, number, late in session.execute(
            select(per_task.c.status, func.count(), func.sum(overdue))
            .group_by(per_task.c.status)):
        counts[value] = number
        counts["overdue"] += int(late or 0)
        counts["total"] += number
    return counts


def sections_of_visible(session: Session, *, actor: User) -> list[Section]:
    """Sections that hold at least one task the user may see (for filters)."""
    ids = visible_tasks(actor).with_only_columns(Task.section_id)
    return list(session.scalars(select(Section).where(Section.id.in_(ids))
                                .order_by(Section.position)))
