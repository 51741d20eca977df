"""E-mail notifications through a real SMTP server (aiosmtpd) on a loopback port."""

from __future__ import annotations

import email
from email.header import decode_header, make_header

import pytest

from tests.conftest import free_port
from tests.workflow.test_claims_reviews import claim_for
from workflow import notifications


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Collect(Message):
        def handle_message(self, message):
            received.append(message)

    controller = Controller(Collect(), hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, received
    controller.stop()


def test_claim_mails_reviewers_after_commit(session, world, smtp_server):
    controller, received = smtp_server
    world.reviewer.email = "vanphong@phuocbinh.example"
    session.flush()
    claim_for(session, world)
    session.commit()
    mailer = notifications.Mailer(controller.hostname, controller.port, "cong@phuocbinh.example")
    assert notifications.send_outbox(session, mailer, "https://cong.example") == 1
    assert len(received) == 1
    message = received[0]
    assert message["To"] == "vanphong@phuocbinh.example"
    assert str(make_header(decode_header(message["Subject"]))) == notifications.EMAIL_SUBJECT
    body = email.message_from_string(message.as_string()).get_payload(decode=True).decode()
    assert "đề nghị công nhận hoàn thành nhiệm vụ I.1" in body
    assert "https://cong.example/tham-dinh/" in body


def test_rolled_back_actions_send_nothing(session, world, smtp_server):
    controller, received = smtp_server
    world.reviewer.email = "vanphong@phuocbinh.example"
    claim_for(session, world)
    session.rollback()
    notifications.discard_outbox(session)
    mailer = notifications.Mailer(controller.hostname, controller.port, "cong@x.example")
    assert notifications.send_outbox(session, mailer) == 0 and received == []


def test_without_smtp_nothing_is_sent_and_nothing_fails(session, world):
    world.reviewer.email = "vanphong@phuocbinh.example"
    claim_for(session, world)
    session.commit()
    assert notifications.send_outbox(session, notifications.Mailer(None)) == 0


def test_unreachable_smtp_is_logged_not_raised(session, world):
    world.reviewer.email = "vanphong@phuocbinh.example"
    claim_for(session, world)
    session.commit()
    mailer = notifications.Mailer("127.0.0.1", free_port(), "cong@x.example")
    assert notifications.send_outbox(session, mailer) == 0
