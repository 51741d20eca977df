"""User accounts: sign-in, creation, password reset, deactivation."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from db.models import Role, Unit, User, Ward
from workflow import audit_trail, login_sessions, scope
from workflow.clock import now_utc
from workflow.errors import NotFound, ValidationError
from workflow.permissions import Actor, Capability, has, require

MIN_PASSWORD_LENGTH = 8
_USERNAME = re.compile(r"^[a-z0-9._-]{3,64}$")
# A real hash of a random password, so that unknown user names take as long as wrong passwords.
_DUMMY_HASH = generate_password_hash("not-a-real-password-0000")

LOGIN_FAILED = "Tên đăng nhập hoặc mật khẩu không đúng."


def hash_password(password: str) -> str:
    """A salted, slow one-way hash (scrypt via Werkzeug)."""
    return generate_password_hash(password, method="scrypt")


def _check_password_policy(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự.")


def authenticate(session: Session, *, username: str, password: str) -> User:
    """Returns the active user with these credentials, or raises ValidationError."""
    user = session.scalar(select(User).where(User.username == (username or "").strip().lower()))
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        raise ValidationError(LOGIN_FAILED)
    if not check_password_hash(user.password_hash, password or ""):
        raise ValidationError(LOGIN_FAILED)
    if not user.is_active:
        raise ValidationError("Tài khoản đã bị khóa. Vui lòng liên hệ quản trị viên.")
    user.last_login_at = now_utc()
    audit_trail.record(session, actor=user, action="login", object_type="user", object_id=user.id)
    return user


def get_active(session: Session, *, user_id: int, session_version: int) -> User | None:
    """The user for a login session, if the account is active and the session still valid."""
    user = session.get(User, user_id)
    if user is None or not user.is_active or user.session_version != session_version:
        return None
    return user


def list_users(session: Session, *, actor: User) -> list[User]:
    """All accounts, for the admin page."""
    require(actor, Capability.MANAGE_USERS)
    query = scope.scoped(select(User), actor, User.ward_id)
    return list(session.scalars(query.order_by(User.username)))


def all_people(session: Session, *, actor: Actor) -> list[User]:
    """Every account's id and name, for "who did it" filters (names are not confidential)."""
    require(actor, Capability.VIEW_AUDIT)
    query = scope.scoped(select(User), actor, User.ward_id)
    return list(session.scalars(query.order_by(User.full_name)))


def _validate_role_and_unit(session: Session, role: Role, unit_id: int | None,
                            ward_id: int | None) -> Unit | None:
    unit = session.get(Unit, unit_id) if unit_id else None
    if unit_id and (unit is None or unit.ward_id != ward_id):
        raise ValidationError("Đơn vị đã chọn không tồn tại.")
    if role in (Role.UNIT_MEMBER, Role.UNIT_HEAD) and unit is None:
        raise ValidationError("Cán bộ và thủ trưởng đơn vị phải thuộc một đơn vị.")
    return unit


def create_user(
    session: Session,
    *,
    actor: Actor,
    username: str,
    full_name: str,
    password: str,
    role: Role | str,
    unit_id: int | None = None,
    email: str | None = None,
    ward_id: int | None = None,
) -> User:
    """Creates an account (the system actor does so for the command line and demo loader).

    A ward admin creates accounts of its ward; the province admin creates a ward's first admin
    (``ward_id``) and the province accounts, which belong to no ward."""
    try:
        role = Role(role)
    except ValueError:
        raise ValidationError("Vai trò không hợp lệ.") from None
    if role in scope.PROVINCE_ROLES:
        require(actor, Capability.MANAGE_WARDS)
        ward_id = None
    else:
        if not (role == Role.ADMIN and has(actor, Capability.MANAGE_WARDS)):
            require(actor, Capability.MANAGE_USERS)
        if ward_id is not None:
            if session.get(Ward, ward_id) is None or not scope.in_scope(actor, ward_id):
                raise ValidationError("Phường/xã đã chọn không tồn tại.")
        else:
            ward_id = scope.ward_for_writing(session, actor).id
    username = (username or "").strip().lower()
    if not _USERNAME.match(username):
        raise ValidationError(
            "Tên đăng nhập gồm 3–64 ký tự: chữ thường không dấu, số, dấu chấm, gạch dưới, gạch ngang."
        )
    if not (full_name or "").strip():
        raise ValidationError("Vui lòng nhập họ và tên.")
    _check_password_policy(password)
    _validate_role_and_unit(session, role, unit_id, ward_id)
    exists = session.scalar(select(func.count()).select_from(User).where(User.username == username))
    if exists:
        raise ValidationError(f"Tên đăng nhập “{username}” đã được sử dụng.")
    user = User(
        ward_id=ward_id,
        username=username,
        full_name=full_name.strip(),
        email=(email or "").strip() or None,
        password_hash=hash_password(password),
        role=role,
        unit_id=unit_id if role == Role.UNIT_MEMBER else unit_id,
        is_active=True,
        session_version=1,
        created_at=now_utc(),
    )
    session.add(user)
    session.flush()
    audit_trail.record(session, actor=actor, action="user.create", object_type="user",
                       object_id=user.id, ward_id=ward_id,
                       after={"username": username, "role": role.value, "unit_id": unit_id})
    return user


def _get_user(session: Session, user_id: int, actor: Actor | None = None) -> User:
    user = session.get(User, user_id)
    if user is None or (actor is not None and not scope.in_scope(actor, user.ward_id)) or (
            actor is not None and user.ward_id is None and not has(actor, Capability.MANAGE_WARDS)):
        raise NotFound("Không tìm thấy tài khoản.")
    return user


def reset_password(session: Session, *, actor: Actor, user_id: int, new_password: str) -> User:
    """Sets a new password and signs the user out everywhere."""
    require(actor, Capability.MANAGE_USERS)
    _check_password_policy(new_password)
    user = _get_user(session, user_id, actor)
    user.password_hash = hash_password(new_password)
    user.session_version += 1
    login_sessions.revoke_all_for_user(session, user_id=user.id)
    audit_trail.record(session, actor=actor, action="user.reset_password", object_type="user",
                 object_id=user.id)
    return user


def end_sessions(session: Session, *, user_id: int) -> None:
    """Every login session and remember-me cookie of the user stops working (all devices)."""
    user = _get_user(session, user_id)
    user.session_version += 1
    login_sessions.revoke_all_for_user(session, user_id=user.id)


def set_active(session: Session, *, actor: User, user_id: int, active: bool) -> User:
    """Deactivates (and signs out) or reactivates an account. Nothing is deleted."""
    require(actor, Capability.MANAGE_USERS)
    user = _get_user(session, user_id, actor)
    if user.id == actor.id and not active:
        raise ValidationError("Bạn không thể tự khóa tài khoản của chính mình.")
    before = {"is_active": user.is_active}
    user.is_active = active
    if not active:
        user.session_version += 1
        login_sessions.revoke_all_for_user(session, user_id=user.id)
    audit_trail.record(session, actor=actor, action="user.activate" if active else "user.deactivate",
                 object_type="user", object_id=user.id, before=before,
                 after={"is_active": active})
    return user


def toggle_active(session: Session, *, actor: User, user_id: int) -> User:
    """Locks an active account or unlocks a locked one."""
    require(actor, Capability.MANAGE_USERS)
    return set_active(session, actor=actor, user_id=user_id,
                      active=not _get_user(session, user_id, actor).is_active)
