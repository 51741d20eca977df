"""Wards (phường/xã) as tenants: creating them and their first admins (province admin),
and the province's view across them (province viewer): figures by ward, set-based.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from db.models import (
    ClaimState,
    CompletionClaim,
    Plan,
    ProgressReport,
    Role,
    Task,
    User,
    Ward,
    WarningList,
    WarningRow,
)
from workflow import accounts, audit_trail, scope
from workflow.clock import LOCAL_TZ, now_utc, today
from workflow.errors import NotFound, ValidationError
from workflow.permissions import Actor, Capability, has, require
from workflow.plans import plan_rank
from workflow.text import nfc

CODE_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{1,31}")
MAX_PAGE = 200


def create_ward(session: Session, *, actor: Actor, code: str, name: str,
                committee_name: str | None = None, office_name: str | None = None) -> Ward:
    """Creates a ward (province admin, or the command line)."""
    require(actor, Capability.MANAGE_WARDS)
    code = (code or "").strip().lower()
    name = nfc(name or "")
    if not CODE_PATTERN.fullmatch(code):
        raise ValidationError("Mã phường/xã gồm 2–32 ký tự: chữ thường không dấu, số, "
                              "dấu gạch ngang (ví dụ: phuoc-binh).")
    if not name:
        raise ValidationError("Vui lòng nhập tên phường/xã.")
    if session.scalar(select(Ward.id).where(Ward.code == code)) is not None:
        raise ValidationError(f"Đã có phường/xã mã “{code}”.")
    ward = Ward(code=code, name=name,
                committee_name=nfc(committee_name or "") or f"Đảng ủy {_lower_first(name)}",
                office_name=nfc(office_name or "") or "Văn phòng Đảng ủy",
                is_active=True, created_at=now_utc())
    session.add(ward)
    session.flush()
    audit_trail.record(session, actor=actor, action="ward.create", object_type="ward",
                       object_id=ward.id, ward_id=None,
                       after={"code": code, "name": name})
    return ward


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def create_first_admin(session: Session, *, actor: Actor, ward_id: int, username: str,
                       full_name: str, password: str, email: str | None = None) -> User:
    """Creates an admin account of the ward (the province admin's part in setting it up)."""
    require(actor, Capability.MANAGE_WARDS)
    return accounts.create_user(session, actor=actor, username=username, full_name=full_name,
                                password=password, role=Role.ADMIN, ward_id=ward_id,
                                email=email)


def list_wards(session: Session, *, actor: Actor) -> list[Ward]:
    """The wards the actor reaches, by name (a ward account: its own)."""
    if not (has(actor, Capability.VIEW_PROVINCE) or has(actor, Capability.VIEW_TASKS)):
        require(actor, Capability.VIEW_PROVINCE)
    query = scope.scoped(select(Ward), actor, Ward.id)
    return list(session.scalars(query.order_by(Ward.name, Ward.code)))


def get_by_code(session: Session, code: str | None) -> Ward:
    """The ward with this code, or a clear message (command line and pages)."""
    code = (code or "").strip().lower()
    ward = session.scalar(select(Ward).where(Ward.code == code)) if code else None
    if ward is None:
        known = ", ".join(session.scalars(select(Ward.code).order_by(Ward.code))) or "chưa có"
        raise NotFound(f"Không có phường/xã mã “{code}”. Các mã hiện có: {known}.")
    return ward


def ward_of(session: Session, actor: Actor) -> Ward | None:
    """The ward the actor works in (None for the province roles and an unbound system)."""
    ward_id = scope.ward_scope(actor)
    return session.get(Ward, ward_id) if ward_id and ward_id > 0 else None


def letterhead(session: Session, actor: Actor, *, committee: str, office: str) -> tuple[str, str]:
    """The Party Committee and office names for the actor's ward's documents (the given
    defaults outside a ward)."""
    ward = ward_of(session, actor)
    return (ward.committee_name, ward.office_name) if ward else (committee, office)


def current_plan_ids(session: Session, ward_ids: list[int] | None = None,
                     on: date | None = None) -> dict[int, int]:
    """Each ward's current plan id (pinned, or covering ``on``, or the latest before it, or
    the earliest after it) in one statement, ward id → plan id."""
    on = on or today()
    query = select(Plan.id, Plan.ward_id, Plan.start_date, Plan.end_date, Plan.is_pinned)
    if ward_ids is not None:
        query = query.where(Plan.ward_id.in_(ward_ids))
    best: dict[int, tuple[tuple, int]] = {}
    for plan_id, ward_id, start, end, pinned in session.execute(query.order_by(Plan.id)):
        rank = plan_rank(plan_id, start, end, pinned, on)
        if ward_id not in best or rank > best[ward_id][0]:
            best[ward_id] = (rank, plan_id)
    return {ward_id: plan_id for ward_id, (_, plan_id) in best.items()}


@dataclass(frozen=True)
class WardFigures:
    """One ward's line of the province dashboard (its current plan)."""

    ward_id: int
    code: str
    name: str
    plan_id: int | None
    plan_year: int | None
    tasks: int = 0
    completed: int = 0
    completed_on_time: int = 0
    overdue: int = 0
    warned: int = 0
    open_tasks: int = 0
    reported: int = 0
    claims_waiting: int = 0

    @property
    def completion_rate(self) -> int:
        """Completed tasks as a whole percentage."""
        return round(100 * self.completed / self.tasks) if self.tasks else 0

    @property
    def on_time_rate(self) -> int:
        """Tasks completed by their deadline, as a percentage of all tasks."""
        return round(100 * self.completed_on_time / self.tasks) if self.tasks else 0

    @property
    def reporting_rate(self) -> int:
        """Open tasks with a progress report this month, as a percentage."""
        return round(100 * self.reported / self.open_tasks) if self.open_tasks else 100

    @property
    def score(self) -> tuple:
        """Ranking key: on-time completion, then completion, reporting, fewest warnings."""
        return (-self.on_time_rate, -self.completion_rate, -self.reporting_rate,
                self.overdue + self.warned, self.name)


SORT_KEYS = {
    "rank": lambda f: f.score,
    "name": lambda f: f.name,
    "completion": lambda f: f.completion_rate,
    "on_time": lambda f: f.on_time_rate,
    "overdue": lambda f: f.overdue,
    "warned": lambda f: f.warned,
    "reporting": lambda f: f.reporting_rate,
    "claims": lambda f: f.claims_waiting,
}


@dataclass(frozen=True)
class ProvincePage:
    """A page of ward lines, the number of matching wards and province totals."""

    rows: list[WardFigures]
    total: int
    totals: WardFigures
    ranks: dict[int, int] = field(default_factory=dict)  # ward id → place, best first


def ward_figures(session: Session, *, actor: Actor, as_of: date | None = None) -> list[WardFigures]:
    """Every reachable ward's figures for its current plan, best first: three GROUP BY
    statements (tasks, warning rows, plans) whatever the number of wards."""
    require(actor, Capability.VIEW_PROVINCE)
    as_of = as_of or today()
    wards = list_wards(session, actor=actor)
    current = current_plan_ids(session, [w.id for w in wards], on=as_of)
    plan_ids = list(current.values())
    month_start = datetime.combine(as_of.replace(day=1), time.min, LOCAL_TZ)
    plan_tasks = select(Task.id).where(Task.plan_id.in_(plan_ids))
    # Set-based, no per-task subquery: each task's newest claim that was not withdrawn (its
    # state says completed / waiting), and whether it has a report this month.
    newest = (select(CompletionClaim.task_id, func.max(CompletionClaim.id).label("claim_id"))
              .where(CompletionClaim.state != ClaimState.WITHDRAWN,
                     CompletionClaim.task_id.in_(plan_tasks))
              .group_by(CompletionClaim.task_id).subquery())
    reported = (select(ProgressReport.task_id).where(ProgressReport.created_at >= month_start,
                                                     ProgressReport.task_id.in_(plan_tasks))
                .group_by(ProgressReport.task_id).subquery())
    per_task = (select(Plan.ward_id.label("ward_id"), Task.deadline_date.label("deadline"),
                       CompletionClaim.state.label("state"),
                       func.date(CompletionClaim.decided_at).label("approved_on"),
                       reported.c.task_id.label("reported"))
                .join(Plan, Plan.id == Task.plan_id)
                .outerjoin(newest, newest.c.task_id == Task.id)
                .outerjoin(CompletionClaim, CompletionClaim.id == newest.c.claim_id)
                .outerjoin(reported, reported.c.task_id == Task.id)
                .where(Task.plan_id.in_(plan_ids), Task.removed_from_plan_at.is_(None))
                .subquery())
    done = per_task.c.state == ClaimState.APPROVED
    open_ = or_(per_task.c.state.is_(None), per_task.c.state != ClaimState.APPROVED)
    waiting = per_task.c.state == ClaimState.PENDING
    figures: dict[int, dict] = {}
    if plan_ids:
        rows = session.execute(select(
            per_task.c.ward_id,
            func.count(),
            func.sum(case((done, 1), else_=0)),
            # Approval day in UTC against the deadline day (a few night hours of difference).
            func.sum(case((done & (per_task.c.deadline.is_(None)
                                   | (per_task.c.approved_on <= func.date(per_task.c.deadline))),
                           1), else_=0)),
            func.sum(case((open_ & (per_task.c.deadline < as_of), 1), else_=0)),
            func.sum(case((open_, 1), else_=0)),
            func.sum(case((open_ & per_task.c.reported.is_not(None), 1), else_=0)),
            func.sum(case((waiting, 1), else_=0)),
        ).group_by(per_task.c.ward_id))
        for ward_id, tasks, completed, on_time, overdue, open_count, filed, waiting in rows:
            figures[ward_id] = dict(tasks=tasks, completed=int(completed or 0),
                                    completed_on_time=int(on_time or 0),
                                    overdue=int(overdue or 0), open_tasks=int(open_count or 0),
                                    reported=int(filed or 0), claims_waiting=int(waiting or 0))
        newest = (select(func.max(WarningList.id)).where(WarningList.plan_id.in_(plan_ids))
                  .group_by(WarningList.plan_id))
        for ward_id, count in session.execute(
                select(WarningList.ward_id, func.count(WarningRow.id))
                .join(WarningRow, WarningRow.warning_list_id == WarningList.id)
                .where(WarningList.id.in_(newest)).group_by(WarningList.ward_id)):
            figures.setdefault(ward_id, {})["warned"] = count
    years = dict(session.execute(select(Plan.id, Plan.year).where(Plan.id.in_(plan_ids))).all()) \
        if plan_ids else {}
    lines = [WardFigures(w.id, w.code, w.name, current.get(w.id), years.get(current.get(w.id)),
                         **figures.get(w.id, {})) for w in wards]
    return sorted(lines, key=lambda f: f.score)


def province_page(session: Session, *, actor: Actor, as_of: date | None = None,
                  search: str = "", sort: str = "rank", descending: bool = False,
                  offset: int = 0, limit: int = 50) -> ProvincePage:
    """A sorted, filtered page of ward lines (bounded) and the province totals."""
    if offset < 0 or not 0 < limit <= MAX_PAGE:
        raise ValidationError("Tham số phân trang không hợp lệ.")
    if sort not in SORT_KEYS:
        raise ValidationError("Cột sắp xếp không hợp lệ.")
    lines = ward_figures(session, actor=actor, as_of=as_of)
    ranks = {f.ward_id: place for place, f in enumerate(lines, start=1)}
    totals = WardFigures(0, "", "Toàn tỉnh", None, None,
                         **{k: sum(getattr(f, k) for f in lines) for k in (
                             "tasks", "completed", "completed_on_time", "overdue", "warned",
                             "open_tasks", "reported", "claims_waiting")})
    needle = (search or "").strip().lower()
    if needle:
        lines = [f for f in lines if needle in f.name.lower() or needle in f.code]
    lines.sort(key=SORT_KEYS[sort], reverse=descending)
    return ProvincePage(lines[offset:offset + limit], len(lines), totals, ranks)


def ward_lines(session: Session, *, actor: Actor) -> list[tuple[int, str, str, str, int]]:
    """(id, code, name, committee, accounts) per ward, for the ward management page."""
    require(actor, Capability.MANAGE_WARDS)
    users = dict(session.execute(select(User.ward_id, func.count()).group_by(User.ward_id))
                 .all())
    return [(w.id, w.code, w.name, w.committee_name, users.get(w.id, 0))
            for w in session.scalars(select(Ward).order_by(Ward.name, Ward.code))]
