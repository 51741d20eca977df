"""Progress reports: who may report, what is refused, and the audit trail."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db.models import AuditEvent, ProgressReport
from workflow import progress
from workflow.errors import NotFound, PermissionDenied, ValidationError


def _count(session) -> int:
    return session.scalar(select(func.count()).select_from(ProgressReport))


def test_lead_and_coordinating_units_report(session, world):
    progress.report_progress(session, actor=world.member_a, task_id=world.task_a.id, percent="30",
                             narrative="Đã xây dựng dự thảo")
    progress.report_progress(session, actor=world.member_b, task_id=world.task_a.id, percent=50,
                             narrative="Đã góp ý dự thảo", difficulties="Thiếu nhân lực")
    history = progress.history(session, actor=world.leader, task_id=world.task_a.id)
    assert [r.percent_complete for r in history] == [50, 30]
    assert history[0].period_label.startswith("Tháng ")
    assert session.scalar(select(func.count()).select_from(AuditEvent)
                          .where(AuditEvent.action == "progress.report")) == 2


@pytest.mark.parametrize("actor", ["reviewer", "leader", "admin"])
def test_office_roles_do_not_report(session, world, actor):
    with pytest.raises(PermissionDenied):
        progress.report_progress(session, actor=getattr(world, actor), task_id=world.task_a.id,
                                 percent=10, narrative="x")
    assert _count(session) == 0


def test_another_unit_cannot_report(session, world):
    with pytest.raises(NotFound):
        progress.report_progress(session, actor=world.member_c, task_id=world.task_a.id,
                                 percent=10, narrative="x")
    assert _count(session) == 0


@pytest.mark.parametrize("percent", [-1, 101, "abc", None, "12.5"])
def test_bad_percent_is_refused(session, world, percent):
    with pytest.raises(ValidationError, match="0 đến 100"):
        progress.report_progress(session, actor=world.member_a, task_id=world.task_a.id,
                                 percent=percent, narrative="x")
    assert _count(session) == 0


def test_empty_narrative_is_refused(session, world):
    with pytest.raises(ValidationError, match="nội dung đã thực hiện"):
        progress.report_progress(session, actor=world.member_a, task_id=world.task_a.id,
                                 percent=10, narrative="  ")
    assert _count(session) == 0
