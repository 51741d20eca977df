"""Background jobs: heavy exports and province-wide publishing run off the request.

A request records a ``Job`` row (who asked, the kind, its parameters) and, once that row is
committed, hands the job's id to the queue (``portal.queue``: huey on SQLite by default, on
Redis in production). A worker then calls ``run_job``: it claims the row with one conditional
UPDATE (so a message delivered twice runs the work once), re-checks the requester's right to
the kind, runs the work while a heartbeat thread writes its progress, keeps the file in the
evidence store under ``jobs/`` and marks the row done — in the same transaction as the work's
own writes (publishing), so a worker that dies half-way leaves nothing half-done.
``recover_jobs`` hands a job whose worker died (no heartbeat for ``stale_after`` seconds) back
to the queue; after ``MAX_ATTEMPTS`` it is marked failed with a Vietnamese message.
"""

from __future__ import annotations

import logging
import os
import socket
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, BinaryIO

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from db.models import Job, JobState, User
from db.unit_of_work import after_commit, unit_of_work
from storage.base import make_key
from workflow import audit_trail, permissions
from workflow.clock import format_date, now_utc, today
from workflow.errors import DomainError, NotFound, ValidationError
from workflow.labels import JOB_KIND_LABELS, JOB_STATE_LABELS
from workflow.permissions import Capability

log = logging.getLogger(__name__)

KEY_PREFIX = "jobs"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = "application/zip"
MAX_ATTEMPTS = 3
# Who may ask for which kind; checked when asked, again when run, and when downloaded.
KIND_CAPABILITY: dict[str, Capability] = {
    "province_xlsx": Capability.EXPORT,
    "evidence_zip": Capability.EXPORT,
    "periodic_report": Capability.WRITE_REPORTS,
    "publish_warnings": Capability.PUBLISH_WARNINGS,
}
ACTIVE = (JobState.PENDING, JobState.RUNNING)
FAILED_MESSAGE = ("Lỗi hệ thống khi thực hiện công việc. Vui lòng thử lại; nếu vẫn lỗi, "
                  "báo quản trị hệ thống.")
GAVE_UP_MESSAGE = (f"Công việc bị gián đoạn {MAX_ATTEMPTS} lần (máy xử lý dừng giữa chừng) "
                   "nên đã dừng lại. Vui lòng yêu cầu lại.")


class JobLost(Exception):
    """Another worker took the job over (this one was thought dead): stop without writing."""


@dataclass(frozen=True)
class JobContext:
    """What a worker needs besides the database: the evidence store and the ward's names."""

    store: Any
    committee: str
    office: str


@dataclass
class JobOutput:
    """What a kind's work produced: a stored file and/or a small result for the page."""

    message: str
    key: str | None = None
    name: str | None = None
    content_type: str | None = None
    size: int | None = None
    result: dict = field(default_factory=dict)


Progress = Callable[[int], None]


def worker_name() -> str:
    """``host:pid`` of this process (threads of one consumer share it)."""
    return f"{socket.gethostname()[:100]}:{os.getpid()}"


def _day(value: object, label: str = "Ngày") -> date:
    if value is None or value == "":
        return today()
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(f"{label} không hợp lệ.") from None


def _clean_params(kind: str, params: dict) -> dict:
    """The parameters a kind accepts, validated; anything else is dropped."""
    as_of = _day(params.get("as_of"), "Ngày số liệu").isoformat()
    if kind == "periodic_report":
        report_kind = params.get("report_kind") or "month"
        if report_kind not in ("month", "quarter", "year"):
            raise ValidationError("Loại báo cáo phải là tháng, quý hoặc năm.")
        return {"as_of": as_of, "report_kind": report_kind}
    if kind == "publish_warnings":
        period_kind = params.get("period_kind") or "month"
        if period_kind not in ("month", "quarter"):
            raise ValidationError("Kỳ cảnh báo phải là tháng hoặc quý.")
        return {"as_of": as_of, "period_kind": period_kind}
    if kind == "province_xlsx":
        base_url = str(params.get("base_url") or "").rstrip("/")
        if base_url and not base_url.startswith(("http://", "https://")):
            raise ValidationError("Địa chỉ cổng không hợp lệ.")
        return {"as_of": as_of, "base_url": base_url[:200]}
    return {"as_of": as_of}


