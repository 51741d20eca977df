"""The verification loop in the domain: every transition and every refusal."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db.models import AuditEvent, CompletionClaim, EvidenceFile, EvidenceKind, Notification
from workflow import claims, reviews
from workflow.clock import now_utc
from workflow.errors import Conflict, NotFound, PermissionDenied, ValidationError
from workflow.status import TaskStatus
from workflow.tasks import get_for_user


def staged(session, user, task, name="bien-ban.pdf") -> EvidenceFile:
    """An uploaded, not yet attached evidence file."""
    evidence = EvidenceFile(task_id=task.id, uploaded_by_id=user.id,
                            object_key=f"evidence/test/{name}-{now_utc().timestamp()}",
                            original_name=name, content_type="application/pdf", size_bytes=10,
                            sha256="0" * 64, kind=EvidenceKind.SIGNED_DOCUMENT, derived={},
                            created_at=now_utc())
    session.add(evidence)
    session.flush()
    return evidence


def status(session, world, task):
    return get_for_user(session, actor=world.reviewer, task_id=task.id).status


def claim_for(session, world, task=None):
    task = task or world.task_a
    return claims.file_claim(session, actor=world.member_a, task_id=task.id,
                             evidence_ids=[staged(session, world.member_a, task).id],
                             note="Đã hoàn thành")


def _claims(session) -> int:
    return session.scalar(select(func.count()).select_from(CompletionClaim))


def test_full_loop_reject_then_approve(session, world):
    first = claim_for(session, world)
    assert status(session, world, world.task_a) == TaskStatus.PENDING_REVIEW
    reviews.reject(session, actor=world.reviewer, claim_id=first.id, version=first.version,
                   reason_code="unsigned", reason_text="Thiếu chữ ký lãnh đạo")
    assert status(session, world, world.task_a) == TaskStatus.NOT_COMPLETED
    second = claim_for(session, world)
    assert status(session, world, world.task_a) == TaskStatus.PENDING_REVIEW
    reviews.approve(session, actor=world.reviewer, claim_id=second.id, version=second.version)
    assert status(session, world, world.task_a) == TaskStatus.COMPLETED
    actions = list(session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "claim").order_by(AuditEvent.id)))
    assert actions == ["claim.file", "claim.reject", "claim.file", "claim.approve"]
    history = claims.claims_of_task(session, actor=world.member_a, task_id=world.task_a.id)
    assert [c.state.value for c in history] == ["rejected", "approved"]
    assert all(len(c.evidence) == 1 for c in history)


def test_claim_without_evidence_is_refused(session, world):
    with pytest.raises(ValidationError, match="ít nhất một file minh chứng"):
        claims.file_claim(session, actor=world.member_a, task_id=world.task_a.id, evidence_ids=[])
    assert _claims(session) == 0


def test_only_the_lead_unit_claims(session, world):
    evidence = staged(session, world.member_b, world.task_a)
    with pytest.raises(PermissionDenied):  # member_b coordinates task_a, does not lead it
        claims.file_claim(session, actor=world.member_b, task_id=world.task_a.id,
                          evidence_ids=[evidence.id])
    with pytest.raises(NotFound):  # member_c cannot even see it
        claims.file_claim(session, actor=world.member_c, task_id=world.task_a.id,
                          evidence_ids=[evidence.id])
    assert _claims(session) == 0


@pytest.mark.parametrize("actor", ["reviewer", "leader", "admin"])
def test_office_roles_do_not_claim(session, world, actor):
    evidence = staged(session, world.member_a, world.task_a)
    with pytest.raises(PermissionDenied):
        claims.file_claim(session, actor=getattr(world, actor), task_id=world.task_a.id,
                          evidence_ids=[evidence.id])


def test_second_pending_claim_is_refused(session, world):
    claim_for(session, world)
    with pytest.raises(ValidationError, match="đang chờ thẩm định"):
        claim_for(session, world)
    assert _claims(session) == 1


def test_evidence_of_another_task_cannot_be_attached(session, world):
    other = staged(session, world.member_a, world.task_overdue)
    with pytest.raises(ValidationError, match="không còn dùng được"):
        claims.file_claim(session, actor=world.member_a, task_id=world.task_a.id,
                          evidence_ids=[other.id])
    assert _claims(session) == 0


def test_reject_requires_a_reason(session, world):
    claim = claim_for(session, world)
    with pytest.raises(ValidationError, match="lý do"):
        reviews.reject(session, actor=world.reviewer, claim_id=claim.id, version=claim.version,
                       reason_code=None, reason_text="  ")
    with pytest.raises(ValidationError, match="lý do khác"):
        reviews.reject(session, actor=world.reviewer, claim_id=claim.id, version=claim.version,
                       reason_code="other")
    assert status(session, world, world.task_a) == TaskStatus.PENDING_REVIEW


@pytest.mark.parametrize("actor", ["member_a", "leader", "admin"])
def test_only_reviewers_decide(session, world, actor):
    claim = claim_for(session, world)
    with pytest.raises(PermissionDenied):
        reviews.approve(session, actor=getattr(world, actor), claim_id=claim.id,
                        version=claim.version)
    assert status(session, world, world.task_a) == TaskStatus.PENDING_REVIEW


def test_double_decision_is_refused_with_who_and_when(session, world):
    claim = claim_for(session, world)
    seen_version = claim.version
    reviews.approve(session, actor=world.reviewer, claim_id=claim.id, version=seen_version)
    with pytest.raises(Conflict, match="đã được thẩm định bởi Người dùng reviewer lúc"):
        reviews.reject(session, actor=world.reviewer, claim_id=claim.id, version=seen_version,
                       reason_code="unclear")
    assert status(session, world, world.task_a) == TaskStatus.COMPLETED


def test_withdraw_a_pending_claim(session, world):
    claim = claim_for(session, world)
    with pytest.raises(NotFound):
        claims.withdraw_claim(session, actor=world.member_c, claim_id=claim.id)
    claims.withdraw_claim(session, actor=world.member_a, claim_id=claim.id)
    assert status(session, world, world.task_a) == TaskStatus.NOT_STARTED
    with pytest.raises(ValidationError):
        claims.withdraw_claim(session, actor=world.member_a, claim_id=claim.id)
    with pytest.raises(Conflict):
        reviews.approve(session, actor=world.reviewer, claim_id=claim.id, version=claim.version)


def test_queue_and_bulk_approve_need_each_claim_opened(session, world):
    first = claim_for(session, world)
    second = claim_for(session, world, world.task_overdue)
    items = reviews.queue(session, actor=world.reviewer)
    assert [i.claim_id for i in items] == [first.id, second.id]
    pairs = [(i.claim_id, i.version) for i in items]
    with pytest.raises(ValidationError, match="mở xem từng đề nghị"):
        reviews.bulk_approve(session, actor=world.reviewer, items=pairs)
    for claim_id, _ in pairs:
        reviews.get_for_reviewer(session, actor=world.reviewer, claim_id=claim_id)
    with pytest.raises(ValidationError, match="mở xem từng đề nghị"):  # reading is not opening
        reviews.bulk_approve(session, actor=world.reviewer, items=pairs)
    for claim_id, _ in pairs:
        reviews.mark_opened(session, actor=world.reviewer, claim_id=claim_id)
    decided = reviews.bulk_approve(session, actor=world.reviewer, items=pairs)
    assert len(decided) == 2 and reviews.queue(session, actor=world.reviewer) == []


def test_a_queue_page_past_the_end_still_counts_the_claims(session, world):
    claim_for(session, world)
    claim_for(session, world, world.task_overdue)
    page = reviews.queue_page(session, actor=world.reviewer, limit=1, offset=1)
    assert len(page.items) == 1 and page.total == 2
    past = reviews.queue_page(session, actor=world.reviewer, limit=1, offset=5)
    assert past.items == [] and past.total == 2


def test_notifications_go_to_reviewers_then_to_the_unit(session, world):
    claim = claim_for(session, world)
    to_reviewer = session.scalars(select(Notification).where(
        Notification.user_id == world.reviewer.id)).all()
    assert len(to_reviewer) == 1 and "I.1" in to_reviewer[0].message
    reviews.reject(session, actor=world.reviewer, claim_id=claim.id, version=claim.version,
                   reason_code="unclear", reason_text="Ảnh mờ")
    to_unit = session.scalars(select(Notification).where(
        Notification.user_id == world.member_a.id)).all()
    assert len(to_unit) == 1 and "Ảnh không rõ — Ảnh mờ" in to_unit[0].message


def test_queue_filters_by_unit_section_and_waiting_time(session, world):
    from datetime import timedelta

    first = claim_for(session, world)
    first.created_at = first.created_at - timedelta(days=8)
    claim_for(session, world, world.task_overdue)
    session.flush()
    everything = reviews.queue(session, actor=world.reviewer)
    assert [i.claim_id for i in everything][0] == first.id and len(everything) == 2
    assert [i.claim_id for i in reviews.queue(session, actor=world.reviewer,
                                              min_age_days=7)] == [first.id]
    assert reviews.queue(session, actor=world.reviewer, unit_id=world.unit_b.id) == []
    assert len(reviews.queue(session, actor=world.reviewer, section_id=world.section.id)) == 2


def test_withdraw_pending_by_task(session, world):
    claim_for(session, world)
    with pytest.raises(PermissionDenied):
        claims.withdraw_pending(session, actor=world.reviewer, task_id=world.task_a.id)
    with pytest.raises(NotFound):
        claims.withdraw_pending(session, actor=world.member_c, task_id=world.task_a.id)
    withdrawn = claims.withdraw_pending(session, actor=world.member_a, task_id=world.task_a.id)
    assert status(session, world, world.task_a) == TaskStatus.NOT_STARTED
    # A repeated click answers with the claim already withdrawn, and records nothing more.
    again = claims.withdraw_pending(session, actor=world.member_a, task_id=world.task_a.id)
    assert again.id == withdrawn.id
    assert session.scalar(select(func.count()).select_from(AuditEvent)
                          .where(AuditEvent.action == "claim.withdraw")) == 1
    reviews_claim = claim_for(session, world)
    reviews.reject(session, actor=world.reviewer, claim_id=reviews_claim.id,
                   version=reviews_claim.version, reason_code="unclear")
    with pytest.raises(ValidationError, match="Không còn đề nghị"):
        claims.withdraw_pending(session, actor=world.member_a, task_id=world.task_a.id)


def test_queue_flags_claims_waiting_a_week(session, world):
    from datetime import timedelta

    old = claim_for(session, world)
    old.created_at = old.created_at - timedelta(days=reviews.WAITING_ALERT_DAYS)
    claim_for(session, world, world.task_overdue)
    session.flush()
    waiting = {i.claim_id: (i.waiting_days, i.alert) for i in reviews.queue(session,
                                                                          actor=world.reviewer)}
    assert waiting[old.id] == (reviews.WAITING_ALERT_DAYS, True)
    assert [flag for days, flag in waiting.values() if days == 0] == [False]


def test_claim_view_shows_the_verdict_and_earlier_claims(session, world):
    first = claim_for(session, world)
    reviews.reject(session, actor=world.reviewer, claim_id=first.id, version=first.version,
                   reason_code="unclear", reason_text="Ảnh mờ")
    second = claim_for(session, world)
    view = reviews.claim_view(session, actor=world.reviewer, claim_id=second.id)
    assert view.decided is None and view.next_claim_id is None
    assert [p.claim_id for p in view.previous] == [first.id]
    assert view.previous[0].outcome.startswith("Đã trả lại — Ảnh không rõ — Ảnh mờ")
    assert reviews.claim_view(session, actor=world.reviewer, claim_id=first.id).decided
    with pytest.raises(PermissionDenied):
        reviews.claim_view(session, actor=world.member_a, claim_id=second.id)


def test_a_repeated_decision_by_the_same_reviewer_answers_as_the_first(session, world):
    claim = claim_for(session, world)
    seen = claim.version
    first = reviews.reject(session, actor=world.reviewer, claim_id=claim.id, version=seen,
                           reason_code="unsigned")
    again = reviews.reject(session, actor=world.reviewer, claim_id=claim.id, version=seen,
                           reason_code="unsigned")
    assert again.id == first.id
    assert session.scalar(select(func.count()).select_from(AuditEvent)
                          .where(AuditEvent.action == "claim.reject")) == 1
    with pytest.raises(Conflict):
        reviews.approve(session, actor=world.reviewer, claim_id=claim.id, version=seen)


def test_a_completed_task_shows_100_percent_and_who_approved(session, world):
    from workflow import progress

    progress.report_progress(session, actor=world.member_a, task_id=world.task_a.id,
                             percent=60, narrative="Đã làm")
    claim = claim_for(session, world)
    reviews.approve(session, actor=world.reviewer, claim_id=claim.id, version=claim.version)
    detail = get_for_user(session, actor=world.member_a, task_id=world.task_a.id)
    assert detail.percent == 100 and detail.approved_by == "Người dùng reviewer"
    assert detail.approved_at is not None
    assert not detail.can_report and not detail.can_claim


def test_queue_filters_offer_only_units_and_sections_with_waiting_claims(session, world):
    from workflow.errors import PermissionDenied

    assert reviews.queue_filters(session, actor=world.reviewer) == ([], [])
    claim_for(session, world)
    units, sections = reviews.queue_filters(session, actor=world.reviewer)
    assert units == [(world.unit_a.id, world.unit_a.name)]
    assert [i for i, _ in sections] == [world.section.id]
    with pytest.raises(PermissionDenied):
        reviews.queue_filters(session, actor=world.member_a)
