"""Unit ranking for commendation and criticism (plan IV.3)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from sqlalchemy import Integer, Select, and_, bindparam, case, func, literal_column, select
from sqlalchemy.orm import Session

from db.base import UtcDateTime
from db.models import (
    ClaimState,
    CompletionClaim,
    ProgressReport,
    Task,
    Unit,
    User,
    WarningList,
    WarningRow,
)
from db.sql import constants, run
from workflow import permissions
from workflow.clock import LOCAL_TZ
from workflow.periods import day_of_month, month_end
from workflow.permissions import Capability
from workflow.plans import plan_for
from workflow.reporting_calendar import calendar_of
from workflow.warning_rules import end_of_day, start_of_day


@dataclass(frozen=True)
class UnitRank:
    """One unit's figures; rates are whole percentages (None when nothing to rate)."""

    unit_id: int
    unit_name: str
    tasks: int
    completed: int
    completed_on_time: int
    on_time_rate: int | None
    claims_decided: int
    claims_rejected: int
    rejection_rate: int | None
    warnings: int
    reports_expected: int
    reports_filed: int
    reports_on_time: int
    reporting_rate: int | None
    on_time_reporting_rate: int | None


def _rate(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def _reporting_months(start: date, as_of: date, reporting_day: int) -> list[tuple[date, date]]:
    """(first day, reporting day) of each month whose reporting day has passed."""
    months, year, month = [], start.year, start.month
    while (year, month) <= (as_of.year, as_of.month):
        due = day_of_month(year, month, reporting_day)
        if due <= as_of:
            months.append((date(year, month, 1), due))
        year, month = (year + (month == 12), month % 12 + 1)
    return months


# Built once (db.sql): the plan, the cut-off and the months' bounds are parameters.
_PLAN = bindparam("plan_id", type_=Integer)
_CUTOFF = bindparam("cutoff", type_=UtcDateTime())
_PLAN_TASKS = select(Task.id).where(Task.plan_id == _PLAN, Task.removed_from_plan_at.is_(None),
                                    Task.lead_unit_id.is_not(None))
_TASKS = (select(Task.id, Task.lead_unit_id, Task.deadline_date, Unit.name)
          .join(Unit, Unit.id == Task.lead_unit_id)
          .where(Task.plan_id == _PLAN, Task.removed_from_plan_at.is_(None)))
_DECIDED_CLAIMS = (
    select(CompletionClaim.task_id, CompletionClaim.state, CompletionClaim.decided_at)
    .where(CompletionClaim.task_id.in_(_PLAN_TASKS), CompletionClaim.created_at < _CUTOFF,
           CompletionClaim.decided_at < _CUTOFF,
           CompletionClaim.state.in_(constants((ClaimState.APPROVED, ClaimState.REJECTED))))
    .order_by(CompletionClaim.id))
_WARNINGS = (select(WarningRow.unit_id, func.count())
             .join(WarningList, WarningList.id == WarningRow.warning_list_id)
             .where(WarningList.plan_id == _PLAN, WarningRow.unit_id.is_not(None))
             .group_by(WarningRow.unit_id))


@lru_cache(maxsize=24)
def _reports_by_month(months: int) -> Select:
    """Per task and reporting month n (``low_n`` ≤ time < ``high_n``) that has a report:
    whether one came by the reporting day (before ``due_n``). Grouped in the database."""
    bounds = [tuple(bindparam(f"{edge}_{n}", type_=UtcDateTime())
                    for edge in ("low", "due", "high")) for n in range(months)]
    bucket = case(*[(and_(ProgressReport.created_at >= low, ProgressReport.created_at < high),
                     literal_column(str(n))) for n, (low, _, high) in enumerate(bounds)],
                  else_=None).label("m")
    in_time = case(*[(and_(ProgressReport.created_at >= low, ProgressReport.created_at < due),
                      literal_column("1")) for low, due, _ in bounds],
                   else_=literal_column("0"))
    return (select(ProgressReport.task_id, bucket, func.max(in_time))
            .where(ProgressReport.task_id.in_(_PLAN_TASKS),
                   ProgressReport.created_at >= bounds[0][0],
                   ProgressReport.created_at < _CUTOFF)
            .group_by(ProgressReport.task_id, bucket))


def rank_units(session: Session, *, actor: User, as_of: date,
               plan_id: int | None = None) -> list[UnitRank]:
    """Figures per lead unit for one plan (the ward's current plan unless named), best
    on-time completion first (office and leaders).

    Four statements whatever the plan's size: the plan's tasks, their decided claims, the
    first report of each task in each reporting month (grouped in the database), and the
    published warnings per unit.
    """
    permissions.require(actor, Capability.VIEW_ALL_TASKS)
    plan = plan_for(session, actor=actor, plan_id=plan_id)
    if plan is None:
        return []
    cutoff = end_of_day(as_of)
    params = {"plan_id": plan.id, "cutoff": cutoff}
    tasks = run(session, _TASKS, params).all()
    claims: dict[int, list[tuple[ClaimState, datetime]]] = defaultdict(list)
    for task_id, state, decided_at in run(session, _DECIDED_CLAIMS, params).all():
        claims[task_id].append((ClaimState(state), decided_at))
    months = _reporting_months(plan.start_date, as_of, calendar_of(plan).unit_day)
    # (task, month index) -> whether the month's report came by the reporting day.
    reported: dict[tuple[int, int], bool] = {}
    if months:
        for n, (first, due) in enumerate(months):
            params[f"low_{n}"] = start_of_day(first)
            params[f"due_{n}"] = end_of_day(due)
            params[f"high_{n}"] = end_of_day(month_end(first.year, first.month))
        for task_id, month, in_time in run(session, _reports_by_month(len(months)),
                                           params).all():
            if month is not None:
                reported[(task_id, month)] = bool(in_time)
    warnings = dict(run(session, _WARNINGS, params).all())
    by_unit: dict[int, list] = defaultdict(list)
    names: dict[int, str] = {}
    for task_id, unit_id, deadline, name in tasks:
        by_unit[unit_id].append((task_id, deadline))
        names[unit_id] = name
    ranking = []
    for unit_id, unit_tasks in by_unit.items():
        completed = on_time = decided = rejected = expected = filed = filed_on_time = 0
        for task_id, deadline in unit_tasks:
            decided_claims = claims[task_id]
            decided += len(decided_claims)
            rejected += sum(state == ClaimState.REJECTED for state, _ in decided_claims)
            approval = next((at for state, at in reversed(decided_claims)
                             if state == ClaimState.APPROVED), None)
            done_on = approval.astimezone(LOCAL_TZ).date() if approval else None
            if approval:
                completed += 1
                if deadline is None or done_on <= deadline:
                    on_time += 1
            for n, (first, _) in enumerate(months):
                if done_on is not None and done_on < first:
                    continue  # nothing to report once completed
                expected += 1
                in_time = reported.get((task_id, n))
                if in_time is not None:
                    filed += 1
                    filed_on_time += in_time
        ranking.append(UnitRank(
            unit_id=unit_id, unit_name=names.get(unit_id, ""), tasks=len(unit_tasks),
            completed=completed, completed_on_time=on_time,
            on_time_rate=_rate(on_time, len(unit_tasks)), claims_decided=decided,
            claims_rejected=rejected, rejection_rate=_rate(rejected, decided),
            warnings=warnings.get(unit_id, 0), reports_expected=expected, reports_filed=filed,
            reports_on_time=filed_on_time, reporting_rate=_rate(filed, expected),
            on_time_reporting_rate=_rate(filed_on_time, expected)))
    return sorted(ranking, key=lambda r: (-(r.on_time_rate or 0), -(r.reporting_rate or 0),
                                          r.warnings, r.unit_name))
