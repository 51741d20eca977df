"""A claim's history on its task: the earlier claims with their verdicts, and which
evidence files changed since the claim it follows (compared by SHA-256).

The chain is derived from the task's claims ordered by time: a claim follows the newest
earlier claim that was decided (rejected, normally) or, failing that, the newest earlier one.
``follows`` is the one place that decides this, so an explicit link can replace it later."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from db.models import ClaimState, CompletionClaim, EvidenceFile, Review, ReviewDecision, Task
from workflow import permissions
from workflow.errors import NotFound
from workflow.permissions import Actor, Capability

NEW, REMOVED, UNCHANGED = "new", "removed", "unchanged"


@dataclass(frozen=True)
class FileChange:
    """One evidence file in the comparison of a claim with the claim it follows."""

    state: str  # NEW, REMOVED or UNCHANGED
    name: str
    sha256: str
    evidence_id: int


@dataclass(frozen=True)
class EarlierClaim:
    """An earlier claim of the task and how it ended."""

    claim_id: int
    created_at: datetime
    state: ClaimState
    claimant: str
    files: int
    decided_at: datetime | None
    reviewer: str | None
    reason: str | None  # the rejection reason as the unit read it


@dataclass(frozen=True)
class ClaimHistory:
    """What the reviewer of a resubmission needs to see about the claims before it."""

    earlier: list[EarlierClaim]  # newest first
    follows: EarlierClaim | None
    changes: list[FileChange]  # new first, then removed, then unchanged

    def count(self, state: str) -> int:
        """How many files are in ``state``."""
        return sum(1 for change in self.changes if change.state == state)


def compare_files(before: Sequence[EvidenceFile],
                  after: Sequence[EvidenceFile]) -> list[FileChange]:
    """Files of ``after`` not in ``before`` (new), of ``before`` not in ``after`` (removed),
    and in both (unchanged), judged by content (SHA-256), not by name."""
    old = {e.sha256: e for e in before}
    new = {e.sha256: e for e in after}
    changes = [FileChange(NEW, e.original_name, e.sha256, e.id)
               for digest, e in new.items() if digest not in old]
    changes += [FileChange(REMOVED, e.original_name, e.sha256, e.id)
                for digest, e in old.items() if digest not in new]
    changes += [FileChange(UNCHANGED, e.original_name, e.sha256, e.id)
                for digest, e in new.items() if digest in old]
    return changes


def follows(claim: CompletionClaim,
            task_claims: Sequence[CompletionClaim]) -> CompletionClaim | None:
    """The claim ``claim`` follows: the newest earlier decided claim of the task, else the
    newest earlier claim (withdrawn ones included), else none."""
    earlier = [c for c in task_claims if _order(c) < _order(claim)]
    decided = [c for c in earlier if c.state in (ClaimState.REJECTED, ClaimState.APPROVED)]
    pool = decided or earlier
    return max(pool, key=_order) if pool else None


def _order(claim: CompletionClaim) -> tuple[datetime, int]:
    return claim.created_at, claim.id


def _earlier(claim: CompletionClaim) -> EarlierClaim:
    from workflow.reviews import reason_label

    review: Review | None = claim.reviews[-1] if claim.reviews else None
    return EarlierClaim(
        claim_id=claim.id, created_at=claim.created_at, state=claim.state,
        claimant=claim.claimant.full_name if claim.claimant else "—",
        files=len(claim.evidence), decided_at=claim.decided_at,
        reviewer=review.reviewer.full_name if review and review.reviewer else None,
        reason=reason_label(review) if review and review.decision == ReviewDecision.REJECT
        else None)


def claim_history(session: Session, *, actor: Actor, claim_id: int) -> ClaimHistory:
    """The earlier claims of the claim's task and the file changes since the one it follows."""
    permissions.require(actor, Capability.VIEW_TASKS)
    claim = session.get(CompletionClaim, claim_id)
    if claim is None:
        raise NotFound("Không tìm thấy đề nghị.")
    permissions.require_task_visible(actor, session.get(Task, claim.task_id))
    task_claims = list(session.scalars(
        select(CompletionClaim).where(CompletionClaim.task_id == claim.task_id)
        .options(selectinload(CompletionClaim.evidence),
                 selectinload(CompletionClaim.claimant),
                 selectinload(CompletionClaim.reviews).selectinload(Review.reviewer))))
    earlier = sorted((c for c in task_claims if _order(c) < _order(claim)), key=_order,
                     reverse=True)
    previous = follows(claim, task_claims)
    return ClaimHistory(
        earlier=[_earlier(c) for c in earlier],
        follows=_earlier(previous) if previous is not None else None,
        changes=compare_files(previous.evidence, claim.evidence) if previous is not None else [],
    )
