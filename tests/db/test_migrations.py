"""Migrations apply on SQLite and PostgreSQL and match the models exactly."""

from __future__ import annotations

from datetime import UTC

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import db.models  # noqa: F401
from db.base import Base
from db.migrate import downgrade, upgrade


def test_migrations_create_every_table(engine):
    tables = set(sa.inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_models_and_migrations_agree(engine):
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_downgrade_and_upgrade_again(tmp_path):
    url = f"sqlite:///{tmp_path / 'roundtrip.db'}"
    upgrade(url)
    downgrade(url, "base")
    engine = sa.create_engine(url)
    assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(url)
    assert "tasks" in sa.inspect(sa.create_engine(url)).get_table_names()


def test_utc_timestamps_round_trip(session, world):

    user = session.get(type(world.admin), world.admin.id)
    session.expire(user)
    assert user.created_at.tzinfo is not None
    assert user.created_at.utcoffset() == UTC.utcoffset(None)
