"""A stream of declared length goes to S3 as one PUT read while it is sent (hashing on the
way, no whole-file buffer); multipart only above the limit or when the length is unknown.
Against moto's S3 server over HTTP; the request log comes from botocore's own events."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import time
import tracemalloc
import uuid
from collections.abc import Iterator

import pytest

from storage.base import SizedStream, make_key
from storage.errors import IngestRejected, LengthMismatch, StorageError
from storage.ingest import ingest
from storage.pdf_actions import (
    EMBEDDED_FILE,
    JAVASCRIPT,
    LAUNCH,
    RawScanner,
    parsed_active_content,
)
from storage.s3 import S3Store
from tests.storage.conftest import CREDENTIALS, MIB
from tests.storage.samples import pdf_bytes


class Generated:
    """``size`` pseudo-random bytes produced as they are read (never held whole)."""

    def __init__(self, size: int, seed: bytes = b"x", fail_at: int | None = None) -> None:
        self._left, self._seed, self._fail_at = size, seed, fail_at
        self.read_so_far = 0
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        if self._fail_at is not None and self.read_so_far >= self._fail_at:
            raise ConnectionResetError("client went away")
        size = self._left if size is None or size < 0 else min(size, self._left)
        size = min(size, 1024 * 1024)
        chunk = hashlib.shake_256(self._seed + str(self.read_so_far).encode()).digest(size)
        self._left -= len(chunk)
        self.read_so_far += len(chunk)
        self.digest.update(chunk)
        return chunk


def _operations(store: S3Store) -> list[str]:
    """Names of the S3 operations both of the store's clients send from now on."""
    seen: list[str] = []
    for client in (store.client, store._streaming_client):
        client.meta.events.register(
            "before-call.s3", lambda model, **_: seen.append(model.name))
    return seen


def _writes(operations: list[str]) -> list[str]:
    return [name for name in operations if name not in {"HeadObject"}]


def _nothing_stored(store, key: str) -> bool:
    uploads = store.client.list_multipart_uploads(Bucket=store.bucket).get("Uploads", [])
    return not store.exists(key) and uploads == []


def test_known_length_goes_out_as_one_put_above_the_multipart_threshold(s3_store):
    operations = _operations(s3_store)
    source = Generated(12 * MIB)
    key = make_key("evidence", "bien-ban.pdf")
    stored = s3_store.put_stream(key, SizedStream(source, 12 * MIB),
                                 content_type="application/pdf", metadata={"ten": "Biên bản"})
    assert _writes(operations) == ["PutObject"]
    assert stored.size == 12 * MIB and stored.sha256 == source.digest.hexdigest()
    with s3_store.open(key) as body:
        assert hashlib.sha256(body.read()).hexdigest() == stored.sha256
    head = s3_store.head(key)
    assert head.size == 12 * MIB and head.content_type == "application/pdf"


def test_unknown_length_or_above_the_limit_uses_multipart(s3_endpoint):
    store = S3Store(f"evidence-{uuid.uuid4().hex[:12]}", endpoint_url=s3_endpoint,
                    create_bucket=True, multipart_threshold=5 * MIB, part_size=5 * MIB,
                    single_put_limit=8 * MIB, **CREDENTIALS)
    operations = _operations(store)
    above = store.put_stream(make_key("evidence", "a.bin"), SizedStream(Generated(11 * MIB),
                                                                        11 * MIB),
                             content_type="application/octet-stream")
    assert above.size == 11 * MIB
    assert _writes(operations) == ["CreateMultipartUpload", "UploadPart", "UploadPart",
                                   "UploadPart", "CompleteMultipartUpload"]
    operations.clear()
    store.put_stream(make_key("evidence", "b.bin"), Generated(7 * MIB),
                     content_type="application/octet-stream")
    assert _writes(operations)[0] == "CreateMultipartUpload"


@pytest.fixture(scope="module")
def s3_elsewhere() -> Iterator[str]:
    """moto's S3 server in another process: this process's memory is then the store's."""
    import requests

    from tests.conftest import free_port

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p",
                               str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                requests.get(endpoint, timeout=0.5)
                break
            except requests.ConnectionError:
                time.sleep(0.05)
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_streamed_put_holds_no_whole_file_in_memory(s3_elsewhere):
    store = S3Store(f"evidence-{uuid.uuid4().hex[:12]}", endpoint_url=s3_elsewhere,
                    create_bucket=True, **CREDENTIALS)
    size = 40 * MIB
    source = Generated(size)
    tracemalloc.start()
    try:
        stored = store.put_stream(make_key("evidence", "lon.bin"), SizedStream(source, size),
                                  content_type="application/octet-stream")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert stored.size == size and stored.sha256 == source.digest.hexdigest()
    assert peak < 8 * MIB, f"peak {peak / MIB:.1f} MiB"


