"""No evidence, no completion, under concurrency: simultaneous submissions on SQLite and
PostgreSQL (threads, one session and connection each), the database's own guard, approval
of a claim without files, and a completed task."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from db.models import ClaimState, CompletionClaim, EvidenceFile, User
from db.session import make_session_factory
from tests.factories import make_task
from tests.workflow.test_claims_reviews import staged
from workflow import claims, progress, reviews
from workflow.clock import now_utc
from workflow.errors import DomainError, ValidationError

PAIRS = 50


def _race(factory, member_id: int, task_id: int, id_sets: list[list[int]]) -> list[object]:
    """Runs one file_claim per id set at the same moment; returns claim ids or errors."""
    barrier = threading.Barrier(len(id_sets))
    results: list[object] = [None] * len(id_sets)

    def submit(slot: int) -> None:
        with factory() as session:
            user = session.get(User, member_id)
            barrier.wait()
            try:
                claim = claims.file_claim(session, actor=user, task_id=task_id,
                                          evidence_ids=id_sets[slot], note="Đã xong")
                claim_id = claim.id
                session.commit()
                results[slot] = claim_id
            except DomainError as error:
                session.rollback()
                results[slot] = error
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                session.rollback()
                results[slot] = error

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(len(id_sets))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_fifty_pairs_of_simultaneous_submissions_leave_one_pending_claim_with_files(
        engine, session, world):
    factory = make_session_factory(engine)
    for round_number in range(PAIRS):
        task = make_task(session, world.plan, world.section, f"R.{round_number}", world.unit_a,
                         position=100 + round_number)
        first = [staged(session, world.member_a, task, f"a{round_number}-{i}.pdf").id
                 for i in range(2)]
        # Even rounds: a double click (same files twice); odd rounds: two different sets.
        second = (first if round_number % 2 == 0 else
                  [staged(session, world.member_a, task, f"b{round_number}.pdf").id])
        session.commit()
        results = _race(factory, world.member_a.id, task.id, [first, second])
        session.expire_all()
        pending = session.scalars(select(CompletionClaim).where(
            CompletionClaim.task_id == task.id,
            CompletionClaim.state == ClaimState.PENDING)).all()
        assert len(pending) == 1, (round_number, results)
        files = session.scalars(select(EvidenceFile.id).where(
            EvidenceFile.claim_id == pending[0].id)).all()
        assert sorted(files) in (sorted(first), sorted(second)), (round_number, results)
        if round_number % 2 == 0:
            assert results == [pending[0].id, pending[0].id], (round_number, results)
        else:
            winners = [r for r in results if isinstance(r, int)]
            losers = [r for r in results if not isinstance(r, int)]
            assert winners == [pending[0].id], (round_number, results)
            assert len(losers) == 1 and isinstance(losers[0], ValidationError), results
            assert "đang chờ thẩm định" in losers[0].message
        total = session.scalar(select(func.count()).select_from(CompletionClaim).where(
            CompletionClaim.task_id == task.id))
        assert total == 1


def test_repeated_submission_returns_the_claim_already_filed(session, world):
    ids = [staged(session, world.member_a, world.task_a).id]
    first = claims.file_claim(session, actor=world.member_a, task_id=world.task_a.id,
                              evidence_ids=ids)
    again = claims.file_claim(session, actor=world.member_a, task_id=world.task_a.id,
                              evidence_ids=ids)
    assert again.id == first.id
    assert session.scalar(select(func.count()).select_from(CompletionClaim)) == 1


def test_the_database_refuses_a_second_pending_claim(session, world):
    def pending_row():
        return CompletionClaim(task_id=world.task_a.id, unit_id=world.unit_a.id,
                               claimant_id=world.member_a.id, state=ClaimState.PENDING,
                               created_at=now_utc())

    session.add(pending_row())
    session.flush()
    session.add(pending_row())
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()
    # Decided claims do not count: several may exist beside one pending claim.
    for state in (ClaimState.REJECTED, ClaimState.WITHDRAWN, ClaimState.PENDING):
        row = pending_row()
        row.state = state
        session.add(row)
    session.flush()


def test_a_claim_without_files_can_never_be_approved(session, world):
    # A legacy row written without files (the database now refuses to detach a filed
    # one, migration 0009): approval checks in its own transaction.
    claim = CompletionClaim(task_id=world.task_a.id, unit_id=world.unit_a.id,
                            claimant_id=world.member_a.id, note="", state=ClaimState.PENDING,
                            created_at=now_utc())
    session.add(claim)
    session.commit()
    with pytest.raises(ValidationError, match="không có file minh chứng"):
        reviews.approve(session, actor=world.reviewer, claim_id=claim.id, version=claim.version)
    session.rollback()
    session.expire_all()
    assert session.get(CompletionClaim, claim.id).state == ClaimState.PENDING


def test_claim_with_no_files_is_refused(session, world):
    with pytest.raises(ValidationError, match="ít nhất một file"):
        claims.file_claim(session, actor=world.member_a, task_id=world.task_a.id,
                          evidence_ids=[])


def test_an_approved_task_refuses_new_claims_and_progress(session, world):
    claim = claims.file_claim(session, actor=world.member_a, task_id=world.task_a.id,
                              evidence_ids=[staged(session, world.member_a, world.task_a).id])
    reviews.approve(session, actor=world.reviewer, claim_id=claim.id, version=claim.version)
    session.commit()
    with pytest.raises(ValidationError, match="đã được công nhận hoàn thành"):
        claims.file_claim(session, actor=world.member_a, task_id=world.task_a.id,
                          evidence_ids=[staged(session, world.member_a, world.task_a).id])
    for member in (world.member_a, world.member_b):  # lead and coordinating unit
        with pytest.raises(ValidationError, match="không nhận thêm báo cáo"):
            progress.report_progress(session, actor=member, task_id=world.task_a.id,
                                     percent=100, narrative="Báo cáo thêm")
    assert session.scalar(select(func.count()).select_from(CompletionClaim)) == 1


def test_withdraw_on_a_hidden_task_says_the_same_whether_or_not_a_claim_is_pending(
        session, world):
    claims.file_claim(session, actor=world.member_b, task_id=world.task_b.id,
                      evidence_ids=[staged(session, world.member_b, world.task_b).id])
    hidden_with_claim = world.task_b
    hidden_without = make_task(session, world.plan, world.section, "I.9", world.unit_b)
    answers = []
    for task in (hidden_with_claim, hidden_without, None):
        with pytest.raises(DomainError) as caught:
            claims.withdraw_pending(session, actor=world.member_c,
                                    task_id=task.id if task else 999_999)
        answers.append((type(caught.value), caught.value.message, caught.value.http_status))
    assert len(set(answers)) == 1
    assert answers[0][2] == 404


def test_a_completed_task_offers_no_forms_and_takes_no_uploads(session, world, local_store):
    import io

    from tests.storage.samples import pdf_bytes
    from workflow import evidence, tasks

    assert tasks.get_for_user(session, actor=world.member_a, task_id=world.task_a.id).can_claim
    claim = claims.file_claim(session, actor=world.member_a, task_id=world.task_a.id,
                              evidence_ids=[staged(session, world.member_a, world.task_a).id])
    reviews.approve(session, actor=world.reviewer, claim_id=claim.id, version=claim.version)
    detail = tasks.get_for_user(session, actor=world.member_a, task_id=world.task_a.id)
    assert not detail.can_claim and not detail.can_report
    with pytest.raises(ValidationError, match="không nhận thêm minh chứng"):
        evidence.stage_upload(session, actor=world.member_a, task_id=world.task_a.id,
                              stream=io.BytesIO(pdf_bytes()), filename="a.pdf",
                              store=local_store, max_bytes=10**6)
    assert list(local_store.list_keys("evidence/")) == []
