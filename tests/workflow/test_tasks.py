"""Task visibility, derived status, filters and paging."""

from __future__ import annotations

from datetime import UTC, date

import pytest

from db.models import ClaimState, CompletionClaim
from workflow import progress
from workflow.clock import now_utc
from workflow.errors import NotFound, PermissionDenied, ValidationError
from workflow.status import TaskStatus
from workflow.tasks import TaskFilter, get_for_user, list_tasks, status_counts

AS_OF = date(2026, 6, 15)


def _codes(page) -> list[str]:
    return [row.code for row in page.rows]


def test_office_roles_see_every_task(session, world):
    for user in (world.admin, world.reviewer, world.leader):
        assert _codes(list_tasks(session, actor=user, as_of=AS_OF)) == ["I.1", "I.2", "I.3", "I.4"]


def test_a_unit_sees_tasks_it_leads_or_coordinates(session, world):
    assert _codes(list_tasks(session, actor=world.member_a)) == ["I.1", "I.3", "I.4"]
    assert _codes(list_tasks(session, actor=world.member_b)) == ["I.1", "I.2", "I.3"]
    assert _codes(list_tasks(session, actor=world.member_c)) == ["I.3"]


def test_detail_of_an_invisible_task_is_not_found(session, world):
    with pytest.raises(NotFound):
        get_for_user(session, actor=world.member_c, task_id=world.task_a.id)
    with pytest.raises(NotFound):
        get_for_user(session, actor=world.admin, task_id=999999)


def test_status_is_derived_from_history(session, world):
    def status():
        return get_for_user(session, actor=world.reviewer, task_id=world.task_a.id).status

    assert status() == TaskStatus.NOT_STARTED
    progress.report_progress(session, actor=world.member_a, task_id=world.task_a.id, percent=40,
                             narrative="Đang làm")
    assert status() == TaskStatus.IN_PROGRESS
    claim = CompletionClaim(task_id=world.task_a.id, unit_id=world.unit_a.id,
                            claimant_id=world.member_a.id, state=ClaimState.PENDING,
                            created_at=now_utc())
    session.add(claim)
    session.flush()
    assert status() == TaskStatus.PENDING_REVIEW
    claim.state = ClaimState.REJECTED
    session.flush()
    assert status() == TaskStatus.NOT_COMPLETED
    second = CompletionClaim(task_id=world.task_a.id, unit_id=world.unit_a.id,
                             claimant_id=world.member_a.id, state=ClaimState.WITHDRAWN,
                             created_at=now_utc())
    session.add(second)
    session.flush()
    assert status() == TaskStatus.NOT_COMPLETED  # a withdrawn claim does not count
    second.state = ClaimState.APPROVED
    session.flush()
    assert status() == TaskStatus.COMPLETED


def test_overdue_flag_and_filter(session, world):
    page = list_tasks(session, actor=world.reviewer, filters=TaskFilter(overdue_only=True),
                      as_of=AS_OF)
    assert _codes(page) == ["I.4"] and page.rows[0].overdue
    # A deadline today is not overdue yet; the day after it is.
    assert not list_tasks(session, actor=world.reviewer, filters=TaskFilter(overdue_only=True),
                          as_of=date(2026, 1, 31)).rows
    assert status_counts(session, actor=world.reviewer, as_of=AS_OF)["overdue"] == 1


@pytest.mark.parametrize(
    "filters,expected",
    [
        (TaskFilter(search="i.2"), ["I.2"]),
        (TaskFilter(status=TaskStatus.NOT_STARTED), ["I.1", "I.2", "I.3", "I.4"]),
        (TaskFilter(status=TaskStatus.COMPLETED), []),
        (TaskFilter(deadline_to=date(2026, 2, 1)), ["I.4"]),
        (TaskFilter(deadline_from=date(2026, 2, 1)), ["I.1", "I.2", "I.3"]),
    ],
)
def test_filters(session, world, filters, expected):
    assert _codes(list_tasks(session, actor=world.reviewer, filters=filters, as_of=AS_OF)) == expected


def test_unit_filter_and_paging(session, world):
    page = list_tasks(session, actor=world.reviewer, filters=TaskFilter(unit_id=world.unit_b.id),
                      limit=1, offset=1)
    assert page.total == 2 and _codes(page) == ["I.3"]
    with pytest.raises(ValidationError):
        list_tasks(session, actor=world.reviewer, limit=0)


def test_a_page_past_the_end_still_counts_the_tasks(session, world):
    # The rows carry the total; with no rows the list counts on its own.
    page = list_tasks(session, actor=world.reviewer, limit=2, offset=10)
    assert page.rows == [] and page.total == 4
    assert list_tasks(session, actor=world.reviewer, limit=2, offset=2).total == 4
    nothing = list_tasks(session, actor=world.member_c, filters=TaskFilter(section_id=999999))
    assert nothing.rows == [] and nothing.total == 0


def test_lists_read_what_the_unit_of_work_has_not_flushed_yet(session, world):
    # Prebuilt statements run on the session's connection (db.sql.run): pending changes
    # are flushed first, as the ORM's own queries do.
    progress.report_progress(session, actor=world.member_a, task_id=world.task_a.id, percent=10,
                             narrative="Bắt đầu")
    world.task_a.title = "Tên mới chưa ghi xuống"
    rows = list_tasks(session, actor=world.reviewer, as_of=AS_OF).rows
    assert [r.title for r in rows if r.id == world.task_a.id] == ["Tên mới chưa ghi xuống"]


def test_inactive_user_sees_nothing(session, world):
    world.member_a.is_active = False
    with pytest.raises(PermissionDenied):
        list_tasks(session, actor=world.member_a)


def test_filter_choices_need_the_task_view(session, world):
    from workflow import plans, units

    assert units.unit_choices(session, actor=world.member_a)
    world.member_a.is_active = False
    with pytest.raises(PermissionDenied):
        units.unit_choices(session, actor=world.member_a)
    with pytest.raises(PermissionDenied):
        plans.plans_and_current(session, actor=world.member_a)


def test_completion_after_the_deadline_is_marked_late(session, world):
    from datetime import datetime

    for task, decided in ((world.task_overdue, datetime(2026, 2, 3, tzinfo=UTC)),
                          (world.task_a, datetime(2026, 2, 3, tzinfo=UTC))):
        session.add(CompletionClaim(task_id=task.id, unit_id=world.unit_a.id,
                                    claimant_id=world.member_a.id, state=ClaimState.APPROVED,
                                    created_at=decided, decided_at=decided))
    session.flush()
    rows = {r.code: r for r in list_tasks(session, actor=world.reviewer).rows}
    assert rows["I.4"].late and rows["I.4"].status == TaskStatus.COMPLETED  # due 31/01
    assert not rows["I.1"].late  # due 31/12
    assert get_for_user(session, actor=world.reviewer, task_id=world.task_overdue.id).late
