"""`portal worker` for real: a separate consumer process on the default SQLite queue and on a
Redis server started here. Jobs queued while no worker runs are done once it starts, and a job
left "running" by a worker that died is run again."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from db.migrate import upgrade
from db.models import Job, JobState, User
from db.session import make_engine, make_session_factory
from db.unit_of_work import unit_of_work
from portal.queue import JobQueue
from portal.settings import PROJECT_ROOT, Settings
from tests.conftest import free_port
from tests.factories import build_world
from workflow import jobs
from workflow.clock import now_utc

PORTAL = str(Path(sys.executable).with_name("portal"))


def _settings(tmp_path: Path, queue_url: str | None) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path / 'portal.db'}", secret_key="worker-test",
                    var_dir=tmp_path, evidence_dir=tmp_path / "evidence",
                    evidence_trust_dir=tmp_path / "trust", job_queue_url=queue_url,
                    job_worker="external", job_stale_seconds=120)


def _env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("REDIS_URL", "JOB_QUEUE_URL", "JOB_WORKER", "EVIDENCE_STORAGE",
                        "S3_BUCKET")}
    env.update(DATABASE_URL=settings.database_url, PORTAL_VAR_DIR=str(settings.var_dir),
               EVIDENCE_DIR=str(settings.evidence_dir), SECRET_KEY=settings.secret_key,
               JOB_WORKERS="2", PYTHONUNBUFFERED="1")
    if settings.job_queue_url:
        env["JOB_QUEUE_URL"] = settings.job_queue_url
    return env


def _wait(check, what: str, seconds: float = 60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"{what} within {seconds:.0f} s")


def _exercise(tmp_path: Path, queue_url: str | None) -> None:
    settings = _settings(tmp_path, queue_url)
    upgrade(settings.database_url)
    factory = make_session_factory(make_engine(settings.database_url))
    with unit_of_work(factory) as session:
        world = build_world(session)
    queue = JobQueue(settings)  # the web side: it only enqueues
    with unit_of_work(factory) as session:
        reviewer = session.get(User, world.reviewer.id)
        queued = jobs.request_job(session, actor=reviewer, kind="province_xlsx",
                                  enqueue=queue.enqueue).id
        orphan = jobs.request_job(session, actor=reviewer, kind="evidence_zip",
                                  enqueue=lambda _id: None).id
    # The orphan's worker died on this host while running it (pid above Linux's pid_max).
    with unit_of_work(factory) as session:
        job = session.get(Job, orphan)
        job.state, job.worker, job.attempts = JobState.RUNNING, \
            f"{socket.gethostname()[:100]}:4194305", 1
        job.started_at = job.heartbeat_at = now_utc()

    log = open(tmp_path / "worker.log", "w+")  # noqa: SIM115 - closed below
    worker = subprocess.Popen([PORTAL, "worker"], env=_env(settings), cwd=PROJECT_ROOT,
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        def finished():
            with factory() as session:
                rows = session.execute(select(Job.id, Job.state, Job.attempts, Job.message)
                                       .order_by(Job.id)).all()
            return rows if all(r.state in (JobState.DONE, JobState.FAILED) for r in rows) \
                else None

        rows = _wait(finished, "both jobs done")
        assert [(r.id, r.state, r.attempts) for r in rows] == [
            (queued, JobState.DONE, 1), (orphan, JobState.DONE, 2)]
        with factory() as session:
            result = session.get(Job, queued)
            assert settings.evidence_dir.joinpath(result.result_key).exists()
            assert result.worker.endswith(f":{worker.pid}")
    finally:
        worker.send_signal(signal.SIGINT)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        log.seek(0)
        output = log.read()
        log.close()
    assert "Đang xử lý công việc nền" in output, output
    assert worker.returncode == 0, output


def test_worker_on_the_default_sqlite_queue(tmp_path):
    _exercise(tmp_path, None)
    assert (tmp_path / "jobs-queue.db").exists()


@pytest.fixture
def redis_url(tmp_path):
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed (Debian package redis-server)")
    port = free_port()
    process = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1",
                                "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    client = redis.Redis(host="127.0.0.1", port=port)
    _wait(lambda: _pings(client), "redis-server answers", 15)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=10)


def _pings(client) -> bool:
    try:
        return bool(client.ping())
    except Exception:  # noqa: BLE001 - not up yet
        return False


def test_worker_on_redis(tmp_path, redis_url):
    _exercise(tmp_path, redis_url)
    assert not (tmp_path / "jobs-queue.db").exists()


def test_the_embedded_consumer_runs_jobs_in_threads(tmp_path):
    settings = replace(_settings(tmp_path, None), job_worker="embedded")
    upgrade(settings.database_url)
    factory = make_session_factory(make_engine(settings.database_url))
    with unit_of_work(factory) as session:
        world = build_world(session)
    queue = JobQueue(settings)
    queue.start_embedded()
    try:
        with unit_of_work(factory) as session:
            job_id = jobs.request_job(session, actor=session.get(User, world.leader.id),
                                      kind="province_xlsx", enqueue=queue.enqueue).id

        def state():
            with factory() as session:
                found = session.get(Job, job_id)
                return found.state if found.state in (JobState.DONE, JobState.FAILED) else None

        assert _wait(state, "the embedded consumer ran the job") == JobState.DONE
    finally:
        queue.stop_embedded()
