"""Near-duplicate photos are found in the database: within 6 bits, on other tasks, among
submitted files only; the exact distance decides, not the shared bytes."""

from __future__ import annotations

from db.models import ClaimState, CompletionClaim, EvidenceFile, EvidenceKind
from workflow.clock import now_utc
from workflow.evidence_checks import near_duplicate_tasks, phash_distance

MINE = "f0e1d2c3b4a59687"


def _flip(phash: str, bits: int) -> str:
    """The hash with its lowest ``bits`` bits of each of the first bytes flipped, one bit per
    byte (so ``bits`` bytes differ: the hardest case for the byte buckets)."""
    value = bytearray.fromhex(phash)
    for n in range(bits):
        value[n] ^= 1
    return value.hex()


def _photo(session, world, task, phash: str, *, submitted: bool = True) -> EvidenceFile:
    claim_id = None
    if submitted:
        claim = CompletionClaim(task_id=task.id, unit_id=task.lead_unit_id,
                                claimant_id=world.member_a.id, state=ClaimState.REJECTED,
                                created_at=now_utc(), decided_at=now_utc())
        session.add(claim)
        session.flush()
        claim_id = claim.id
    photo = EvidenceFile(claim_id=claim_id, task_id=task.id, uploaded_by_id=world.member_a.id,
                         object_key=f"k/{phash}/{claim_id}", original_name="anh.jpg",
                         content_type="image/jpeg", size_bytes=10, sha256=phash * 4,
                         kind=EvidenceKind.PHOTO, phash=phash, derived={}, created_at=now_utc())
    session.add(photo)
    session.flush()
    return photo


def test_close_photos_of_other_tasks_are_found_and_far_ones_are_not(session, world):
    mine = _photo(session, world, world.task_a, MINE, submitted=False)
    _photo(session, world, world.task_b, _flip(MINE, 6))           # 6 bytes differ: near
    _photo(session, world, world.task_all, _flip(MINE, 7))         # 7 bits: not near
    _photo(session, world, world.task_overdue, _flip(MINE, 2), submitted=False)  # not submitted
    _photo(session, world, world.task_a, _flip(MINE, 1))           # the same task
    assert phash_distance(MINE, _flip(MINE, 6)) == 6
    assert near_duplicate_tasks(session, mine, world.task_a) == {world.task_b.id}


def test_a_malformed_hash_finds_nothing_and_breaks_nothing(session, world):
    _photo(session, world, world.task_b, "not-a-hash")
    mine = _photo(session, world, world.task_a, MINE, submitted=False)
    assert near_duplicate_tasks(session, mine, world.task_a) == set()
    mine.phash = "xyz"
    assert near_duplicate_tasks(session, mine, world.task_a) == set()