def request_job(session: Session, *, actor: User, kind: str, params: dict | None = None,
                enqueue: Callable[[int], None]) -> Job:
    """Records a job for the actor and queues it once the row is committed. The same
    unfinished request (same person, kind and parameters) is not queued twice."""
    if kind not in KIND_CAPABILITY:
        raise ValidationError("Loại công việc không hợp lệ.")
    permissions.require(actor, KIND_CAPABILITY[kind])
    clean = _clean_params(kind, dict(params or {}))
    for existing in session.scalars(select(Job).where(
            Job.requested_by_id == actor.id, Job.kind == kind, Job.state.in_(ACTIVE))):
        if existing.params == clean:
            return existing
    job = Job(kind=kind, params=clean, state=JobState.PENDING, progress=0,
              requested_by_id=actor.id, requested_at=now_utc(), attempts=0)
    session.add(job)
    session.flush()
    audit_trail.record(session, actor=actor, action="job.request", object_type="job",
                       object_id=job.id, after={"kind": kind, **clean})
    job_id = job.id
    after_commit(session, lambda: enqueue(job_id))
    return job


def get_for_user(session: Session, *, actor: User, job_id: int) -> Job:
    """The actor's own job, or NotFound (also for someone else's job: no hint it exists)."""
    job = session.get(Job, job_id)
    if (job is None or not permissions.is_usable(actor) or job.requested_by_id != actor.id
            or not permissions.has(actor, KIND_CAPABILITY.get(job.kind, Capability.EXPORT))):
        raise NotFound("Không tìm thấy công việc hoặc bạn không có quyền xem.")
    return job


def jobs_for_user(session: Session, *, actor: User, kinds: tuple[str, ...] | None = None,
                  limit: int = 10) -> list[Job]:
    """The actor's latest jobs (of ``kinds``), newest first; kinds it may not ask are left out."""
    allowed = [k for k, cap in KIND_CAPABILITY.items()
               if permissions.has(actor, cap) and (kinds is None or k in kinds)]
    if not allowed:
        return []
    return list(session.scalars(select(Job).where(
        Job.requested_by_id == actor.id, Job.kind.in_(allowed))
        .order_by(Job.id.desc()).limit(limit)))


def open_result(session: Session, *, actor: User, store, job_id: int) -> tuple[Job, BinaryIO]:
    """A finished job's file as a stream, for its requester only."""
    job = get_for_user(session, actor=actor, job_id=job_id)
    if job.state != JobState.DONE or not job.result_key:
        raise NotFound("Tệp của công việc này chưa sẵn sàng.")
    return job, store.open(job.result_key)


@dataclass(frozen=True)
class JobLine:
    """A job as the page shows it."""

    id: int
    kind_label: str
    state: str
    state_label: str
    progress: int
    message: str | None
    requested_at: datetime
    finished_at: datetime | None
    detail: str
    download_url: str | None
    file_name: str | None
    view_url: str | None = None  # a published warning list


def _detail(job: Job) -> str:
    params = job.params or {}
    parts = []
    if params.get("report_kind"):
        parts.append({"month": "tháng", "quarter": "quý", "year": "năm"}[params["report_kind"]])
    if params.get("period_kind"):
        parts.append({"month": "kỳ tháng", "quarter": "kỳ quý"}[params["period_kind"]])
    if params.get("as_of"):
        parts.append("số liệu đến " + format_date(date.fromisoformat(params["as_of"])))
    return ", ".join(parts)


def job_lines(session: Session, *, actor: User, kinds: tuple[str, ...] | None = None,
              limit: int = 10) -> list[JobLine]:
    """The actor's latest jobs with Vietnamese labels and a download link when ready."""
    lines = []
    for job in jobs_for_user(session, actor=actor, kinds=kinds, limit=limit):
        ready = job.state == JobState.DONE and bool(job.result_key)
        list_id = (job.result or {}).get("list_id") if job.state == JobState.DONE else None
        lines.append(JobLine(job.id, JOB_KIND_LABELS.get(job.kind, job.kind), job.state,
                             JOB_STATE_LABELS[job.state], job.progress, job.message,
                             job.requested_at, job.finished_at, _detail(job),
                             f"/cong-viec/{job.id}/tai-ve" if ready else None,
                             job.result_name if ready else None,
                             f"/canh-bao/{list_id}" if list_id else None))
    return lines


def any_active(lines: list[JobLine]) -> bool:
    """Whether the page should keep polling."""
    return any(line.state in ACTIVE for line in lines)


# --- running ------------------------------------------------------------------------------


class _Heartbeat:
    """Writes the job's progress and a heartbeat from a thread, every ``interval`` seconds,
    in short transactions of its own; notices when another worker took the job over."""

    def __init__(self, factory: sessionmaker[Session], job_id: int, worker: str,
                 interval: float) -> None:
        self.factory, self.job_id, self.worker, self.interval = factory, job_id, worker, interval
        self.progress = 0
        self.written = -1
        self.lost = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=f"job-{job_id}-heartbeat",
                                        daemon=True)

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join()

    def set(self, percent: int) -> None:
        if self.lost:
            raise JobLost()
        self.progress = max(0, min(99, int(percent)))

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.beat()

    def beat(self) -> None:
        try:
            with unit_of_work(self.factory) as session:
                changed = session.execute(
                    update(Job).where(Job.id == self.job_id, Job.state == JobState.RUNNING,
                                      Job.worker == self.worker)
                    .values(progress=self.progress, heartbeat_at=now_utc())).rowcount
            if changed == 0:
                self.lost = True
            self.written = self.progress
        except Exception:  # noqa: BLE001 - a busy database skips one beat, not the job
            log.warning("heartbeat of job %s not written", self.job_id, exc_info=True)


