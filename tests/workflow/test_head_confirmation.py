"""The unit head's confirmation before review (#16): every transition and every refusal."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError

from db.models import (
    ClaimConfirmation,
    ClaimState,
    EvidenceFile,
    EvidenceKind,
    Notification,
    Role,
)
from tests.factories import make_user
from workflow import claim_chain, claims, head_confirmation, reviews
from workflow.clock import now_utc
from workflow.errors import Conflict, NotFound, PermissionDenied, ValidationError
from workflow.status import TaskStatus
from workflow.tasks import get_for_user


def staged(session, user, task, name="bien-ban.pdf", content=b"v1") -> EvidenceFile:
    """An uploaded, not yet attached evidence file with the SHA-256 of ``content``."""
    evidence = EvidenceFile(task_id=task.id, uploaded_by_id=user.id,
                            object_key=f"evidence/test/{name}-{now_utc().timestamp()}",
                            original_name=name, content_type="application/pdf",
                            size_bytes=len(content), sha256=hashlib.sha256(content).hexdigest(),
                            kind=EvidenceKind.SIGNED_DOCUMENT, derived={},
                            created_at=now_utc())
    session.add(evidence)
    session.flush()
    return evidence


@pytest.fixture
def heads(session, world):
    """Head confirmation on for the plan, a head for unit A and one for unit B."""
    world.plan.require_head_confirmation = True
    head_a = world.head_a
    head_b = make_user(session, "head_b", Role.UNIT_HEAD, world.unit_b)
    session.commit()
    return head_a, head_b


def file(session, world, files=(("bien-ban.pdf", b"v1"),)):
    task = world.task_a
    ids = [staged(session, world.member_a, task, name, content).id for name, content in files]
    return claims.file_claim(session, actor=world.member_a, task_id=task.id, evidence_ids=ids,
                             note="Đã hoàn thành")


def status(session, world):
    return get_for_user(session, actor=world.reviewer, task_id=world.task_a.id).status


def test_a_members_claim_is_invisible_to_the_office_until_its_head_confirms(session, world,
                                                                          heads):
    head_a, _ = heads
    claim = file(session, world)
    assert claim.state == ClaimState.AWAITING_HEAD
    assert reviews.queue(session, actor=world.reviewer) == []
    with pytest.raises(NotFound):
        reviews.get_for_reviewer(session, actor=world.reviewer, claim_id=claim.id)
    with pytest.raises(NotFound):
        reviews.approve(session, actor=world.reviewer, claim_id=claim.id, version=claim.version)
    assert claims.claims_of_task(session, actor=world.reviewer, task_id=world.task_a.id) == []
    assert status(session, world) == TaskStatus.NOT_STARTED
    assert [w.claim_id for w in head_confirmation.waiting(session, actor=head_a)] == [claim.id]
    assert session.scalar(select(Notification.id).where(Notification.user_id == head_a.id))
    assert not session.scalar(select(Notification.id).where(
        Notification.user_id == world.reviewer.id))

    head_confirmation.confirm(session, actor=head_a, claim_id=claim.id, version=claim.version,
                              note="Đúng, đủ")
    assert [i.claim_id for i in reviews.queue(session, actor=world.reviewer)] == [claim.id]
    assert status(session, world) == TaskStatus.PENDING_REVIEW
    view = reviews.claim_view(session, actor=world.reviewer, claim_id=claim.id)
    assert view.confirmed_by == head_a.full_name and view.confirmed_at is not None
    assert view.confirmation_note == "Đúng, đủ"
    assert head_confirmation.waiting(session, actor=head_a) == []


def test_the_confirmation_names_the_exact_files(session, world, heads):
    head_a, _ = heads
    claim = file(session, world, (("a.pdf", b"one"), ("b.jpg", b"two")))
    confirmation = head_confirmation.confirm(session, actor=head_a, claim_id=claim.id,
                                             version=claim.version)
    assert sorted((f["name"], f["sha256"]) for f in confirmation.files) == [
        ("a.pdf", hashlib.sha256(b"one").hexdigest()),
        ("b.jpg", hashlib.sha256(b"two").hexdigest())]
    assert confirmation.head_id == head_a.id and confirmation.confirmed_at is not None


def test_files_and_confirmation_cannot_change_afterwards(session, world, heads):
    head_a, _ = heads
    claim = file(session, world)
    confirmation = head_confirmation.confirm(session, actor=head_a, claim_id=claim.id,
                                             version=claim.version)
    session.commit()
    evidence_id, claim_id, confirmation_id = claim.evidence[0].id, claim.id, confirmation.id
    late = staged(session, world.member_a, world.task_a, "them.pdf", b"late")
    session.commit()
    late_id = late.id
    statements = [
        update(EvidenceFile).where(EvidenceFile.id == evidence_id).values(sha256="f" * 64),
        update(EvidenceFile).where(EvidenceFile.id == evidence_id).values(claim_id=None),
        update(EvidenceFile).where(EvidenceFile.id == late_id).values(claim_id=claim_id),
        update(ClaimConfirmation).where(ClaimConfirmation.id == confirmation_id)
        .values(files=[]),
    ]
    for statement in statements:
        with pytest.raises(DBAPIError):
            session.execute(statement)
        session.rollback()
    # Derived data (signature revalidation) may still be written.
    session.execute(update(EvidenceFile).where(EvidenceFile.id == evidence_id)
                    .values(derived={"checked": True}))
    session.commit()
    assert session.scalar(text("select count(*) from claim_confirmations")) == 1


def test_a_returned_claim_goes_back_to_the_member_with_the_reason(session, world, heads):
    head_a, _ = heads
    claim = file(session, world)
    with pytest.raises(ValidationError, match="lý do"):
        head_confirmation.return_claim(session, actor=head_a, claim_id=claim.id,
                                       version=claim.version, reason=" ")
    head_confirmation.return_claim(session, actor=head_a, claim_id=claim.id,
                                   version=claim.version, reason="Thiếu biên bản nghiệm thu")
    assert claim.state == ClaimState.RETURNED and claim.return_reason.startswith("Thiếu")
    note = session.scalar(select(Notification).where(Notification.user_id == world.member_a.id,
                                                     Notification.kind == "claim.returned"))
    assert "Thiếu biên bản nghiệm thu" in note.message
    assert reviews.queue(session, actor=world.reviewer) == []
    # The member refiles: the new claim follows the returned one and waits for the head.
    again = file(session, world, (("bien-ban.pdf", b"v1"), ("nghiem-thu.pdf", b"v2")))
    assert again.follows_claim_id == claim.id and again.state == ClaimState.AWAITING_HEAD
    (waiting,) = head_confirmation.waiting(session, actor=head_a)
    assert waiting.follows_reason == "Thiếu biên bản nghiệm thu"
    assert waiting.changes.added == ["nghiem-thu.pdf"] and waiting.changes.kept == ["bien-ban.pdf"]
    links = claim_chain.chain(session, actor=world.member_a, claim_id=again.id)
    assert [link.claim_id for link in links] == [claim.id, again.id]
    assert links[0].reason == "Thiếu biên bản nghiệm thu"
    assert links[1].comparison.added == ["nghiem-thu.pdf"]
    assert links[1].comparison.kept == ["bien-ban.pdf"]


def test_a_head_of_another_unit_cannot_confirm(session, world, heads):
    _, head_b = heads
    claim = file(session, world)
    with pytest.raises(NotFound):
        head_confirmation.confirm(session, actor=head_b, claim_id=claim.id,
                                  version=claim.version)
    with pytest.raises(NotFound):
        head_confirmation.return_claim(session, actor=head_b, claim_id=claim.id,
                                       version=claim.version, reason="x")
    assert head_confirmation.waiting(session, actor=head_b) == []
    for user in (world.member_a, world.reviewer, world.leader, world.admin):
        with pytest.raises(PermissionDenied):
            head_confirmation.confirm(session, actor=user, claim_id=claim.id,
                                      version=claim.version)
    assert claim.state == ClaimState.AWAITING_HEAD


def test_a_stale_confirmation_is_refused(session, world, heads):
    head_a, _ = heads
    claim = file(session, world)
    version = claim.version
    head_confirmation.confirm(session, actor=head_a, claim_id=claim.id, version=version)
    with pytest.raises(Conflict):
        head_confirmation.return_claim(session, actor=head_a, claim_id=claim.id,
                                       version=version, reason="Muộn")


def test_a_claim_filed_by_the_head_is_confirmed_by_filing_it(session, world, heads):
    head_a, _ = heads
    evidence = staged(session, head_a, world.task_a)
    claim = claims.file_claim(session, actor=head_a, task_id=world.task_a.id,
                              evidence_ids=[evidence.id])
    assert claim.state == ClaimState.PENDING
    assert claim.confirmation.head_id == head_a.id
    assert [i.claim_id for i in reviews.queue(session, actor=world.reviewer)] == [claim.id]


def test_with_the_setting_off_the_flow_is_as_today(session, world, heads):
    head_a, _ = heads
    world.plan.require_head_confirmation = False
    session.flush()
    claim = file(session, world)
    assert claim.state == ClaimState.PENDING and claim.confirmation is None
    assert [i.claim_id for i in reviews.queue(session, actor=world.reviewer)] == [claim.id]
    with pytest.raises(NotFound):
        head_confirmation.confirm(session, actor=head_a, claim_id=claim.id + 99, version=1)
    with pytest.raises(Conflict):
        head_confirmation.confirm(session, actor=head_a, claim_id=claim.id,
                                  version=claim.version)


def test_the_chain_after_an_office_rejection_compares_files_by_content(session, world, heads):
    head_a, _ = heads
    first = file(session, world, (("qd.pdf", b"unsigned"), ("anh.jpg", b"photo")))
    head_confirmation.confirm(session, actor=head_a, claim_id=first.id, version=first.version)
    reviews.reject(session, actor=world.reviewer, claim_id=first.id, version=first.version,
                   reason_code="unsigned")
    second = file(session, world, (("qd-da-ky.pdf", b"signed"), ("anh-hoi-nghi.jpg", b"photo")))
    assert second.follows_claim_id == first.id
    head_confirmation.confirm(session, actor=head_a, claim_id=second.id, version=second.version)
    links = claim_chain.chain(session, actor=world.reviewer, claim_id=second.id)
    assert [link.claim_id for link in links] == [first.id, second.id]
    assert links[0].reason == "Văn bản chưa ký" and links[0].confirmed_by == head_a.full_name
    assert links[1].comparison == claim_chain.FileComparison(
        added=["qd-da-ky.pdf"], kept=["anh-hoi-nghi.jpg"], removed=["qd.pdf"])
    # Another unit's member cannot see the chain of a task it has nothing to do with.
    with pytest.raises(NotFound):
        claim_chain.chain(session, actor=world.member_c, claim_id=second.id)


def test_compare_files_is_by_sha256_not_by_name():
    result = claim_chain.compare_files([("a.pdf", "1"), ("b.pdf", "2")],
                                       [("a-moi.pdf", "1"), ("c.pdf", "3")])
    assert result == claim_chain.FileComparison(added=["c.pdf"], kept=["a-moi.pdf"],
                                                removed=["b.pdf"])


def test_a_unit_without_a_head_makes_the_admin_name_one(session, world):
    world.plan.require_head_confirmation = True
    world.head_a.is_active = False
    session.flush()
    claim = file(session, world)
    assert claim.state == ClaimState.AWAITING_HEAD
    note = session.scalar(select(Notification).where(Notification.user_id == world.admin.id))
    assert "chưa có tài khoản thủ trưởng" in note.message
