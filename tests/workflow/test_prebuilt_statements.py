"""Hot statements carry only the values that vary as parameters (db/sql.py): fixed names are
in the SQL text, so PostgreSQL can keep one generic plan for each."""

from __future__ import annotations

import pytest
from sqlalchemy.dialects import postgresql

from workflow import (
    audit_search,
    claim_chain,
    claims,
    dashboard,
    ranking,
    review_deadlines,
    reviews,
    tasks,
)
from workflow.status import TaskStatus
from workflow.warning_rules import _statement as warning_statement

VARYING = {"reach_ward", "reach_unit", "f_unit", "f_plan", "f_section", "as_of", "d_from",
           "d_to", "needle", "offset", "limit", "plan_id", "unit_id", "section_id", "cutoff",
           "period_start", "period_end", "ward_id", "queued_before", "after", "action",
           "actor_id", "since", "before", "task_id", "claim_id"}


def _statements():
    reach = tasks.Reach(ward=True, unit=True)
    shape = tasks._ListShape(reach=reach, unit=True, plan=True, section=True,
                             status=TaskStatus.IN_PROGRESS.value, overdue=True,
                             deadline_from=True, deadline_to=True, search=True, sort="code",
                             descending=False)
    yield from tasks._list_statements(shape)
    yield tasks._status_count_statement(reach, True)
    yield from dashboard._statements(reach, True, True)
    yield warning_statement(True)
    yield ranking._TASKS
    yield ranking._DECIDED_CLAIMS
    yield ranking._reports_by_month(3)
    yield reviews._queue_statement(True, True, True, True, True)
    yield reviews._next_statement(True)
    yield reviews._CLAIM_PAGE
    yield review_deadlines._pending_statement(True)
    yield audit_search._statement(audit_search._Shape(True, True, True, True, True, True))
    yield claims._LATEST_DECIDED
    yield claim_chain._TASK_CLAIMS
    yield claim_chain._TASK_FILES


@pytest.mark.parametrize("statement", list(_statements()))
def test_only_varying_values_are_parameters(statement):
    compiled = statement.compile(dialect=postgresql.dialect())
    names = {name for name in compiled.binds if not name.startswith(("low_", "due_", "high_"))}
    assert names <= VARYING, sorted(names - VARYING)
