"""Storage fixtures: moto's S3 server over real HTTP on a loopback port (boto3 is never
patched), a LocalStore in a temporary folder, and ``store`` parametrized over both.

These override the fixtures of the same names in tests/conftest.py for this folder."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.local import LocalStore
from storage.s3 import S3Store

MIB = 1024 * 1024
CREDENTIALS = {"access_key": "testing", "secret_key": "testing"}


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server in a thread of this process, on a port the OS picked."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_store(s3_endpoint: str) -> S3Store:
    """An S3Store on a fresh bucket; multipart above 5 MiB (S3's minimum part size)."""
    return S3Store(f"evidence-{uuid.uuid4().hex[:12]}", endpoint_url=s3_endpoint,
                   create_bucket=True, multipart_threshold=5 * MIB, part_size=5 * MIB,
                   **CREDENTIALS)


@pytest.fixture
def local_store(tmp_path: Path) -> LocalStore:
    """A LocalStore in a temporary folder."""
    return LocalStore(tmp_path / "evidence-store")


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest):
    """Each store implementation in turn: one contract for both."""
    return request.getfixturevalue(f"{request.param}_store")


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def s3_down(closed_port: int) -> S3Store:
    """An S3Store whose server is unreachable: one attempt, short timeouts."""
    return S3Store("evidence", endpoint_url=f"http://127.0.0.1:{closed_port}",
                   connect_timeout=1, read_timeout=1, max_attempts=1, **CREDENTIALS)


@pytest.fixture
def pending_uploads():
    """A function: the multipart uploads left open in a store's bucket ([] for local)."""
    def pending(store) -> list[str]:
        if not isinstance(store, S3Store):
            return []
        answer = store.client.list_multipart_uploads(Bucket=store.bucket)
        return [upload["Key"] for upload in answer.get("Uploads", [])]

    return pending
