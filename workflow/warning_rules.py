"""Warning lists (plan IV.2.4): which tasks to warn about as of a date, and why.

Rules, evaluated on the history as it stood at the end of ``as_of`` (Asia/Ho_Chi_Minh):
- overdue: the deadline passed (strictly before as_of) and the task was not "hoàn thành";
- behind_schedule: actual completion % < 50% of the expected %, the expected % being the
  elapsed share of the window from plan start to deadline (recurring tasks: the plan year);
- poor_evidence: the latest claim was rejected;
- missing_report: no progress report in the period by the reporting day (e.g. the 18th).
Tasks whose deadline is conditional and has no date are never overdue; they are listed apart
as "chưa xác định thời hạn" so that the office sets one.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from sqlalchemy import (
    Integer,
    Select,
    and_,
    bindparam,
    case,
    exists,
    not_,
    select,
    true,
)
from sqlalchemy.orm import Session

from db.base import UtcDateTime
from db.change_tracking import has_pending_changes
from db.models import (
    ClaimState,
    CompletionClaim,
    DeadlineKind,
    Plan,
    ProgressReport,
    Task,
    Unit,
)
from db.sql import constant, constants, number, run
from workflow import permissions
from workflow.clock import LOCAL_TZ
from workflow.kpi_targets import value_vs_target
from workflow.periods import period_of
from workflow.permissions import Actor, Capability
from workflow.plans import plan_for
from workflow.reporting_calendar import calendar_of, unit_due

OVERDUE, BEHIND, POOR_EVIDENCE, MISSING_REPORT = (
    "overdue", "behind_schedule", "poor_evidence", "missing_report")
REASON_LABELS = {
    OVERDUE: "Quá hạn",
    BEHIND: "Chậm tiến độ (dưới 50% lộ trình)",
    POOR_EVIDENCE: "Minh chứng không đạt",
    MISSING_REPORT: "Chưa báo cáo tiến độ",
}
BEHIND_FACTOR = 0.5


@dataclass(frozen=True)
class Period:
    """The month or quarter a warning list covers."""

    kind: str  # "month" | "quarter"
    start: date
    end: date
    label: str  # "Tháng 10/2026", "Quý IV/2026"
    title: str  # "THÁNG 10/2026", "QUÝ IV/2026"


def period_for(as_of: date, kind: str) -> Period:
    """The month or quarter that contains ``as_of``."""
    if kind not in ("month", "quarter"):
        raise ValueError(kind)
    period = period_of(as_of, kind)
    return Period(kind, period.start, period.end, period.label, period.label.upper())


@dataclass
class WarningItem:
    """One task to warn about, with the figures behind each reason."""

    task_id: int
    task_code: str
    task_title: str
    unit_id: int | None
    unit_name: str
    deadline_text: str
    deadline: date | None
    reasons: list[str] = field(default_factory=list)
    details: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        """The CLI's JSON object."""
        return {"task_id": self.task_id, "task_code": self.task_code,
                "task_title": self.task_title,
                "unit": self.unit_name, "reasons": list(self.reasons),
                "deadline": self.deadline.isoformat() if self.deadline else None,
                "deadline_text": self.deadline_text, **self.details}


@dataclass
class WarningReport:
    """The evaluated list and the tasks that still need a deadline."""

    as_of: date
    period: Period
    items: list[WarningItem]
    undetermined: list[WarningItem]

    def by_unit(self) -> dict[str, list[WarningItem]]:
        """Rows grouped by lead unit, units in name order."""
        groups: dict[str, list[WarningItem]] = defaultdict(list)
        for item in self.items:
            groups[item.unit_name].append(item)
        return dict(sorted(groups.items()))


def end_of_day(day: date) -> datetime:
    """The last instant of a local day, as an aware datetime."""
    return datetime.combine(day + timedelta(days=1), time.min, LOCAL_TZ)


