"""LocalStore and S3Store (against moto's S3 server over HTTP) honour one contract."""

from __future__ import annotations

import hashlib
import io
import os
import time
import urllib.request
from urllib.parse import unquote

import pytest

from storage.base import content_disposition, make_key
from storage.errors import ObjectExists, StorageError
from storage.s3 import S3Store


def test_put_open_head_exists_list(store):
    data = b"bien ban nghiem thu" * 100
    key = make_key("evidence", "Biên bản nghiệm thu.pdf")
    stored = store.put_stream(key, io.BytesIO(data), content_type="application/pdf")
    assert stored.size == len(data) and stored.sha256 == hashlib.sha256(data).hexdigest()
    assert store.exists(key) and not store.exists(key + ".x")
    with store.open(key) as handle:
        assert handle.read() == data
    assert store.head(key).size == len(data)
    assert store.head(key).sha256 == stored.sha256
    listed = dict(store.list_keys("evidence/"))
    assert key in listed and listed[key].tzinfo is not None


def test_keys_are_never_overwritten(store):
    key = make_key("evidence", "a.pdf")
    store.put_stream(key, io.BytesIO(b"first"), content_type="application/pdf")
    with pytest.raises(ObjectExists):
        store.put_stream(key, io.BytesIO(b"second"), content_type="application/pdf")
    with store.open(key) as handle:
        assert handle.read() == b"first"


def test_large_objects_stream_in_parts(store):
    data = os.urandom(6 * 1024 * 1024 + 123)
    key = make_key("evidence", "lon.pdf")
    stored = store.put_stream(key, io.BytesIO(data), content_type="application/pdf")
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    with store.open(key) as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == stored.sha256


def test_a_failing_stream_leaves_nothing(store):
    class Broken(io.RawIOBase):
        sent = 0

        def readable(self):
            return True

        def read(self, size=-1):
            if self.sent > 6 * 1024 * 1024:
                raise RuntimeError("client went away")
            self.sent += 1024 * 1024
            return b"x" * 1024 * 1024

    key = make_key("evidence", "dang-do.pdf")
    with pytest.raises(RuntimeError):
        store.put_stream(key, Broken(), content_type="application/pdf")
    assert not store.exists(key)
    assert key not in dict(store.list_keys("evidence/"))


def test_invalid_keys_are_refused(store):
    for key in ("../etc/passwd", "/abs", "evidence/../../x", ""):
        with pytest.raises(ValueError):
            store.exists(key)


def test_presigned_download_names_the_vietnamese_file(s3_store):
    key = make_key("evidence", "Ảnh công trình.jpg")
    s3_store.put_stream(key, io.BytesIO(b"\xff\xd8\xffdata"), content_type="image/jpeg")
    url = s3_store.url_for_download(key, "Ảnh công trình.jpg", "image/jpeg")
    with urllib.request.urlopen(url, timeout=10) as response:
        disposition = response.headers["Content-Disposition"]
        assert response.read() == b"\xff\xd8\xffdata"
    assert "filename*=UTF-8''" in disposition
    assert unquote(disposition.split("''", 1)[1]) == "Ảnh công trình.jpg"


def test_local_store_serves_through_the_portal_only(local_store):
    assert local_store.url_for_download("evidence/x", "x.pdf", "application/pdf") is None


def test_content_disposition_has_an_ascii_fallback():
    header = content_disposition("Biên bản số 5.pdf")
    assert 'filename="Bien-ban-so-5.pdf"' in header


def test_s3_down_fails_fast_with_a_vietnamese_message(tmp_path):
    from tests.conftest import free_port

    store = S3Store("evidence", endpoint_url=f"http://127.0.0.1:{free_port()}",
                    access_key="x", secret_key="y", connect_timeout=1, read_timeout=1,
                    max_attempts=1)
    started = time.monotonic()
    with pytest.raises(StorageError, match="Không kết nối được kho lưu trữ"):
        store.put_stream("evidence/a.pdf", io.BytesIO(b"%PDF-1.4"), content_type="application/pdf")
    assert time.monotonic() - started < 10
