"""Messages that reveal nothing: an object the user may not see and one that does not
exist get the same message and status, and no error names another unit's file, unit or
state."""

from __future__ import annotations

import io

import pytest

from tests.storage.samples import pdf_bytes
from tests.workflow.test_claims_reviews import staged
from workflow import claims, evidence, progress, tasks
from workflow.errors import DomainError

MISSING = 987_654


def _answer(call) -> tuple[type, str, int]:
    with pytest.raises(DomainError) as caught:
        call()
    error = caught.value
    return type(error), error.message, error.http_status


def _same(hidden, missing) -> tuple[type, str, int]:
    a, b = _answer(hidden), _answer(missing)
    assert a == b
    return a


def test_tasks_the_unit_may_not_see_look_like_missing_ones(session, world, local_store):
    member, hidden = world.member_c, world.task_a  # led by A, coordinated by B
    calls = {
        "detail": lambda task_id: tasks.get_for_user(session, actor=member, task_id=task_id),
        "claims": lambda task_id: claims.claims_of_task(session, actor=member, task_id=task_id),
        "history": lambda task_id: progress.history(session, actor=member, task_id=task_id),
        "progress": lambda task_id: progress.report_progress(
            session, actor=member, task_id=task_id, percent=50, narrative="x"),
        "claim": lambda task_id: claims.file_claim(session, actor=member, task_id=task_id,
                                                   evidence_ids=[1]),
        "withdraw": lambda task_id: claims.withdraw_pending(session, actor=member,
                                                            task_id=task_id),
        "upload": lambda task_id: evidence.stage_upload(
            session, actor=member, task_id=task_id, stream=io.BytesIO(pdf_bytes()),
            filename="a.pdf", store=local_store, max_bytes=10**6),
    }
    for name, call in calls.items():
        kind, message, status = _same(lambda c=call: c(hidden.id), lambda c=call: c(MISSING))
        assert status == 404, name
        assert hidden.code not in message and hidden.title not in message


def test_filing_with_another_units_evidence_does_not_name_the_file(session, world):
    theirs = staged(session, world.member_b, world.task_b, "Biên bản mật của UBND.pdf")
    shared = staged(session, world.member_b, world.task_a, "Tờ trình phối hợp.pdf")
    answers = set()
    for evidence_id in (theirs.id, shared.id, MISSING):
        kind, message, status = _answer(lambda i=evidence_id: claims.file_claim(
            session, actor=world.member_a, task_id=world.task_a.id, evidence_ids=[i]))
        assert "Biên bản" not in message and "Tờ trình" not in message
        assert world.unit_b.name not in message
        answers.add((kind, message, status))
    assert len(answers) == 1


def test_other_units_files_look_missing(session, world):
    approved_elsewhere = staged(session, world.member_b, world.task_b, "Kết quả UBND.pdf")
    staged_by_a = staged(session, world.member_a, world.task_a, "Nháp đơn vị A.pdf")
    for hidden_id in (approved_elsewhere.id, staged_by_a.id):
        # C does not see task_b; B sees task_a but not A's files before a claim is filed.
        for user in (world.member_c, world.member_b):
            if user is world.member_b and hidden_id == approved_elsewhere.id:
                continue
            kind, message, status = _same(
                lambda i=hidden_id, u=user: evidence.get_for_download(session, actor=u,
                                                                       evidence_id=i),
                lambda u=user: evidence.get_for_download(session, actor=u, evidence_id=MISSING))
            assert status == 404 and ".pdf" not in message


def test_withdrawing_another_units_claim_looks_missing(session, world):
    theirs = claims.file_claim(session, actor=world.member_b, task_id=world.task_b.id,
                               evidence_ids=[staged(session, world.member_b, world.task_b).id])
    kind, message, status = _same(
        lambda: claims.withdraw_claim(session, actor=world.member_a, claim_id=theirs.id),
        lambda: claims.withdraw_claim(session, actor=world.member_a, claim_id=MISSING))
    assert status == 404 and "chờ thẩm định" not in message
