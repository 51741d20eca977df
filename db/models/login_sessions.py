"""Server-side login sessions: one row per signed-in browser (session or remember-me)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.base import Base, UtcDateTime
from db.models.accounts import User


class LoginSession(Base):
    """A sign-in. The browser holds a random token; only its SHA-256 is stored here."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    remember: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The account's session_version when opened: a password reset or deactivation raises it.
    session_version: Mapped[int] = mapped_column(Integer)
    # Set when a remember-me cookie was rotated: the old token keeps a short grace while the
    # successor lives, so concurrent requests of one page load are not signed out.
    replaced_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("login_sessions.id", ondelete="SET NULL"))
    user_agent: Mapped[str | None] = mapped_column(String(200))

    user: Mapped[User] = relationship()
    replaced_by: Mapped[LoginSession | None] = relationship(remote_side=[id])
