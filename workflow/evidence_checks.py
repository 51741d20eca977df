"""Automatic checks shown to the reviewer beside each evidence file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import imagehash
from sqlalchemy import Integer, Select, String, bindparam, case, func, literal_column, or_, select
from sqlalchemy.orm import Session

from db.models import CompletionClaim, EvidenceFile, Plan, Task
from db.sql import run
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


@dataclass(frozen=True)
class CheckContext:
    """What a file is checked against: its task and plan, the window the task runs in (plan
    start to the task's deadline, else the plan's end) and the unit expected to sign."""

    task_id: int
    ward_id: int
    starts: date | None
    ends: date | None
    unit_name: str | None


def context_of(session: Session, task: Task, unit_name: str | None = None) -> CheckContext:
    """The context of a task's files (``unit_name``: the claiming unit, else the lead)."""
    plan = session.get(Plan, task.plan_id)  # a task always has its plan
    if unit_name is None and task.lead_unit is not None:
        unit_name = task.lead_unit.name
    return CheckContext(task.id, plan.ward_id, plan.start_date,
                        task.deadline_date or plan.end_date, unit_name)


def near_duplicate_tasks(session: Session, evidence, task: Task | CheckContext) -> set[int]:
    """Other tasks with a submitted photo within NEAR_DUPLICATE_DISTANCE of this one.

    Searched in the database, never by reading every photo: two hashes at most 6 bits apart
    differ in at most 6 of their 8 bytes, so a near duplicate shares at least two bytes at
    the same place. The indexed byte columns (migration 0010) find the photos sharing one,
    the query keeps those sharing two, and the exact distance is checked on that small set.
    """
    if not isinstance(task, CheckContext):
        task = context_of(session, task)
    mine = (evidence.phash or "").lower()
    if len(mine) != 2 * HASH_CHUNKS or any(c not in "0123456789abcdef" for c in mine):
        return set()
    params = {f"b{n}": mine[2 * n:2 * n + 2] for n in range(HASH_CHUNKS)}
    params.update(evidence_id=evidence.id, task_id=task.task_id, sha256=evidence.sha256,
                  ward_id=task.ward_id)
    return {task_id for task_id, other in run(session, _NEAR_DUPLICATES, params).all()
            if phash_distance(mine, other) <= NEAR_DUPLICATE_DISTANCE}


def _ward_tasks() -> Select:
    """The ids of the tasks of the ward given as the ``ward_id`` parameter: another ward's
    files are never named here."""
    return select(Task.id).join(Plan, Plan.id == Task.plan_id).where(
        Plan.ward_id == bindparam("ward_id", type_=Integer))


def _near_duplicates() -> Select:
    # Literal positions: the indexed expressions (migration 0010); the bytes are parameters.
    chunks = [func.substr(EvidenceFile.phash, literal_column(str(2 * n + 1)), literal_column("2"))
              for n in range(HASH_CHUNKS)]
    mine = [bindparam(f"b{n}", type_=String) for n in range(HASH_CHUNKS)]
    shared = sum(case((chunk == mine[n], 1), else_=0) for n, chunk in enumerate(chunks))
    return select(EvidenceFile.task_id, EvidenceFile.phash).where(
        or_(*(chunk == mine[n] for n, chunk in enumerate(chunks))),
        EvidenceFile.phash.is_not(None),
        EvidenceFile.id != bindparam("evidence_id", type_=Integer),
        EvidenceFile.task_id != bindparam("task_id", type_=Integer),
        EvidenceFile.claim_id.is_not(None),
        EvidenceFile.sha256 != bindparam("sha256", type_=String),
        EvidenceFile.task_id.in_(_ward_tasks()),
        shared >= HASH_CHUNKS - NEAR_DUPLICATE_DISTANCE)


# Built once (db.sql).
_NEAR_DUPLICATES = _near_duplicates()
_SAME_CONTENT = (select(EvidenceFile.id, EvidenceFile.sha256, EvidenceFile.task_id)
                 .where(EvidenceFile.sha256.in_(bindparam("hashes", expanding=True)),
                        EvidenceFile.claim_id.is_not(None),
                        EvidenceFile.task_id.in_(_ward_tasks())))


def _task_codes(session: Session, task_ids: set[int]) -> str:
    codes = session.scalars(select(Task.code).where(Task.id.in_(task_ids)).order_by(Task.code))
    return ", ".join(codes)


