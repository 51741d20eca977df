"""Migration 0003 keeps existing data: a database that already holds two pending claims
for one task (possible before the index) is upgraded, keeping the newest one pending.

Rows are written through tables reflected at revision 0002, not through today's models,
so later schema changes do not break the test."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa

from db.migrate import upgrade

NOW = datetime(2026, 10, 1, 8, 0, tzinfo=UTC).replace(tzinfo=None)


def _seed_two_tasks(connection: sa.Connection) -> tuple[int, int, int, int]:
    """A plan with two tasks of two units at revision 0002: (task_a, unit_a, task_b, unit_b)."""
    meta = sa.MetaData()
    meta.reflect(connection)
    t = meta.tables
    unit_ids, user_ids = [], []
    for n in (1, 2):
        unit_ids.append(connection.execute(t["units"].insert().values(
            name=f"Đơn vị {n}", is_active=True, created_at=NOW)).inserted_primary_key[0])
        user_ids.append(connection.execute(t["users"].insert().values(
            username=f"canbo{n}", full_name=f"Cán bộ {n}", password_hash="x",
            role="unit_member", is_active=True, session_version=1, unit_id=unit_ids[-1],
            created_at=NOW)).inserted_primary_key[0])
    plan_id = connection.execute(t["plans"].insert().values(
        number="01-KH/ĐU", title="Kế hoạch", issuing_body="Đảng ủy", year=2026,
        start_date=date(2026, 1, 1), end_date=date(2026, 12, 31), report_cycle="month",
        reporting_day=18, created_at=NOW)).inserted_primary_key[0]
    section_id = connection.execute(t["sections"].insert().values(
        plan_id=plan_id, code="I", title="Phần I", position=1)).inserted_primary_key[0]
    task_ids = []
    for n, unit_id in enumerate(unit_ids, start=1):
        task_ids.append(connection.execute(t["tasks"].insert().values(
            plan_id=plan_id, section_id=section_id, code=f"I.{n}", position=n,
            title=f"Nhiệm vụ {n}", required_output="", kpi_text="",
            coordinates_all_units=False, deadline_text="Quý IV/2026", deadline_kind="fixed",
            basis="", notes="", lead_unit_id=unit_id, created_at=NOW,
            updated_at=NOW)).inserted_primary_key[0])
    claims = t["completion_claims"]
    for task_id, unit_id, user_id, count in zip(task_ids, unit_ids, user_ids, (3, 1), strict=True):
        for _ in range(count):
            connection.execute(claims.insert().values(
                task_id=task_id, unit_id=unit_id, claimant_id=user_id, note="",
                state="pending", version=1, created_at=NOW))
    return task_ids[0], unit_ids[0], task_ids[1], unit_ids[1]


def test_upgrade_keeps_the_newest_pending_claim(tmp_path):
    url = f"sqlite:///{tmp_path / 'before-0003.db'}"
    upgrade(url, "0002")
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        _seed_two_tasks(connection)
    engine.dispose()
    upgrade(url)
    with sa.create_engine(url).connect() as connection:
        rows = connection.execute(sa.text(
            "select id, task_id, state, decided_at from completion_claims order by id")).all()
        assert [row.decided_at is not None for row in rows] == [True, True, False, False]
        assert [row.state for row in rows] == ["withdrawn", "withdrawn", "pending", "pending"]
        assert len(rows) == 4
        indexes = {ix["name"] for ix in sa.inspect(connection).get_indexes("completion_claims")}
        assert "uq_completion_claims_one_pending" in indexes
