"""The one unit of work: every request, CLI command and the demo loader change data through
``unit_of_work``; nothing else commits or rolls back.

Side effects that must not happen unless the data is saved (e-mails) are queued with
``after_commit``: session events run them once the transaction commits and drop them when it
rolls back, whoever opened the session.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

PENDING_ACTIONS = "after_commit_actions"


@contextmanager
def unit_of_work(source: Session | sessionmaker[Session]) -> Iterator[Session]:
    """Commits the block's changes when it succeeds, rolls them back when it raises.

    ``source`` is an open session (a request's) or a session factory (a CLI command's, whose
    session is closed at the end).
    """
    session = source() if isinstance(source, sessionmaker) else source
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        if session is not source:
            session.close()


def after_commit(session: Session, action: Callable[[], None]) -> None:
    """Runs ``action`` after the session's transaction commits; never if it rolls back."""
    session.info.setdefault(PENDING_ACTIONS, []).append(action)


@event.listens_for(Session, "after_commit")
def _run_pending(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint released: the data is not saved yet
        return
    for action in session.info.pop(PENDING_ACTIONS, []):
        try:
            action()
        except Exception:  # the data is saved; a failed side effect must not undo that
            log.exception("action after commit failed")


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the outermost transaction, not a savepoint
        session.info.pop(PENDING_ACTIONS, None)
