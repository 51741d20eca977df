"""Review time limits in working days (#16): the office has N working days (weekends and
the holiday calendar excluded) from the day a claim reaches its queue; claims past that are
flagged in the queue and on the dashboard, and the office head gets a reminder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from sqlalchemy import Integer, Select, bindparam, select
from sqlalchemy.orm import Session

from db.models import ClaimConfirmation, ClaimState, CompletionClaim, Plan, Role, Task, Unit, User
from db.sql import constant, run
from workflow import notifications, permissions, scope
from workflow.clock import format_date, to_local
from workflow.holidays import holiday_set
from workflow.permissions import Actor, Capability

# Far enough ahead for any time limit an office sets (at most 60 working days).
MAX_LIMIT_DAYS = 60
_SPAN = timedelta(days=MAX_LIMIT_DAYS * 2 + 40)


def is_working_day(day: date, holidays: set[date]) -> bool:
    """Monday to Friday and not a holiday."""
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: date, days: int, holidays: set[date]) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself does not count)."""
    day = start
    left = days
    while left > 0:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            left -= 1
    return day


def working_days_between(start: date, end: date, holidays: set[date]) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    return sum(1 for n in range(1, (end - start).days + 1)
               if is_working_day(start + timedelta(days=n), holidays))


@dataclass(frozen=True)
class ReviewClock:
    """Where a pending claim stands against the office's time limit."""

    claim_id: int
    task_code: str
    unit_name: str
    ward_id: int
    queued_on: date
    due: date
    overdue: bool


def queued_at(claim: CompletionClaim) -> datetime:
    """When the claim reached the office queue: the head's confirmation, or its filing."""
    return claim.confirmation.confirmed_at if claim.confirmation else claim.created_at


class DeadlineCalculator:
    """Due dates of many claims with the holidays read once."""

    def __init__(self, session: Session, first: date, last: date,
                 plan_ids: set[int] | None = None, *,
                 limits: dict[int, int] | None = None) -> None:
        """Holidays are read for claims queued between ``first`` and ``last``; limits for
        ``plan_ids`` (the plans of the claims at hand) rather than every ward's plans, or
        taken as given (``limits``: plan id → working days, read with the claims)."""
        self.holidays = holiday_set(session, first, max(first, last) + _SPAN)
        if limits is not None:
            self.limits = dict(limits)
            return
        query = select(Plan.id, Plan.review_working_days)
        if plan_ids is not None:
            query = query.where(Plan.id.in_(plan_ids))
        self.limits = dict(session.execute(query).all())

    def due(self, plan_id: int, queued_on: date) -> date:
        """The last day of the review time limit."""
        return add_working_days(queued_on, self.limits.get(plan_id, 5), self.holidays)


def pending_claims(*columns, ward: bool) -> Select:
    """``columns`` of the claims waiting for the office, joined with their task, plan, unit
    and the head's confirmation (what the review time limit runs from); of one ward (the
    ``ward_id`` parameter) when ``ward``. The review queue and the review clocks build on it."""
    query = (select(*columns)
             .select_from(CompletionClaim)
             .join(Task, Task.id == CompletionClaim.task_id)
             .join(Plan, Plan.id == Task.plan_id)
             .join(Unit, Unit.id == CompletionClaim.unit_id)
             .outerjoin(ClaimConfirmation, ClaimConfirmation.claim_id == CompletionClaim.id)
             .where(CompletionClaim.state == constant(ClaimState.PENDING)))
    if ward:
        query = query.where(Plan.ward_id == bindparam("ward_id", type_=Integer))
    return query


@lru_cache(maxsize=2)
def _pending_statement(ward: bool) -> Select:
    """Pending claims with their task's code and plan (its ward and review limit), the
    unit's name and the head's confirmation time, longest waiting first (db.sql)."""
    return pending_claims(CompletionClaim.id, Task.code, Task.plan_id, Plan.ward_id, Unit.name,
                          CompletionClaim.created_at, ClaimConfirmation.confirmed_at,
                          Plan.review_working_days, ward=ward
                          ).order_by(CompletionClaim.created_at, CompletionClaim.id)


