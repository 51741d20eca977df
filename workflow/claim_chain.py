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

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from db.models import ClaimState, CompletionClaim, Task
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


def _files(claim: CompletionClaim) -> list[tuple[str, str]]:
    return [(e.original_name, e.sha256) for e in claim.evidence]


def chain(session: Session, *, actor: Actor, claim_id: int) -> list[ChainLink]:
    """The chain a claim belongs to, oldest first, as far back as its links go.

    The actor must see the claim's task; outside the lead unit, steps the office never saw
    (claims returned by the head, or still waiting for it) are left out and files are
    compared between the steps shown."""
    from workflow.head_confirmation import sees_unit_steps
    from workflow.reviews import reason_label

    permissions.require(actor, Capability.VIEW_TASKS)
    start = session.get(CompletionClaim, claim_id)
    task = session.get(Task, start.task_id) if start is not None else None
    if start is None or not permissions.can_view_task(actor, task):
        raise NotFound("Không tìm thấy đề nghị.")
    own_unit = sees_unit_steps(actor, task)
    if not own_unit and start.state in (ClaimState.AWAITING_HEAD, ClaimState.RETURNED):
        raise NotFound("Không tìm thấy đề nghị.")
    # The task's claims in one query; the chain is followed through them in memory.
    claims = {c.id: c for c in session.scalars(
        select(CompletionClaim).where(CompletionClaim.task_id == start.task_id)
        .options(selectinload(CompletionClaim.evidence), selectinload(CompletionClaim.reviews),
                 selectinload(CompletionClaim.confirmation),
                 selectinload(CompletionClaim.claimant),
                 selectinload(CompletionClaim.returned_by)))}
    ordered: list[CompletionClaim] = []
    current: CompletionClaim | None = claims[start.id]
    while current is not None and current not in ordered:
        ordered.append(current)
        current = claims.get(current.follows_claim_id) if current.follows_claim_id else None
    ordered.reverse()
    if not own_unit:
        ordered = [c for c in ordered if c.state not in (ClaimState.AWAITING_HEAD,
                                                         ClaimState.RETURNED)]
    links: list[ChainLink] = []
    previous: CompletionClaim | None = None
    for claim in ordered:
        confirmation = claim.confirmation
        review = claim.reviews[-1] if claim.reviews else None
        if review is not None:
            decided_by, reason = review.reviewer.full_name, reason_label(review)
        elif claim.state == ClaimState.RETURNED:
            decided_by = claim.returned_by.full_name if claim.returned_by else None
            reason = claim.return_reason or ""
        else:
            decided_by, reason = None, ""
        links.append(ChainLink(
            claim_id=claim.id, created_at=claim.created_at,
            claimant=claim.claimant.full_name, state=claim.state.value,
            state_label=label(claim.state, CLAIM_STATE_LABELS),
            files=[name for name, _ in _files(claim)],
            comparison=compare_files(_files(previous), _files(claim)) if previous else None,
            confirmed_by=confirmation.head.full_name if confirmation else None,
            confirmed_at=confirmation.confirmed_at if confirmation else None,
            confirmation_note=confirmation.note if confirmation else "",
            decided_at=claim.decided_at, decided_by=decided_by, reason=reason))
        previous = claim
    return links
