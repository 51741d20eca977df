"""Which ward's data an actor reaches: the one helper every service scopes through.

- A ward role (unit member, head, reviewer, leader, admin) reaches its own ward only.
- The province roles reach every ward, read-only (their capability sets hold no changes);
  ``focus`` narrows a province actor to one ward for a drill-down into that ward's pages.
- The system actor (command line, jobs) reaches the ward it was bound to (``SystemActor(
  ward_id=...)``), or every ward when unbound; new rows always need one ward
  (``ward_for_writing``), which an unbound system actor finds only when there is one.
- An API token reaches the ward it was issued in.

Objects that carry ``ward_id`` are filtered on it; tasks, claims, evidence and reports
through their plan (``plan_ids``) — see db/models/wards.py for which is which.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session

from db.models import Plan, Role, Task, Ward
from workflow.errors import NotFound, ValidationError

PROVINCE_ROLES = frozenset({Role.PROVINCE_VIEWER, Role.PROVINCE_ADMIN})
# Matches no ward: what a ward role without a ward (impossible by the database) would see.
_NO_WARD = -1

WARD_REQUIRED = ("Cần chọn phường/xã: cổng đang quản lý nhiều phường/xã "
                 "(dòng lệnh: thêm --ward MÃ).")


def is_province(actor: Any) -> bool:
    """Whether the actor holds a province role (reads every ward, changes nothing in one)."""
    role = getattr(actor, "role", None)
    return role is not None and Role(role) in PROVINCE_ROLES


def ward_scope(actor: Any) -> int | None:
    """The id of the only ward the actor reaches, or None when it reaches every ward."""
    ward_id = getattr(actor, "ward_id", None)
    if ward_id is not None:
        return ward_id
    if is_province(actor) or getattr(actor, "role", None) is None:
        return None  # province roles, and the unbound system actor
    return _NO_WARD


def in_scope(actor: Any, ward_id: int | None) -> bool:
    """Whether an object of ``ward_id`` is within the actor's reach."""
    scope = ward_scope(actor)
    return scope is None or (ward_id is not None and ward_id == scope)


def scoped(query: Select, actor: Any, column: ColumnElement) -> Select:
    """``query`` narrowed to the actor's ward through ``column`` (a ward_id column)."""
    scope = ward_scope(actor)
    return query if scope is None else query.where(column == scope)


def plan_ids(actor: Any) -> Select:
    """The ids of the plans the actor reaches."""
    return scoped(select(Plan.id), actor, Plan.ward_id)


def task_ids(actor: Any) -> Select:
    """The ids of the tasks the actor reaches (any unit's: unit rules come on top)."""
    scope = ward_scope(actor)
    query = select(Task.id)
    return query if scope is None else query.where(Task.plan_id.in_(plan_ids(actor)))


def require_in_scope(actor: Any, ward_id: int | None, message: str = "Không tìm thấy dữ liệu.") -> None:
    """NotFound (not a hint that it exists) when the object lies in another ward."""
    if not in_scope(actor, ward_id):
        raise NotFound(message)


def ward_for_writing(session: Session, actor: Any) -> Ward:
    """The ward new rows of this actor belong to.

    A ward account writes into its ward; a system actor into the ward it was bound to, or the
    only ward when the portal holds exactly one; otherwise a clear message."""
    scope = ward_scope(actor)
    if scope is not None and scope != _NO_WARD:
        ward = session.get(Ward, scope)
        if ward is not None:
            return ward
    if scope is None and not is_province(actor):
        wards = list(session.scalars(select(Ward).order_by(Ward.id).limit(2)))
        if len(wards) == 1:
            return wards[0]
        if not wards:
            raise ValidationError("Chưa có phường/xã nào: hãy tạo phường/xã trước "
                                  "(portal ward create MÃ --name \"…\").")
    raise ValidationError(WARD_REQUIRED)


class WardLens:
    """A province actor looking at one ward: reads as the actor, scoped to ``ward_id``.

    Capabilities stay the actor's (read-only for the province roles): the lens only narrows."""

    def __init__(self, actor: Any, ward_id: int) -> None:
        self._actor = actor
        self.ward_id = ward_id

    def __getattr__(self, name: str) -> Any:
        return getattr(self._actor, name)

    @property
    def actor(self) -> Any:
        """The account behind the lens."""
        return self._actor


def focus(session: Session, actor: Any, ward_id: int | None) -> Any:
    """The actor narrowed to one ward, for a province drill-down; a ward actor unchanged.

    NotFound when the ward does not exist or lies outside the actor's reach."""
    if ward_id is None:
        return actor
    if session.get(Ward, ward_id) is None or not in_scope(actor, ward_id):
        raise NotFound("Không tìm thấy phường/xã.")
    if ward_scope(actor) is not None:
        return actor
    return WardLens(actor, ward_id)


def ward_of_task(session: Session, task: Task) -> int:
    """The ward a task belongs to (through its plan)."""
    return session.scalar(select(Plan.ward_id).where(Plan.id == task.plan_id))
