"""E-mail notifications through a real SMTP server (aiosmtpd) on a loopback port."""

from __future__ import annotations

import email
from email.header import decode_header, make_header

from tests.conftest import free_port
from tests.workflow.test_claims_reviews import claim_for
from workflow import notifications


def with_mailer(session, mailer, base_url=""):
    """Gives the test session what the session factory gives every portal session."""
    session.info.update(notifications.mail_settings(mailer, base_url))


def test_claim_mails_reviewers_after_commit(session, world, smtp_server):
    controller, received = smtp_server
    with_mailer(session, notifications.Mailer(controller.hostname, controller.port,
                                              "cong@phuocbinh.example"), "https://cong.example")
    world.reviewer.email = "vanphong@phuocbinh.example"
    session.flush()
    claim_for(session, world)
    assert received == []  # nothing leaves before the commit
    session.commit()
    assert notifications.emails_sent(session) == 1
    assert len(received) == 1
    message = received[0]
    assert message["To"] == "vanphong@phuocbinh.example"
    assert str(make_header(decode_header(message["Subject"]))) == notifications.EMAIL_SUBJECT
    body = email.message_from_string(message.as_string()).get_payload(decode=True).decode()
    assert "đề nghị công nhận hoàn thành nhiệm vụ I.1" in body
    assert "https://cong.example/tham-dinh/" in body


def test_rolled_back_actions_send_nothing(session, world, smtp_server):
    controller, received = smtp_server
    with_mailer(session, notifications.Mailer(controller.hostname, controller.port,
                                              "cong@x.example"))
    world.reviewer.email = "vanphong@phuocbinh.example"
    claim_for(session, world)
    session.rollback()
    session.commit()  # a later commit does not send what was rolled back
    assert notifications.emails_sent(session) == 0 and received == []


def test_without_smtp_nothing_is_sent_and_nothing_fails(session, world):
    with_mailer(session, notifications.Mailer(None))
    world.reviewer.email = "vanphong@phuocbinh.example"
    claim_for(session, world)
    session.commit()
    assert notifications.emails_sent(session) == 0


def test_unreachable_smtp_is_logged_not_raised(session, world):
    with_mailer(session, notifications.Mailer("127.0.0.1", free_port(), "cong@x.example"))
    world.reviewer.email = "vanphong@phuocbinh.example"
    claim_for(session, world)
    session.commit()
    assert notifications.emails_sent(session) == 0
