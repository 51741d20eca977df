"""Warning rules pinned at their edges, and published lists frozen."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from db.models import (
    ClaimState,
    CompletionClaim,
    DeadlineKind,
    ProgressReport,
    ReportPeriod,
)
from tests.factories import make_task
from workflow import warning_lists
from workflow.clock import LOCAL_TZ
from workflow.errors import PermissionDenied, ValidationError
from workflow.permissions import SYSTEM
from workflow.warning_rules import evaluate, expected_percent, period_for


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), LOCAL_TZ)


def report(session, world, task, day: date, percent: int):
    session.add(ProgressReport(task_id=task.id, unit_id=task.lead_unit_id,
                               author_id=world.member_a.id, period_kind=ReportPeriod.MONTH,
                               period_start=day.replace(day=1), period_label="x",
                               percent_complete=percent, narrative="x", created_at=at(day)))
    session.flush()


def claim(session, world, task, filed: date, state=ClaimState.PENDING, decided: date | None = None):
    session.add(CompletionClaim(task_id=task.id, unit_id=task.lead_unit_id,
                                claimant_id=world.member_a.id, state=state, created_at=at(filed),
                                decided_at=at(decided) if decided else None))
    session.flush()


def reasons(session, as_of: date, code: str, kind: str = "month") -> list[str]:
    found = {i.task_code: i for i in evaluate(session, actor=SYSTEM, as_of=as_of, period_kind=kind).items}
    return found[code].reasons if code in found else []


def test_deadline_today_is_not_overdue_yesterday_is(session, world):
    # task_overdue's deadline is 31/01/2026
    assert "overdue" not in reasons(session, date(2026, 1, 31), "I.4")
    item = {i.task_code: i for i in evaluate(session, actor=SYSTEM, as_of=date(2026, 2, 1)).items}["I.4"]
    assert "overdue" in item.reasons and item.details["days_late"] == 1


def test_behind_schedule_at_49_and_51_percent_of_expected(session, world):
    # Window 01/01 → 31/12/2026: on 02/07 (182 of 364 days) expected = 50%.
    as_of = date(2026, 7, 2)
    assert expected_percent(date(2026, 1, 1), date(2026, 12, 31), as_of) == pytest.approx(50.0)
    report(session, world, world.task_a, date(2026, 6, 30), 24)  # 48% of expected
    report(session, world, world.task_b, date(2026, 6, 30), 26)  # 52% of expected
    assert "behind_schedule" in reasons(session, as_of, "I.1")
    assert "behind_schedule" not in reasons(session, as_of, "I.2")


def test_recurring_tasks_use_the_plan_year(session, world):
    report(session, world, world.task_all, date(2026, 3, 1), 5)
    item = {i.task_code: i for i in evaluate(session, actor=SYSTEM, as_of=date(2026, 3, 31)).items}["I.3"]
    assert "behind_schedule" in item.reasons and item.details["expected_percent"] > 20


def test_conditional_tasks_are_never_overdue_but_listed_apart(session, world):
    task = make_task(session, world.plan, world.section, "I.9", world.unit_a, deadline=None,
                     kind=DeadlineKind.CONDITIONAL, position=9)
    result = evaluate(session, actor=SYSTEM, as_of=date(2026, 12, 31))
    assert task.code in [i.task_code for i in result.undetermined]
    assert "overdue" not in reasons(session, date(2026, 12, 31), "I.9")


def test_rejection_then_approval(session, world):
    claim(session, world, world.task_a, date(2026, 3, 1), ClaimState.REJECTED, date(2026, 3, 5))
    assert "poor_evidence" in reasons(session, date(2026, 3, 10), "I.1")
    claim(session, world, world.task_a, date(2026, 3, 12), ClaimState.APPROVED, date(2026, 3, 20))
    assert "poor_evidence" not in reasons(session, date(2026, 3, 15), "I.1")  # new claim pending
    assert reasons(session, date(2026, 3, 25), "I.1") == []  # completed: no warning at all


def test_report_on_vs_after_the_reporting_day(session, world):
    report(session, world, world.task_a, date(2026, 5, 18), 60)  # on the 18th: on time
    report(session, world, world.task_b, date(2026, 5, 19), 60)  # the day after: late
    assert "missing_report" not in reasons(session, date(2026, 5, 20), "I.1")
    assert "missing_report" in reasons(session, date(2026, 5, 20), "I.2")
    assert "missing_report" not in reasons(session, date(2026, 5, 17), "I.2")  # not due yet


def test_history_after_the_date_is_ignored(session, world):
    report(session, world, world.task_a, date(2026, 9, 1), 100)
    assert "behind_schedule" in reasons(session, date(2026, 8, 1), "I.1")


def test_periods():
    assert period_for(date(2026, 10, 31), "month").title == "THÁNG 10/2026"
    assert period_for(date(2026, 11, 2), "quarter").label == "Quý IV/2026"


def test_published_list_is_frozen_and_published_once(session, world):
    published = warning_lists.publish(session, actor=world.reviewer, as_of=date(2026, 2, 1),
                                      period_kind="month")
    _, rows = warning_lists.get_published(session, actor=world.leader, list_id=published.id)
    codes = [r.task_code for r in rows]
    assert "I.4" in codes
    world.task_overdue.title = "Đã đổi tên"
    report(session, world, world.task_overdue, date(2026, 1, 20), 100)
    session.flush()
    _, again = warning_lists.get_published(session, actor=world.leader, list_id=published.id)
    assert [r.task_code for r in again] == codes
    assert all(r.task_title != "Đã đổi tên" for r in again)
    with pytest.raises(ValidationError, match="đã được công bố"):
        warning_lists.publish(session, actor=world.reviewer, as_of=date(2026, 2, 10),
                              period_kind="month")


def test_units_see_only_their_rows_and_cannot_publish(session, world):
    published = warning_lists.publish(session, actor=SYSTEM, as_of=date(2026, 7, 2),
                                      period_kind="month")
    _, rows = warning_lists.get_published(session, actor=world.member_c, list_id=published.id)
    assert rows == []
    _, rows_a = warning_lists.get_published(session, actor=world.member_a, list_id=published.id)
    assert {r.unit_name for r in rows_a} == {"Văn phòng Đảng ủy"}
    for actor in (world.member_a, world.leader, world.admin):
        with pytest.raises(PermissionDenied):
            warning_lists.publish(session, actor=actor, as_of=date(2026, 8, 2),
                                  period_kind="month")
