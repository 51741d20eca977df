"""Per-application services and the per-request database session."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask import current_app, g
from flask_login import current_user
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from db.models import User
from db.unit_of_work import unit_of_work as db_unit_of_work
from portal.settings import Settings

EXTENSION_KEY = "evidence_portal"


@dataclass
class Services:
    """What create_app builds once and every request shares."""

    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    store: Any = None
    mailer: Any = None
    queue: Any = None  # portal.queue.JobQueue


def services() -> Services:
    """The services of the running application."""
    return current_app.extensions[EXTENSION_KEY]


def db() -> Session:
    """The request's database session (created on first use, closed at request end)."""
    if "db_session" not in g:
        g.db_session = services().session_factory()
    return g.db_session


def close_db(_exc: BaseException | None = None) -> None:
    """Closes the request's session; anything not committed is rolled back."""
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """The request's session in the one unit of work (``db.unit_of_work``): committed when the
    block succeeds, rolled back otherwise; queued e-mails go out only after the commit."""
    with db_unit_of_work(db()) as session:
        yield session


def current_account() -> User | None:
    """The signed-in account, attached to the request's session, or None."""
    if not current_user or not current_user.is_authenticated:
        return None
    return current_user.account
