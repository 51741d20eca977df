"""No N+1 anywhere: each page's data function sends as many SQL statements for a ward of 50
tasks (and their claims, reports, evidence) as for a ward of 5.

The data comes from the province bench's builder (bench/builder.py), so the tests and the
bench read the same shapes; statements are counted with a ``before_cursor_execute`` listener.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy import event, select

from bench.builder import AS_OF, build_province
from db.base import Base
from db.models import ClaimState, CompletionClaim, Section, User
from workflow import audit_search, overview, reviews, warning_lists
from workflow.dashboard import dashboard
from workflow.ranking import rank_units
from workflow.reports.province import report_lines
from workflow.status import TaskStatus
from workflow.tasks import TaskFilter, list_tasks, status_counts
from workflow.warning_rules import clear_cache, evaluate


def _wipe(engine: sa.Engine) -> None:
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


def _statement_counts(engine: sa.Engine, session, tasks: int) -> dict[str, int]:
    """Builds one ward of ``tasks`` tasks and counts each data function's statements."""
    session.rollback()  # the previous round's reads end before the tables are refilled
    _wipe(engine)
    with engine.begin() as connection:
        (ward,), _ = build_province(connection, wards=1, tasks=tasks, weeks=6)
    session.expunge_all()
    clear_cache()
    leader = session.get(User, ward.leader_id)
    reviewer = session.get(User, ward.reviewer_id)
    unit_id = ward.unit_ids[1]
    member = session.get(User, ward.member_ids[unit_id][0])
    section_id = session.scalar(select(Section.id).where(Section.plan_id == ward.plan_id)
                                .order_by(Section.id).limit(1))
    # The first tasks are built alike whatever the ward's size: the same claim in both.
    claim_id = session.scalar(select(CompletionClaim.id).where(
        CompletionClaim.state == ClaimState.PENDING).order_by(CompletionClaim.id).limit(1))
    assert claim_id is not None
    operations = {
        "task_list": lambda: list_tasks(session, actor=leader, as_of=AS_OF),
        "task_list_unit": lambda: list_tasks(session, actor=leader, as_of=AS_OF,
                                             filters=TaskFilter(unit_id=unit_id)),
        "task_list_section": lambda: list_tasks(session, actor=leader, as_of=AS_OF,
                                                filters=TaskFilter(section_id=section_id)),
        "task_list_status": lambda: list_tasks(
            session, actor=leader, as_of=AS_OF, filters=TaskFilter(status=TaskStatus.IN_PROGRESS)),
        "task_list_overdue": lambda: list_tasks(session, actor=leader, as_of=AS_OF,
                                                filters=TaskFilter(overdue_only=True)),
        "task_list_search": lambda: list_tasks(session, actor=leader, as_of=AS_OF,
                                               filters=TaskFilter(search="nhiệm vụ")),
        "task_list_member": lambda: list_tasks(session, actor=member, as_of=AS_OF),
        "status_counts": lambda: status_counts(session, actor=leader, as_of=AS_OF),
        "unit_summaries": lambda: overview.unit_summaries(session, actor=leader, as_of=AS_OF),
        "dashboard": lambda: dashboard(session, actor=leader, as_of=AS_OF),
        "dashboard_member": lambda: dashboard(session, actor=member, as_of=AS_OF),
        "warnings": lambda: evaluate(session, actor=leader, as_of=AS_OF),
        "warnings_quarter": lambda: evaluate(session, actor=leader, as_of=date(2026, 9, 30),
                                             period_kind="quarter"),
        "warnings_preview_member": lambda: warning_lists.preview(
            session, actor=member, as_of=AS_OF, period_kind="month"),
        "ranking": lambda: rank_units(session, actor=leader, as_of=AS_OF),
        "review_queue": lambda: reviews.queue_page(session, actor=reviewer),
        "review_queue_all": lambda: reviews.queue(session, actor=reviewer),
        "review_queue_filters": lambda: reviews.queue_filters(session, actor=reviewer),
        "claim_page": lambda: reviews.claim_view(session, actor=reviewer, claim_id=claim_id),
        "audit_page": lambda: audit_search.list_events(session, actor=reviewer),
        "province_report": lambda: report_lines(session, actor=reviewer),
    }
    return {name: _count(engine, function) for name, function in operations.items()}


def _count(engine: sa.Engine, function) -> int:
    """Statements sent while ``function`` runs (warning cache emptied first)."""
    clear_cache()
    seen = []

    def listener(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", listener)
    try:
        function()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(seen)


def test_statements_do_not_grow_with_the_data(engine, session):
    small = _statement_counts(engine, session, tasks=5)
    large = _statement_counts(engine, session, tasks=50)
    assert large == small
    # And they are few: nothing loads row by row. The claim page is the largest (15): the
    # claim, its files and checks, the head's confirmation, the chain and earlier claims.
    assert max(small.values()) <= 16, small


def test_cached_warnings_cost_two_statements_until_a_write(engine, session):
    _wipe(engine)
    with engine.begin() as connection:
        (ward,), _ = build_province(connection, wards=1, tasks=20, weeks=6)
    clear_cache()
    leader = session.get(User, ward.leader_id)
    first = evaluate(session, actor=leader, as_of=AS_OF)
    seen = []

    def listener(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", listener)
    again = evaluate(session, actor=leader, as_of=AS_OF)
    event.remove(engine, "before_cursor_execute", listener)
    assert len(seen) == 2  # the plan and its data stamp
    assert [(i.task_id, i.reasons) for i in again.items] == \
        [(i.task_id, i.reasons) for i in first.items]
