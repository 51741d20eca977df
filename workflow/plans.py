"""Saving an imported plan: sections, tasks and units, updated by task code.

Re-importing an edited file updates tasks in place, so their progress, claims and evidence
stay attached; rows no longer in the file are marked removed and reported, never deleted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import Integer, bindparam, select
from sqlalchemy.orm import Session, selectinload

from db.models import DeadlineKind, Plan, Section, Task, TaskCoordinator, Unit, User
from workflow import audit_trail, scope, units
from workflow.clock import now_utc, today
from workflow.errors import NotFound, ValidationError
from workflow.permissions import SYSTEM, Actor, Capability, has, require
from workflow.plan_import.units import BUILT_IN_ALIASES

if TYPE_CHECKING:
    from workflow.plan_import.parser import ParsedPlan


@dataclass(frozen=True)
class PlanInfo:
    """The plan's own header data (not in the appendix table)."""

    number: str
    title: str
    issuing_body: str
    year: int
    start_date: date | None = None
    end_date: date | None = None


# Built once: every page asks for the current plan.
_WARD_PLANS = select(Plan).where(Plan.ward_id == bindparam("ward_id", type_=Integer))


def current_plan(session: Session, *, actor: Actor, on: date | None = None) -> Plan | None:
    """The actor's ward's current plan: the one its admin pinned, otherwise the one covering
    ``on`` (today), otherwise the nearest before it, otherwise the earliest after it.

    None for an actor reaching several wards (the province roles look at one ward through
    ``workflow.scope.focus``) and for a ward without plans."""
    if not (has(actor, Capability.VIEW_TASKS) or has(actor, Capability.SEND_REMINDERS)):
        require(actor, Capability.VIEW_TASKS)
    ward_id = scope.ward_scope(actor)
    if ward_id is None:
        wards = session.scalars(select(Plan.ward_id).distinct().limit(2)).all()
        if len(wards) != 1 or scope.is_province(actor):
            return None
        ward_id = wards[0]
    return current_of(list(session.scalars(_WARD_PLANS, {"ward_id": ward_id})), on or today())


def current_of(plans: list[Plan], on: date) -> Plan | None:
    """The current one of a ward's plans on a day (``plan_rank``), None for none."""
    return max(plans, key=lambda p: plan_rank(p.id, p.start_date, p.end_date, p.is_pinned, on),
               default=None)


def plan_rank(plan_id: int, start: date, end: date, pinned: bool, on: date) -> tuple:
    """Orders a ward's plans so that the current one is the greatest: pinned, then covering
    ``on`` (the latest started), then ended before it (the latest ended), then the earliest
    to come."""
    if start <= on <= end:
        key = start.toordinal()
    elif end < on:
        key = end.toordinal()
    else:
        key = -start.toordinal()
    return (bool(pinned), start <= on <= end, end < on, key, plan_id)


def ward_plans(session: Session, *, actor: Actor) -> list[Plan]:
    """The plans of the actor's ward, newest year first (for the plan selector)."""
    require(actor, Capability.VIEW_TASKS)
    query = scope.scoped(select(Plan), actor, Plan.ward_id)
    return list(session.scalars(query.order_by(Plan.year.desc(), Plan.start_date.desc(),
                                               Plan.id.desc())))


def plans_and_current(session: Session, *, actor: Actor,
                      on: date | None = None) -> tuple[list[Plan], Plan | None]:
    """The plans of the actor's ward for the plan selector (``ward_plans``' order) and its
    current plan (``current_plan``'s rule), from one read of the ward's plans."""
    listed = ward_plans(session, actor=actor)
    if scope.ward_scope(actor) is None:  # several wards: as current_plan decides
        return listed, current_plan(session, actor=actor, on=on)
    return listed, current_of(listed, on or today())


