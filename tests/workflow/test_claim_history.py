"""A resubmission's history: earlier claims with their verdicts, and file changes by SHA-256."""

from __future__ import annotations

import pytest

from db.models import ClaimState, EvidenceFile, EvidenceKind
from workflow import claims, reviews
from workflow.claim_history import NEW, REMOVED, UNCHANGED, claim_history
from workflow.clock import now_utc
from workflow.errors import NotFound


def _file(session, world, name: str, digest: str) -> int:
    evidence = EvidenceFile(task_id=world.task_a.id, uploaded_by_id=world.member_a.id,
                            object_key=f"evidence/test/{name}-{now_utc().timestamp()}",
                            original_name=name, content_type="application/pdf", size_bytes=10,
                            sha256=digest * 64, kind=EvidenceKind.SIGNED_DOCUMENT, derived={},
                            created_at=now_utc())
    session.add(evidence)
    session.flush()
    return evidence.id


def _claim(session, world, *files):
    return claims.file_claim(session, actor=world.member_a, task_id=world.task_a.id,
                             evidence_ids=[_file(session, world, n, d) for n, d in files])


def test_a_resubmission_shows_the_rejection_and_the_changed_files(session, world):
    first = _claim(session, world, ("quyet-dinh.pdf", "a"), ("anh.jpg", "b"))
    reviews.reject(session, actor=world.reviewer, claim_id=first.id, version=first.version,
                   reason_code="unsigned", reason_text="Thiếu chữ ký")
    # The same photo uploaded again under another name is unchanged: content decides.
    second = _claim(session, world, ("anh-hoi-nghi.jpg", "b"), ("quyet-dinh-da-ky.pdf", "c"))
    history = claim_history(session, actor=world.reviewer, claim_id=second.id)
    assert [c.claim_id for c in history.earlier] == [first.id]
    assert history.follows.state == ClaimState.REJECTED
    assert history.follows.reviewer == "Người dùng reviewer"
    assert history.follows.reason == "Văn bản chưa ký — Thiếu chữ ký"
    changes = {(c.state, c.name) for c in history.changes}
    assert changes == {(NEW, "quyet-dinh-da-ky.pdf"), (REMOVED, "quyet-dinh.pdf"),
                       (UNCHANGED, "anh-hoi-nghi.jpg")}
    assert (history.count(NEW), history.count(REMOVED), history.count(UNCHANGED)) == (1, 1, 1)


def test_a_claim_after_a_withdrawn_one_follows_the_last_decided(session, world):
    first = _claim(session, world, ("a.pdf", "a"))
    reviews.reject(session, actor=world.reviewer, claim_id=first.id, version=first.version,
                   reason_code="unclear")
    withdrawn = _claim(session, world, ("b.pdf", "b"))
    claims.withdraw_claim(session, actor=world.member_a, claim_id=withdrawn.id)
    third = _claim(session, world, ("c.pdf", "c"))
    history = claim_history(session, actor=world.reviewer, claim_id=third.id)
    assert [c.claim_id for c in history.earlier] == [withdrawn.id, first.id]
    assert history.follows.claim_id == first.id


def test_a_first_claim_has_no_history(session, world):
    first = _claim(session, world, ("a.pdf", "a"))
    history = claim_history(session, actor=world.reviewer, claim_id=first.id)
    assert history.earlier == [] and history.follows is None and history.changes == []


def test_another_unit_cannot_read_the_history(session, world):
    first = _claim(session, world, ("a.pdf", "a"))
    with pytest.raises(NotFound):
        claim_history(session, actor=world.member_c, claim_id=first.id)
