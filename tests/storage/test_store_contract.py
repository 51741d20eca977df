"""LocalStore and S3Store (against moto's S3 server over HTTP) honour one contract."""

from __future__ import annotations

import errno
import hashlib
import io
import os
import re
import time
import urllib.request
from datetime import UTC, datetime
from urllib.parse import unquote

import pytest

from storage.base import ascii_slug, check_key, content_disposition, make_key
from storage.errors import ObjectExists, ObjectNotFound, StorageError
from storage.factory import build_store
from storage.local import LocalStore
from storage.s3 import S3Store

MIB = 1024 * 1024
PDF = "application/pdf"


def _put(store, key: str, data: bytes, content_type: str = PDF, **kwargs):
    return store.put_stream(key, io.BytesIO(data), content_type=content_type, **kwargs)


def _read(store, key: str) -> bytes:
    with store.open(key) as handle:
        return handle.read()


def test_put_open_head_exists_list(store):
    data = b"bien ban nghiem thu" * 100
    key = make_key("evidence", "Biên bản nghiệm thu.pdf")
    stored = _put(store, key, data)
    assert stored.size == len(data) and stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.key == key and stored.content_type == PDF
    assert store.exists(key) and not store.exists(key + ".x")
    assert _read(store, key) == data
    assert store.head(key) == stored
    listed = dict(store.list_keys("evidence/"))
    assert list(listed) == [key] and listed[key].tzinfo is not None
    assert abs((datetime.now(UTC) - listed[key]).total_seconds()) < 120


def test_open_streams_in_pieces(store):
    key = make_key("evidence", "a.pdf")
    _put(store, key, b"0123456789" * 1000)
    with store.open(key) as handle:
        assert handle.read(10) == b"0123456789"
        assert len(handle.read()) == 9990


def test_metadata_with_vietnamese_values_is_accepted(store):
    key = make_key("evidence", "a.pdf")
    stored = _put(store, key, b"%PDF-1.4", metadata={"uploader": "Nguyễn Văn Đức"})
    assert store.head(key).sha256 == stored.sha256


def test_list_keys_uses_plain_string_prefixes(store):
    first = make_key("evidence", "a.pdf", now=datetime(2026, 11, 3, tzinfo=UTC))
    second = make_key("evidence", "b.pdf", now=datetime(2027, 1, 3, tzinfo=UTC))
    other = make_key("khac", "c.pdf")
    for key in (first, second, other):
        _put(store, key, b"x")
    assert sorted(k for k, _ in store.list_keys()) == sorted([first, second, other])
    assert sorted(k for k, _ in store.list_keys("evidence/")) == sorted([first, second])
    assert [k for k, _ in store.list_keys("evidence/2026/1")] == [first]
    assert [k for k, _ in store.list_keys("evidence/2026/11/")] == [first]
    assert list(store.list_keys("evidence/2025/")) == []
    assert [k for k, _ in store.list_keys(first)] == [first]


def test_keys_are_never_overwritten(store):
    key = make_key("evidence", "a.pdf")
    _put(store, key, b"first")
    with pytest.raises(ObjectExists) as raised:
        _put(store, key, b"second")
    assert "không được ghi đè" in raised.value.message
    assert _read(store, key) == b"first"


def test_a_racing_writer_cannot_overwrite(store, monkeypatch):
    """The early existence check is skipped, as if another writer won the race after it:
    the write itself (hard link / If-None-Match) must still refuse."""
    key = make_key("evidence", "a.pdf")
    _put(store, key, b"first")
    monkeypatch.setattr(store, "exists", lambda _key: False)
    with pytest.raises(ObjectExists):
        _put(store, key, b"second")
    monkeypatch.undo()
    assert _read(store, key) == b"first"


def test_a_racing_multipart_writer_cannot_overwrite(s3_store, monkeypatch, pending_uploads):
    key = make_key("evidence", "lon.pdf")
    _put(s3_store, key, b"first")
    monkeypatch.setattr(s3_store, "exists", lambda _key: False)
    with pytest.raises(ObjectExists):
        _put(s3_store, key, os.urandom(5 * MIB + 10))
    monkeypatch.undo()
    assert _read(s3_store, key) == b"first"
    assert pending_uploads(s3_store) == []


def test_large_objects_stream_in_parts(store, pending_uploads):
    data = os.urandom(6 * MIB + 123)
    key = make_key("evidence", "lon.pdf")
    stored = _put(store, key, data)
    assert stored.sha256 == hashlib.sha256(data).hexdigest() and stored.size == len(data)
    with store.open(key) as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == stored.sha256
    head = store.head(key)
    assert head.size == len(data) and head.content_type == PDF
    assert head.sha256 in (stored.sha256, None)  # S3 multipart: the database keeps it
    assert pending_uploads(store) == []


