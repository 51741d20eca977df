"""Test data: a tiny plan with two units, and one account per role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import DeadlineKind, Plan, Role, Section, Task, TaskCoordinator, Unit, User, Ward
from workflow import accounts
from workflow.clock import now_utc

PASSWORD = "MatKhau@123"


@dataclass
class World:
    """Everything a test needs to ask "may this user do that?"."""

    ward: Ward
    unit_a: Unit
    unit_b: Unit
    unit_c: Unit
    admin: User
    reviewer: User
    leader: User
    member_a: User
    member_b: User
    member_c: User
    plan: Plan
    section: Section
    task_a: Task          # led by A, coordinated by B
    task_b: Task          # led by B
    task_all: Task        # led by B, coordinated by all units
    task_overdue: Task    # led by A, deadline in the past
    # The province accounts (created with the first ward's world only).
    province_viewer: User | None = None
    province_admin: User | None = None
    head_a: User | None = None  # head of unit A (#16)

    def users(self) -> dict[str, User]:
        """Users by role name, for table-driven permission tests."""
        return {"admin": self.admin, "reviewer": self.reviewer, "leader": self.leader,
                "unit_member": self.member_a}


def make_ward(session: Session, code: str = "phuoc-binh", name: str = "Phường Phước Bình") -> Ward:
    """A ward (the tests' default one unless another code is given)."""
    ward = Ward(code=code, name=name, committee_name=f"Đảng ủy {name.lower()}",
                office_name="Văn phòng Đảng ủy", is_active=True, created_at=now_utc())
    session.add(ward)
    session.flush()
    return ward


def default_ward(session: Session) -> Ward:
    """The first ward, created when there is none yet."""
    return session.scalar(select(Ward).order_by(Ward.id).limit(1)) or make_ward(session)


def make_unit(session: Session, name: str, ward: Ward | None = None) -> Unit:
    """A unit with no aliases."""
    ward = ward or default_ward(session)
    unit = Unit(ward_id=ward.id, name=name, is_active=True, created_at=now_utc())
    session.add(unit)
    session.flush()
    return unit


_HASH: list[str] = []


def make_user(session: Session, username: str, role: Role, unit: Unit | None = None,
              ward: Ward | None = None) -> User:
    """An account with the shared test password (hashed once per run: scrypt is slow).

    Province roles belong to no ward; the others to ``ward``, the unit's or the default."""
    if not _HASH:
        _HASH.append(accounts.hash_password(PASSWORD))
    if role in (Role.PROVINCE_VIEWER, Role.PROVINCE_ADMIN):
        ward_id = None
    elif unit is not None:
        ward_id = unit.ward_id
    else:
        ward_id = (ward or default_ward(session)).id
    user = User(ward_id=ward_id, username=username, full_name=f"Người dùng {username}", password_hash=_HASH[0],
                role=role, unit_id=unit.id if unit else None, is_active=True,
                session_version=1, created_at=now_utc())
    session.add(user)
    session.flush()
    return user


def make_task(session: Session, plan: Plan, section: Section, code: str, lead: Unit,
              *, deadline: date | None = date(2026, 12, 31),
              kind: DeadlineKind = DeadlineKind.FIXED, coordinators: list[Unit] = (),
              all_units: bool = False, position: int = 0) -> Task:
    """A task with the plan row's usual fields filled in."""
    task = Task(plan_id=plan.id, section_id=section.id, code=code, position=position,
                parent_title="Nhiệm vụ tổng quát", title=f"Nhiệm vụ {code}",
                required_output="Văn bản được ban hành", kpi_text="100% đơn vị triển khai",
                kpi_target=100, kpi_unit="%", lead_unit_id=lead.id,
                coordinates_all_units=all_units, deadline_text="Quý IV/2026",
                deadline_date=deadline, deadline_kind=kind, basis="", notes="",
                created_at=now_utc(), updated_at=now_utc())
    task.coordinators = [TaskCoordinator(unit_id=u.id) for u in coordinators]
    session.add(task)
    session.flush()
    return task


def build_world(session: Session, ward: Ward | None = None, prefix: str = "") -> World:
    """Creates the standard test world (in ``ward``; user names get ``prefix``)."""
    ward = ward or default_ward(session)
    unit_a = make_unit(session, "Văn phòng Đảng ủy", ward)
    unit_b = make_unit(session, "UBND phường", ward)
    unit_c = make_unit(session, "Công an phường", ward)
    plan = Plan(ward_id=ward.id, number="01-KH/ĐU", title="Kế hoạch thử nghiệm", issuing_body="Đảng ủy phường",
                year=2026, start_date=date(2026, 1, 1), end_date=date(2026, 12, 31),
                require_head_confirmation=False, created_at=now_utc())
    session.add(plan)
    session.flush()
    section = Section(plan_id=plan.id, code="I", title="Nhóm thử nghiệm", position=0)
    session.add(section)
    session.flush()
    return World(
        ward=ward, unit_a=unit_a, unit_b=unit_b, unit_c=unit_c,
        admin=make_user(session, f"{prefix}admin", Role.ADMIN, ward=ward),
        reviewer=make_user(session, f"{prefix}reviewer", Role.REVIEWER, unit_a),
        leader=make_user(session, f"{prefix}leader", Role.LEADER, ward=ward),
        member_a=make_user(session, f"{prefix}member_a", Role.UNIT_MEMBER, unit_a),
        member_b=make_user(session, f"{prefix}member_b", Role.UNIT_MEMBER, unit_b),
        member_c=make_user(session, f"{prefix}member_c", Role.UNIT_MEMBER, unit_c),
        plan=plan, section=section,
        task_a=make_task(session, plan, section, "I.1", unit_a, coordinators=[unit_b],
                         position=1),
        task_b=make_task(session, plan, section, "I.2", unit_b, position=2),
        task_all=make_task(session, plan, section, "I.3", unit_b, all_units=True, position=3,
                           kind=DeadlineKind.RECURRING),
        task_overdue=make_task(session, plan, section, "I.4", unit_a,
                               deadline=date(2026, 1, 31), position=4),
        province_viewer=None if prefix else make_user(session, "province_viewer",
                                                      Role.PROVINCE_VIEWER),
        province_admin=None if prefix else make_user(session, "province_admin",
                                                     Role.PROVINCE_ADMIN),
        head_a=make_user(session, f"{prefix}head_a", Role.UNIT_HEAD, unit_a),
    )
