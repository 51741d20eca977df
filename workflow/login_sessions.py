"""Server-side login sessions and single-use remember-me tokens.

The browser holds a 32-byte random token (inside the signed session or remember-me cookie);
the database holds its SHA-256 only. A session is valid while its row is not revoked, not
expired, and its account is active with the session version it was opened under (a password
reset or deactivation raises the version and so ends every session at once).

A remember-me token is single use: when it signs somebody in, its row is revoked and a new
row and token replace it. Dash sends several requests at once at page load, all carrying the
same old cookie, so a rotated-out token is still accepted for ``ROTATION_GRACE`` while its
successor lives. Services never commit: the caller's unit of work does.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import String, bindparam, select, update
from sqlalchemy.orm import Session, joinedload

from db.models import LoginSession, User

REMEMBER_LIFETIME = timedelta(days=14)
ROTATION_GRACE = timedelta(seconds=30)
# last_seen_at is written at most this often, not on every request.
TOUCH_INTERVAL = timedelta(minutes=5)
_TOKEN_BYTES = 32
_USER_AGENT_LENGTH = 200


@dataclass(frozen=True)
class OpenedSession:
    """A new session row and the token only the browser keeps."""

    row: LoginSession
    token: str


def now() -> datetime:
    """The sessions' clock (UTC, from time.time so tests can move it)."""
    return datetime.fromtimestamp(time.time(), UTC)


def hash_token(token: str) -> str:
    """SHA-256 of a token, as stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_session(session: Session, *, user: User, remember: bool, lifetime: timedelta,
                 user_agent: str | None = None, at: datetime | None = None) -> OpenedSession:
    """Opens a session for a signed-in user; ``lifetime`` applies unless ``remember``."""
    at = at or now()
    token = secrets.token_urlsafe(_TOKEN_BYTES)
    row = LoginSession(
        user_id=user.id, user=user, token_hash=hash_token(token), remember=remember,
        created_at=at, last_seen_at=at,
        expires_at=at + (REMEMBER_LIFETIME if remember else lifetime),
        user_agent=(user_agent or "")[:_USER_AGENT_LENGTH] or None,
        session_version=user.session_version,
    )
    session.add(row)
    session.flush()
    return OpenedSession(row, token)


def _usable(row: LoginSession, at: datetime) -> bool:
    user = row.user
    if user is None or not user.is_active or user.session_version != row.session_version:
        return False
    if at >= row.expires_at:
        return False
    if row.revoked_at is None:
        return True
    successor = row.replaced_by
    return (successor is not None and successor.revoked_at is None
            and at - row.revoked_at <= ROTATION_GRACE)


# Every request resolves its session: the account comes in the same statement (db.sql).
_BY_TOKEN = (select(LoginSession)
             .where(LoginSession.token_hash == bindparam("token_hash", type_=String))
             .options(joinedload(LoginSession.user)))


def resolve_session(session: Session, *, token: str, lifetime: timedelta | None = None,
                    at: datetime | None = None) -> LoginSession | None:
    """The live session a token names, or None (unknown, revoked, expired, account ended).

    Touches ``last_seen_at`` when it is older than ``TOUCH_INTERVAL``; a session without
    remember-me then runs ``lifetime`` from that moment (an idle limit, as the cookie's)."""
    if not token or len(token) > 128:
        return None
    at = at or now()
    row = session.scalar(_BY_TOKEN, {"token_hash": hash_token(token)})
    if row is None or not _usable(row, at):
        return None
    if row.revoked_at is None and at - row.last_seen_at >= TOUCH_INTERVAL:
        row.last_seen_at = at
        if lifetime is not None and not row.remember:
            row.expires_at = at + lifetime
    return row


def rotate_remember(session: Session, *, row: LoginSession, user_agent: str | None = None,
                    at: datetime | None = None) -> OpenedSession:
    """Replaces a remember-me session that has just signed somebody in (single use).

    The new row expires when the old one did: rotation never extends the 14 days."""
    at = at or now()
    opened = open_session(session, user=row.user, remember=True, lifetime=REMEMBER_LIFETIME,
                          user_agent=user_agent or row.user_agent, at=at)
    opened.row.expires_at = row.expires_at
    if row.revoked_at is None:
        row.revoked_at = at
        row.replaced_by = opened.row
    return opened


def revoke_session(session: Session, *, token: str, at: datetime | None = None) -> None:
    """Logout: this browser's session stops working (other devices stay signed in)."""
    at = at or now()
    row = session.scalar(_BY_TOKEN, {"token_hash": hash_token(token)})
    if row is None:
        return
    # A token still in its rotation grace logs out the browser it was rotated to as well.
    successor = row.replaced_by
    while successor is not None and successor.revoked_at is None:
        successor.revoked_at = at
        successor = successor.replaced_by
    if row.revoked_at is None:
        row.revoked_at = at
    row.replaced_by = None
    # A token rotated into this one loses its grace too.
    session.execute(update(LoginSession)
                    .where(LoginSession.replaced_by_id == row.id)
                    .values(replaced_by_id=None))


def revoke_all_for_user(session: Session, *, user_id: int, at: datetime | None = None) -> int:
    """Ends every session of a user (password reset, deactivation, "sign out everywhere")."""
    at = at or now()
    result = session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user_id, LoginSession.revoked_at.is_(None))
        .values(revoked_at=at))
    session.execute(update(LoginSession)
                    .where(LoginSession.user_id == user_id)
                    .values(replaced_by_id=None))
    return result.rowcount