def test_s3_multipart_really_uses_parts(s3_store):
    key = make_key("evidence", "lon.pdf")
    _put(s3_store, key, os.urandom(11 * MIB))
    answer = s3_store.client.head_object(Bucket=s3_store.bucket, Key=key)
    assert answer["ETag"].strip('"').endswith("-3")  # 5 + 5 + 1 MiB


class _Broken(io.RawIOBase):
    """An upload whose client goes away after ``fail_after`` bytes."""

    def __init__(self, fail_after: int) -> None:
        self.fail_after, self.sent = fail_after, 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self.sent >= self.fail_after:
            raise RuntimeError("client went away")
        self.sent += MIB
        return b"x" * MIB


@pytest.mark.parametrize("fail_after", [1 * MIB, 7 * MIB])
def test_a_failing_stream_leaves_nothing(store, fail_after, pending_uploads):
    key = make_key("evidence", "dang-do.pdf")
    with pytest.raises(RuntimeError, match="client went away"):
        store.put_stream(key, _Broken(fail_after), content_type=PDF)
    assert not store.exists(key)
    assert list(store.list_keys()) == []
    assert pending_uploads(store) == []


def test_missing_objects(store):
    key = make_key("evidence", "khong-co.pdf")
    with pytest.raises(ObjectNotFound) as raised:
        store.open(key)
    assert raised.value.message == "Không tìm thấy tệp minh chứng trong kho lưu trữ."
    with pytest.raises(ObjectNotFound):
        store.head(key)
    store.delete(key)  # deleting nothing is not an error


def test_delete(store):
    key = make_key("evidence", "a.pdf")
    _put(store, key, b"x")
    store.delete(key)
    assert not store.exists(key) and list(store.list_keys()) == []
    _put(store, key, b"again")  # the key is free once more
    assert _read(store, key) == b"again"


@pytest.mark.parametrize("key", ["../etc/passwd", "/abs", "evidence/../../x", "", "a//b",
                                 "evidence/./x", "evidence/x/", ".hidden", "a/.meta",
                                 "ảnh/x.jpg", "a\nb", "a\n", "C:\\x", "a" * 1100])
def test_invalid_keys_are_refused(store, key):
    for call in (store.exists, store.open, store.head, store.delete):
        with pytest.raises(ValueError):
            call(key)
    with pytest.raises(ValueError):
        _put(store, key, b"x")


@pytest.mark.parametrize("prefix", ["../", "/", "..", "evidence/../", "a//"])
def test_invalid_prefixes_are_refused(store, prefix):
    with pytest.raises(ValueError):
        list(store.list_keys(prefix))


def test_presigned_download_names_the_vietnamese_file(s3_store):
    key = make_key("evidence", "Ảnh công trình.jpg")
    _put(s3_store, key, b"\xff\xd8\xffdata", "image/jpeg")
    url = s3_store.url_for_download(key, "Ảnh công trình đường.jpg", "image/jpeg", expires=60)
    assert "X-Amz-Expires=60" in url
    with urllib.request.urlopen(url, timeout=10) as response:
        disposition = response.headers["Content-Disposition"]
        content_type = response.headers["Content-Type"]
        assert response.read() == b"\xff\xd8\xffdata"
    assert disposition.startswith('attachment; filename="Anh-cong-trinh-duong.jpg"; ')
    assert unquote(disposition.split("filename*=UTF-8''", 1)[1]) == "Ảnh công trình đường.jpg"
    assert content_type == "image/jpeg"


def test_local_store_serves_through_the_portal_only(local_store):
    assert local_store.url_for_download("evidence/x", "x.pdf", PDF) is None


def test_content_disposition_follows_rfc_6266():
    header = content_disposition("Biên bản số 5 \"đặc biệt\".pdf")
    assert header == ("attachment; filename=\"Bien-ban-so-5-dac-biet.pdf\"; filename*=UTF-8''"
                      "Bi%C3%AAn%20b%E1%BA%A3n%20s%E1%BB%91%205%20%22%C4%91%E1%BA%B7c"
                      "%20bi%E1%BB%87t%22.pdf")
    assert content_disposition("a.pdf", inline=True).startswith("inline; ")


def test_make_key_scheme():
    key = make_key("evidence", "Đề án chuyển đổi số phường.pdf",
                   now=datetime(2026, 11, 24, tzinfo=UTC))
    assert re.fullmatch(r"evidence/2026/11/[0-9a-f]{32}/De-an-chuyen-doi-so-phuong\.pdf", key)
    decomposed = "Đề án.pdf".replace("ề", "e\u0302\u0300")  # NFD from macOS
    assert ascii_slug(decomposed) == ascii_slug("Đề án.pdf") == "De-an.pdf"
    assert make_key("evidence", "a.pdf") != make_key("evidence", "a.pdf")
    assert make_key("evidence", "???.pdf").endswith("/pdf")
    assert make_key("evidence", "").endswith("/tep")
    long_name = ascii_slug("Báo cáo " * 40 + ".docx")
    assert len(long_name) <= 120 and long_name.endswith(".docx")
    assert check_key(make_key("evidence", "../../etc/passwd"))


