"""Reading tasks: filtered, paged lists and a task's full detail, as the user may see them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    false,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Session, aliased, joinedload, selectinload

from db.models import (
    ClaimState,
    CompletionClaim,
    Plan,
    Review,
    Section,
    Task,
    TaskCoordinator,
    Unit,
    User,
)
from db.sql import constant, number, run
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


@dataclass(frozen=True)
class Reach:
    """Which tasks an actor sees, as a statement shape (``ward``/``unit``: whether the
    statement narrows to one ward's plans / one unit's tasks) and the values it narrows by
    (``params``: ``reach_ward``, ``reach_unit``)."""

    ward: bool
    unit: bool
    nothing: bool = False
    # Not part of the shape: equal reaches share one statement.
    params: tuple[tuple[str, int], ...] = field(default=(), compare=False)


def reach_of(user: User) -> Reach:
    """The actor's reach: within the user's ward (workflow.scope), all active tasks for office
    roles, those the user's unit leads or coordinates otherwise."""
    permissions.require(user, Capability.VIEW_TASKS)
    ward_id = scope.ward_scope(user)
    params = () if ward_id is None else (("reach_ward", ward_id),)
    if permissions.has(user, Capability.VIEW_ALL_TASKS):
        return Reach(ward=ward_id is not None, unit=False, params=params)
    if user.unit_id is None:
        return Reach(ward=False, unit=False, nothing=True)
    return Reach(ward=ward_id is not None, unit=True,
                 params=params + (("reach_unit", user.unit_id),))


@lru_cache(maxsize=8)
def reach_clause(reach: Reach) -> ColumnElement[bool]:
    """WHERE clause on Task for a reach, with its values as the named parameters of
    ``reach.params`` (for statements built once per shape)."""
    if reach.nothing:
        return false()
    clause = Task.removed_from_plan_at.is_(None)
    if reach.ward:
        plans = select(Plan.id).where(Plan.ward_id == bindparam("reach_ward", type_=Integer))
        clause = and_(clause, Task.plan_id.in_(plans))
    if reach.unit:
        mine = bindparam("reach_unit", type_=Integer)
        coordinated = select(TaskCoordinator.task_id).where(TaskCoordinator.unit_id == mine)
        clause = and_(clause, or_(Task.lead_unit_id == mine,
                                  Task.coordinates_all_units.is_(True),
                                  Task.id.in_(coordinated)))
    return clause


def visibility(user: User) -> ColumnElement[bool]:
    """WHERE clause on Task: the tasks this user may see (``reach_of``), values bound.
    Used directly, not as ``id IN (subquery)``, so the database filters the task rows it
    reads anyway."""
    reach = reach_of(user)
    clause = reach_clause(reach)
    return clause.params(dict(reach.params)) if reach.params else clause


def visible_tasks(user: User) -> Select:
    """A query of the tasks this user may see: its ward's (workflow.scope), all of them for
    office roles, its own unit's otherwise."""
    return select(Task).where(visibility(user))


@dataclass(frozen=True)
class _ListShape:
    reach: Reach
    unit: bool
    plan: bool
    section: bool
    status: str | None
    overdue: bool
    deadline_from: bool
    deadline_to: bool
    search: bool
    sort: str
    descending: bool


