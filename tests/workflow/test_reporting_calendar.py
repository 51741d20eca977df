"""The plan's reporting calendar drives reminders, the missing-report warning and the
dashboard's "due soon"; the admin changes it, nobody else."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from db.models import Notification
from tests.workflow.test_warning_rules import report
from workflow import reporting_calendar as rc
from workflow.dashboard import dashboard
from workflow.errors import PermissionDenied, ValidationError
from workflow.permissions import SYSTEM
from workflow.reminders import send_reminders
from workflow.warning_rules import MISSING_REPORT, evaluate


def _kinds(session, user) -> list[str]:
    return list(session.scalars(select(Notification.kind).where(Notification.user_id == user.id)
                                .order_by(Notification.id)))


def _missing(session, as_of: date) -> set[str]:
    return {item.task_code for item in evaluate(session, actor=SYSTEM, as_of=as_of).items
            if MISSING_REPORT in item.reasons}


def test_defaults_and_clamping():
    cal = rc.ReportingCalendar()
    assert rc.unit_due(cal, 2026, 5) == date(2026, 5, 18)
    assert rc.office_due(cal, 2026, 5) == date(2026, 5, 19)
    assert rc.quarter_due(cal, 2026, 1) == date(2026, 3, 30)
    assert rc.year_end_due(cal, 2026) == date(2026, 12, 15)
    late = rc.ReportingCalendar(unit_day=31, office_day=31, quarter_day=31)
    assert rc.unit_due(late, 2026, 2) == date(2026, 2, 28)
    assert rc.quarter_due(late, 2026, 2) == date(2026, 6, 30)
    assert rc.quarter_due(late, 2026, 4) == date(2026, 12, 31)
    kinds = [d.kind for d in rc.deadlines_between(cal, date(2026, 12, 1), date(2026, 12, 31))]
    assert kinds == [rc.OFFICE_YEAR_END, rc.UNIT_REPORT, rc.OFFICE_MONTHLY, rc.OFFICE_QUARTERLY]


def test_calendar_changed_from_18_to_20_moves_reminders_and_warnings(session, world):
    # Default: units are reminded on the 15th; the warning appears on the 18th.
    assert send_reminders(session, actor=SYSTEM, as_of=date(2026, 5, 15)).reporting_reminders == 3
    assert "I.1" in _missing(session, date(2026, 5, 18))
    rc.update_calendar(session, actor=world.admin, plan_id=world.plan.id, unit_day="20",
                       office_day=21, quarter_day=30, year_end="15/12")
    session.commit()
    assert rc.calendar_of(world.plan).unit_day == 20
    # June: nothing on the 15th any more, the reminder comes on the 17th, once.
    assert send_reminders(session, actor=SYSTEM, as_of=date(2026, 6, 15)).reporting_reminders == 0
    assert send_reminders(session, actor=SYSTEM, as_of=date(2026, 6, 17)).reporting_reminders == 3
    assert send_reminders(session, actor=SYSTEM, as_of=date(2026, 6, 17)).reporting_reminders == 0
    # The missing-report warning waits for the 20th.
    assert "I.1" not in _missing(session, date(2026, 6, 18))
    assert "I.1" not in _missing(session, date(2026, 6, 19))
    assert {"I.1", "I.2"} <= _missing(session, date(2026, 6, 20))
    # A report filed on the 19th is now on time.
    report(session, world, world.task_a, date(2026, 7, 19), 40)
    assert "I.1" not in _missing(session, date(2026, 7, 20))
    assert "I.2" in _missing(session, date(2026, 7, 20))


def test_office_is_reminded_of_its_own_deadlines(session, world):
    rc.update_calendar(session, actor=world.admin, plan_id=world.plan.id, unit_day=20,
                       office_day=22, quarter_day=31, year_end="10/12")
    run = send_reminders(session, actor=SYSTEM, as_of=date(2026, 6, 19))  # 3 days before the 22nd
    assert run.office_reminders == 1
    assert send_reminders(session, actor=SYSTEM, as_of=date(2026, 6, 27)).office_reminders == 1  # 30/06
    assert send_reminders(session, actor=SYSTEM, as_of=date(2026, 12, 7)).office_reminders == 1  # 10/12
    assert send_reminders(session, actor=SYSTEM, as_of=date(2026, 12, 7)).office_reminders == 0  # once
    assert _kinds(session, world.reviewer) == ["reminder.office"] * 3
    assert "reminder.office" not in _kinds(session, world.member_a)


def test_dashboard_due_soon_follows_the_calendar(session, world):
    data = dashboard(session, actor=world.reviewer, as_of=date(2026, 5, 10))
    assert [(d.kind, d.due) for d in data.reporting_due][:2] == [
        (rc.UNIT_REPORT, date(2026, 5, 18)), (rc.OFFICE_MONTHLY, date(2026, 5, 19))]
    rc.update_calendar(session, actor=world.admin, plan_id=world.plan.id, unit_day=20,
                       office_day=21, quarter_day=30, year_end="15/12")
    data = dashboard(session, actor=world.member_a, as_of=date(2026, 5, 10))
    # A unit sees its own reporting day only, not the office's deadlines.
    assert [(d.kind, d.due) for d in data.reporting_due] == [
        (rc.UNIT_REPORT, date(2026, 5, 20))]


@pytest.mark.parametrize("role", ["reviewer", "leader", "unit_member"])
def test_only_the_admin_changes_the_calendar(session, world, role):
    with pytest.raises(PermissionDenied):
        rc.update_calendar(session, actor=world.users()[role], plan_id=world.plan.id,
                           unit_day=20, office_day=21, quarter_day=30, year_end="15/12")


@pytest.mark.parametrize("values, message", [
    ((0, 19, 30, "15/12"), "Ngày đơn vị báo cáo"),
    (("abc", 19, 30, "15/12"), "Ngày đơn vị báo cáo"),
    ((18, 32, 30, "15/12"), "Ngày Văn phòng tổng hợp"),
    ((20, 19, 30, "15/12"), "không được trước"),
    ((18, 19, 30, "31/02"), "dd/mm"),
])
def test_bad_calendar_is_refused_in_vietnamese(session, world, values, message):
    unit, office, quarter, year_end = values
    with pytest.raises(ValidationError, match=message):
        rc.update_calendar(session, actor=world.admin, plan_id=world.plan.id, unit_day=unit,
                           office_day=office, quarter_day=quarter, year_end=year_end)
    session.rollback()
    assert rc.calendar_of(world.plan).unit_day == 18