def test_s3_down_fails_fast_with_a_vietnamese_message(s3_down):
    started = time.monotonic()
    for call in (lambda: _put(s3_down, "evidence/a.pdf", b"%PDF-1.4"),
                 lambda: s3_down.exists("evidence/a.pdf"),
                 lambda: s3_down.open("evidence/a.pdf"),
                 lambda: s3_down.head("evidence/a.pdf"),
                 lambda: s3_down.delete("evidence/a.pdf"),
                 lambda: list(s3_down.list_keys("evidence/"))):
        with pytest.raises(StorageError) as raised:
            call()
        assert raised.value.message == ("Không kết nối được kho lưu trữ minh chứng. "
                                        "Vui lòng thử lại sau.")
        assert raised.value.__cause__ is not None
    assert time.monotonic() - started < 10


def test_s3_client_configuration(s3_store):
    config = s3_store.client.meta.config
    assert config.request_checksum_calculation == "when_required"
    assert config.response_checksum_validation == "when_required"
    assert config.s3 == {"addressing_style": "path"}
    # botocore reads retries["max_attempts"] as retries after the first try: 3 → 4 requests.
    assert config.retries == {"total_max_attempts": 4, "mode": "standard"}
    assert (config.connect_timeout, config.read_timeout) == (5, 60)


def test_create_bucket_is_idempotent(s3_store, s3_endpoint):
    again = S3Store(s3_store.bucket, endpoint_url=s3_endpoint, access_key="testing",
                    secret_key="testing", create_bucket=True)
    assert list(again.list_keys()) == []


# LocalStore specifics


def test_local_sidecars_and_temporary_files_are_never_listed(local_store):
    key = make_key("evidence", "a.pdf")
    _put(local_store, key, b"x")
    (local_store.root / key).with_name(".upload-abc").write_bytes(b"half")
    assert [k for k, _ in local_store.list_keys()] == [key]
    assert (local_store.root / ".meta" / f"{key}.json").is_file()


def test_local_head_recomputes_without_sidecar(local_store):
    key = make_key("evidence", "a.pdf")
    stored = _put(local_store, key, b"content")
    (local_store.root / ".meta" / f"{key}.json").unlink()
    head = local_store.head(key)
    assert head.sha256 == stored.sha256 and head.size == 7


def test_local_delete_removes_the_empty_folder(local_store):
    key = make_key("evidence", "a.pdf")
    _put(local_store, key, b"x")
    local_store.delete(key)
    assert not (local_store.root / key).parent.exists()
    assert not (local_store.root / ".meta" / key).parent.exists()


def test_local_symlink_cannot_escape_the_root(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.pdf").write_bytes(b"secret")
    store = LocalStore(tmp_path / "root")
    (store.root / "evidence").symlink_to(outside)
    with pytest.raises(ValueError):
        store.open("evidence/secret.pdf")
    with pytest.raises(ValueError):
        _put(store, "evidence/new.pdf", b"x")
    assert list(store.list_keys("evidence/")) == []


def test_local_store_without_hard_links(local_store, monkeypatch):
    """Filesystems without hard links: the key is claimed with O_EXCL, then replaced."""
    def no_links(*_args):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    key = make_key("evidence", "a.pdf")
    _put(local_store, key, b"first")
    monkeypatch.setattr(local_store, "exists", lambda _key: False)
    with pytest.raises(ObjectExists):
        _put(local_store, key, b"second")
    assert _read(local_store, key) == b"first"
    assert [k for k, _ in local_store.list_keys()] == [key]


def test_local_write_failure_is_a_storage_error(local_store, monkeypatch):
    def full(*_args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(StorageError, match="Không ghi được tệp minh chứng"):
        _put(local_store, make_key("evidence", "a.pdf"), b"x")
    monkeypatch.undo()
    assert list(local_store.list_keys()) == []


# Factory


def test_build_store(tmp_path, s3_endpoint):
    assert isinstance(build_store(backend="local", local_root=tmp_path), LocalStore)
    store = build_store(backend="s3", local_root=tmp_path, s3_bucket="fabrik",
                        s3_endpoint_url=s3_endpoint, s3_access_key="testing",
                        s3_secret_key="testing", s3_create_bucket=True)
    assert isinstance(store, S3Store) and list(store.list_keys()) == []
    with pytest.raises(ValueError):
        build_store(backend="s3", local_root=tmp_path)
    with pytest.raises(ValueError):
        build_store(backend="ftp", local_root=tmp_path)