@lru_cache(maxsize=256)
def _list_statements(shape: _ListShape) -> tuple[Select, Select]:
    """The count and the page (each row with the count) of a task list of this shape;
    values are named parameters."""
    status_expr = status_expression()
    lead = aliased(Unit)
    query = (
        select(Task.id, Task.code, Task.title, Section.code, lead.name, Task.deadline_text,
               Task.deadline_date, status_expr.label("status"), latest_percent().label("percent"),
               approved_at().label("approved_at"))
        .join(Section, Section.id == Task.section_id)
        .outerjoin(lead, lead.id == Task.lead_unit_id)
        .where(reach_clause(shape.reach))
    )
    if shape.unit:
        query = query.where(Task.lead_unit_id == bindparam("f_unit", type_=Integer))
    if shape.plan:
        query = query.where(Task.plan_id == bindparam("f_plan", type_=Integer))
    if shape.section:
        query = query.where(Task.section_id == bindparam("f_section", type_=Integer))
    if shape.status:
        query = query.where(status_expr == constant(shape.status))
    if shape.overdue:
        query = query.where(overdue_expression(bindparam("as_of", type_=Date), status_expr))
    if shape.deadline_from:
        query = query.where(Task.deadline_date >= bindparam("d_from", type_=Date))
    if shape.deadline_to:
        query = query.where(Task.deadline_date <= bindparam("d_to", type_=Date))
    if shape.search:
        needle = bindparam("needle", type_=String)
        query = query.where(or_(func.lower(Task.title).like(needle),
                                func.lower(Task.code).like(needle),
                                func.lower(Task.required_output).like(needle),
                                func.lower(Task.kpi_text).like(needle)))
    count = select(func.count()).select_from(query.subquery())
    order_column = SORTABLE.get(shape.sort, Task.position)
    ordering = order_column.desc() if shape.descending else order_column.asc()
    # The page's bounds go into the text: with them as parameters PostgreSQL would re-plan
    # the page on every call rather than keep a generic plan.
    # Each row carries the number of matching tasks: one round trip for page and total.
    page = (query.add_columns(func.count().over().label("total"))
            .order_by(ordering.nulls_last(), Task.position)
            .offset(bindparam("offset", type_=Integer, literal_execute=True))
            .limit(bindparam("limit", type_=Integer, literal_execute=True)))
    return count, page


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
    reach = reach_of(actor)
    search = filters.search.strip().lower()
    count, page = _list_statements(_ListShape(
        reach=reach, unit=bool(filters.unit_id),
        plan=bool(filters.plan_id), section=bool(filters.section_id),
        status=TaskStatus(filters.status).value if filters.status else None,
        overdue=filters.overdue_only, deadline_from=bool(filters.deadline_from),
        deadline_to=bool(filters.deadline_to), search=bool(search),
        sort=sort if sort in SORTABLE else "code", descending=descending))
    params = dict(reach.params, f_unit=filters.unit_id, f_plan=filters.plan_id,
                  f_section=filters.section_id, as_of=as_of, d_from=filters.deadline_from,
                  d_to=filters.deadline_to, needle=f"%{search}%", offset=offset, limit=limit)
    found = []
    listed = run(session, page, params).all()
    # Past the last page the rows cannot say how many there are: count them.
    total = listed[0][10] if listed else (run(session, count, params).scalar() or 0
                                          if offset else 0)
    for r in listed:
        status = TaskStatus(r[7])
        found.append(TaskRow(
            id=r[0], code=r[1], title=r[2], section_code=r[3], lead_unit=r[4] or "",
            deadline_text=r[5] or "", deadline_date=r[6], status=status,
            percent=100 if status is TaskStatus.COMPLETED else r[8],
            overdue=is_overdue(r[6], status, as_of),
            late=completed_late(status, r[6], r[9])))
    return TaskPage(rows=found, total=total)


# A task with what its page shows about it (section, plan, lead unit, coordinating units),
# and its derived state: built once (db.sql).
_TASK_DETAIL = (select(Task).where(Task.id == bindparam("task_id", type_=Integer))
                .options(joinedload(Task.section), joinedload(Task.plan),
                         joinedload(Task.lead_unit),
                         selectinload(Task.coordinators).joinedload(TaskCoordinator.unit)))
_TASK_STATE = select(status_expression(), latest_percent(), approved_at()).where(
    Task.id == bindparam("task_id", type_=Integer))


def get_for_user(session: Session, *, actor: User, task_id: int,
                 as_of: date | None = None) -> TaskDetail:
    """A task's detail, or NotFound when it does not exist or the user may not see it."""
    permissions.require(actor, Capability.VIEW_TASKS)
    task = session.scalar(_TASK_DETAIL, {"task_id": task_id})
    permissions.require_task_visible(actor, task)
    status_value, percent, approved = run(session, _TASK_STATE, {"task_id": task.id}).one()
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


@lru_cache(maxsize=32)
def _status_count_statement(reach: Reach, plan: bool) -> Select:
    conditions = [reach_clause(reach)]
    if plan:
        conditions.append(Task.plan_id == bindparam("f_plan", type_=Integer))
    per_task = (select(status_expression().label("status"), Task.deadline_date.label("deadline"))
                .where(*conditions).subquery())
    as_of = bindparam("as_of", type_=Date)
    overdue = case((and_(per_task.c.deadline.is_not(None), per_task.c.deadline < as_of,
                         per_task.c.status != constant(TaskStatus.COMPLETED)), number(1)),
                   else_=number(0))
    return (select(per_task.c.status, func.count(), func.sum(overdue))
            .group_by(per_task.c.status))


def status_counts(session: Session, *, actor: User, as_of: date | None = None,
                  plan_id: int | None = None) -> dict[str, int]:
    """Number of visible tasks (of one plan when named) per status, plus "overdue", "total"."""
    reach = reach_of(actor)
    statement = _status_count_statement(reach, bool(plan_id))
    counts = {s.value: 0 for s in TaskStatus}
    counts["overdue"] = counts["total"] = 0
    # One grouped query: the database counts, whatever the number of tasks.
    for value, tasks_in, late in run(session, statement, dict(
            reach.params, f_plan=plan_id, as_of=as_of or today())):
        counts[value] = tasks_in
        counts["overdue"] += int(late or 0)
        counts["total"] += tasks_in
    return counts


@lru_cache(maxsize=8)
def _sections_statement(reach: Reach) -> Select:
    return (select(Section).where(Section.id.in_(
        select(Task.section_id).where(reach_clause(reach)))).order_by(Section.position))


def sections_of_visible(session: Session, *, actor: User) -> list[Section]:
    """Sections that hold at least one task the user may see (for filters)."""
    reach = reach_of(actor)
    return list(session.scalars(_sections_statement(reach), dict(reach.params)))
