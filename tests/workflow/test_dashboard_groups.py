"""Dashboard charts at a province's size: the units with the most overdue tasks are drawn,
and the page says how many were left out."""

from __future__ import annotations

from collections import Counter

from bench.builder import AS_OF, build_province
from db.models import User
from workflow.dashboard import TOP_GROUPS, dashboard, top_groups


def test_top_groups_keeps_the_most_overdue_then_the_largest_in_their_order():
    groups = {(n, f"Đơn vị {n:02d}"): Counter(in_progress=n % 4, overdue=n % 3) for n in range(20)}
    kept, hidden = top_groups(groups, 5)
    assert hidden == 15 and len(kept) == 5
    assert all(counts["overdue"] == 2 for counts in kept.values())
    assert list(kept) == [key for key in groups if key in kept]  # the given (name) order
    assert top_groups(dict(list(groups.items())[:3]), 5) == (dict(list(groups.items())[:3]), 0)


def test_a_dashboard_draws_at_most_the_top_units_of_its_ward(engine, session, monkeypatch):
    # A bench ward has 10 units; drawing at most 4 shows the bound as 15 does for a large ward.
    monkeypatch.setattr("workflow.dashboard.TOP_GROUPS", 4)
    with engine.begin() as connection:
        wards, _ = build_province(connection, wards=3, tasks=30, weeks=4)
    leader = session.get(User, wards[-1].leader_id)
    data = dashboard(session, actor=leader, as_of=AS_OF)
    assert len(data.by_unit) == 4 and data.units_hidden == 10 - 4
    # Only the leader's own ward: 30 of the province's 90 tasks.
    assert data.total == 30 and len(data.due_soon) <= 20
    assert TOP_GROUPS == 15