@dataclass(frozen=True)
class _Claimed:
    kind: str
    params: dict
    requested_by_id: int | None


def _claim(factory: sessionmaker[Session], job_id: int, worker: str) -> _Claimed | None:
    """Marks a pending job running for this worker; None when it is not pending (done,
    failed, or already running elsewhere: a duplicate message)."""
    with unit_of_work(factory) as session:
        now = now_utc()
        claimed = session.execute(
            update(Job).where(Job.id == job_id, Job.state == JobState.PENDING)
            .values(state=JobState.RUNNING, worker=worker, started_at=now, heartbeat_at=now,
                    progress=0, attempts=Job.attempts + 1, message=None)).rowcount
        if not claimed:
            return None
        job = session.get(Job, job_id)
        if job.attempts > MAX_ATTEMPTS:
            job.state, job.message, job.finished_at = JobState.FAILED, GAVE_UP_MESSAGE, now
            return None
        return _Claimed(job.kind, dict(job.params or {}), job.requested_by_id)


def _finish_failed(factory: sessionmaker[Session], job_id: int, worker: str,
                   message: str) -> None:
    with unit_of_work(factory) as session:
        session.execute(update(Job).where(Job.id == job_id, Job.worker == worker,
                                          Job.state == JobState.RUNNING)
                        .values(state=JobState.FAILED, message=message,
                                finished_at=now_utc()))


def run_job(factory: sessionmaker[Session], *, job_id: int, context: JobContext,
            worker: str | None = None, heartbeat_seconds: float = 2.0) -> str:
    """Runs one job if it is still pending; returns its final state (or "skipped")."""
    worker = worker or worker_name()
    job = _claim(factory, job_id, worker)
    if job is None:
        return "skipped"
    stored_key: str | None = None
    try:
        with _Heartbeat(factory, job_id, worker, heartbeat_seconds) as beat, \
                unit_of_work(factory) as session:
            actor = session.get(User, job.requested_by_id) if job.requested_by_id else None
            capability = KIND_CAPABILITY.get(job.kind)
            if capability is None or not permissions.has(actor, capability):
                raise DomainError("Người yêu cầu không còn quyền thực hiện công việc này.")
            output = HANDLERS[job.kind](session, actor=actor, params=dict(job.params),
                                        context=context, progress=beat.set)
            stored_key = output.key
            if beat.lost:
                raise JobLost()
            done = session.execute(
                update(Job).where(Job.id == job_id, Job.worker == worker,
                                  Job.state == JobState.RUNNING)
                .values(state=JobState.DONE, progress=100, message=output.message,
                        finished_at=now_utc(), heartbeat_at=now_utc(),
                        result_key=output.key, result_name=output.name,
                        result_type=output.content_type, result_size=output.size,
                        result=output.result or None)).rowcount
            if not done:
                raise JobLost()
        return JobState.DONE
    except JobLost:
        log.warning("job %s was taken over by another worker; this run is dropped", job_id)
        _drop(context.store, stored_key)
        return "skipped"
    except DomainError as error:
        _drop(context.store, stored_key)
        _finish_failed(factory, job_id, worker, error.message)
        return JobState.FAILED
    except Exception:
        log.exception("job %s (%s) failed", job_id, job.kind)
        _drop(context.store, stored_key)
        _finish_failed(factory, job_id, worker, FAILED_MESSAGE)
        return JobState.FAILED


def _drop(store, key: str | None) -> None:
    if key:
        try:
            store.delete(key)
        except Exception:  # noqa: BLE001 - only clutter is left
            log.exception("could not remove job result %s", key)


def recover_jobs(session: Session, *, stale_after: float,
                 dead_worker: Callable[[str], bool] = lambda _name: False) -> list[int]:
    """Jobs to (re)queue: running ones whose worker died (no heartbeat for ``stale_after``
    seconds, or ``dead_worker(name)``) go back to pending; pending ones that waited that long
    are queued again too (their message may have been lost). The caller enqueues the ids
    after committing; a duplicate message is harmless (``run_job`` claims once)."""
    cutoff = now_utc() - timedelta(seconds=stale_after)
    running = session.execute(select(Job.id, Job.worker, Job.heartbeat_at).where(
        Job.state == JobState.RUNNING)).all()
    requeue = [job_id for job_id, worker, beat in running
               if beat is None or beat < cutoff or (worker and dead_worker(worker))]
    if requeue:
        session.execute(update(Job).where(Job.id.in_(requeue), Job.state == JobState.RUNNING)
                        .values(state=JobState.PENDING, worker=None,
                                message="Máy xử lý bị dừng; công việc được chạy lại."))
    waiting = session.scalars(select(Job.id).where(Job.state == JobState.PENDING,
                                                   Job.requested_at < cutoff)).all()
    return sorted(set(requeue) | set(waiting))


