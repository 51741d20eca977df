"""API tokens for the systems above the ward: created, listed, revoked, checked, logged.

A token is 32 random bytes shown once; only its SHA-256 is stored (a high-entropy secret
needs no slow hash). Tokens are read-only and are never users: a checked token becomes a
``TokenActor`` whose capabilities are ``permissions.API_TOKEN_CAPABILITIES``.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, insert, select, type_coerce
from sqlalchemy.orm import Session

from db.base import UtcDateTime
from db.models import ApiCall, ApiToken, Role
from workflow import audit_trail, scope
from workflow.clock import now_utc, today
from workflow.errors import NotFound, ValidationError
from workflow.permissions import API_TOKEN_CAPABILITIES, Actor, Capability, require

TOKEN_PREFIX = "pbk_"
READ_SCOPE = "read"
NAME_PATTERN = re.compile(r"[\w.\- ]{2,64}")

MISSING = "Thiếu mã truy cập API (Authorization: Bearer <mã>)."
INVALID = "Mã truy cập API không hợp lệ."
REVOKED = "Mã truy cập API đã bị thu hồi."
EXPIRED = "Mã truy cập API đã hết hạn."


class TokenRefused(Exception):
    """The request's token cannot be used; ``message`` is Vietnamese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class TokenActor:
    """Who acts in an API request: the token, with read-only capabilities.

    Carries the attributes the permission helpers read (``is_active``, ``role``,
    ``unit_id``), so domain services can be called with it as their actor."""

    token_id: int
    name: str
    ward_code: str | None
    ward_id: int | None = None
    scope: str = READ_SCOPE
    is_active: bool = True
    role: Role = Role.LEADER
    unit_id: int | None = None
    unit: None = None
    id: None = None
    capabilities: frozenset[Capability] = field(default=API_TOKEN_CAPABILITIES)


@dataclass(frozen=True)
class CreatedToken:
    """A new token: the secret is in ``secret`` and nowhere else, ever."""

    token: ApiToken
    secret: str


def hash_token(secret: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _admin(actor: Actor) -> None:
    require(actor, Capability.MANAGE_API_TOKENS)


def create_token(session: Session, *, actor: Actor, name: str, expires_on: date | None,
                 ward_code: str | None = None) -> CreatedToken:
    """Creates a named read-only token expiring at the end of ``expires_on``."""
    _admin(actor)
    name = (name or "").strip()
    if not NAME_PATTERN.fullmatch(name):
        raise ValidationError("Tên mã truy cập phải dài 2–64 ký tự (chữ, số, dấu cách, . - _).")
    if expires_on is None:
        raise ValidationError("Cần nhập ngày hết hạn của mã truy cập.")
    if expires_on < today():
        raise ValidationError("Ngày hết hạn phải từ hôm nay trở đi.")
    if session.scalar(select(ApiToken.id).where(ApiToken.name == name)) is not None:
        raise ValidationError(f"Đã có mã truy cập tên “{name}”.")
    ward_code = (ward_code or "").strip() or None
    if ward_code is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,32}", ward_code):
        raise ValidationError("Mã phường/xã chỉ gồm chữ, số, dấu - hoặc _ (tối đa 32 ký tự).")
    ward = scope.ward_for_writing(session, actor)
    if ward_code is not None and ward_code != ward.code:
        raise ValidationError(f"Mã phường/xã “{ward_code}” không phải phường/xã đang quản lý "
                              f"({ward.code}).")
    ward_code = ward.code
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(name=name, token_hash=hash_token(secret), scope=READ_SCOPE,
                     ward_id=ward.id, ward_code=ward_code, expires_on=expires_on,
                     created_by_id=actor.id,
                     created_at=now_utc())
    session.add(token)
    session.flush()
    audit_trail.record(session, actor=actor, action="api_token.create", object_type="api_token",
                 object_id=token.id, after={"name": name, "expires_on": expires_on.isoformat(),
                                            "ward_code": ward_code})
    return CreatedToken(token, secret)


