"""Units and their aliases."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from db.models import Unit, UnitAlias
from workflow import audit_trail, scope
from workflow.clock import now_utc
from workflow.errors import NotFound, ValidationError
from workflow.permissions import Actor, Capability, require
from workflow.text import fold, nfc


def list_units(session: Session, *, actor: Actor, active_only: bool = False) -> list[Unit]:
    """Units by name, with their aliases loaded. Unit names are not confidential."""
    require(actor, Capability.VIEW_TASKS)
    query = scope.scoped(select(Unit), actor, Unit.ward_id)
    query = query.options(selectinload(Unit.aliases)).order_by(Unit.name)
    if active_only:
        query = query.where(Unit.is_active.is_(True))
    return list(session.scalars(query))


def unit_choices(session: Session, *, actor: Actor) -> list[tuple[int, str]]:
    """(id, name) of the actor's ward's units by name, for filters (no aliases read)."""
    require(actor, Capability.VIEW_TASKS)
    query = scope.scoped(select(Unit.id, Unit.name), actor, Unit.ward_id)
    return [(unit_id, name) for unit_id, name in session.execute(query.order_by(Unit.name))]


def find_by_name(session: Session, name: str, *, ward_id: int) -> Unit | None:
    """The ward's unit whose name or alias matches ``name`` (case and diacritics tolerant)."""
    key = fold(name)
    if not key:
        return None
    for unit in session.scalars(select(Unit).where(Unit.ward_id == ward_id)):
        if fold(unit.name) == key or (unit.short_name and fold(unit.short_name) == key):
            return unit
    alias = session.scalar(select(UnitAlias).where(UnitAlias.ward_id == ward_id,
                                                   UnitAlias.normalized == key))
    return alias.unit if alias else None


def create_unit(
    session: Session,
    *,
    actor: Actor,
    name: str,
    short_name: str | None = None,
    aliases: list[str] | None = None,
) -> Unit:
    """Creates a unit; refuses a name or alias another unit already uses."""
    require(actor, Capability.MANAGE_UNITS)
    name = nfc(name)
    if not name:
        raise ValidationError("Vui lòng nhập tên đơn vị.")
    ward = scope.ward_for_writing(session, actor)
    if find_by_name(session, name, ward_id=ward.id) is not None:
        raise ValidationError(f"Đơn vị “{name}” đã tồn tại.")
    unit = Unit(ward_id=ward.id, name=name, short_name=nfc(short_name or "") or None, is_active=True,
                created_at=now_utc())
    session.add(unit)
    session.flush()
    for alias in aliases or []:
        add_alias(session, actor=actor, unit_id=unit.id, alias=alias)
    audit_trail.record(session, actor=actor, action="unit.create", object_type="unit", object_id=unit.id,
                 after={"name": name, "short_name": unit.short_name, "aliases": aliases or []})
    return unit


def add_alias(session: Session, *, actor: Actor, unit_id: int, alias: str) -> UnitAlias:
    """Records another spelling of a unit's name."""
    require(actor, Capability.MANAGE_UNITS)
    unit = session.get(Unit, unit_id)
    if unit is None or not scope.in_scope(actor, unit.ward_id):
        raise NotFound("Không tìm thấy đơn vị.")
    alias = nfc(alias)
    if not alias:
        raise ValidationError("Tên gọi khác không được để trống.")
    other = find_by_name(session, alias, ward_id=unit.ward_id)
    if other is not None and other.id != unit.id:
        raise ValidationError(f"Tên gọi “{alias}” đã thuộc về đơn vị “{other.name}”.")
    if other is not None:
        existing = session.scalar(select(UnitAlias).where(UnitAlias.ward_id == unit.ward_id,
                                                          UnitAlias.normalized == fold(alias)))
        if existing is not None or fold(unit.name) == fold(alias):
            return existing or UnitAlias(unit=unit, ward_id=unit.ward_id, alias=alias,
                                         normalized=fold(alias))
    record = UnitAlias(unit_id=unit.id, ward_id=unit.ward_id, alias=alias,
                       normalized=fold(alias))
    session.add(record)
    session.flush()
    return record
