"""Accounts: sign-in, creation rules, reset, deactivation, who may manage them."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db.models import AuditEvent, Role, User
from tests.factories import PASSWORD
from workflow import accounts
from workflow.errors import PermissionDenied, ValidationError


def test_it_authenticates_with_the_right_password(session, world):
    user = accounts.authenticate(session, username="MEMBER_A ", password=PASSWORD)
    assert user.id == world.member_a.id and user.last_login_at is not None


@pytest.mark.parametrize("username,password", [("member_a", "sai"), ("nobody", PASSWORD),
                                               ("", "")])
def test_it_refuses_wrong_credentials(session, world, username, password):
    with pytest.raises(ValidationError, match="không đúng"):
        accounts.authenticate(session, username=username, password=password)


def test_passwords_are_hashed_not_stored(session, world):
    user = accounts.create_user(session, actor=world.admin, username="moi", full_name="Người mới",
                                password="MatKhau@999", role=Role.LEADER)
    assert "MatKhau@999" not in user.password_hash
    assert user.password_hash.startswith("scrypt:")


def test_admin_creates_a_unit_member(session, world):
    user = accounts.create_user(session, actor=world.admin, username="can.bo", full_name="Cán bộ",
                                password="MatKhau@999", role="unit_member",
                                unit_id=world.unit_b.id)
    session.commit()
    assert user.unit_id == world.unit_b.id
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "user.create",
                                                   AuditEvent.object_id == user.id))


@pytest.mark.parametrize("actor", ["reviewer", "leader", "member_a"])
def test_only_admin_manages_accounts(session, world, actor):
    user = getattr(world, actor)
    before = session.scalar(select(func.count()).select_from(User))
    with pytest.raises(PermissionDenied):
        accounts.create_user(session, actor=user, username="x.y", full_name="X",
                             password="MatKhau@999", role="leader")
    with pytest.raises(PermissionDenied):
        accounts.reset_password(session, actor=user, user_id=world.member_b.id,
                                new_password="MatKhau@999")
    with pytest.raises(PermissionDenied):
        accounts.set_active(session, actor=user, user_id=world.member_b.id, active=False)
    assert session.scalar(select(func.count()).select_from(User)) == before


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"username": "A B"}, "Tên đăng nhập"),
        ({"password": "ngan"}, "ít nhất 8"),
        ({"full_name": " "}, "họ và tên"),
        ({"role": "vua"}, "Vai trò"),
        ({"role": "unit_member", "unit_id": None}, "phải thuộc một đơn vị"),
        ({"username": "member_a"}, "đã được sử dụng"),
    ],
)
def test_bad_input_is_refused_and_nothing_written(session, world, fields, message):
    values = {"username": "hop.le", "full_name": "Hợp Lệ", "password": "MatKhau@999",
              "role": "leader", "unit_id": None} | fields
    before = session.scalar(select(func.count()).select_from(User))
    with pytest.raises(ValidationError, match=message):
        accounts.create_user(session, actor=world.admin, **values)
    assert session.scalar(select(func.count()).select_from(User)) == before


def test_reset_password_invalidates_sessions(session, world):
    version = world.member_a.session_version
    accounts.reset_password(session, actor=world.admin, user_id=world.member_a.id,
                            new_password="MatKhauMoi@1")
    assert accounts.get_active(session, user_id=world.member_a.id, session_version=version) is None
    assert accounts.authenticate(session, username="member_a", password="MatKhauMoi@1")


def test_deactivated_user_cannot_sign_in(session, world):
    accounts.toggle_active(session, actor=world.admin, user_id=world.member_a.id)
    with pytest.raises(ValidationError, match="bị khóa"):
        accounts.authenticate(session, username="member_a", password=PASSWORD)
    accounts.toggle_active(session, actor=world.admin, user_id=world.member_a.id)
    assert accounts.authenticate(session, username="member_a", password=PASSWORD)


def test_admin_cannot_lock_itself(session, world):
    with pytest.raises(ValidationError):
        accounts.set_active(session, actor=world.admin, user_id=world.admin.id, active=False)
