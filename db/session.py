"""Engine and session factory (changes go through ``db.unit_of_work``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

import db.change_tracking  # noqa: F401 - registers the per-plan data version hooks


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # pragma: no cover - trivial
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        @event.listens_for(engine, "savepoint")
        def _begin_before_savepoint(conn, _name) -> None:
            # pysqlite opens a transaction only before INSERT/UPDATE/DELETE: a SAVEPOINT
            # issued first would itself be the outermost transaction, and its RELEASE would
            # commit the unit of work half-way. Begin it first so the savepoint nests.
            raw = conn.connection.dbapi_connection
            if not raw.in_transaction:
                raw.execute("BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True)


def make_session_factory(engine: Engine, info: dict[str, Any] | None = None
                         ) -> sessionmaker[Session]:
    """A session factory whose objects stay readable after commit; ``info`` is copied into
    every session's ``info`` (e.g. the mailer that sends e-mails after commit)."""
    return sessionmaker(bind=engine, expire_on_commit=False, info=info or {})
