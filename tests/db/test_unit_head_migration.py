"""Migration 0009 keeps existing data, on SQLite and PostgreSQL: existing claims count as
confirmed (they keep their state and stay in the office queue), plans from before keep
today's flow, and the downgrade gives the older schema back."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from db.migrate import downgrade, upgrade
from tests.conftest import PG_URL, _pg_schema_url, postgres_unavailable
from tests.db.test_one_pending_migration import NOW


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    """An empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'before-0009.db'}"
        return
    if postgres_unavailable():
        pytest.skip(f"PostgreSQL unavailable: {postgres_unavailable()}")
    schema = f"m_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(sa.text(f'create schema "{schema}"'))
    yield _pg_schema_url(schema)
    with admin.begin() as connection:
        connection.execute(sa.text(f'drop schema "{schema}" cascade'))
    admin.dispose()


def _seed(connection: sa.Connection) -> None:
    """At revision 0007: a plan, a unit member, a pending and a rejected claim."""
    meta = sa.MetaData()
    meta.reflect(connection)
    t = meta.tables
    unit_id = connection.execute(t["units"].insert().values(
        name="Đơn vị 1", is_active=True, created_at=NOW)).inserted_primary_key[0]
    user_id = connection.execute(t["users"].insert().values(
        username="canbo1", full_name="Cán bộ 1", password_hash="x", role="unit_member",
        is_active=True, session_version=1, unit_id=unit_id,
        created_at=NOW)).inserted_primary_key[0]
    plan_id = connection.execute(t["plans"].insert().values(
        number="01-KH/ĐU", title="Kế hoạch", issuing_body="Đảng ủy", year=2026,
        start_date=sa.func.current_date(), end_date=sa.func.current_date(),
        report_cycle="month", reporting_day=18, created_at=NOW)).inserted_primary_key[0]
    section_id = connection.execute(t["sections"].insert().values(
        plan_id=plan_id, code="I", title="Phần I", position=1)).inserted_primary_key[0]
    for n, state in ((1, "pending"), (2, "rejected")):
        task_id = connection.execute(t["tasks"].insert().values(
            plan_id=plan_id, section_id=section_id, code=f"I.{n}", position=n,
            title=f"Nhiệm vụ {n}", required_output="", kpi_text="",
            coordinates_all_units=False, deadline_text="Quý IV/2026", deadline_kind="fixed",
            basis="", notes="", lead_unit_id=unit_id, created_at=NOW,
            updated_at=NOW)).inserted_primary_key[0]
        connection.execute(t["completion_claims"].insert().values(
            task_id=task_id, unit_id=unit_id, claimant_id=user_id, note="", state=state,
            version=1, created_at=NOW))


def test_upgrade_keeps_claims_and_plans_as_they_were(empty_url):
    upgrade(empty_url, "0007")
    engine = sa.create_engine(empty_url)
    with engine.begin() as connection:
        _seed(connection)
    upgrade(empty_url, "0009")
    with engine.connect() as connection:
        states = connection.execute(sa.text(
            "select state from completion_claims order by id")).scalars().all()
        assert states == ["pending", "rejected"]
        plan = connection.execute(sa.text(
            "select require_head_confirmation, require_head_report_confirmation, "
            "review_working_days from plans")).one()
        assert tuple(plan) == (False, False, 5)
        assert connection.execute(sa.text("select count(*) from claim_confirmations")).scalar() == 0
        assert connection.execute(sa.text(
            "select count(*) from users where is_office_head")).scalar() == 0
    downgrade(empty_url, "0007")
    with engine.connect() as connection:
        assert "claim_confirmations" not in sa.inspect(connection).get_table_names()
        states = connection.execute(sa.text(
            "select state from completion_claims order by id")).scalars().all()
        assert states == ["pending", "rejected"]
    upgrade(empty_url, "0009")
    engine.dispose()