def expected_percent(start: date, deadline: date, as_of: date) -> float:
    """Elapsed share of the window start → deadline, in percent (0–100)."""
    if deadline <= start:
        return 100.0 if as_of >= deadline else 0.0
    elapsed = (min(as_of, deadline) - start).days
    return max(0.0, min(100.0, 100.0 * elapsed / (deadline - start).days))


def start_of_day(day: date) -> datetime:
    """The first instant of a local day, as an aware datetime."""
    return datetime.combine(day, time.min, LOCAL_TZ)


# The statement is built once (``_statement``); the cut-off and the period's bounds are its
# parameters, the state names are written into it (db.sql.constant).
_CUTOFF = bindparam("cutoff", type_=UtcDateTime())


def _claim_state_as_of():
    """Correlated subquery: the state of the task's newest claim filed before the cut-off, as
    it stood then (pending until decided), leaving out claims withdrawn before it."""
    decided_before = and_(CompletionClaim.decided_at.is_not(None),
                          CompletionClaim.decided_at < _CUTOFF)
    return (select(case((decided_before, CompletionClaim.state),
                        else_=constant(ClaimState.PENDING)))
            .where(CompletionClaim.task_id == Task.id, CompletionClaim.created_at < _CUTOFF,
                   # Claims the office never saw (with or returned by the unit head).
                   CompletionClaim.state.not_in(constants([ClaimState.AWAITING_HEAD,
                                                           ClaimState.RETURNED])),
                   not_(and_(decided_before,
                             CompletionClaim.state == constant(ClaimState.WITHDRAWN))))
            .order_by(CompletionClaim.id.desc()).limit(number(1))
            .correlate(Task).scalar_subquery())


def _percent_as_of():
    """Correlated subquery: completion % of the task's newest report filed before the
    cut-off."""
    return (select(ProgressReport.percent_complete)
            .where(ProgressReport.task_id == Task.id, ProgressReport.created_at < _CUTOFF)
            .order_by(ProgressReport.id.desc()).limit(number(1))
            .correlate(Task).scalar_subquery())


def _value_as_of():
    """Correlated subquery: the KPI value of the task's newest report filed before the
    cut-off that gives one (#16)."""
    return (select(ProgressReport.kpi_value)
            .where(ProgressReport.task_id == Task.id, ProgressReport.created_at < _CUTOFF,
                   ProgressReport.kpi_value.is_not(None))
            .order_by(ProgressReport.id.desc()).limit(number(1))
            .correlate(Task).scalar_subquery())


def _reported_between():
    """Correlated EXISTS: the task has a report from ``period_start`` (inclusive) to
    ``period_end`` (exclusive)."""
    return (exists().where(
        ProgressReport.task_id == Task.id,
        ProgressReport.created_at >= bindparam("period_start", type_=UtcDateTime()),
        ProgressReport.created_at < bindparam("period_end", type_=UtcDateTime()))
        .correlate(Task))


@lru_cache(maxsize=2)
def _statement(check_report: bool) -> Select:
    """Each active task of a plan with its state as of the cut-off, in plan order."""
    return (select(Task.id, Task.code, Task.title, Task.lead_unit_id, Unit.name,
                   Task.deadline_text, Task.deadline_date, Task.deadline_kind,
                   _claim_state_as_of(), _percent_as_of(),
                   _reported_between() if check_report else true(),
                   Task.kpi_target, Task.kpi_unit,
                   case((Task.kpi_target.is_not(None), _value_as_of()), else_=None))
            .outerjoin(Unit, Unit.id == Task.lead_unit_id)
            .where(Task.plan_id == bindparam("plan_id", type_=Integer),
                   Task.removed_from_plan_at.is_(None))
            .order_by(Task.position))


# Evaluated lists by (database, plan, data stamp, as-of date, period): a write to the plan
# changes its stamp (db.change_tracking), so stale entries are never read and age out.
_CACHE: OrderedDict[tuple, WarningReport] = OrderedDict()
_CACHE_SIZE = 256
_cache_lock = threading.Lock()


