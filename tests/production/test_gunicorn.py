"""The production server shape, for real: gunicorn (gunicorn.conf.py) with 2 workers on
PostgreSQL, evidence in moto's S3 server, the login limiter in Redis — all as separate
processes on loopback ports. Checks a slow 40 MB upload and the login limit across workers."""

from __future__ import annotations

import io
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from db.migrate import upgrade
from db.session import make_engine, make_session_factory
from portal.settings import PROJECT_ROOT
from tests.conftest import PG_URL, _pg_schema_url, postgres_unavailable
from tests.factories import PASSWORD, build_world

pytestmark = pytest.mark.production

MIB = 1024 * 1024
BUCKET = "evidence-prod"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
               "AWS_DEFAULT_REGION": "us-east-1"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(check, what: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:  # noqa: BLE001 - not answering yet
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not start within {seconds:.0f} s")


@dataclass(frozen=True)
class Production:
    """The running server: its base URL, the access log file, S3 and Redis endpoints."""

    url: str
    access_log: Path
    s3_endpoint: str
    redis_url: str
    task_id: int


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def production(tmp_path_factory) -> Iterator[Production]:
    """Redis, moto's S3 server, a migrated PostgreSQL schema and gunicorn with 2 workers."""
    reason = postgres_unavailable()
    if reason:
        pytest.skip(f"Production-shape test SKIPPED: PostgreSQL unreachable ({reason})")
    redis_server = shutil.which("redis-server")
    if not redis_server:
        pytest.skip("Production-shape test SKIPPED: redis-server not installed "
                    "(apt-get install redis-server)")
    import boto3
    import redis

    work = tmp_path_factory.mktemp("production")
    processes: list[subprocess.Popen] = []
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL)
    try:
        redis_port = _free_port()
        processes.append(subprocess.Popen(
            [redis_server, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        redis_url = f"redis://127.0.0.1:{redis_port}/0"
        _wait_for(lambda: redis.Redis.from_url(redis_url).ping(), "redis-server")

        s3_port = _free_port()
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(s3_port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        s3_endpoint = f"http://127.0.0.1:{s3_port}"
        _wait_for(lambda: requests.get(s3_endpoint, timeout=1).ok, "moto S3 server")
        boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1",
                     aws_access_key_id="testing", aws_secret_access_key="testing"
                     ).create_bucket(Bucket=BUCKET)

        with admin.begin() as connection:
            connection.execute(sa.text(f'create schema "{schema}"'))
        database_url = _pg_schema_url(schema)
        upgrade(database_url)
        engine = make_engine(database_url)
        with make_session_factory(engine)() as session:
            world = build_world(session)
            task_id = world.task_a.id
            session.commit()
        engine.dispose()

        port = _free_port()
        env = {**os.environ, **CREDENTIALS, "DATABASE_URL": database_url,
               "SECRET_KEY": "production-test-secret", "PORTAL_VAR_DIR": str(work),
               "S3_BUCKET": BUCKET, "S3_ENDPOINT_URL": s3_endpoint,
               "RATELIMIT_STORAGE_URI": redis_url, "LOGIN_RATE_LIMIT": "5 per minute"}
        access_log = work / "gunicorn.log"
        with access_log.open("wb") as log:
            processes.append(subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", str(PROJECT_ROOT / "gunicorn.conf.py"),
                 "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4",
                 "portal.wsgi:app"], cwd=PROJECT_ROOT, env=env, stdout=log, stderr=log))
        url = f"http://127.0.0.1:{port}"
        _wait_for(lambda: requests.get(f"{url}/healthz", timeout=5).status_code == 200,
                  "gunicorn", seconds=60)
        yield Production(url, access_log, s3_endpoint, redis_url, task_id)
    finally:
        for process in reversed(processes):
            _stop(process)
        with admin.begin() as connection:
            connection.execute(sa.text(f'drop schema if exists "{schema}" cascade'))
        admin.dispose()


def _login_form(client: requests.Session, base: str) -> str:
    page = client.get(f"{base}/login", timeout=10)
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def _failed_login(base: str) -> int:
    """One wrong password from a new browser (own cookies, own connection)."""
    with requests.Session() as client:
        token = _login_form(client, base)
        return client.post(f"{base}/login", data={"username": "member_a", "password": "sai",
                                                  "csrf_token": token},
                           headers={"Origin": base}, allow_redirects=False,
                           timeout=30).status_code


def _login_pids(access_log: Path) -> list[str]:
    return re.findall(r'pid=<?(\d+)>? "POST /login ', access_log.read_text(errors="replace"))


def test_login_limit_holds_across_two_workers(production):
    assert [_failed_login(production.url) for _ in range(5)] == [401] * 5
    # Many attempts at once so that both workers take some of them: all are refused.
    with ThreadPoolExecutor(max_workers=8) as pool:
        later = list(pool.map(lambda _: _failed_login(production.url), range(16)))
    assert later == [429] * 16
    time.sleep(0.5)  # let the access log lines reach the file
    assert len(set(_login_pids(production.access_log))) == 2, \
        "both gunicorn workers should have answered sign-in attempts"
    import redis

    assert redis.Redis.from_url(production.redis_url).keys("LIMITS*"), \
        "the limiter should count in Redis"


class _SlowBody(io.RawIOBase):
    """A request body sent at a fixed rate, with its length known (as a browser sends a
    file): the connection stays open for the whole transfer."""

    def __init__(self, data: bytes, bytes_per_second: int) -> None:
        self._data = memoryview(data)
        self._rate = bytes_per_second
        self._sent = 0
        self._start = time.monotonic()

    def __len__(self) -> int:
        return len(self._data)

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        size = 64 * 1024 if size is None or size < 0 else min(size, 64 * 1024)
        chunk = bytes(self._data[self._sent:self._sent + size])
        self._sent += len(chunk)
        ahead = self._sent / self._rate - (time.monotonic() - self._start)
        if ahead > 0:
            time.sleep(ahead)
        return chunk


def _forty_mb_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_attachment("du-lieu.bin", os.urandom(40 * MIB - 4096))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_forty_megabytes_at_one_megabyte_per_second_are_stored(production):
    import boto3
    import redis

    data = _forty_mb_pdf()
    redis.Redis.from_url(production.redis_url).flushdb()  # forget the limit test's failures
    with requests.Session() as client:
        token = _login_form(client, production.url)
        signed_in = client.post(f"{production.url}/login",
                                data={"username": "member_a", "password": PASSWORD,
                                      "csrf_token": token},
                                headers={"Origin": production.url}, allow_redirects=False,
                                timeout=30)
        assert signed_in.status_code == 302
        started = time.monotonic()
        response = client.post(
            f"{production.url}/api/nhiem-vu/{production.task_id}/minh-chung",
            params={"ten": "Hồ sơ quét 40MB.pdf", "loai": "signed_document"},
            data=_SlowBody(data, MIB), headers={"Origin": production.url,
                                                "Content-Type": "application/octet-stream"},
            timeout=300)
        seconds = time.monotonic() - started
    assert response.status_code == 201, response.text
    assert response.json()["size"] == len(data)
    assert seconds > 35, f"the body should have taken about 40 s, took {seconds:.0f} s"
    s3 = boto3.client("s3", endpoint_url=production.s3_endpoint, region_name="us-east-1",
                      aws_access_key_id="testing", aws_secret_access_key="testing")
    sizes = [item["Size"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    assert len(data) in sizes
    assert not s3.list_multipart_uploads(Bucket=BUCKET).get("Uploads")
    assert "WORKER TIMEOUT" not in production.access_log.read_text(errors="replace")


def test_gunicorn_conf_lets_a_50_mb_upload_finish_at_a_quarter_megabyte_per_second(
        monkeypatch):
    import runpy

    for name in ("WEB_CONCURRENCY", "PORTAL_THREADS", "PORTAL_TIMEOUT", "PORTAL_BIND"):
        monkeypatch.delenv(name, raising=False)
    conf = runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))
    assert conf["worker_class"] == "gthread" and conf["threads"] >= 2
    assert conf["timeout"] >= 50 / 0.25 + 60
    assert 0 < conf["graceful_timeout"] <= conf["timeout"]
    assert conf["accesslog"] == "-"


def _get(sock: socket.socket, reader, host: str) -> int:
    """One keep-alive GET /healthz on ``sock``; returns the status (the body is read)."""
    sock.sendall(f"GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    status = int(reader.readline().split()[1])
    length = 0
    while (line := reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    reader.read(length)
    return status


def test_idle_kept_alive_connection_outlives_a_client_pool_expiry(production):
    """The server must not be the side that closes an idle connection first: a request sent
    just as the server drops it is lost (the load test's ReadError). httpx reuses idle
    connections for 5 s, nginx's upstream pool for 60 s: after 6 s idle the connection still
    answers."""
    host = production.url.removeprefix("http://")
    address, port = host.split(":")
    with socket.create_connection((address, int(port)), timeout=10) as sock:
        reader = sock.makefile("rb")
        assert _get(sock, reader, host) == 200
        time.sleep(6)
        assert _get(sock, reader, host) == 200
