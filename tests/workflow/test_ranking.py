"""Unit ranking figures."""

from __future__ import annotations

from datetime import date

import pytest

from db.models import ClaimState
from tests.workflow.test_warning_rules import at, claim, report
from workflow.errors import PermissionDenied
from workflow.ranking import rank_units


def test_on_time_completion_rejections_and_reporting(session, world):
    # Unit A leads I.1 (due 31/12) and I.4 (due 31/01).
    claim(session, world, world.task_overdue, date(2026, 1, 10), ClaimState.REJECTED,
          date(2026, 1, 12))
    claim(session, world, world.task_overdue, date(2026, 1, 20), ClaimState.APPROVED,
          date(2026, 1, 25))
    report(session, world, world.task_a, date(2026, 1, 10), 10)  # January, on time
    report(session, world, world.task_a, date(2026, 2, 25), 20)  # February, late
    ranks = {r.unit_name: r for r in rank_units(session, actor=world.leader,
                                                  as_of=date(2026, 2, 28))}
    unit_a = ranks["Văn phòng Đảng ủy"]
    assert (unit_a.tasks, unit_a.completed, unit_a.completed_on_time) == (2, 1, 1)
    assert unit_a.on_time_rate == 50 and unit_a.rejection_rate == 50
    # Expected reports: I.1 in Jan and Feb, I.4 in Jan (completed 25/01, so not in Feb) = 3.
    assert unit_a.reports_expected == 3
    assert (unit_a.reports_filed, unit_a.reports_on_time) == (2, 1)
    assert ranks["UBND phường"].reporting_rate == 0
    assert list(ranks)[0] == "Văn phòng Đảng ủy"  # best on-time completion first


def test_late_approval_is_not_on_time(session, world):
    claim(session, world, world.task_overdue, date(2026, 2, 1), ClaimState.APPROVED,
          date(2026, 2, 3))
    unit_a = next(r for r in rank_units(session, actor=world.leader, as_of=date(2026, 3, 1))
                  if r.unit_name == "Văn phòng Đảng ủy")
    assert unit_a.completed == 1 and unit_a.completed_on_time == 0


def test_admin_sees_it_anonymous_does_not(session, world):
    assert rank_units(session, actor=world.admin, as_of=date(2026, 3, 1))
    world.leader.is_active = False
    with pytest.raises(PermissionDenied):
        rank_units(session, actor=world.leader, as_of=date(2026, 3, 1))


def test_at_helper():
    assert at(date(2026, 1, 1)).tzinfo is not None
