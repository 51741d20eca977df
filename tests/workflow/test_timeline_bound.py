"""The task page's history stays bounded: the newest progress reports, the rest counted."""

from __future__ import annotations

from sqlalchemy import func, select

from bench.builder import build_province
from db.models import ProgressReport, User
from workflow.timeline import TIMELINE_REPORTS, task_timeline


def test_a_year_of_weekly_reports_shows_the_newest_and_counts_the_rest(engine, session):
    with engine.begin() as connection:
        (ward,), _ = build_province(connection, wards=1, tasks=2, weeks=52)
    leader = session.get(User, ward.leader_id)
    task_id = ward.task_ids[0]
    total = session.scalar(select(func.count()).where(ProgressReport.task_id == task_id))
    entries = task_timeline(session, actor=leader, task_id=task_id)
    progress = [e for e in entries if e.kind == "progress"]
    older = [e for e in entries if e.kind == "older"]
    assert total > TIMELINE_REPORTS and len(progress) == TIMELINE_REPORTS
    assert len(older) == 1 and older[0].title == f"Và {total - TIMELINE_REPORTS} báo cáo tiến độ cũ hơn"
    assert entries[-1].kind in ("older", "claim", "approved", "rejected", "withdrawn")
    everything = task_timeline(session, actor=leader, task_id=task_id, reports_limit=None)
    assert len([e for e in everything if e.kind == "progress"]) == total
