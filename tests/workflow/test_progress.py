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


def test_a_repeated_submission_files_one_report(session, world):
    first = progress.report_progress(session, actor=world.member_a, task_id=world.task_a.id,
                                     percent=40, narrative="Đã họp", request_token="form-1")
    again = progress.report_progress(session, actor=world.member_a, task_id=world.task_a.id,
                                     percent=40, narrative="Đã họp", request_token="form-1")
    assert again.id == first.id and _count(session) == 1
    progress.report_progress(session, actor=world.member_a, task_id=world.task_a.id,
                             percent=50, narrative="Đã họp lần hai", request_token="form-2")
    assert _count(session) == 2


def test_a_token_of_someone_else_is_refused(session, world):
    progress.report_progress(session, actor=world.member_a, task_id=world.task_a.id,
                             percent=40, narrative="Đã họp", request_token="form-1")
    with pytest.raises(ValidationError, match="tải lại trang"):
        progress.report_progress(session, actor=world.member_b, task_id=world.task_a.id,
                                 percent=10, narrative="Góp ý", request_token="form-1")
    assert _count(session) == 1


def test_the_database_refuses_a_second_report_with_one_token(session, world):
    from sqlalchemy.exc import IntegrityError

    from db.models import ReportPeriod
    from workflow.clock import now_utc, today

    progress.report_progress(session, actor=world.member_a, task_id=world.task_a.id,
                             percent=40, narrative="Đã họp", request_token="form-1")
    twin = ProgressReport(task_id=world.task_a.id, unit_id=world.unit_a.id,
                          author_id=world.member_a.id, period_kind=ReportPeriod.MONTH,
                          period_start=today(), period_label="x", percent_complete=40,
                          narrative="Đã họp", created_at=now_utc(), request_token="form-1")
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(twin)
        session.flush()