@pytest.mark.parametrize("declared, actual", [(6 * MIB, 4 * MIB), (3 * MIB, 4 * MIB),
                                              (10, 0), (100, 101)])
def test_a_stream_that_does_not_match_its_length_stores_nothing(store, declared, actual):
    key = make_key("evidence", "ngat.bin")
    with pytest.raises(LengthMismatch) as refused:
        store.put_stream(key, SizedStream(io.BytesIO(os.urandom(actual)), declared),
                         content_type="application/octet-stream")
    assert "không trọn vẹn" in refused.value.message
    assert not store.exists(key)
    if isinstance(store, S3Store):
        assert _nothing_stored(store, key)


def test_an_error_of_the_stream_propagates_unchanged_and_nothing_is_stored(s3_store):
    key = make_key("evidence", "dut.bin")
    with pytest.raises(ConnectionResetError, match="client went away"):
        s3_store.put_stream(key, SizedStream(Generated(20 * MIB, fail_at=9 * MIB), 20 * MIB),
                            content_type="application/octet-stream")
    assert _nothing_stored(s3_store, key)


def test_streamed_put_to_a_server_that_is_down_is_a_storage_error(s3_down):
    with pytest.raises(StorageError) as refused:
        s3_down.put_stream(make_key("evidence", "a.bin"), SizedStream(Generated(MIB), MIB),
                           content_type="application/octet-stream")
    assert "kho lưu trữ" in refused.value.message


def test_a_taken_key_is_refused_without_overwrite(s3_store):
    key = make_key("evidence", "mot-lan.bin")
    s3_store.put_stream(key, SizedStream(io.BytesIO(b"a" * 10), 10),
                        content_type="application/octet-stream")
    s3_store.conditional_writes = True
    s3_store.exists = lambda _key: False  # skip the early HEAD: If-None-Match must refuse
    with pytest.raises(StorageError):
        s3_store.put_stream(key, SizedStream(io.BytesIO(b"b" * 10), 10),
                            content_type="application/octet-stream")
    with s3_store.open(key) as body:
        assert body.read() == b"a" * 10


def test_ingest_sends_a_sized_upload_in_one_put(s3_store):
    operations = _operations(s3_store)
    data = pdf_bytes(3)
    result = ingest(SizedStream(io.BytesIO(data), len(data)), original_name="Biên bản.pdf",
                    store=s3_store, max_bytes=10 * MIB)
    assert _writes(operations) == ["PutObject"]
    assert result.sha256 == hashlib.sha256(data).hexdigest() and result.size == len(data)
    assert result.derived["pages"] == 3


def test_ingest_of_a_cut_off_upload_is_refused_in_vietnamese(store):
    data = pdf_bytes(2)
    with pytest.raises(IngestRejected) as refused:
        ingest(SizedStream(io.BytesIO(data), len(data) + 500), original_name="Biên bản.pdf",
               store=store, max_bytes=10 * MIB)
    assert "Biên bản.pdf" in refused.value.message and "tải lại" in refused.value.message
    assert list(store.list_keys("evidence/")) == []


def test_ingest_refuses_a_declared_length_above_the_limit_before_reading(store):
    class Unread:
        def read(self, size: int = -1) -> bytes:
            raise AssertionError("the body must not be read")

    with pytest.raises(IngestRejected) as refused:
        ingest(SizedStream(Unread(), 3 * MIB), original_name="a.pdf", store=store,
               max_bytes=2 * MIB)
    assert "tối đa 2 MB" in refused.value.message


def test_large_embedded_file_is_seen_without_reading_it_into_memory(tmp_path):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_attachment("du-lieu.bin", os.urandom(12 * MIB))
    path = tmp_path / "dinh-kem.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    with path.open("rb") as handle:
        reader = PdfReader(handle, strict=False)
        tracemalloc.start()
        try:
            found = parsed_active_content(reader)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert EMBEDDED_FILE in found
    assert peak < 4 * MIB, f"peak {peak / MIB:.1f} MiB"


@pytest.mark.parametrize("chunks, expected", [
    ([b"xx/Emb", b"eddedFile "], {EMBEDDED_FILE}),
    ([b"/S /Java", b"Script /JS (app.alert(1))", b"/Launch/"], {JAVASCRIPT, LAUNCH}),
    # "/JS" alone is left to the parsed walk: it turns up by chance in compressed scans.
    ([b"\x8f/J", b"S \x00\x17"], set()),
    ([b"/JSON /Launcher /JavaScrip", b"x"], set()),
])
def test_raw_scan_fed_while_the_upload_goes_by(chunks, expected):
    scanner = RawScanner()
    for chunk in chunks:
        scanner.feed(chunk)
    assert scanner.found == expected
