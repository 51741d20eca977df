"""Figures behind the dashboard, for the tasks the user may see."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from sqlalchemy import Integer, Select, and_, bindparam, select
from sqlalchemy.orm import Session

from db.models import ClaimState, CompletionClaim, Section, Task, Unit, User
from db.sql import constant, run
from workflow import permissions, reporting_calendar, review_deadlines
from workflow.clock import LOCAL_TZ, today
from workflow.kpi_targets import latest_value, value_vs_target
from workflow.permissions import Capability
from workflow.plans import plan_for
from workflow.reporting_calendar import Deadline, calendar_of
from workflow.status import TaskStatus, is_overdue, latest_percent, status_expression
from workflow.tasks import Reach, reach_clause, reach_of
from workflow.warning_rules import evaluate

# "Due soon": deadlines within this many days from today.
DUE_SOON_DAYS = 30
# Charts and lists stay readable (and responses small) at a province's size: the groups
# with the most overdue tasks (then the most tasks) are drawn, the count of the others given;
# the soonest deadlines are listed.
TOP_GROUPS = 15
DUE_SOON_ROWS = 20


def top_groups(groups: dict, limit: int) -> tuple[dict, int]:
    """The ``limit`` groups with the most overdue, then the most tasks (in their given
    order), and how many groups were left out."""
    if len(groups) <= limit:
        return groups, 0
    def weight(g):
        return (-groups[g].get("overdue", 0),
                -sum(v for k, v in groups[g].items() if k != "overdue"))
    kept = set(sorted(groups, key=weight)[:limit])
    return {key: counts for key, counts in groups.items() if key in kept}, len(groups) - limit


@dataclass
class DashboardData:
    """Everything the dashboard charts show."""

    total: int = 0
    average_percent: float = 0.0
    status: Counter = field(default_factory=Counter)
    overdue: int = 0
    by_unit: dict[tuple[int | None, str], Counter] = field(default_factory=dict)
    by_section: dict[tuple[int, str], Counter] = field(default_factory=dict)
    approvals_by_month: dict[str, int] = field(default_factory=dict)
    warnings_by_unit: dict[tuple[int | None, str], int] = field(default_factory=dict)
    due_soon: list[tuple[int, str, str, str, date]] = field(default_factory=list)
    due_soon_total: int = 0
    # Groups left out of the charts (see TOP_GROUPS).
    units_hidden: int = 0
    sections_hidden: int = 0
    warned_units_hidden: int = 0
    # The plan calendar's reporting deadlines in the same 30 days.
    reporting_due: list[Deadline] = field(default_factory=list)
    # Tasks with a numeric target: (task id, code, title, "value / target", %) (#16).
    kpis: list[tuple[int, str, str, str, int]] = field(default_factory=list)
    # Claims past the office's review time limit; None for those who do not review.
    overdue_reviews: int | None = None


@lru_cache(maxsize=64)
def _statements(reach: Reach, unit: bool, section: bool
                ) -> tuple[Select, Select]:
    """The plan's visible tasks with their state, and their approval times; built once per
    shape (the values are parameters: plan_id, unit_id, section_id, the reach's)."""
    scope = and_(reach_clause(reach), Task.plan_id == bindparam("plan_id", type_=Integer))
    if unit:
        scope = and_(scope, Task.lead_unit_id == bindparam("unit_id", type_=Integer))
    if section:
        scope = and_(scope, Task.section_id == bindparam("section_id", type_=Integer))
    tasks = (select(Task.id, Task.code, Task.title, Task.deadline_date, Task.lead_unit_id,
                    Unit.name, Task.section_id, Section.code, Section.title,
                    status_expression(), latest_percent(), Task.kpi_target, Task.kpi_unit,
                    latest_value())
             .join(Section, Section.id == Task.section_id)
             .outerjoin(Unit, Unit.id == Task.lead_unit_id)
             .where(scope))
    approvals = (select(CompletionClaim.decided_at)
                 .join(Task, Task.id == CompletionClaim.task_id)
                 .where(CompletionClaim.state == constant(ClaimState.APPROVED), scope))
    return tasks, approvals


def dashboard(session: Session, *, actor: User, unit_id: int | None = None,
              section_id: int | None = None, as_of: date | None = None,
              plan_id: int | None = None) -> DashboardData:
    """Aggregates over the visible tasks of one plan (the ward's current plan unless
    ``plan_id`` names another of its plans), optionally narrowed to a unit or a section."""
    permissions.require(actor, Capability.VIEW_DASHBOARD)
    as_of = as_of or today()
    plan = plan_for(session, actor=actor, plan_id=plan_id)
    if plan is None:
        return DashboardData()
    reach = reach_of(actor)
    tasks_statement, approvals_statement = _statements(reach, bool(unit_id), bool(section_id))
    params = dict(reach.params, plan_id=plan.id, unit_id=unit_id, section_id=section_id)
    data = DashboardData()
    by_unit: dict = defaultdict(Counter)
    by_section: dict = defaultdict(Counter)
    percents = []
    task_ids = set()
    for (task_id, code, title, deadline, lead_id, lead_name, sec_id, sec_code, sec_title,
         status_value, percent, target, kpi_unit, value) in run(
            session, tasks_statement, params).all():
        status = TaskStatus(status_value)
        task_ids.add(task_id)
        data.total += 1
        data.status[status.value] += 1
        percents.append(100 if status == TaskStatus.COMPLETED else (percent or 0))
        overdue = is_overdue(deadline, status, as_of)
        if target is not None:
            data.kpis.append((task_id, code, title, value_vs_target(value, target, kpi_unit),
                              100 if status == TaskStatus.COMPLETED else (percent or 0)))
        data.overdue += overdue
        unit_key = (lead_id, lead_name or "Chưa xác định đơn vị")
        by_unit[unit_key][status.value] += 1
        by_unit[unit_key]["overdue"] += overdue
        by_section[(sec_id, f"{sec_code}. {sec_title}")][status.value] += 1
        by_section[(sec_id, f"{sec_code}. {sec_title}")]["overdue"] += overdue
        if (deadline and as_of <= deadline <= as_of + timedelta(days=DUE_SOON_DAYS)
                and status != TaskStatus.COMPLETED):
            data.due_soon.append((task_id, code, title, lead_name or "", deadline))
    data.average_percent = round(sum(percents) / len(percents), 1) if percents else 0.0
    data.by_unit, data.units_hidden = top_groups(
        dict(sorted(by_unit.items(), key=lambda item: item[0][1])), TOP_GROUPS)
    data.by_section, data.sections_hidden = top_groups(
        dict(sorted(by_section.items(), key=lambda item: item[0][0])), TOP_GROUPS)
    data.due_soon.sort(key=lambda row: row[4])
    data.due_soon_total = len(data.due_soon)
    data.due_soon = data.due_soon[:DUE_SOON_ROWS]
    cal = calendar_of(plan)
    data.reporting_due = [d for d in reporting_calendar.upcoming(cal, as_of, days=DUE_SOON_DAYS)
                          if d.kind == reporting_calendar.UNIT_REPORT
                          or permissions.has(actor, Capability.VIEW_ALL_TASKS)]
    months: Counter = Counter()
    for decided_at, in run(session, approvals_statement, params).all():
        local = decided_at.astimezone(LOCAL_TZ)
        months[f"{local.year}-{local.month:02d}"] += 1
    data.approvals_by_month = dict(sorted(months.items()))
    if permissions.has(actor, Capability.REVIEW):
        data.overdue_reviews = sum(c.overdue for c in review_deadlines.review_clocks(
            session, actor=actor, as_of=as_of))
    warned: Counter = Counter()
    for item in evaluate(session, actor=actor, as_of=as_of, plan_id=plan.id).items:
        if item.task_id in task_ids:
            warned[(item.unit_id, item.unit_name)] += 1
    data.warnings_by_unit = dict(warned.most_common(TOP_GROUPS))
    data.warned_units_hidden = len(warned) - len(data.warnings_by_unit)
    return data
