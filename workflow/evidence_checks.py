"""Automatic checks shown to the reviewer beside each evidence file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import imagehash
from sqlalchemy import case, func, literal_column, select
from sqlalchemy.orm import Session

from db.models import CompletionClaim, EvidenceFile, Plan, Task
from workflow import signatures
from workflow.clock import format_date, to_local

NEAR_DUPLICATE_DISTANCE = 6
ACTIVE_CONTENT_LABELS = {
    "javascript": "mã JavaScript",
    "launch": "lệnh mở tệp hoặc chương trình khác",
    "embedded_file": "tệp đính kèm bên trong",
    "open_action": "hành động tự chạy khi mở tệp",
}


@dataclass(frozen=True)
class Check:
    """One finding: level is "ok", "warning" or "danger"."""

    level: str
    text: str


def phash_distance(a: str, b: str) -> int:
    """Hamming distance between two hex perceptual hashes made at ingest (0 = the same
    picture; up to NEAR_DUPLICATE_DISTANCE = the same scene)."""
    return imagehash.hex_to_hash(a) - imagehash.hex_to_hash(b)


HASH_CHUNKS = 8  # a 16-hex-digit phash read as 8 bytes


def near_duplicate_tasks(session: Session, evidence: EvidenceFile, task: Task) -> set[int]:
    """Other tasks with a submitted photo within NEAR_DUPLICATE_DISTANCE of this one.

    Searched in the database, never by reading every photo: PostgreSQL counts the differing
    bits itself; elsewhere the query keeps only photos that share at least two of the hash's
    8 bytes at the same place (two hashes at most 6 bits apart differ in at most 6 bytes, so
    none is missed) and the exact distance is checked on that small candidate set.
    """
    mine = (evidence.phash or "").lower()
    query = select(EvidenceFile.task_id, EvidenceFile.phash).where(
        EvidenceFile.phash.is_not(None), EvidenceFile.id != evidence.id,
        EvidenceFile.task_id != task.id, EvidenceFile.claim_id.is_not(None),
        EvidenceFile.sha256 != evidence.sha256)
    if len(mine) != 2 * HASH_CHUNKS or any(c not in "0123456789abcdef" for c in mine):
        return set()
    if session.get_bind().dialect.name == "postgresql":
        # CASE guards the cast: a malformed stored hash is skipped, never an error.
        distance = literal_column(
            "CASE WHEN evidence_files.phash ~ '^[0-9a-f]{16}$' THEN bit_count(('x' || "
            f"evidence_files.phash)::bit(64) # ('x' || '{mine}')::bit(64)) END")
        query = query.where(distance <= NEAR_DUPLICATE_DISTANCE)
    else:
        shared = sum(case((func.substr(EvidenceFile.phash, 2 * n + 1, 2) == mine[2 * n:2 * n + 2],
                           1), else_=0) for n in range(HASH_CHUNKS))
        query = query.where(shared >= HASH_CHUNKS - NEAR_DUPLICATE_DISTANCE)
    return {task_id for task_id, other in session.execute(query)
            if phash_distance(mine, other) <= NEAR_DUPLICATE_DISTANCE}


def _task_codes(session: Session, task_ids: set[int]) -> str:
    codes = session.scalars(select(Task.code).where(Task.id.in_(task_ids)).order_by(Task.code))
    return ", ".join(codes)


def checks_for(session: Session, evidence: EvidenceFile, task: Task) -> list[Check]:
    """What ingest learned about one file, compared with the rest of the plan."""
    found: list[Check] = []
    same = session.scalars(select(EvidenceFile).where(
        EvidenceFile.sha256 == evidence.sha256, EvidenceFile.id != evidence.id,
        EvidenceFile.claim_id.is_not(None))).all()
    elsewhere = {e.task_id for e in same if e.task_id != task.id}
    if elsewhere:
        found.append(Check("danger", "Cùng một file đã được dùng làm minh chứng cho nhiệm vụ "
                                     + _task_codes(session, elsewhere) + "."))
    elif same:
        found.append(Check("warning", "File này đã được nộp trong một đề nghị trước của "
                                      "chính nhiệm vụ."))
    if evidence.phash:
        near = near_duplicate_tasks(session, evidence, task)
        if near:
            found.append(Check("warning", "Ảnh gần giống ảnh minh chứng của nhiệm vụ "
                                          + _task_codes(session, near) + "."))
    if evidence.content_type.startswith("image/"):
        found.extend(_capture_time_checks(session, evidence, task))
    if evidence.content_type == "application/pdf":
        if evidence.pdf_encrypted:
            found.append(Check("warning", "PDF được đặt mật khẩu/mã hóa."))
        if evidence.pdf_active_content:
            found.append(Check("danger", active_content_text(evidence.pdf_active_content)))
        found.extend(_signature_checks(session, evidence, task))
        if evidence.pdf_pages:
            found.append(Check("ok", f"{evidence.pdf_pages} trang."))
    return found


def active_content_text(codes: str) -> str:
    """The reviewer's warning for a PDF that carries active content."""
    labels = [ACTIVE_CONTENT_LABELS.get(code, code) for code in codes.split(",") if code]
    return ("PDF chứa nội dung có thể tự chạy hoặc mở chương trình khác ("
            + ", ".join(labels) + "). Không bật JavaScript khi mở; chỉ công nhận khi nội dung "
            "văn bản rõ ràng, hợp lệ.")


def _capture_time_checks(session: Session, evidence: EvidenceFile, task: Task) -> list[Check]:
    if evidence.captured_at is None:
        return [Check("warning", "Ảnh không có thông tin thời gian chụp (EXIF).")]
    plan = session.get(Plan, task.plan_id)
    taken: date = to_local(evidence.captured_at).date()
    start = plan.start_date if plan else None
    end = task.deadline_date or (plan.end_date if plan else None)
    label = f"Ảnh chụp ngày {format_date(taken)}"
    if start and taken < start:
        return [Check("danger", f"{label}, trước khi kế hoạch bắt đầu ({format_date(start)}).")]
    if end and taken > end:
        return [Check("warning", f"{label}, sau thời hạn nhiệm vụ ({format_date(end)}).")]
    return [Check("ok", f"{label}, trong thời gian thực hiện nhiệm vụ.")]


def _signature_checks(session: Session, evidence: EvidenceFile, task: Task) -> list[Check]:
    plan = session.get(Plan, task.plan_id)
    window = (plan.start_date if plan else None,
              task.deadline_date or (plan.end_date if plan else None))
    unit = evidence.claim.unit if evidence.claim is not None else task.lead_unit
    return [Check(v.level, v.text) for v in signatures.file_verdicts(
        evidence.pdf_signatures, unit_name=unit.name if unit else None, window=window)]


def checks_for_claim(session: Session, claim: CompletionClaim) -> dict[int, list[Check]]:
    """Checks for every file of a claim, by evidence id."""
    return {e.id: checks_for(session, e, claim.task) for e in claim.evidence}
