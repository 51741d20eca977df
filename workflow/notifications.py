"""In-app notifications (and e-mail when SMTP is configured)."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from email.message import EmailMessage

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from db.models import Notification, Role, User
from workflow.clock import now_utc

log = logging.getLogger(__name__)


class Mailer:
    """Sends plain-text e-mail through SMTP; does nothing when no host is configured."""

    def __init__(self, host: str | None, port: int = 25, sender: str = "") -> None:
        self.host, self.port, self.sender = host, port, sender

    def send(self, to: str, subject: str, body: str) -> bool:
        """Sends one message; failures are logged, never raised (the in-app copy remains)."""
        if not self.host or not to:
            return False
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, to, subject
        message.set_content(body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=10) as smtp:
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException):
            log.exception("could not send e-mail to %s", to)
            return False
        return True


def notify(session: Session, *, users: Iterable[User], kind: str, message: str,
           link: str | None = None, dedupe_key: str | None = None) -> list[Notification]:
    """Adds a notification for each active user (skipping ones already sent this key)."""
    created = []
    for user in users:
        if not user.is_active:
            continue
        if dedupe_key and session.scalar(select(Notification.id).where(
                Notification.user_id == user.id, Notification.dedupe_key == dedupe_key)):
            continue
        note = Notification(user_id=user.id, kind=kind, message=message, link=link,
                            dedupe_key=dedupe_key, created_at=now_utc())
        session.add(note)
        created.append(note)
        if user.email:
            # Sent only after the transaction commits (see send_outbox).
            session.info.setdefault(OUTBOX, []).append((user.email, message, link))
    session.flush()
    return created


OUTBOX = "notification_outbox"
EMAIL_SUBJECT = "[Cổng minh chứng] Thông báo mới"


def send_outbox(session: Session, mailer: Mailer | None, base_url: str = "") -> int:
    """E-mails the notifications of the transaction that just committed; returns how many
    were sent. Call after commit; on rollback call ``discard_outbox`` instead."""
    pending = session.info.pop(OUTBOX, [])
    if mailer is None or not mailer.host:
        return 0
    sent = 0
    for address, message, link in pending:
        body = message + (f"\n\nXem chi tiết: {base_url}{link}" if link else "")
        body += "\n\n— Cổng minh chứng chuyển đổi số (thư tự động, vui lòng không trả lời)."
        sent += mailer.send(address, EMAIL_SUBJECT, body)
    return sent


def discard_outbox(session: Session) -> None:
    """Drops e-mails of a transaction that was rolled back."""
    session.info.pop(OUTBOX, None)


def reviewers(session: Session) -> list[User]:
    """Active reviewers (Văn phòng Đảng ủy)."""
    return list(session.scalars(select(User).where(User.role == Role.REVIEWER,
                                                   User.is_active.is_(True))))


def unit_members(session: Session, unit_id: int) -> list[User]:
    """Active members of a unit."""
    return list(session.scalars(select(User).where(User.role == Role.UNIT_MEMBER,
                                                   User.unit_id == unit_id,
                                                   User.is_active.is_(True))))


def unread_count(session: Session, *, user: User) -> int:
    """How many of the user's notifications are unread."""
    return session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def latest(session: Session, *, user: User, limit: int = 20) -> list[Notification]:
    """The user's newest notifications."""
    return list(session.scalars(select(Notification).where(Notification.user_id == user.id)
                                .order_by(Notification.id.desc()).limit(limit)))


def mark_all_read(session: Session, *, user: User) -> int:
    """Marks the user's notifications read; returns how many changed."""
    result = session.execute(update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)).values(read_at=now_utc()))
    return result.rowcount or 0