def local_worker_dead(name: str) -> bool:
    """Whether a worker of this host (``host:pid``) no longer runs."""
    host, _, pid = name.rpartition(":")
    if host != socket.gethostname()[:100] or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


# --- the kinds ----------------------------------------------------------------------------


def _store_file(context: JobContext, path: str, name: str, content_type: str) -> tuple[str, int]:
    with open(path, "rb") as source:
        stored = context.store.put_stream(make_key(KEY_PREFIX, name), source,
                                          content_type=content_type)
    return stored.key, stored.size


def _letterhead(session: Session, actor: User, context: JobContext) -> tuple[str, str]:
    """The Party Committee and office names of the asking user's ward (settings elsewhere)."""
    from workflow import wards

    return wards.letterhead(session, actor, committee=context.committee, office=context.office)


def _province_xlsx(session: Session, *, actor: User, params: dict, context: JobContext,
                   progress: Progress) -> JobOutput:
    from workflow.reports.province import report_lines, write_province_xlsx

    as_of = date.fromisoformat(params["as_of"])
    plan, lines = report_lines(session, actor=actor, plan_id=params.get("plan_id"))
    committee, _office = _letterhead(session, actor, context)
    progress(20)
    name = f"Báo cáo tiến độ gửi tỉnh {as_of:%d-%m-%Y}.xlsx"
    with tempfile.TemporaryDirectory(prefix="portal-job-") as folder:
        path = os.path.join(folder, "report.xlsx")
        write_province_xlsx(plan, lines, path, base_url=params.get("base_url", ""),
                            as_of=as_of, committee=committee,
                            progress=lambda share: progress(20 + int(share * 70)))
        key, size = _store_file(context, path, name, XLSX)
    return JobOutput(f"Đã lập báo cáo gồm {len(lines)} nhiệm vụ.", key, name, XLSX, size,
                     {"tasks": len(lines)})


def _evidence_zip(session: Session, *, actor: User, params: dict, context: JobContext,
                  progress: Progress) -> JobOutput:
    from workflow.reports.province import province_zip, report_lines

    as_of = date.fromisoformat(params["as_of"])
    _plan, lines = report_lines(session, actor=actor, plan_id=params.get("plan_id"))
    progress(10)
    files = sum(len(line.evidence) for line in lines)
    name = f"Minh chứng được công nhận {as_of:%d-%m-%Y}.zip"
    spool = province_zip(lines, context.store,
                         progress=lambda share: progress(10 + int(share * 80)))
    with spool:
        stored = context.store.put_stream(make_key(KEY_PREFIX, name), spool, content_type=ZIP)
    return JobOutput(f"Đã đóng gói {files} tệp minh chứng.", stored.key, name, ZIP,
                     stored.size, {"files": files})


def _periodic_report(session: Session, *, actor: User, params: dict, context: JobContext,
                     progress: Progress) -> JobOutput:
    from workflow import periodic_reports

    progress(10)
    committee, office = _letterhead(session, actor, context)
    report = periodic_reports.generate(
        session, actor=actor, store=context.store, kind=params["report_kind"],
        as_of=date.fromisoformat(params["as_of"]), committee=committee, office=office,
        plan_id=params.get("plan_id"))
    return JobOutput(f"Đã lập “{report.file_name}”.", report.object_key, report.file_name,
                     periodic_reports.DOCX, report.size_bytes, {"report_id": report.id})


def _publish_warnings(session: Session, *, actor: User, params: dict, context: JobContext,
                      progress: Progress) -> JobOutput:
    from workflow import warning_lists

    progress(10)
    published = warning_lists.publish(session, actor=actor,
                                      as_of=date.fromisoformat(params["as_of"]),
                                      period_kind=params["period_kind"],
                                      plan_id=params.get("plan_id"))
    rows = len(published.rows)
    return JobOutput(f"Đã công bố danh sách cảnh báo {published.period_label} "
                     f"({rows} nhiệm vụ).", result={"list_id": published.id, "rows": rows})


HANDLERS: dict[str, Callable[..., JobOutput]] = {
    "province_xlsx": _province_xlsx,
    "evidence_zip": _evidence_zip,
    "periodic_report": _periodic_report,
    "publish_warnings": _publish_warnings,
}