def _same_content(session: Session, files: list,
                  task: CheckContext) -> dict[int, list[int]]:
    """For each file (all of ``task``), the tasks of the ward's other submitted files with
    the same SHA-256 (one query for all the files)."""
    rows = run(session, _SAME_CONTENT, {"hashes": sorted({f.sha256 for f in files}),
                                        "ward_id": task.ward_id}).all() if files else []
    return {f.id: [task_id for other, sha, task_id in rows if sha == f.sha256 and other != f.id]
            for f in files}


def checks_for(session: Session, evidence, task: Task | CheckContext, *,
               same_content: list[int] | None = None) -> list[Check]:
    """What ingest learned about one file (an EvidenceFile, or a row of its columns),
    compared with the rest of the plan."""
    context = task if isinstance(task, CheckContext) else context_of(
        session, task, evidence.claim.unit.name if getattr(evidence, "claim", None) else None)
    found: list[Check] = []
    same = (same_content if same_content is not None
            else _same_content(session, [evidence], context)[evidence.id])
    elsewhere = {task_id for task_id in same if task_id != context.task_id}
    if elsewhere:
        found.append(Check("danger", "Cùng một file đã được dùng làm minh chứng cho nhiệm vụ "
                                     + _task_codes(session, elsewhere) + "."))
    elif same:
        found.append(Check("warning", "File này đã được nộp trong một đề nghị trước của "
                                      "chính nhiệm vụ."))
    if evidence.phash:
        near = near_duplicate_tasks(session, evidence, context)
        if near:
            found.append(Check("warning", "Ảnh gần giống ảnh minh chứng của nhiệm vụ "
                                          + _task_codes(session, near) + "."))
    if evidence.content_type.startswith("image/"):
        found.append(_capture_time_check(evidence, context))
    if evidence.content_type == "application/pdf":
        if evidence.pdf_encrypted:
            found.append(Check("warning", "PDF được đặt mật khẩu/mã hóa."))
        if evidence.pdf_active_content:
            found.append(Check("danger", active_content_text(evidence.pdf_active_content)))
        found.extend(Check(v.level, v.text) for v in signatures.file_verdicts(
            evidence.pdf_signatures, unit_name=context.unit_name,
            window=(context.starts, context.ends)))
        if evidence.pdf_pages:
            found.append(Check("ok", f"{evidence.pdf_pages} trang."))
    return found


def active_content_text(codes: str) -> str:
    """The reviewer's warning for a PDF that carries active content."""
    labels = [ACTIVE_CONTENT_LABELS.get(code, code) for code in codes.split(",") if code]
    return ("PDF chứa nội dung có thể tự chạy hoặc mở chương trình khác ("
            + ", ".join(labels) + "). Không bật JavaScript khi mở; chỉ công nhận khi nội dung "
            "văn bản rõ ràng, hợp lệ.")


def _capture_time_check(evidence, task: CheckContext) -> Check:
    if evidence.captured_at is None:
        return Check("warning", "Ảnh không có thông tin thời gian chụp (EXIF).")
    taken: date = to_local(evidence.captured_at).date()
    label = f"Ảnh chụp ngày {format_date(taken)}"
    if task.starts and taken < task.starts:
        return Check("danger", f"{label}, trước khi kế hoạch bắt đầu "
                               f"({format_date(task.starts)}).")
    if task.ends and taken > task.ends:
        return Check("warning", f"{label}, sau thời hạn nhiệm vụ ({format_date(task.ends)}).")
    return Check("ok", f"{label}, trong thời gian thực hiện nhiệm vụ.")


def checks_for_files(session: Session, files: list, task: CheckContext
                     ) -> dict[int, list[Check]]:
    """Checks for files of one claim (EvidenceFile objects or rows of their columns), by
    evidence id: one same-content query for all, one near-duplicate query per photo."""
    same = _same_content(session, files, task)
    return {f.id: checks_for(session, f, task, same_content=same[f.id]) for f in files}


def checks_for_claim(session: Session, claim: CompletionClaim) -> dict[int, list[Check]]:
    """Checks for every file of a claim, by evidence id."""
    return checks_for_files(session, list(claim.evidence),
                            context_of(session, claim.task, claim.unit.name))
