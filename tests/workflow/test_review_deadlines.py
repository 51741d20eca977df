"""Review time limits in working days and the holiday calendar (#16)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from db.models import Notification
from tests.workflow.test_claims_reviews import claim_for
from workflow import holidays, review_deadlines, reviews
from workflow.errors import PermissionDenied, ValidationError
from workflow.permissions import SYSTEM
from workflow.review_deadlines import add_working_days, working_days_between


def test_working_days_skip_weekends_and_holidays():
    tet = {date(2026, 2, d) for d in range(16, 21)}
    # Friday 13/02/2026 + 5 working days: the Tết week and two weekends are skipped.
    assert add_working_days(date(2026, 2, 13), 5, tet) == date(2026, 2, 27)
    assert add_working_days(date(2026, 2, 13), 5, set()) == date(2026, 2, 20)
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 27), tet) == 5
    assert working_days_between(date(2026, 2, 27), date(2026, 2, 13), tet) == 0


def test_the_province_admin_edits_the_national_calendar(session, world):
    day = holidays.add_holiday(session, actor=world.province_admin, day=date(2026, 11, 24),
                               name="Ngày Văn hóa Việt Nam")
    with pytest.raises(ValidationError, match="24/11/2026 đã có"):
        holidays.add_holiday(session, actor=world.province_admin, day=date(2026, 11, 24), name="Lặp")
    with pytest.raises(ValidationError, match="chọn ngày"):
        holidays.add_holiday(session, actor=world.province_admin, day=None, name="x")
    # A ward admin may not: the calendar is shared by every ward of the province.
    for user in (world.admin, world.reviewer, world.leader, world.member_a):
        with pytest.raises(PermissionDenied):
            holidays.add_holiday(session, actor=user, day=date(2026, 12, 1), name="x")
    assert holidays.add_defaults(session, actor=world.province_admin) == len(holidays.DEFAULT_HOLIDAYS)
    assert holidays.add_defaults(session, actor=world.province_admin) == 0
    holidays.remove_holiday(session, actor=world.province_admin, holiday_id=day.id)
    assert date(2026, 11, 24) not in {h.day for h in holidays.list_holidays(
        session, actor=world.reviewer, year=2026)}


def test_overdue_reviews_are_flagged_and_the_office_head_is_reminded(session, world):
    world.reviewer.is_office_head = True
    review_deadlines.set_review_limit(session, actor=world.reviewer, plan_id=world.plan.id,
                                      working_days=2)
    with pytest.raises(ValidationError, match="từ 1 đến 60"):
        review_deadlines.set_review_limit(session, actor=world.reviewer,
                                          plan_id=world.plan.id, working_days="0")
    claim = claim_for(session, world)
    claim.created_at = datetime(2026, 4, 29, 3, tzinfo=UTC)  # Wednesday 29/04, 10:00 local
    holidays.add_defaults(session, actor=world.province_admin)
    session.flush()
    # 30/04 and 01/05 are holidays, then a weekend: two working days end on Tuesday 05/05.
    clocks = review_deadlines.review_clocks(session, actor=world.reviewer,
                                            as_of=date(2026, 5, 5))
    assert [(c.due, c.overdue) for c in clocks] == [(date(2026, 5, 5), False)]
    assert review_deadlines.remind_office_head(session, actor=SYSTEM,
                                               as_of=date(2026, 5, 5)) == 0
    assert review_deadlines.review_clocks(session, actor=world.reviewer,
                                          as_of=date(2026, 5, 6))[0].overdue
    assert review_deadlines.remind_office_head(session, actor=SYSTEM,
                                               as_of=date(2026, 5, 6)) == 1
    assert review_deadlines.remind_office_head(session, actor=SYSTEM,
                                               as_of=date(2026, 5, 7)) == 0  # once only
    note = session.scalar(select(Notification).where(Notification.kind == "reminder.review"))
    assert note.user_id == world.reviewer.id and "05/05/2026" in note.message
    item = reviews.queue(session, actor=world.reviewer)[0]
    assert item.review_due == date(2026, 5, 5) and item.review_overdue
    with pytest.raises(PermissionDenied):
        review_deadlines.review_clocks(session, actor=world.member_a, as_of=date(2026, 5, 6))


def test_the_admin_names_the_office_head(session, world):
    assert review_deadlines.set_office_heads(session, actor=world.admin,
                                             user_ids=[world.reviewer.id]) == [world.reviewer]
    assert world.reviewer.is_office_head
    with pytest.raises(ValidationError, match="Văn phòng Đảng ủy"):
        review_deadlines.set_office_heads(session, actor=world.admin,
                                          user_ids=[world.member_a.id])
    with pytest.raises(PermissionDenied):
        review_deadlines.set_office_heads(session, actor=world.reviewer, user_ids=[])
    assert review_deadlines.set_office_heads(session, actor=world.admin, user_ids=[]) == []
    assert not world.reviewer.is_office_head
