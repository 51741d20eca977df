"""Per-plan data stamps: every committed write that can change a plan's derived figures
(status, warnings, ranking) gives ``plans.data_stamp`` a new random value in the same
transaction.

Caches of derived figures (workflow.warning_rules) key their entries by the stamp, so a write
in any worker or process invalidates them without a shared cache server. A random value
rather than a counter: two databases (tests, benches) never share a (plan id, stamp) pair.
The change is one UPDATE just before COMMIT, on the plans touched, in id order (no
lock-order deadlocks).
"""

from __future__ import annotations

import secrets

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from db.models import (
    CompletionClaim,
    EvidenceFile,
    Plan,
    ProgressReport,
    Review,
    Section,
    Task,
    TaskCoordinator,
    Unit,
)

_KEY = "changed_plans"
ALL_PLANS = 0  # a change (a unit's name) that shows in every plan's figures


def _plans_of(session: Session, objects) -> set[int]:
    plan_ids: set[int] = set()
    task_ids: set[int] = set()
    claim_ids: set[int] = set()
    for obj in objects:
        if isinstance(obj, Plan):
            plan_ids.add(obj.id)
        elif isinstance(obj, Task | Section):
            plan_ids.add(obj.plan_id)
        elif isinstance(obj, ProgressReport | CompletionClaim | TaskCoordinator | EvidenceFile):
            task_ids.add(obj.task_id)
        elif isinstance(obj, Review):
            claim_ids.add(obj.claim_id)
        elif isinstance(obj, Unit):
            plan_ids.add(ALL_PLANS)
    if claim_ids:
        task_ids.update(session.scalars(select(CompletionClaim.task_id).where(
            CompletionClaim.id.in_(claim_ids))))
    task_ids.discard(None)
    if task_ids:
        plan_ids.update(session.scalars(select(Task.plan_id).where(Task.id.in_(task_ids))))
    plan_ids.discard(None)
    return plan_ids


@event.listens_for(Session, "after_flush")
def _collect(session: Session, _context) -> None:
    touched = [*session.new, *session.dirty, *session.deleted]
    if not touched:
        return
    changed = _plans_of(session, (o for o in touched
                                  if not isinstance(o, Plan) or session.is_modified(o)))
    if changed:
        session.info.setdefault(_KEY, set()).update(changed)


@event.listens_for(Session, "before_commit")
def _bump(session: Session) -> None:
    if session.new or session.dirty or session.deleted:
        session.flush()  # commit flushes after this hook: collect the last changes first
    changed = session.info.pop(_KEY, None)
    if not changed:
        return
    statement = update(Plan).values(data_stamp=secrets.randbelow(2**31 - 1) + 1)
    if ALL_PLANS not in changed:
        statement = statement.where(Plan.id.in_(sorted(changed)))
    session.execute(statement.execution_options(synchronize_session=False))


def has_pending_changes(session: Session) -> bool:
    """Whether the session holds writes not yet committed (caches must not be used then)."""
    return bool(session.info.get(_KEY) or session.new or session.dirty or session.deleted)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_KEY, None)
