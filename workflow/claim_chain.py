"""Claims with a history (#16): a claim filed after a rejection (or a return by the unit
head) links to that claim, and each step shows which files were added, kept or removed,
compared by SHA-256, with the reason of each decision.

``compare_files`` is the one place that compares two claims' files; the claim history view
and the chain both use it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Integer, bindparam, select
from sqlalchemy.orm import Session, aliased

from db.models import (
    ClaimConfirmation,
    ClaimState,
    CompletionClaim,
    EvidenceFile,
    Review,
    ReviewDecision,
    Task,
    User,
)
from db.sql import run
from workflow import permissions
from workflow.errors import NotFound
from workflow.labels import CLAIM_STATE_LABELS, label
from workflow.permissions import Actor, Capability

# A claim in one of these states is what a new claim follows.
FOLLOWED_STATES = (ClaimState.REJECTED, ClaimState.RETURNED)


@dataclass(frozen=True)
class FileComparison:
    """Files of a claim against the claim it follows, by content (SHA-256); names as the
    newer claim writes them for added and kept files, as the older one did for removed."""

    added: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ChainLink:
    """One claim of the chain, oldest first."""

    claim_id: int
    created_at: datetime
    claimant: str
    state: str
    state_label: str
    files: list[str]
    comparison: FileComparison | None
    confirmed_by: str | None = None
    confirmed_at: datetime | None = None
    confirmation_note: str = ""
    decided_at: datetime | None = None
    decided_by: str | None = None
    reason: str = ""


def compare_files(before: Iterable[tuple[str, str]],
                  after: Iterable[tuple[str, str]]) -> FileComparison:
    """Compares two claims' files given as (name, sha256) pairs: a file whose content is in
    both is kept, whatever its name; renaming a file does not make it new."""
    before, after = list(before), list(after)
    old_hashes = {sha for _, sha in before}
    new_hashes = {sha for _, sha in after}
    return FileComparison(
        added=[name for name, sha in after if sha not in old_hashes],
        kept=[name for name, sha in after if sha in old_hashes],
        removed=[name for name, sha in before if sha not in new_hashes],
    )


def claim_to_follow(session: Session, task_id: int) -> int | None:
    """The claim a new claim of the task follows: the newest claim that was not withdrawn,
    when it was rejected by the office or returned by the head."""
    latest = session.execute(
        select(CompletionClaim.id, CompletionClaim.state)
        .where(CompletionClaim.task_id == task_id,
               CompletionClaim.state != ClaimState.WITHDRAWN)
        .order_by(CompletionClaim.id.desc()).limit(1)).first()
    if latest is None or latest.state not in FOLLOWED_STATES:
        return None
    return latest.id


@dataclass(frozen=True)
class ClaimStep:
    """One claim of a task as its history reads it: who filed it, the head's confirmation,
    the decision (one review at most per claim) or the head's return, and its files
    as (name, sha256), oldest first."""

    id: int
    created_at: datetime
    state: ClaimState
    follows_claim_id: int | None
    claimant: str
    decided_at: datetime | None
    review_decision: ReviewDecision | None
    reason_code: str | None
    reason_text: str | None
    reviewed_at: datetime | None
    reviewer: str | None
    returned_by: str | None
    return_reason: str | None
    confirmed_by: str | None
    confirmed_at: datetime | None
    confirmation_note: str
    confirmed_files: list
    files: list[tuple[str, str]]
    note: str = ""
    # The files as lists show them: (id, name, kind, size in bytes).
    documents: list[tuple[int, str, str, int]] = field(default_factory=list)
    # Every column of each file (the reviewer's checks read them).
    file_rows: list = field(default_factory=list)


_TASK = bindparam("task_id", type_=Integer)
_claimant, _returner, _reviewer, _head = (aliased(User) for _ in range(4))
# A task's claims with everything their history shows, and their files: two statements,
# built once (db.sql), whatever the length of the history.
_TASK_CLAIMS = (
    select(CompletionClaim.id, CompletionClaim.created_at, CompletionClaim.state,
           CompletionClaim.follows_claim_id, _claimant.full_name, CompletionClaim.decided_at,
           Review.decision, Review.reason_code, Review.reason_text, Review.created_at,
           _reviewer.full_name, _returner.full_name, CompletionClaim.return_reason,
           _head.full_name, ClaimConfirmation.confirmed_at, ClaimConfirmation.note,
           ClaimConfirmation.files, CompletionClaim.note)
    .join(_claimant, _claimant.id == CompletionClaim.claimant_id)
    .outerjoin(_returner, _returner.id == CompletionClaim.returned_by_id)
    .outerjoin(Review, Review.claim_id == CompletionClaim.id)
    .outerjoin(_reviewer, _reviewer.id == Review.reviewer_id)
    .outerjoin(ClaimConfirmation, ClaimConfirmation.claim_id == CompletionClaim.id)
    .outerjoin(_head, _head.id == ClaimConfirmation.head_id)
    .where(CompletionClaim.task_id == _TASK)
    .order_by(CompletionClaim.id))
_TASK_FILES = (select(*EvidenceFile.__table__.c)
               .where(EvidenceFile.task_id == _TASK, EvidenceFile.claim_id.is_not(None))
               .order_by(EvidenceFile.id))


def task_steps(session: Session, task_id: int) -> dict[int, ClaimStep]:
    """Every claim of the task by id (in filing order). No permission check: callers check
    the task first."""
    files: dict[int, list[tuple[str, str]]] = {}
    documents: dict[int, list[tuple[int, str, str, int]]] = {}
    file_rows: dict[int, list] = {}
    for row in run(session, _TASK_FILES, {"task_id": task_id}).all():
        files.setdefault(row.claim_id, []).append((row.original_name, row.sha256))
        documents.setdefault(row.claim_id, []).append(
            (row.id, row.original_name, row.kind.value, row.size_bytes))
        file_rows.setdefault(row.claim_id, []).append(row)
    return {row[0]: ClaimStep(
        id=row[0], created_at=row[1], state=ClaimState(row[2]), follows_claim_id=row[3],
        claimant=row[4], decided_at=row[5],
        review_decision=ReviewDecision(row[6]) if row[6] is not None else None,
        reason_code=row[7], reason_text=row[8], reviewed_at=row[9], reviewer=row[10],
        returned_by=row[11], return_reason=row[12], confirmed_by=row[13], confirmed_at=row[14],
        confirmation_note=row[15] or "", confirmed_files=list(row[16] or []),
        files=files.get(row[0], []), note=row[17] or "",
        documents=documents.get(row[0], []), file_rows=file_rows.get(row[0], []))
        for row in run(session, _TASK_CLAIMS, {"task_id": task_id}).all()}


def chain(session: Session, *, actor: Actor, claim_id: int) -> list[ChainLink]:
    """The chain a claim belongs to, oldest first, as far back as its links go.

    The actor must see the claim's task; outside the lead unit, steps the office never saw
    (claims returned by the head, or still waiting for it) are left out and files are
    compared between the steps shown."""
    from workflow.head_confirmation import UNIT_STEP_STATES, sees_unit_steps

    permissions.require(actor, Capability.VIEW_TASKS)
    start = session.get(CompletionClaim, claim_id)
    task = session.get(Task, start.task_id) if start is not None else None
    if start is None or not permissions.can_view_task(actor, task):
        raise NotFound("Không tìm thấy đề nghị.")
    own_unit = sees_unit_steps(actor, task)
    if not own_unit and start.state in UNIT_STEP_STATES:
        raise NotFound("Không tìm thấy đề nghị.")
    return links(task_steps(session, task.id), claim_id, own_unit=own_unit)


def links(steps: dict[int, ClaimStep], claim_id: int, *, own_unit: bool) -> list[ChainLink]:
    """The chain of ``claim_id`` through a task's steps (``task_steps``), oldest first;
    without ``own_unit`` the steps the office never saw are left out."""
    from workflow.reviews import reason_label

    ordered: list[ClaimStep] = []
    current: ClaimStep | None = steps[claim_id]
    while current is not None and current not in ordered:
        ordered.append(current)
        current = steps.get(current.follows_claim_id) if current.follows_claim_id else None
    ordered.reverse()
    if not own_unit:
        from workflow.head_confirmation import UNIT_STEP_STATES

        ordered = [c for c in ordered if c.state not in UNIT_STEP_STATES]
    result: list[ChainLink] = []
    previous: ClaimStep | None = None
    for step in ordered:
        if step.review_decision is not None:
            decided_by, reason = step.reviewer, reason_label(step)
        elif step.state == ClaimState.RETURNED:
            decided_by, reason = step.returned_by, step.return_reason or ""
        else:
            decided_by, reason = None, ""
        result.append(ChainLink(
            claim_id=step.id, created_at=step.created_at, claimant=step.claimant,
            state=step.state.value, state_label=label(step.state, CLAIM_STATE_LABELS),
            files=[name for name, _ in step.files],
            comparison=compare_files(previous.files, step.files) if previous else None,
            confirmed_by=step.confirmed_by, confirmed_at=step.confirmed_at,
            confirmation_note=step.confirmation_note,
            decided_at=step.decided_at, decided_by=decided_by, reason=reason))
        previous = step
    return result
