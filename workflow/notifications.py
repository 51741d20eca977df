"""In-app notifications (and e-mail when SMTP is configured)."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from email.message import EmailMessage

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from db.models import Notification, Role, User
from db.unit_of_work import after_commit
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
            # Sent only once the transaction commits, dropped if it rolls back.
            address = user.email
            after_commit(session, lambda a=address, m=message, li=link: _mail(session, a, m, li))
    session.flush()
    return created


# Keys of ``Session.info``: the mailer (set through the session factory, see
# ``mail_settings``) and how many e-mails the session has sent so far.
MAILER = "mailer"
BASE_URL = "mail_base_url"
SENT = "emails_sent"
EMAIL_SUBJECT = "[Cổng minh chứng] Thông báo mới"


def mail_settings(mailer: Mailer | None, base_url: str = "") -> dict:
    """The ``info`` a session factory needs for its sessions to e-mail notifications."""
    return {MAILER: mailer, BASE_URL: base_url}


def emails_sent(session: Session) -> int:
    """How many notification e-mails this session has sent after its commits."""
    return session.info.get(SENT, 0)


def _mail(session: Session, address: str, message: str, link: str | None) -> None:
    mailer: Mailer | None = session.info.get(MAILER)
    if mailer is None or not mailer.host:
        return
    body = message + (f"\n\nXem chi tiết: {session.info.get(BASE_URL, '')}{link}"
                      if link else "")
    body += "\n\n— Cổng minh chứng chuyển đổi số (thư tự động, vui lòng không trả lời)."
    if mailer.send(address, EMAIL_SUBJECT, body):
        session.info[SENT] = session.info.get(SENT, 0) + 1


def reviewers(session: Session, ward_id: int) -> list[User]:
    """Active reviewers (Văn phòng Đảng ủy) of one ward."""
    return list(session.scalars(select(User).where(User.role == Role.REVIEWER,
                                                   User.ward_id == ward_id,
                                                   User.is_active.is_(True))))


def unit_members(session: Session, unit_id: int) -> list[User]:
    """Active members of a unit, its heads included."""
    return list(session.scalars(select(User).where(User.role.in_([Role.UNIT_MEMBER,
                                                                  Role.UNIT_HEAD]),
                                                   User.unit_id == unit_id,
                                                   User.is_active.is_(True))))


def unread_count(session: Session, *, actor: User) -> int:
    """How many of the user's notifications are unread."""
    return session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == actor.id, Notification.read_at.is_(None))) or 0


def latest(session: Session, *, actor: User, limit: int = 20) -> list[Notification]:
    """The user's newest notifications."""
    return list(session.scalars(select(Notification).where(Notification.user_id == actor.id)
                                .order_by(Notification.id.desc()).limit(limit)))


def mark_all_read(session: Session, *, actor: User) -> int:
    """Marks the user's notifications read; returns how many changed."""
    result = session.execute(update(Notification).where(
        Notification.user_id == actor.id, Notification.read_at.is_(None)).values(read_at=now_utc()))
    return result.rowcount or 0


def unit_heads(session: Session, unit_id: int) -> list[User]:
    """Active heads of a unit (thủ trưởng đơn vị)."""
    return list(session.scalars(select(User).where(User.role == Role.UNIT_HEAD,
                                                   User.unit_id == unit_id,
                                                   User.is_active.is_(True))))


def office_heads(session: Session, ward_id: int) -> list[User]:
    """Active reviewers of one ward flagged as the head of its Party Office; all of the
    ward's reviewers when none is."""
    ward_reviewers = reviewers(session, ward_id)
    heads = [u for u in ward_reviewers if u.is_office_head]
    return heads or ward_reviewers
