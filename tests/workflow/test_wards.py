"""Wards as tenants in the domain layer: two wards importing one appendix stay apart, plans
year after year keep their own warnings and ranking, the province figures are set-based."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import event, func, select

from db.models import Plan, Role, Task, Unit, WarningList
from tests.factories import make_user
from workflow import accounts, plans, ranking, tasks, wards, warning_lists
from workflow.demo import DEMO_PLAN, DEMO_PLAN_FILE
from workflow.errors import NotFound, PermissionDenied, ValidationError
from workflow.permissions import SYSTEM, SystemActor
from workflow.plan_import.parser import parse_plan
from workflow.warning_rules import evaluate

AS_OF = date(2026, 10, 31)


def _import(session, ward, info=DEMO_PLAN):
    actor = SystemActor(ward_id=ward.id)
    parsed = parse_plan(DEMO_PLAN_FILE.read_bytes(), DEMO_PLAN_FILE.name, plan_year=info.year)
    outcome = plans.apply_import(session, actor=actor, info=info, parsed=parsed,
                                 create_units=plans.new_unit_names(session, parsed, ward.id))
    return session.get(Plan, outcome.plan_id)


@pytest.fixture
def two_wards(session):
    ward_a = wards.create_ward(session, actor=SYSTEM, code="phuong-a", name="Phường A")
    ward_b = wards.create_ward(session, actor=SYSTEM, code="phuong-b", name="Phường B")
    plan_a, plan_b = _import(session, ward_a), _import(session, ward_b)
    session.flush()
    return ward_a, ward_b, plan_a, plan_b


def test_two_wards_from_one_appendix_keep_separate_units_and_tasks(session, two_wards):
    ward_a, ward_b, plan_a, plan_b = two_wards
    units_a = set(session.scalars(select(Unit.id).where(Unit.ward_id == ward_a.id)))
    units_b = set(session.scalars(select(Unit.id).where(Unit.ward_id == ward_b.id)))
    assert units_a and len(units_a) == len(units_b) and not units_a & units_b
    leads_b = set(session.scalars(select(Task.lead_unit_id).where(Task.plan_id == plan_b.id)))
    assert leads_b - {None} <= units_b
    ubnd_b = session.scalar(select(Unit).where(Unit.ward_id == ward_b.id,
                                               Unit.name == "UBND phường"))
    member = make_user(session, "ubnd.b", Role.UNIT_MEMBER, ubnd_b)
    page = tasks.list_tasks(session, actor=member, limit=500)
    assert page.total and {r.id for r in page.rows} <= set(
        session.scalars(select(Task.id).where(Task.plan_id == plan_b.id)))
    reviewer_a = make_user(session, "thamdinh.a", Role.REVIEWER, ward=ward_a)
    assert tasks.list_tasks(session, actor=reviewer_a, limit=500).total == 32
    with pytest.raises(NotFound):
        tasks.get_for_user(session, actor=reviewer_a, task_id=page.rows[0].id)


def test_warnings_and_ranking_stay_in_their_ward(session, two_wards):
    ward_a, ward_b, plan_a, plan_b = two_wards
    actor_a = SystemActor(ward_id=ward_a.id)
    report = evaluate(session, actor=actor_a, as_of=AS_OF)
    ids_a = set(session.scalars(select(Task.id).where(Task.plan_id == plan_a.id)))
    assert report.items and {item.task_id for item in report.items} <= ids_a
    with pytest.raises(NotFound):
        evaluate(session, actor=actor_a, as_of=AS_OF, plan_id=plan_b.id)
    published = warning_lists.publish(session, actor=actor_a, as_of=AS_OF, period_kind="month")
    assert (published.ward_id, published.plan_id) == (ward_a.id, plan_a.id)
    # Ward B publishes its own list for the same month.
    other = warning_lists.publish(session, actor=SystemActor(ward_id=ward_b.id), as_of=AS_OF,
                                  period_kind="month")
    assert other.plan_id == plan_b.id
    leader_a = make_user(session, "lanhdao.a", Role.LEADER, ward=ward_a)
    assert [w.id for w in warning_lists.published_lists(session, actor=leader_a)] == [
        published.id]
    units_a = set(session.scalars(select(Unit.id).where(Unit.ward_id == ward_a.id)))
    assert {r.unit_id for r in ranking.rank_units(session, actor=leader_a, as_of=AS_OF)} <= units_a


def test_a_2026_plan_keeps_its_warnings_and_ranking_after_a_2027_import(session, two_wards):
    ward_a, _b, plan_2026, _plan_b = two_wards
    actor = SystemActor(ward_id=ward_a.id)
    leader = make_user(session, "lanhdao.a", Role.LEADER, ward=ward_a)
    before = evaluate(session, actor=actor, as_of=AS_OF, plan_id=plan_2026.id)
    ranking_before = ranking.rank_units(session, actor=leader, as_of=AS_OF)
    plan_2027 = _import(session, ward_a, replace(
        DEMO_PLAN, number="KH/ĐU-2027", year=2027, start_date=date(2027, 1, 1),
        end_date=date(2027, 12, 31)))
    assert plan_2027.id != plan_2026.id
    # On 31/10/2026 the plan covering the day is still the 2026 plan...
    assert plans.current_plan(session, actor=actor, on=AS_OF).id == plan_2026.id
    after = evaluate(session, actor=actor, as_of=AS_OF)
    assert [(i.task_id, i.reasons) for i in after.items] == [
        (i.task_id, i.reasons) for i in before.items]
    assert ranking.rank_units(session, actor=leader, as_of=AS_OF,
                              plan_id=plan_2026.id) == ranking_before
    # ...in 2027 the 2027 plan is current, and the admin can pin the 2026 plan back.
    assert plans.current_plan(session, actor=actor, on=date(2027, 3, 1)).id == plan_2027.id
    admin = make_user(session, "quantri.a", Role.ADMIN, ward=ward_a)
    plans.pin_plan(session, actor=admin, plan_id=plan_2026.id)
    assert plans.current_plan(session, actor=actor, on=date(2027, 3, 1)).id == plan_2026.id
    assert [p.id for p in plans.ward_plans(session, actor=admin)] == [plan_2027.id,
                                                                    plan_2026.id]
    # The task list's selector reads the plans once and agrees with both.
    for day in (AS_OF, date(2027, 3, 1)):
        listed, current = plans.plans_and_current(session, actor=admin, on=day)
        assert [p.id for p in listed] == [plan_2027.id, plan_2026.id]
        assert current.id == plans.current_plan(session, actor=admin, on=day).id
    published = warning_lists.publish(session, actor=actor, as_of=AS_OF, period_kind="month",
                                      plan_id=plan_2026.id)
    assert published.plan_id == plan_2026.id


def test_province_figures_take_the_same_few_statements_for_any_number_of_wards(session,
                                                                               two_wards):
    viewer = make_user(session, "tinh", Role.PROVINCE_VIEWER)
    statements = []
    engine = session.get_bind()

    def count(*_args):
        statements.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        lines = wards.ward_figures(session, actor=viewer, as_of=AS_OF)
        two = len(statements)
        for n in range(3):
            _import(session, wards.create_ward(session, actor=SYSTEM, code=f"xa-{n}",
                                               name=f"Xã {n}"))
        session.flush()
        statements.clear()
        more = wards.ward_figures(session, actor=viewer, as_of=AS_OF)
        five = len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(lines) == 2 and len(more) == 5
    assert two == five <= 5
    assert all(line.tasks == 32 for line in more)
    assert sum(line.overdue for line in more) == 5 * lines[0].overdue
    page = wards.province_page(session, actor=viewer, as_of=AS_OF, search="xã", sort="name",
                               limit=2)
    assert page.total == 3 and [r.name for r in page.rows] == ["Xã 0", "Xã 1"]
    assert page.totals.tasks == 5 * 32


def test_ward_roles_cannot_use_the_province_figures(session, world):
    with pytest.raises(PermissionDenied):
        wards.ward_figures(session, actor=world.leader)


def test_province_admin_creates_a_ward_and_its_first_admin(session, world):
    ward = wards.create_ward(session, actor=world.province_admin, code="tan-phong",
                             name="Phường Tân Phong")
    assert ward.committee_name == "Đảng ủy phường Tân Phong"
    admin = wards.create_first_admin(session, actor=world.province_admin, ward_id=ward.id,
                                     username="quantri.tp", full_name="Quản trị",
                                     password="MatKhau@123")
    assert (admin.role, admin.ward_id) == (Role.ADMIN, ward.id)
    with pytest.raises(ValidationError, match="Đã có phường/xã mã"):
        wards.create_ward(session, actor=world.province_admin, code="tan-phong", name="X")
    with pytest.raises(ValidationError, match="Mã phường/xã gồm"):
        wards.create_ward(session, actor=world.province_admin, code="Tân Phong", name="X")
    for actor in (world.admin, world.province_viewer, world.reviewer):
        with pytest.raises(PermissionDenied):
            wards.create_ward(session, actor=actor, code="khac", name="Khác")


def test_ward_admin_creates_accounts_only_in_its_ward(session, world):
    other = wards.create_ward(session, actor=SYSTEM, code="phuong-b", name="Phường B")
    created = accounts.create_user(session, actor=world.admin, username="moi", full_name="Mới",
                                   password="MatKhau@123", role=Role.LEADER)
    assert created.ward_id == world.ward.id
    with pytest.raises(ValidationError, match="Phường/xã đã chọn không tồn tại"):
        accounts.create_user(session, actor=world.admin, username="moi2", full_name="Mới",
                             password="MatKhau@123", role=Role.LEADER, ward_id=other.id)
    with pytest.raises(PermissionDenied):
        accounts.create_user(session, actor=world.admin, username="tinh2", full_name="Tỉnh",
                             password="MatKhau@123", role=Role.PROVINCE_VIEWER)
    stranger = make_user(session, "quantri.b", Role.ADMIN, ward=other)
    with pytest.raises(NotFound):
        accounts.reset_password(session, actor=stranger, user_id=world.member_a.id,
                                new_password="MatKhau@456")
    assert session.scalar(select(func.count()).select_from(WarningList)) == 0