def plan_for(session: Session, *, actor: Actor, plan_id: int | None) -> Plan | None:
    """The plan a page or command asked for (checked against the actor's ward), or the
    current plan when none was asked for."""
    if not plan_id:
        return current_plan(session, actor=actor)
    plan = session.get(Plan, plan_id)
    if plan is None or not scope.in_scope(actor, plan.ward_id):
        raise NotFound("Không tìm thấy kế hoạch.")
    return plan


def pin_plan(session: Session, *, actor: Actor, plan_id: int | None) -> Plan | None:
    """Pins the ward's current plan (None: back to the plan covering today)."""
    require(actor, Capability.IMPORT_PLAN)
    ward = scope.ward_for_writing(session, actor)
    target = plan_for(session, actor=actor, plan_id=plan_id) if plan_id else None
    if target is not None and target.ward_id != ward.id:
        raise NotFound("Không tìm thấy kế hoạch.")
    for plan in session.scalars(select(Plan).where(Plan.ward_id == ward.id, Plan.is_pinned)):
        plan.is_pinned = False
    session.flush()
    if target is not None:
        target.is_pinned = True
    audit_trail.record(session, actor=actor, action="plan.pin", object_type="plan",
                       object_id=target.id if target else None, ward_id=ward.id)
    session.flush()
    return target


def plan_info(*, number: str | None, year: object, issuing_body: str | None,
              title: str | None, filename: str | None) -> PlanInfo:
    """The plan header from the import form, with defaults; the year must be sensible."""
    try:
        year = int(year)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValidationError("Năm kế hoạch không hợp lệ.") from None
    if not 2000 <= year <= 2100:
        raise ValidationError("Năm kế hoạch không hợp lệ.")
    return PlanInfo(number=(number or "").strip() or (filename or "ke-hoach").rsplit(".", 1)[0],
                    title=(title or "").strip() or f"Kế hoạch năm {year}",
                    issuing_body=(issuing_body or "").strip() or "Đảng ủy phường", year=year)


@dataclass
class ImportOutcome:
    """What saving changed."""

    plan_id: int
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    units_created: list[str] = field(default_factory=list)


TASK_FIELDS = ("parent_title", "title", "required_output", "kpi_text", "kpi_target", "kpi_unit",
               "lead_unit_id", "coordinates_all_units", "deadline_text", "deadline_date",
               "deadline_kind", "basis", "notes", "monitoring_unit", "task_group",
               "extra_fields", "section_id", "position")


def new_unit_names(session: Session, parsed: ParsedPlan, ward_id: int | None = None) -> list[str]:
    """Unit names in the file that match no unit of the ward yet (to confirm creating);
    without ``ward_id``, of the portal's only ward."""
    if ward_id is None:
        ward_id = scope.ward_for_writing(session, SYSTEM).id
    return [name for name in _unit_names(parsed)
            if units.find_by_name(session, name, ward_id=ward_id) is None]


def _unit_names(parsed: ParsedPlan) -> list[str]:
    names: list[str] = []
    for section in parsed.sections:
        for task in section.tasks:
            for name in [task.lead_unit, *task.coordinating_units]:
                if name and name not in names:
                    names.append(name)
    return names


def resolve_units(session: Session, *, actor: Actor, names: Iterable[str],
                  create: Iterable[str]) -> tuple[dict[str, Unit], list[str]]:
    """Maps unit names to units, creating only the confirmed new ones.

    Raises ValidationError naming the units that are new and were not confirmed.
    """
    confirmed = set(create)
    ward_id = scope.ward_for_writing(session, actor).id
    mapping: dict[str, Unit] = {}
    created: list[str] = []
    missing: list[str] = []
    for name in names:
        unit = units.find_by_name(session, name, ward_id=ward_id)
        if unit is None and name in confirmed:
            known_aliases = [a for a in BUILT_IN_ALIASES.get(name, ())
                             if units.find_by_name(session, a, ward_id=ward_id) is None]
            unit = units.create_unit(session, actor=actor, name=name, aliases=known_aliases)
            created.append(name)
        if unit is None:
            missing.append(name)
        else:
            mapping[name] = unit
    if missing:
        raise ValidationError("Cần xác nhận tạo đơn vị mới trước khi lưu: " + "; ".join(missing))
    return mapping, created