def list_tokens(session: Session, *, actor: Actor) -> list[ApiToken]:
    """Every token, newest first (names, expiry, last use; never the secret)."""
    _admin(actor)
    query = scope.scoped(select(ApiToken), actor, ApiToken.ward_id)
    return list(session.scalars(query.order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def revoke_token(session: Session, *, actor: Actor, name: str) -> ApiToken:
    """Revokes the named token at once; revoking twice is harmless."""
    _admin(actor)
    token = session.scalar(scope.scoped(select(ApiToken), actor, ApiToken.ward_id)
                           .where(ApiToken.name == (name or "").strip()))
    if token is None:
        raise NotFound(f"Không tìm thấy mã truy cập tên “{name}”.")
    if token.revoked_at is None:
        token.revoked_at = now_utc()
        audit_trail.record(session, actor=actor, action="api_token.revoke", object_type="api_token",
                     object_id=token.id, after={"name": token.name})
    return token


def token_state(token: ApiToken, on: date | None = None) -> str:
    """"active", "revoked" or "expired" (a token is valid through its expiry day)."""
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_on < (on or today()):
        return "expired"
    return "active"


def authenticate(session: Session, *, authorization: str | None) -> TokenActor:
    """Checks an ``Authorization: Bearer`` header and returns the acting token.

    Raises TokenRefused (→ 401) for a missing, unknown, revoked or expired token."""
    scheme, _, secret = (authorization or "").partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret:
        raise TokenRefused(MISSING)
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(secret)))
    if token is None:
        raise TokenRefused(INVALID)
    state = token_state(token)
    if state == "revoked":
        raise TokenRefused(REVOKED)
    if state == "expired":
        raise TokenRefused(EXPIRED)
    return TokenActor(token_id=token.id, name=token.name, ward_code=token.ward_code,
                      ward_id=token.ward_id, scope=token.scope)


def actor_by_id(session: Session, *, token_id: object) -> TokenActor:
    """The acting token behind a signed download link, if it is still valid."""
    token = session.get(ApiToken, token_id) if isinstance(token_id, int) else None
    if token is None:
        raise TokenRefused(INVALID)
    state = token_state(token)
    if state != "active":
        raise TokenRefused(REVOKED if state == "revoked" else EXPIRED)
    return TokenActor(token_id=token.id, name=token.name, ward_code=token.ward_code,
                      ward_id=token.ward_id, scope=token.scope)


def record_call(session: Session, *, actor: Actor | TokenActor, token_id: int | None,
                token_name: str, endpoint: str, status: int, at: datetime | None = None) -> None:
    """Logs one API call with a single INSERT (the token's last use is read from this log).

    ``actor`` is the calling token, or the system for a call whose token was refused."""
    require(actor, Capability.LOG_API_CALLS)
    session.execute(insert(ApiCall).values(token_id=token_id, token_name=token_name[:64],
                                           endpoint=endpoint[:255], status=status,
                                           created_at=at or now_utc()))


@dataclass(frozen=True)
class TokenLine:
    """A token as the admin list shows it."""

    name: str
    ward_code: str | None
    scope: str
    expires_on: date
    created_at: datetime
    last_used_at: datetime | None
    calls: int
    state: str


def token_lines(session: Session, *, actor: Actor) -> list[TokenLine]:
    """Every token with its last use and number of calls, newest first (one query)."""
    _admin(actor)
    usage = (select(ApiCall.token_id, type_coerce(func.max(ApiCall.created_at), UtcDateTime()).label("last"),
                    func.count(ApiCall.id).label("calls"))
             .group_by(ApiCall.token_id).subquery())
    rows = session.execute(scope.scoped(select(ApiToken, usage.c.last, usage.c.calls),
                                        actor, ApiToken.ward_id)
                           .outerjoin(usage, usage.c.token_id == ApiToken.id)
                           .order_by(ApiToken.created_at.desc(), ApiToken.id.desc()))
    return [TokenLine(t.name, t.ward_code, t.scope, t.expires_on, t.created_at,
                      last,
                      calls or 0, token_state(t)) for t, last, calls in rows]


def recent_calls(session: Session, *, actor: Actor, limit: int = 50) -> list[ApiCall]:
    """The latest API calls (admin)."""
    _admin(actor)
    query = select(ApiCall).where(ApiCall.token_id.in_(
        scope.scoped(select(ApiToken.id), actor, ApiToken.ward_id)))
    return list(session.scalars(query.order_by(ApiCall.id.desc()).limit(limit)))
