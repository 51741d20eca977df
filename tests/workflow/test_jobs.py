"""Background jobs: who may ask for which kind, running once, results for the requester only,
recovery of jobs whose worker died."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from db.models import Job, JobState, Role, WarningList
from db.session import make_session_factory
from db.unit_of_work import unit_of_work
from workflow import jobs
from workflow.clock import now_utc
from workflow.errors import NotFound, PermissionDenied, ValidationError

AS_OF = "2026-05-20"
ALLOWED = {
    "reviewer": {"province_xlsx", "evidence_zip", "periodic_report", "publish_warnings"},
    "leader": {"province_xlsx", "evidence_zip"},
    "admin": set(),
    "unit_member": set(),
}


@pytest.fixture
def factory(engine):
    return make_session_factory(engine)


@pytest.fixture
def context(local_store):
    return jobs.JobContext(store=local_store, committee="Đảng ủy phường Phước Bình",
                           office="Văn phòng Đảng ủy")


def _ask(factory, user, kind, queued=None, **params) -> int:
    with unit_of_work(factory) as session:
        job = jobs.request_job(session, actor=session.get(type(user), user.id), kind=kind,
                               params={"as_of": AS_OF, **params},
                               enqueue=(queued if queued is not None else []).append)
        return job.id


def _job(factory, job_id) -> Job:
    with factory() as session:
        return session.get(Job, job_id)


@pytest.mark.parametrize("role", sorted(ALLOWED))
def test_each_role_may_ask_only_for_its_kinds(session, world, role):
    user = world.users()[role]
    for kind in jobs.KIND_CAPABILITY:
        queued: list[int] = []
        if kind in ALLOWED[role]:
            job = jobs.request_job(session, actor=user, kind=kind, params={"as_of": AS_OF},
                                   enqueue=queued.append)
            assert job.state == JobState.PENDING and job.requested_by_id == user.id
        else:
            with pytest.raises(PermissionDenied):
                jobs.request_job(session, actor=user, kind=kind, params={"as_of": AS_OF},
                                 enqueue=queued.append)
        session.commit()
        assert len(queued) == (1 if kind in ALLOWED[role] else 0)


def test_the_queue_gets_the_id_only_after_commit(session, world):
    queued: list[int] = []
    jobs.request_job(session, actor=world.reviewer, kind="province_xlsx", enqueue=queued.append)
    assert queued == []
    session.rollback()
    assert queued == [] and session.scalar(select(func.count(Job.id))) == 0


def test_bad_parameters_are_refused_in_vietnamese(session, world):
    for kind, params, text in [
            ("unknown", {}, "Loại công việc không hợp lệ."),
            ("province_xlsx", {"as_of": "20/05/2026"}, "Ngày số liệu không hợp lệ."),
            ("periodic_report", {"report_kind": "week"}, "Loại báo cáo phải là tháng, quý "
                                                         "hoặc năm."),
            ("publish_warnings", {"period_kind": "year"}, "Kỳ cảnh báo phải là tháng hoặc quý."),
            ("province_xlsx", {"base_url": "javascript:alert(1)"}, "Địa chỉ cổng không hợp lệ.")]:
        with pytest.raises(ValidationError) as raised:
            jobs.request_job(session, actor=world.reviewer, kind=kind, params=params,
                             enqueue=lambda _id: None)
        assert raised.value.message == text
    assert session.scalar(select(func.count(Job.id))) == 0


def test_a_second_click_does_not_queue_the_same_job_twice(factory, world):
    queued: list[int] = []
    first = _ask(factory, world.reviewer, "province_xlsx", queued)
    second = _ask(factory, world.reviewer, "province_xlsx", queued)
    other_day = _ask(factory, world.leader, "province_xlsx", queued)
    assert first == second and other_day != first and queued == [first, other_day]


def test_province_report_runs_once_and_only_its_requester_downloads_it(factory, world,
                                                                         context, local_store):
    job_id = _ask(factory, world.reviewer, "province_xlsx", base_url="https://cong.example")
    assert jobs.run_job(factory, job_id=job_id, context=context) == JobState.DONE
    assert jobs.run_job(factory, job_id=job_id, context=context) == "skipped"  # duplicate
    job = _job(factory, job_id)
    assert (job.state, job.progress, job.attempts) == (JobState.DONE, 100, 1)
    assert job.message == "Đã lập báo cáo gồm 4 nhiệm vụ."
    assert job.result_name == "Báo cáo tiến độ gửi tỉnh 20-05-2026.xlsx"
    assert job.result_key.startswith("jobs/")
    with factory() as session:
        reviewer = session.get(type(world.reviewer), world.reviewer.id)
        found, stream = jobs.open_result(session, actor=reviewer, store=local_store,
                                         job_id=job_id)
        book = load_workbook(io.BytesIO(stream.read()))
        assert [r[1] for r in book["Chỉ tiêu"].iter_rows(min_row=5, values_only=True)] == [
            "I.1", "I.2", "I.3", "I.4"]
        for other in (world.leader, world.admin, world.member_a):
            with pytest.raises(NotFound):
                jobs.open_result(session, actor=session.get(type(other), other.id),
                                 store=local_store, job_id=job_id)
        lines = jobs.job_lines(session, actor=reviewer)
        assert [(line.state_label, line.download_url) for line in lines] == [
            ("Xong", f"/cong-viec/{job_id}/tai-ve")]
        assert jobs.job_lines(session, actor=session.get(type(world.leader),
                                                         world.leader.id)) == []


def test_evidence_zip_has_its_manifest(factory, world, context):
    job_id = _ask(factory, world.leader, "evidence_zip")
    assert jobs.run_job(factory, job_id=job_id, context=context) == JobState.DONE
    job = _job(factory, job_id)
    with context.store.open(job.result_key) as stream:
        archive = zipfile.ZipFile(io.BytesIO(stream.read()))
    assert archive.namelist() == ["manifest.csv"]
    assert job.message == "Đã đóng gói 0 tệp minh chứng."


def test_word_report_is_kept_as_a_version(factory, world, context):
    job_id = _ask(factory, world.reviewer, "periodic_report", report_kind="quarter")
    assert jobs.run_job(factory, job_id=job_id, context=context) == JobState.DONE
    job = _job(factory, job_id)
    assert job.result_name == "Báo cáo sơ kết quý II-2026 (lần 1).docx"
    assert job.result["report_id"] > 0


def test_publishing_runs_once_even_when_the_message_comes_twice(factory, world, context):
    job_id = _ask(factory, world.reviewer, "publish_warnings", period_kind="month")
    assert jobs.run_job(factory, job_id=job_id, context=context) == JobState.DONE
    assert jobs.run_job(factory, job_id=job_id, context=context) == "skipped"
    with factory() as session:
        assert session.scalar(select(func.count(WarningList.id))) == 1
    job = _job(factory, job_id)
    assert job.message.startswith("Đã công bố danh sách cảnh báo Tháng 05/2026")
    assert job.result_key is None
    again = _ask(factory, world.reviewer, "publish_warnings", period_kind="month")
    assert jobs.run_job(factory, job_id=again, context=context) == JobState.FAILED
    assert "đã được công bố" in _job(factory, again).message


def test_a_requester_who_lost_the_right_gets_a_failed_job(factory, world, context):
    job_id = _ask(factory, world.reviewer, "province_xlsx")
    with unit_of_work(factory) as session:
        session.get(type(world.reviewer), world.reviewer.id).role = Role.UNIT_MEMBER
    assert jobs.run_job(factory, job_id=job_id, context=context) == JobState.FAILED
    job = _job(factory, job_id)
    assert job.message == "Người yêu cầu không còn quyền thực hiện công việc này."
    assert job.result_key is None


def test_an_unexpected_error_fails_the_job_with_a_vietnamese_message(factory, world, context,
                                                                     monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(jobs.HANDLERS, "evidence_zip", broken)
    job_id = _ask(factory, world.leader, "evidence_zip")
    assert jobs.run_job(factory, job_id=job_id, context=context) == JobState.FAILED
    assert _job(factory, job_id).message == jobs.FAILED_MESSAGE


def _mark_running(factory, job_id, *, worker, beat_age, attempts=1):
    with unit_of_work(factory) as session:
        job = session.get(Job, job_id)
        job.state, job.worker, job.attempts = JobState.RUNNING, worker, attempts
        job.started_at = job.heartbeat_at = now_utc() - timedelta(seconds=beat_age)


def test_a_job_whose_worker_died_is_run_again(factory, world, context):
    stale = _ask(factory, world.reviewer, "province_xlsx")
    alive = _ask(factory, world.leader, "province_xlsx")
    dead_here = _ask(factory, world.leader, "evidence_zip")
    _mark_running(factory, stale, worker="other-host:1", beat_age=600)
    _mark_running(factory, alive, worker="other-host:2", beat_age=5)
    _mark_running(factory, dead_here, worker="this-host:3", beat_age=5)
    with unit_of_work(factory) as session:
        ids = jobs.recover_jobs(session, stale_after=120,
                                dead_worker=lambda name: name == "this-host:3")
    assert ids == sorted([stale, dead_here])
    assert _job(factory, alive).state == JobState.RUNNING
    assert _job(factory, stale).message == "Máy xử lý bị dừng; công việc được chạy lại."
    assert jobs.run_job(factory, job_id=stale, context=context) == JobState.DONE
    assert _job(factory, stale).attempts == 2
    # The old worker, still alive after all, cannot overwrite the new run's result.
    assert jobs.run_job(factory, job_id=alive, context=context) == "skipped"


def test_a_job_interrupted_too_often_is_given_up(factory, world, context):
    job_id = _ask(factory, world.reviewer, "province_xlsx")
    _mark_running(factory, job_id, worker="gone:1", beat_age=600, attempts=jobs.MAX_ATTEMPTS)
    with unit_of_work(factory) as session:
        assert jobs.recover_jobs(session, stale_after=120) == [job_id]
    assert jobs.run_job(factory, job_id=job_id, context=context) == "skipped"
    job = _job(factory, job_id)
    assert job.state == JobState.FAILED and job.message == jobs.GAVE_UP_MESSAGE


def test_a_worker_that_was_taken_over_drops_its_result(factory, world, context, monkeypatch):
    job_id = _ask(factory, world.reviewer, "province_xlsx")
    original = jobs.HANDLERS["province_xlsx"]

    def taken_over(session, **kwargs):
        output = original(session, **kwargs)
        with unit_of_work(factory) as other:  # meanwhile recovery handed it to someone else
            other.get(Job, job_id).worker = "someone-else:1"
        taken_over.key = output.key
        return output

    monkeypatch.setitem(jobs.HANDLERS, "province_xlsx", taken_over)
    assert jobs.run_job(factory, job_id=job_id, context=context) == "skipped"
    assert not context.store.exists(taken_over.key)
    assert _job(factory, job_id).result_key is None


def test_local_worker_dead_checks_this_hosts_processes():
    import os
    import socket

    host = socket.gethostname()[:100]
    assert not jobs.local_worker_dead(f"{host}:{os.getpid()}")
    assert not jobs.local_worker_dead(f"another-{host}:999999")
    assert jobs.local_worker_dead(f"{host}:4194305")  # above Linux's pid_max


def test_the_polled_list_costs_one_statement_whatever_its_length(factory, world, engine):
    from sqlalchemy import event

    counted: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        counted.append(statement)

    def statements_for_lines() -> int:
        with factory() as session:
            leader = session.get(type(world.leader), world.leader.id)
            counted.clear()
            event.listen(engine, "before_cursor_execute", count)
            try:
                jobs.job_lines(session, actor=leader)
            finally:
                event.remove(engine, "before_cursor_execute", count)
        return len(counted)

    _ask(factory, world.leader, "province_xlsx")
    few = statements_for_lines()
    for day in range(1, 9):
        _ask(factory, world.leader, "evidence_zip", as_of=f"2026-05-{day:02d}")
    assert statements_for_lines() == few == 1
