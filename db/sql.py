"""Statements that the database can plan once: fixed values in the text, built once per shape.

Two costs dominate a page's data at a ward's size, more than the rows themselves:

- **Planning.** psycopg prepares a statement after a few executions and PostgreSQL then
  reuses a generic plan — but only when the generic plan looks no worse than a custom one.
  A status CASE whose fixed state names are sent as parameters gets re-planned on every
  call (about half a millisecond for the task list). Fixed values written into the text as
  ``constant(...)`` leave only the values that vary (a ward, a unit, a date) as parameters,
  and the generic plan is then taken.
- **Building.** Constructing a SELECT with SQLAlchemy and computing its cache key costs more
  than running it. Hot data functions build each shape of statement once
  (``functools.lru_cache`` on a builder taking the shape: which filters are on, which kind of
  actor) with named ``bindparam``s, and execute it with the values (``rows``).
"""

from __future__ import annotations

import enum
import re
from typing import Any

from sqlalchemy import ColumnElement, Executable, Integer, String, literal_column
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

_SAFE = re.compile(r"[A-Za-z0-9_.-]{1,64}")


def constant(value: str | enum.Enum) -> ColumnElement[str]:
    """A fixed string (a state or status name of our own) written into the SQL text.

    Only plain identifiers are accepted, so nothing a user typed can end up here."""
    text = value.value if isinstance(value, enum.Enum) else value
    if not isinstance(text, str) or not _SAFE.fullmatch(text):
        raise ValueError(f"not a plain constant: {text!r}")
    return literal_column(f"'{text}'", String)


def number(value: int) -> ColumnElement[int]:
    """A fixed whole number written into the SQL text (``LIMIT 1`` of a subquery, the 1 and
    0 a CASE counts with)."""
    return literal_column(str(int(value)), Integer)


def constants(values) -> list[ColumnElement[str]]:
    """``constant`` of each value, for ``column.in_(constants(...))``."""
    return [constant(v) for v in values]


def run(session: Session, statement: Executable, params: dict[str, Any] | None = None
         ) -> CursorResult:
    """Run a prebuilt statement on the session's connection (its transaction), without the
    ORM's per-call work: for statements that select columns, not entities.

    Pending changes are flushed first, as the session's own queries do (autoflush), so a
    unit of work reads what it has just written."""
    if session.autoflush:
        session.flush()
    return session.connection().execute(statement, params or {})
