"""Shared fixtures: databases (SQLite always, PostgreSQL when reachable), a data factory
with one user per role plus a user of another unit, and a portal built per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from db.base import Base
from db.migrate import upgrade
from db.session import make_engine, make_session_factory
from tests.factories import World, build_world

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PG_URL = os.environ.get("TEST_DATABASE_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test")
_pg_status: dict[str, str | None] = {}


def postgres_unavailable() -> str | None:
    """None when PostgreSQL answers, otherwise the reason (checked once per run)."""
    if "reason" not in _pg_status:
        try:
            engine = sa.create_engine(PG_URL, connect_args={"connect_timeout": 3})
            with engine.connect() as connection:
                connection.execute(sa.text("select 1"))
            engine.dispose()
            _pg_status["reason"] = None
        except Exception as error:  # noqa: BLE001 - any failure means "skip"
            _pg_status["reason"] = f"{type(error).__name__}: {str(error).splitlines()[0]}"
    return _pg_status["reason"]


def pytest_report_header(config) -> str:
    reason = postgres_unavailable()
    if reason:
        return f"PostgreSQL: SKIPPED — database tests run on SQLite only ({PG_URL}: {reason})"
    return f"PostgreSQL: database tests run on SQLite and on {PG_URL}"


def pytest_terminal_summary(terminalreporter) -> None:
    reason = postgres_unavailable()
    if reason:
        terminalreporter.write_line(
            f"NOTE: PostgreSQL tests were SKIPPED: {reason}", yellow=True, bold=True)


def _pg_schema_url(schema: str) -> str:
    separator = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{separator}options=-csearch_path%3D{schema}"


@pytest.fixture(scope="session")
def migrated_urls(tmp_path_factory) -> Iterator[dict[str, str]]:
    """One migrated database per backend for the whole run."""
    urls = {"sqlite": f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"}
    upgrade(urls["sqlite"])
    schema = None
    if postgres_unavailable() is None:
        schema = f"t_{uuid.uuid4().hex[:12]}"
        admin = sa.create_engine(PG_URL)
        with admin.begin() as connection:
            connection.execute(sa.text(f'create schema "{schema}"'))
        urls["postgresql"] = _pg_schema_url(schema)
        upgrade(urls["postgresql"])
    yield urls
    if schema:
        with admin.begin() as connection:
            connection.execute(sa.text(f'drop schema "{schema}" cascade'))
        admin.dispose()


def _wipe(engine: sa.Engine) -> None:
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


_engines: dict[str, sa.Engine] = {}


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, migrated_urls) -> Iterator[str]:
    """A clean migrated database URL, on SQLite and on PostgreSQL."""
    if request.param not in migrated_urls:
        pytest.skip(f"PostgreSQL unavailable: {postgres_unavailable()}")
    url = migrated_urls[request.param]
    engine = _engines.setdefault(url, make_engine(url))
    _wipe(engine)
    yield url


@pytest.fixture
def engine(db_url) -> sa.Engine:
    """The engine of the test database."""
    return _engines[db_url]


@pytest.fixture
def session(engine) -> Iterator[Session]:
    """A session on a clean database (SQLite and PostgreSQL)."""
    factory = make_session_factory(engine)
    with factory() as s:
        yield s


@pytest.fixture
def world(session) -> World:
    """Units, one user per role, a user of another unit, and a small plan."""
    world = build_world(session)
    session.commit()
    return world


@pytest.fixture
def sqlite_url(migrated_urls) -> str:
    """A clean migrated SQLite database (for web tests that need only one backend)."""
    url = migrated_urls["sqlite"]
    engine = _engines.setdefault(url, make_engine(url))
    _wipe(engine)
    return url


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server over HTTP on a loopback port (a real S3 protocol peer)."""
    from moto.server import ThreadedMotoServer

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_store(s3_endpoint):
    """An S3Store on a fresh bucket of the moto server."""
    from storage.s3 import S3Store

    return S3Store(f"evidence-{uuid.uuid4().hex[:10]}", endpoint_url=s3_endpoint,
                   access_key="testing", secret_key="testing", create_bucket=True,
                   multipart_threshold=5 * 1024 * 1024, part_size=5 * 1024 * 1024)


@pytest.fixture
def local_store(tmp_path):
    """A LocalStore in a temporary folder."""
    from storage.local import LocalStore

    return LocalStore(tmp_path / "evidence")


@pytest.fixture(params=["local", "s3"])
def store(request):
    """Each store implementation in turn: the same contract for both."""
    return request.getfixturevalue(f"{request.param}_store")


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on a loopback port and the messages it received."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Collect(Message):
        def handle_message(self, message):
            received.append(message)

    controller = Controller(Collect(), hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, received
    controller.stop()