def apply_import(
    session: Session,
    *,
    actor: Actor,
    info: PlanInfo,
    parsed: ParsedPlan,
    create_units: Iterable[str] = (),
) -> ImportOutcome:
    """Creates or updates the plan from a parsed appendix, in the caller's transaction."""
    require(actor, Capability.IMPORT_PLAN)
    if not any(section.tasks for section in parsed.sections):
        raise ValidationError("Tệp không có nhiệm vụ nào để nhập.")
    now = now_utc()
    ward = scope.ward_for_writing(session, actor)
    plan = session.scalar(select(Plan).where(Plan.ward_id == ward.id, Plan.number == info.number,
                                             Plan.year == info.year))
    if plan is None:
        plan = Plan(ward_id=ward.id, number=info.number, title=info.title, issuing_body=info.issuing_body,
                    year=info.year, start_date=info.start_date or date(info.year, 1, 1),
                    end_date=info.end_date or date(info.year, 12, 31), created_at=now)
        session.add(plan)
        session.flush()
    unit_map, units_created = resolve_units(session, actor=actor, names=_unit_names(parsed),
                                            create=create_units)
    outcome = ImportOutcome(plan_id=plan.id, units_created=units_created)
    sections = {s.code: s for s in session.scalars(select(Section).where(Section.plan_id == plan.id))}
    existing = {t.code: t for t in session.scalars(
        select(Task).where(Task.plan_id == plan.id).options(selectinload(Task.coordinators)))}
    seen: set[str] = set()
    position = 0
    for section_position, parsed_section in enumerate(parsed.sections):
        section = sections.get(parsed_section.code)
        if section is None:
            section = Section(plan_id=plan.id, code=parsed_section.code, title=parsed_section.title,
                              position=section_position)
            session.add(section)
            session.flush()
            sections[section.code] = section
        section.title, section.position = parsed_section.title, section_position
        for parsed_task in parsed_section.tasks:
            position += 1
            if parsed_task.code in seen:
                raise ValidationError(f"Mã nhiệm vụ {parsed_task.code} xuất hiện nhiều lần.")
            seen.add(parsed_task.code)
            lead = unit_map.get(parsed_task.lead_unit) if parsed_task.lead_unit else None
            values = {
                "parent_title": parsed_task.parent_title,
                "title": parsed_task.title,
                "required_output": parsed_task.output or "",
                "kpi_text": parsed_task.kpi or "",
                "kpi_target": parsed_task.kpi_target,
                "kpi_unit": parsed_task.kpi_unit,
                "lead_unit_id": lead.id if lead else None,
                "coordinates_all_units": bool(parsed_task.coordinates_all_units),
                "deadline_text": parsed_task.deadline.text or "",
                "deadline_date": parsed_task.deadline.due_date,
                "deadline_kind": DeadlineKind(parsed_task.deadline.kind),
                "basis": parsed_task.basis or "",
                "notes": parsed_task.notes or "",
                "monitoring_unit": parsed_task.monitoring_unit or "",
                "task_group": parsed_task.group or "",
                "extra_fields": dict(parsed_task.extra_fields) or None,
                "section_id": section.id,
                "position": position,
            }
            coordinator_ids = {unit_map[n].id for n in parsed_task.coordinating_units
                               if n in unit_map and (lead is None or unit_map[n].id != lead.id)}
            task = existing.get(parsed_task.code)
            if task is None:
                task = Task(plan_id=plan.id, code=parsed_task.code, created_at=now, updated_at=now,
                            **values)
                task.coordinators = [TaskCoordinator(unit_id=i) for i in sorted(coordinator_ids)]
                session.add(task)
                outcome.created.append(parsed_task.code)
                continue
            task.position = position  # order alone is not a change worth reporting
            changed = any(getattr(task, k) != v for k, v in values.items())
            changed |= task.removed_from_plan_at is not None
            old_ids = {c.unit_id for c in task.coordinators}
            if old_ids != coordinator_ids:
                changed = True
                task.coordinators = [c for c in task.coordinators if c.unit_id in coordinator_ids]
                task.coordinators.extend(TaskCoordinator(unit_id=i)
                                         for i in sorted(coordinator_ids - old_ids))
            if changed:
                for key, value in values.items():
                    setattr(task, key, value)
                task.removed_from_plan_at = None
                task.updated_at = now
                outcome.updated.append(parsed_task.code)
            else:
                outcome.unchanged.append(parsed_task.code)
    for code, task in existing.items():
        if code not in seen and task.removed_from_plan_at is None:
            task.removed_from_plan_at = now
            outcome.removed.append(code)
    session.flush()
    audit_trail.record(session, actor=actor, action="plan.import", object_type="plan", object_id=plan.id,
                 after={"created": len(outcome.created), "updated": len(outcome.updated),
                        "removed": outcome.removed, "units_created": units_created})
    return outcome