_STAMP = select(Plan.data_stamp).where(Plan.id == bindparam("plan_id", type_=Integer))


def clear_cache() -> None:
    """Forgets every cached evaluation."""
    with _cache_lock:
        _CACHE.clear()


def _copy(report: WarningReport) -> WarningReport:
    # Callers narrow the lists (units see their own rows): hand out fresh lists and items.
    return WarningReport(report.as_of, report.period,
                         [replace(i, reasons=list(i.reasons), details=dict(i.details))
                          for i in report.items],
                         [replace(i, reasons=list(i.reasons), details=dict(i.details))
                          for i in report.undetermined])


def evaluate(session: Session, *, actor: Actor, as_of: date, period_kind: str = "month",
             plan_id: int | None = None) -> WarningReport:
    """Evaluates every active task of the plan (the ward's current plan when not given; a
    plan of another ward is NotFound).

    One query reads each task with its state as of the date (latest claim, latest %, a
    report in the period); the rules below run over those rows. The result is cached per
    (plan, as-of date, period) until a write changes the plan's data stamp.
    """
    permissions.require(actor, Capability.VIEW_WARNINGS)
    plan = plan_for(session, actor=actor, plan_id=plan_id)
    period = period_for(as_of, period_kind)
    if plan is None:
        return WarningReport(as_of, period, [], [])
    use_cache = not has_pending_changes(session)
    key = None
    if use_cache:
        stamp = session.scalar(_STAMP, {"plan_id": plan.id})
        key = (str(session.get_bind().url), plan.id, stamp, as_of, period.kind)
        with _cache_lock:
            cached = _CACHE.get(key)
            if cached is not None:
                _CACHE.move_to_end(key)
                return _copy(cached)
    report = _evaluate(session, plan, as_of, period)
    if key is not None:
        with _cache_lock:
            _CACHE[key] = report
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
        return _copy(report)
    return report


def _evaluate(session: Session, plan: Plan, as_of: date, period: Period) -> WarningReport:
    cutoff = end_of_day(as_of)
    due_day = unit_due(calendar_of(plan), as_of.year, as_of.month)
    check_report = as_of >= due_day
    rows = run(session, _statement(check_report), {
        "plan_id": plan.id, "cutoff": cutoff, "period_start": start_of_day(period.start),
        "period_end": end_of_day(due_day)}).all()
    items, undetermined = [], []
    for (task_id, code, title, unit_id, unit_name, deadline_text, deadline, kind, state,
         percent, reported, kpi_target, kpi_unit, kpi_value) in rows:
        latest_state = ClaimState(state) if state is not None else None
        completed = latest_state == ClaimState.APPROVED
        item = WarningItem(task_id, code, title, unit_id, unit_name or "Chưa xác định đơn vị",
                           deadline_text, deadline)
        if deadline is None:
            if kind in (DeadlineKind.CONDITIONAL, DeadlineKind.UNKNOWN):
                undetermined.append(item)
        elif not completed:
            if deadline < as_of:
                item.reasons.append(OVERDUE)
                item.details["days_late"] = (as_of - deadline).days
            actual = percent if percent is not None else 0
            window_start = plan.start_date
            if kind == DeadlineKind.RECURRING:
                window_start = date(plan.year, 1, 1)
            expected = expected_percent(window_start, deadline, as_of)
            item.details["actual_percent"] = actual
            item.details["expected_percent"] = round(expected, 1)
            if kpi_target is not None:
                item.details["kpi"] = value_vs_target(kpi_value, kpi_target, kpi_unit)
            if actual < BEHIND_FACTOR * expected:
                item.reasons.append(BEHIND)
        if latest_state == ClaimState.REJECTED:
            item.reasons.append(POOR_EVIDENCE)
        if not completed and check_report and not reported:
            item.reasons.append(MISSING_REPORT)
            item.details["reporting_day"] = due_day.isoformat()
        if item.reasons:
            items.append(item)
    return WarningReport(as_of, period, items, undetermined)
