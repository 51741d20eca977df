"""Row locks that serialize competing writes to one task, on PostgreSQL and on SQLite."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models import Task


def lock_task(session: Session, task_id: int) -> None:
    """Holds the task row until the transaction ends, before anything is read or checked.

    PostgreSQL: ``SELECT … FOR UPDATE`` on the row; a competing request waits here and then
    sees what the first one committed. SQLite has no row locks: a no-op ``UPDATE`` takes the
    database write lock at once, so the checks that follow cannot be overtaken either (a
    deferred transaction that read first could not upgrade to a writer after another commit).
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(Task).where(Task.id == task_id).values(id=Task.id)
                        .execution_options(synchronize_session=False))
    else:
        session.execute(select(Task.id).where(Task.id == task_id).with_for_update())
