"""Migration 0008 moves a single-ward database into one ward, keeping every row.

Rows are written through tables reflected at revision 0007, not through today's models, on
SQLite and on PostgreSQL (a private schema)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from db.migrate import upgrade
from tests.conftest import PG_URL, _pg_schema_url, postgres_unavailable

NOW = datetime(2026, 10, 1, 8, 0, tzinfo=UTC).replace(tzinfo=None)
WARD_TABLES = ("units", "unit_aliases", "users", "plans", "warning_lists", "api_tokens",
               "audit_events")


def _seed(connection: sa.Connection) -> None:
    """A small single-ward database at revision 0007: units with an alias, three accounts,
    a plan with a task, a progress report, a warning list, an API token and audit events."""
    meta = sa.MetaData()
    meta.reflect(connection)
    t = meta.tables

    def insert(table: str, **values) -> int:
        return connection.execute(t[table].insert().values(**values)).inserted_primary_key[0]

    unit_a = insert("units", name="Văn phòng Đảng ủy", is_active=True, created_at=NOW)
    unit_b = insert("units", name="UBND phường", is_active=True, created_at=NOW)
    insert("unit_aliases", unit_id=unit_a, alias="VPĐU", normalized="vpdu")
    users = [insert("users", username=name, full_name=name, password_hash="x", role=role,
                    unit_id=unit, is_active=True, session_version=1, created_at=NOW)
             for name, role, unit in (("quantri", "admin", None),
                                      ("thamdinh", "reviewer", unit_a),
                                      ("ubnd", "unit_member", unit_b))]
    plan = insert("plans", number="KH/ĐU-2026", title="Kế hoạch", issuing_body="Đảng ủy",
                  year=2026, start_date=date(2026, 1, 1), end_date=date(2026, 12, 31),
                  report_cycle="month", reporting_day=18, created_at=NOW)
    section = insert("sections", plan_id=plan, code="I", title="Phần I", position=1)
    task = insert("tasks", plan_id=plan, section_id=section, code="I.1", position=1,
                  title="Nhiệm vụ", required_output="", kpi_text="", coordinates_all_units=False,
                  deadline_text="Quý IV/2026", deadline_kind="fixed", basis="", notes="",
                  lead_unit_id=unit_b, created_at=NOW, updated_at=NOW)
    insert("progress_reports", task_id=task, unit_id=unit_b, author_id=users[2],
           period_kind="month", period_start=date(2026, 9, 1), period_label="Tháng 09/2026",
           percent_complete=40, narrative="", difficulties="", proposals="", created_at=NOW)
    insert("warning_lists", plan_id=plan, period_kind="month", period_label="Tháng 09/2026",
           as_of=date(2026, 9, 30), published_at=NOW)
    insert("api_tokens", name="Tỉnh", token_hash="h" * 64, scope="read",
           expires_on=date(2027, 1, 1), created_at=NOW)
    for user in users:
        insert("audit_events", actor_id=user, action="login", object_type="user",
               object_id=user, created_at=NOW)


def _check(connection: sa.Connection) -> None:
    wards = connection.execute(sa.text("select id, code, name from wards")).all()
    assert len(wards) == 1 and wards[0].code == "phuoc-binh"
    ward_id = wards[0].id
    expected = {"units": 2, "unit_aliases": 1, "users": 3, "plans": 1, "warning_lists": 1,
                "api_tokens": 1, "audit_events": 3}
    for table in WARD_TABLES:
        rows = connection.execute(sa.text(f"select ward_id from {table}")).scalars().all()
        assert rows == [ward_id] * expected[table], table
    for table, count in (("tasks", 1), ("sections", 1), ("progress_reports", 1)):
        assert connection.execute(sa.text(f"select count(*) from {table}")).scalar() == count
    assert connection.execute(sa.text("select ward_code from api_tokens")).scalar() == \
        "phuoc-binh"
    # Unit names are now unique per ward: the same name in another ward is accepted...
    other = connection.execute(sa.text(
        "insert into wards (code, name, committee_name, office_name, is_active, created_at) "
        "values ('khac', 'Phường Khác', 'Đảng ủy', 'Văn phòng', true, :now) returning id"),
        {"now": NOW}).scalar()
    connection.execute(sa.text(
        "insert into units (ward_id, name, is_active, created_at) "
        "values (:ward, 'Văn phòng Đảng ủy', true, :now)"), {"ward": other, "now": NOW})
    # ...but not twice in one ward, and a ward account needs its ward.
    with pytest.raises(sa.exc.IntegrityError), connection.begin_nested():
        connection.execute(sa.text(
            "insert into units (ward_id, name, is_active, created_at) "
            "values (:ward, 'Văn phòng Đảng ủy', true, :now)"), {"ward": other, "now": NOW})
    with pytest.raises(sa.exc.IntegrityError), connection.begin_nested():
        connection.execute(sa.text(
            "insert into users (username, full_name, password_hash, role, is_active, "
            "session_version, created_at) values ('x', 'X', 'x', 'leader', true, 1, :now)"),
            {"now": NOW})


def _migrate_and_check(url: str) -> None:
    upgrade(url, "0007")
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        _seed(connection)
    engine.dispose()
    upgrade(url)
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        _check(connection)
    engine.dispose()


def test_sqlite_database_moves_into_one_ward(tmp_path):
    _migrate_and_check(f"sqlite:///{tmp_path / 'before-0008.db'}")


def test_postgresql_database_moves_into_one_ward():
    if postgres_unavailable():
        pytest.skip(f"PostgreSQL unavailable: {postgres_unavailable()}")
    schema = f"w_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(sa.text(f'create schema "{schema}"'))
    try:
        _migrate_and_check(_pg_schema_url(schema))
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'drop schema "{schema}" cascade'))
        admin.dispose()


def test_an_empty_database_gets_no_ward(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    upgrade(url)
    with sa.create_engine(url).connect() as connection:
        assert connection.execute(sa.text("select count(*) from wards")).scalar() == 0
