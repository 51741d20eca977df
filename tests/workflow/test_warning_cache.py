"""Cached warning lists: reused until a committed write changes the plan's data stamp, in
any session (another worker), and never while the reading session holds its own writes."""

from __future__ import annotations

from sqlalchemy import select

from db.models import Plan
from db.session import make_session_factory
from workflow import progress
from workflow.clock import today
from workflow.permissions import SYSTEM
from workflow.warning_rules import BEHIND, clear_cache, evaluate


def _reasons(session, task_id: int) -> list[str]:
    items = evaluate(session, actor=SYSTEM, as_of=today()).items
    return next((i.reasons for i in items if i.task_id == task_id), [])


def test_a_write_in_another_session_refreshes_the_cached_list(engine, session, world):
    clear_cache()
    assert BEHIND in _reasons(session, world.task_a.id)
    assert BEHIND in _reasons(session, world.task_a.id)  # served from the cache
    with make_session_factory(engine)() as other:  # another request, maybe another worker
        member = other.get(type(world.member_a), world.member_a.id)
        progress.report_progress(other, actor=member, task_id=world.task_a.id, percent=100,
                                 narrative="Đã hoàn thành.")
        other.commit()
    assert BEHIND not in _reasons(session, world.task_a.id)


def test_uncommitted_writes_bypass_the_cache_and_rollbacks_keep_the_stamp(session, world):
    clear_cache()
    stamp = session.scalar(select(Plan.data_stamp).where(Plan.id == world.plan.id))
    assert BEHIND in _reasons(session, world.task_a.id)
    progress.report_progress(session, actor=world.member_a, task_id=world.task_a.id,
                             percent=100, narrative="Đã hoàn thành.")
    session.flush()
    assert BEHIND not in _reasons(session, world.task_a.id)  # its own write, not the cache
    session.rollback()
    assert session.scalar(select(Plan.data_stamp).where(Plan.id == world.plan.id)) == stamp
    assert BEHIND in _reasons(session, world.task_a.id)


def test_callers_cannot_alter_the_cached_list(session, world):
    clear_cache()
    first = evaluate(session, actor=SYSTEM, as_of=today())
    first.items.clear()
    assert evaluate(session, actor=SYSTEM, as_of=today()).items
