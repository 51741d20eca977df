"""Unfinished uploads: aborted by the store and by ``portal gc-evidence`` once older than
the threshold (moto's S3 server over HTTP; leftover temporary files for the local store)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from click.testing import CliRunner

from portal.cli import cli
from tests.storage.conftest import CREDENTIALS


def _unfinished(store, key: str) -> str:
    """An upload a killed worker left: created, one part sent, never completed."""
    upload = store.client.create_multipart_upload(Bucket=store.bucket, Key=key)
    store.client.upload_part(Bucket=store.bucket, Key=key, PartNumber=1,
                             UploadId=upload["UploadId"], Body=b"x" * 1024)
    return upload["UploadId"]


def _started(store) -> datetime:
    """When the server says the bucket's one upload began (moto 5 answers a fixed date,
    2010-11-10, for every upload; real servers the real time)."""
    answer = store.client.list_multipart_uploads(Bucket=store.bucket)
    return answer["Uploads"][0]["Initiated"].astimezone(UTC)


def test_s3_store_aborts_only_uploads_older_than_the_threshold(s3_store, pending_uploads):
    _unfinished(s3_store, "evidence/2026/11/abc/scan.pdf")
    started = _started(s3_store)
    assert s3_store.abort_stale_uploads(before=started - timedelta(seconds=1)) == []
    assert s3_store.abort_stale_uploads(before=started) == []  # "older than": strictly
    assert s3_store.abort_stale_uploads(before=started + timedelta(seconds=1), dry_run=True)
    assert pending_uploads(s3_store) == ["evidence/2026/11/abc/scan.pdf"]
    aborted = s3_store.abort_stale_uploads(before=datetime.now(UTC))
    assert [key for key, _ in aborted] == ["evidence/2026/11/abc/scan.pdf"]
    assert pending_uploads(s3_store) == []


def test_local_store_removes_leftover_temporary_files(local_store):
    folder = local_store.root / "evidence" / "2026" / "11" / "abc"
    folder.mkdir(parents=True)
    leftover = folder / ".upload-killed"
    leftover.write_bytes(b"half a file")
    old = (datetime.now(UTC) - timedelta(days=2)).timestamp()
    os.utime(leftover, (old, old))
    (folder / ".upload-young").write_bytes(b"being written")
    aborted = local_store.abort_stale_uploads(before=datetime.now(UTC) - timedelta(hours=24))
    assert [name for name, _ in aborted] == ["evidence/2026/11/abc/.upload-killed"]
    assert not leftover.exists() and (folder / ".upload-young").exists()


def test_gc_evidence_command_aborts_and_says_so(tmp_path, s3_endpoint, s3_store,
                                               pending_uploads):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'gc.db'}", "PORTAL_VAR_DIR": str(tmp_path),
           "EVIDENCE_STORAGE": "s3", "S3_BUCKET": s3_store.bucket,
           "S3_ENDPOINT_URL": s3_endpoint, "AWS_ACCESS_KEY_ID": CREDENTIALS["access_key"],
           "AWS_SECRET_ACCESS_KEY": CREDENTIALS["secret_key"], "AWS_DEFAULT_REGION": "us-east-1"}
    runner = CliRunner()
    assert runner.invoke(cli, ["migrate"], env=env).exit_code == 0
    _unfinished(s3_store, "evidence/2026/11/def/bien-ban.pdf")

    dry = runner.invoke(cli, ["gc-evidence", "--older-than", "0", "--dry-run"], env=env)
    assert dry.exit_code == 0, dry.output
    assert "Tìm thấy 1 lượt tải lên dở dang quá 0 giờ; đã hủy 0." in dry.output
    assert "sẽ hủy lượt tải lên dở dang: evidence/2026/11/def/bien-ban.pdf" in dry.output
    assert pending_uploads(s3_store) == ["evidence/2026/11/def/bien-ban.pdf"]

    done = runner.invoke(cli, ["gc-evidence", "--older-than", "0"], env=env)
    assert done.exit_code == 0, done.output
    assert "đã hủy lượt tải lên dở dang: evidence/2026/11/def/bien-ban.pdf (bắt đầu " \
        in done.output
    assert "Tìm thấy 1 lượt tải lên dở dang quá 0 giờ; đã hủy 1." in done.output
    assert pending_uploads(s3_store) == []
