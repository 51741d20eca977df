"""Reminders go out 7 days and 1 day before a deadline and before the reporting day, once."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from db.models import Notification
from workflow.permissions import SYSTEM
from workflow.reminders import send_reminders


def _count(session, user) -> int:
    return session.scalar(select(func.count()).select_from(Notification)
                          .where(Notification.user_id == user.id))


def test_deadline_reminders_once(session, world):
    # task_overdue (unit A) is due 31/01/2026; unit A's member and its head are told
    assert send_reminders(session, actor=SYSTEM, as_of=date(2026, 1, 24)).deadline_reminders == 2
    assert send_reminders(session, actor=SYSTEM, as_of=date(2026, 1, 24)).deadline_reminders == 0  # never twice
    assert send_reminders(session, actor=SYSTEM, as_of=date(2026, 1, 25)).deadline_reminders == 0
    assert send_reminders(session, actor=SYSTEM, as_of=date(2026, 1, 30)).deadline_reminders == 2
    assert _count(session, world.member_a) == 2 and _count(session, world.head_a) == 2 and _count(session, world.member_c) == 0


def test_reporting_day_reminder(session, world):
    run = send_reminders(session, actor=SYSTEM, as_of=date(2026, 5, 15))  # 3 days before the 18th
    assert run.reporting_reminders == 3  # units A (member and head) and B lead open tasks
    assert send_reminders(session, actor=SYSTEM, as_of=date(2026, 5, 15)).reporting_reminders == 0
    assert send_reminders(session, actor=SYSTEM, as_of=date(2026, 5, 16)).reporting_reminders == 0