@dataclass(frozen=True)
class PreviewRow:
    """One parsed task as the import page shows it."""

    code: str
    section: str
    title: str
    lead_unit: str | None
    lead_is_new: bool
    coordinating: list[str]
    all_units: bool
    deadline_text: str
    deadline_date: date | None
    deadline_kind: str
    problems: list[str]
    monitoring_unit: str = ""
    group: str = ""
    extra_fields: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PreviewSection:
    """A section found in the file and how many tasks it holds."""

    code: str
    title: str
    tasks: int


@dataclass(frozen=True)
class ImportPreview:
    """What the file holds, what is new, and what needs attention — nothing saved yet."""

    rows: list[PreviewRow]
    new_units: list[str]
    problems: list[str]
    existing_codes: set[str]
    columns: dict[str, tuple[int, str]] = field(default_factory=dict)
    column_headers: list[str] = field(default_factory=list)
    extra_columns: list[str] = field(default_factory=list)
    sections: list[PreviewSection] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    has_deadline_column: bool = True


def preview(session: Session, *, actor: User, parsed: ParsedPlan, info: PlanInfo) -> ImportPreview:
    """The import page's preview: parsed rows with new units and problems marked."""
    require(actor, Capability.IMPORT_PLAN)
    ward = scope.ward_for_writing(session, actor)
    new = new_unit_names(session, parsed, ward.id)
    plan = session.scalar(select(Plan).where(Plan.ward_id == ward.id, Plan.number == info.number,
                                             Plan.year == info.year))
    existing = set(session.scalars(select(Task.code).where(Task.plan_id == plan.id))) if plan \
        else set()
    rows = [PreviewRow(code=t.code, section=f"{s.code}. {s.title}", title=t.title,
                       lead_unit=t.lead_unit, lead_is_new=t.lead_unit in new,
                       coordinating=list(t.coordinating_units),
                       all_units=t.coordinates_all_units, deadline_text=t.deadline.text,
                       deadline_date=t.deadline.due_date, deadline_kind=t.deadline.kind,
                       problems=list(t.problems), monitoring_unit=t.monitoring_unit,
                       group=t.group, extra_fields=dict(t.extra_fields))
            for s in parsed.sections for t in s.tasks]
    return ImportPreview(
        rows=rows, new_units=new, problems=list(parsed.problems), existing_codes=existing,
        columns={name: (use.column, use.header) for name, use in parsed.columns.items()},
        column_headers=list(parsed.column_headers), extra_columns=list(parsed.extra_columns),
        sections=[PreviewSection(s.code, s.title, len(s.tasks)) for s in parsed.sections],
        skipped=[row.message for row in parsed.skipped],
        has_deadline_column=parsed.has_deadline_column)
