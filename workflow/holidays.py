"""The Vietnamese public-holiday calendar (ngày nghỉ lễ, Tết) that review time limits skip.

The admin edits it; ``DEFAULT_HOLIDAYS`` is the starting list the demo loader (and the admin,
in one click) puts in. Days in lieu (nghỉ bù) are days like any other in the calendar.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import Holiday
from db.sql import run
from workflow import audit_trail, permissions
from workflow.clock import format_date
from workflow.errors import NotFound, ValidationError
from workflow.permissions import Actor, Capability

# Days off for officials in 2026 (Labour Code 2019, art. 112, and the Government's
# announcement of the Tết and 2/9 days); weekend days inside a holiday are weekends anyway.
DEFAULT_HOLIDAYS: tuple[tuple[date, str], ...] = (
    (date(2026, 1, 1), "Tết Dương lịch"),
    (date(2026, 2, 16), "Tết Nguyên đán"),
    (date(2026, 2, 17), "Tết Nguyên đán"),
    (date(2026, 2, 18), "Tết Nguyên đán"),
    (date(2026, 2, 19), "Tết Nguyên đán"),
    (date(2026, 2, 20), "Tết Nguyên đán"),
    (date(2026, 4, 27), "Giỗ Tổ Hùng Vương (nghỉ bù)"),
    (date(2026, 4, 30), "Ngày Giải phóng miền Nam, thống nhất đất nước"),
    (date(2026, 5, 1), "Ngày Quốc tế Lao động"),
    (date(2026, 9, 1), "Quốc khánh"),
    (date(2026, 9, 2), "Quốc khánh"),
)


_BETWEEN = select(Holiday.day).where(Holiday.day >= bindparam("first", type_=Date),
                                     Holiday.day <= bindparam("last", type_=Date))


def holiday_set(session: Session, start: date, end: date) -> set[date]:
    """Holidays between two days, both included (no permission: the days are public)."""
    return set(run(session, _BETWEEN, {"first": start, "last": end}).scalars())


def list_holidays(session: Session, *, actor: Actor, year: int | None = None) -> list[Holiday]:
    """The calendar, in date order, optionally for one year."""
    permissions.require(actor, Capability.VIEW_TASKS)
    query = select(Holiday).order_by(Holiday.day)
    if year:
        query = query.where(Holiday.day >= date(year, 1, 1), Holiday.day <= date(year, 12, 31))
    return list(session.scalars(query))


def add_holiday(session: Session, *, actor: Actor, day: date | None, name: str) -> Holiday:
    """Adds a day off to the calendar."""
    permissions.require(actor, Capability.MANAGE_HOLIDAYS)
    name = (name or "").strip()
    if not isinstance(day, date):
        raise ValidationError("Vui lòng chọn ngày nghỉ (dd/mm/yyyy).")
    if not name or len(name) > 255:
        raise ValidationError("Vui lòng nhập tên ngày nghỉ (không quá 255 ký tự).")
    holiday = Holiday(day=day, name=name)
    try:
        with session.begin_nested():
            session.add(holiday)
            session.flush()
    except IntegrityError:
        raise ValidationError(f"Ngày {format_date(day)} đã có trong lịch nghỉ.") from None
    audit_trail.record(session, actor=actor, action="holiday.add", object_type="holiday",
                       object_id=holiday.id, after={"day": day.isoformat(), "name": name})
    return holiday


def remove_holiday(session: Session, *, actor: Actor, holiday_id: int) -> None:
    """Removes a day from the calendar."""
    permissions.require(actor, Capability.MANAGE_HOLIDAYS)
    holiday = session.get(Holiday, holiday_id)
    if holiday is None:
        raise NotFound("Không tìm thấy ngày nghỉ.")
    audit_trail.record(session, actor=actor, action="holiday.remove", object_type="holiday",
                       object_id=holiday.id,
                       before={"day": holiday.day.isoformat(), "name": holiday.name})
    session.delete(holiday)
    session.flush()


def add_defaults(session: Session, *, actor: Actor) -> int:
    """Adds the default days that are not in the calendar yet; returns how many."""
    permissions.require(actor, Capability.MANAGE_HOLIDAYS)
    present = set(session.scalars(select(Holiday.day)))
    added = 0
    for day, name in DEFAULT_HOLIDAYS:
        if day not in present:
            session.add(Holiday(day=day, name=name))
            added += 1
    session.flush()
    return added