def review_clocks(session: Session, *, actor: Actor, as_of: date) -> list[ReviewClock]:
    """Every pending claim with its due date, the overdue ones first."""
    if not permissions.has(actor, Capability.SEND_REMINDERS):
        permissions.require(actor, Capability.REVIEW)
    ward_id = scope.ward_scope(actor)
    rows = run(session, _pending_statement(ward_id is not None), {"ward_id": ward_id}).all()
    queued = [to_local(confirmed_at or created_at).date()
              for _, _, _, _, _, created_at, confirmed_at, _ in rows]
    calc = DeadlineCalculator(session, min(queued, default=as_of), max(queued, default=as_of),
                              limits={row[2]: row[7] for row in rows})
    clocks = []
    for (claim_id, code, plan_id, row_ward, unit_name, _, _, _), queued_on in zip(
            rows, queued, strict=True):
        due = calc.due(plan_id, queued_on)
        clocks.append(ReviewClock(claim_id, code, unit_name, row_ward, queued_on, due,
                                  as_of > due))
    return sorted(clocks, key=lambda c: (not c.overdue, c.due, c.claim_id))


def remind_office_head(session: Session, *, actor: Actor, as_of: date) -> int:
    """Notifies the office head (every reviewer when no one is flagged) once per overdue
    claim; returns how many notifications were created."""
    permissions.require(actor, Capability.SEND_REMINDERS)
    heads: dict[int, list] = {}
    sent = 0
    for clock in review_clocks(session, actor=actor, as_of=as_of):
        if not clock.overdue:
            continue
        if clock.ward_id not in heads:
            heads[clock.ward_id] = notifications.office_heads(session, clock.ward_id)
        created = notifications.notify(
            session, users=heads[clock.ward_id], kind="reminder.review",
            message=f"Đề nghị nhiệm vụ {clock.task_code} ({clock.unit_name}) đã quá hạn thẩm "
                    f"định từ ngày {format_date(clock.due)}.",
            link=f"/tham-dinh/{clock.claim_id}", dedupe_key=f"review-overdue:{clock.claim_id}")
        sent += len(created)
    return sent


def set_review_limit(session: Session, *, actor: Actor, plan_id: int,
                     working_days: int | str) -> Plan:
    """The office (or the admin) sets the review time limit of a plan in working days."""
    from workflow.errors import NotFound, ValidationError

    if not permissions.has(actor, Capability.MANAGE_CALENDAR):
        permissions.require(actor, Capability.REVIEW)
    plan = session.get(Plan, plan_id)
    if plan is None or not scope.in_scope(actor, plan.ward_id):  # another ward's: unseen
        raise NotFound("Không tìm thấy kế hoạch.")
    try:
        days = int(str(working_days).strip())
    except (TypeError, ValueError):
        raise ValidationError("Thời hạn thẩm định là số ngày làm việc (từ 1 đến 60).") from None
    if not 1 <= days <= MAX_LIMIT_DAYS:
        raise ValidationError("Thời hạn thẩm định là số ngày làm việc (từ 1 đến 60).")
    plan.review_working_days = days
    session.flush()
    return plan



def set_office_heads(session: Session, *, actor: Actor, user_ids: list[int]) -> list[User]:
    """The admin names the reviewers who head the office (they get the overdue reminders)."""
    from workflow.errors import ValidationError

    permissions.require(actor, Capability.MANAGE_USERS)
    try:
        wanted = {int(i) for i in user_ids or []}
    except (TypeError, ValueError):
        raise ValidationError("Người được chọn không hợp lệ.") from None
    # Only the admin's own ward: another ward's reviewers are neither shown nor changed.
    reviewers = list(session.scalars(scope.scoped(
        select(User).where(User.role == Role.REVIEWER), actor, User.ward_id)))
    if wanted - {u.id for u in reviewers}:
        raise ValidationError("Chỉ chọn được tài khoản của Văn phòng Đảng ủy (thẩm định).")
    for user in reviewers:
        user.is_office_head = user.id in wanted
    session.flush()
    return [u for u in reviewers if u.is_office_head]


def reviewer_choices(session: Session, *, actor: Actor) -> list[tuple[int, str, bool]]:
    """Active reviewers as (id, name, is office head), for the admin's choice."""
    permissions.require(actor, Capability.MANAGE_USERS)
    return [(u.id, f"{u.full_name} ({u.username})", u.is_office_head) for u in session.scalars(
        scope.scoped(select(User).where(User.role == Role.REVIEWER, User.is_active.is_(True)),
                     actor, User.ward_id).order_by(User.full_name))]
