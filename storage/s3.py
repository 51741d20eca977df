"""Evidence in any S3-compatible store (MinIO on premises, AWS, others) through boto3.

SHA-256: a small object put from memory carries its digest in its metadata
(``x-amz-meta-sha256``). The metadata of a streamed PUT or a multipart upload is sent
before the digest is known, and the object is not rewritten afterwards (that would be an
overwrite), so ``head`` returns ``sha256=None`` for them. ``put_stream`` always returns the digest, and the database row is
the record of an evidence file's SHA-256.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from typing import BinaryIO
from urllib.parse import quote

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from storage.base import (
    StoredObject,
    check_key,
    check_prefix,
    content_disposition,
    declared_length,
)
from storage.errors import LengthMismatch, ObjectExists, ObjectNotFound, StorageError
from storage.pipeline import InOrder

MIN_PART = 5 * 1024 * 1024
# Small parts, two in flight: memory stays near 25 MB whatever the file size (measured in
# bench/upload.py), at little cost in time.
DEFAULT_PART = MIN_PART
# A body of known length up to this size goes out as one streamed PUT (S3 allows 5 GB);
# above it, multipart: a failed part is retried alone instead of the whole file.
SINGLE_PUT_LIMIT = 64 * 1024 * 1024
STREAM_READ = 256 * 1024


def _read_up_to(stream: BinaryIO, size: int) -> bytes:
    """Reads until ``size`` bytes or the end: a stream may return less than asked."""
    parts, total = [], 0
    while total < size:
        chunk = stream.read(size - total)
        if not chunk:
            break
        parts.append(chunk)
        total += len(chunk)
    return b"".join(parts)


_NOT_FOUND = {"404", "NoSuchKey", "NotFound", "NoSuchBucket"}
# If-None-Match: * refused because the key exists (412), or because another conditional
# write of the same key is in progress (409 on AWS).
_TAKEN = {"412", "PreconditionFailed", "ConditionalRequestConflict"}
READ_FAILED = "Không đọc được tệp minh chứng từ kho lưu trữ. Vui lòng thử lại sau."


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _not_found(error: ClientError) -> bool:
    return _code(error) in _NOT_FOUND


def _translate(error: BaseException, key: str | None = None) -> StorageError:
    """The Vietnamese StorageError for a boto3 failure (chain the original with ``from``)."""
    if isinstance(error, StorageError):
        return error
    if isinstance(error, ClientError) and key is not None:
        if _code(error) in _TAKEN:
            return ObjectExists(key)
        if _code(error) in {"404", "NoSuchKey", "NotFound"}:
            return ObjectNotFound(key)
    return StorageError()


def _header_safe(metadata: dict[str, str] | None) -> dict[str, str]:
    """User metadata travels in HTTP headers: non-ASCII values are percent-encoded."""
    return {name: value if value.isascii() else quote(value, safe="")
            for name, value in (metadata or {}).items()}


class _Body(io.RawIOBase):
    """An S3 object body whose read failures become StorageError."""

    def __init__(self, body) -> None:
        super().__init__()
        self._body = body

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            return self._body.readinto(buffer)
        except (BotoCoreError, OSError) as error:
            raise StorageError(READ_FAILED) from error

    def close(self) -> None:
        if not self.closed:
            with contextlib.suppress(Exception):
                self._body.close()
        super().close()


class _StreamedBody:
    """The body of a streamed PUT: reads the source as the HTTP client asks, hashes on the
    way, and insists on exactly ``length`` bytes. A source that ends early, or still has
    bytes once ``length`` are read, fails before the last byte goes out, so the server
    never sees a whole request and stores nothing."""

    def __init__(self, stream: BinaryIO, length: int, helper: InOrder) -> None:
        self._stream, self._left, self.length = stream, length, length
        self._helper = helper  # hashes beside the network I/O; finish() before ``digest``
        self.digest = hashlib.sha256()
        self.size = 0
        self.error: BaseException | None = None
        self._ended = False

    def read(self, size: int = -1) -> bytes:
        try:
            return self._read(size)
        except BaseException as error:
            self.error = error
            raise

    def _read(self, size: int) -> bytes:
        if self._left == 0:
            self._check_end()
            return b""
        # The HTTP client asks for 8-16 KiB at a time; larger reads cost fewer Python calls.
        want = self._left if size is None or size < 0 else min(max(size, STREAM_READ),
                                                                 self._left)
        chunk = self._stream.read(want)
        if not chunk:
            raise LengthMismatch(self.length, self.size)
        self.size += len(chunk)
        self._left -= len(chunk)
        if self._left < 0:
            raise LengthMismatch(self.length, self.size)
        if self._left == 0:
            self._check_end()
        self._helper.submit(self.digest.update, chunk)
        return chunk

    def _check_end(self) -> None:
        if not self._ended:
            self._ended = True
            if self._stream.read(1):
                raise LengthMismatch(self.length, self.size + 1)


class S3Store:
    """Streams uploads (multipart above a threshold) and downloads; never overwrites.

    Overwrites are refused twice: a HEAD before writing (works everywhere) and
    ``If-None-Match: *`` on ``PutObject``/``CompleteMultipartUpload`` (closes the race on
    servers that support conditional writes: AWS, recent MinIO, moto). Servers that reject
    the header can be used with ``conditional_writes=False``.

    Part size defaults to 5 MiB (S3's minimum) with two parts in flight: measured in
    ``bench/upload.py``, memory stays near 25 MB for a 50 MB file at little cost in time."""

    def __init__(self, bucket: str, *, endpoint_url: str | None = None,
                 region: str = "us-east-1", access_key: str | None = None,
                 secret_key: str | None = None, path_style: bool = True,
                 create_bucket: bool = False, multipart_threshold: int = DEFAULT_PART,
                 part_size: int = DEFAULT_PART, connect_timeout: float = 5,
                 read_timeout: float = 60, max_attempts: int = 3,
                 parallel_parts: int = 2, conditional_writes: bool = True,
                 single_put_limit: int = SINGLE_PUT_LIMIT) -> None:
        self.bucket = bucket
        self.single_put_limit = single_put_limit
        self.conditional_writes = conditional_writes
        self.parallel_parts = max(parallel_parts, 1)
        self.multipart_threshold = max(multipart_threshold, 1)
        self.part_size = max(part_size, MIN_PART)
        config = Config(
            # Newer boto3 defaults add checksums that some S3-compatible servers
            # (MinIO builds among them) reject; send them only when the API requires.
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
            s3={"addressing_style": "path" if path_style else "auto"},
            connect_timeout=connect_timeout,
            read_timeout=read_timeout,
            # botocore counts these as retries after the first request.
            retries={"max_attempts": max_attempts, "mode": "standard"},
            max_pool_connections=max(10, parallel_parts * 2),
            signature_version="s3v4",
        )
        session = boto3.session.Session()
        self.client = session.client("s3", endpoint_url=endpoint_url, region_name=region,
                                     aws_access_key_id=access_key,
                                     aws_secret_access_key=secret_key, config=config)
        # Streamed PUTs: the body is read once, as it is sent, so botocore can neither hash
        # it for the signature beforehand (UNSIGNED-PAYLOAD, as boto3 does over HTTPS) nor
        # send it again on a retry. The SHA-256 computed on the way is returned instead.
        self._streaming_client = session.client(
            "s3", endpoint_url=endpoint_url, region_name=region, aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            config=config.merge(Config(
                s3={"addressing_style": "path" if path_style else "auto",
                    "payload_signing_enabled": False},
                retries={"total_max_attempts": 1, "mode": "standard"})))
        if create_bucket:
            self.ensure_bucket(region)

    def ensure_bucket(self, region: str) -> None:
        """Creates the bucket when it does not exist yet."""
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError as error:
            if not _not_found(error) and error.response["Error"].get("Code") != "403":
                raise StorageError() from error
            params = {"Bucket": self.bucket}
            if region != "us-east-1":
                params["CreateBucketConfiguration"] = {"LocationConstraint": region}
            try:
                self.client.create_bucket(**params)
            except ClientError as create_error:
                if _code(create_error) not in {"BucketAlreadyOwnedByYou",
                                               "BucketAlreadyExists"}:
                    raise StorageError() from create_error
            except BotoCoreError as create_error:
                raise StorageError() from create_error
        except BotoCoreError as error:
            raise StorageError() from error

    def exists(self, key: str) -> bool:
        """Whether the key holds an object."""
        try:
            self.client.head_object(Bucket=self.bucket, Key=check_key(key))
            return True
        except ClientError as error:
            if _not_found(error):
                return False
            raise StorageError() from error
        except BotoCoreError as error:
            raise StorageError() from error

    def put_stream(self, key: str, stream: BinaryIO, *, content_type: str,
                   metadata: dict[str, str] | None = None,
                   length: int | None = None) -> StoredObject:
        """A stream of known ``length`` up to ``single_put_limit`` goes out as one PUT while
        it is read; otherwise small files are one buffered put and larger ones a multipart
        upload in fixed parts, aborted on failure so that no partial object remains."""
        length = declared_length(stream, length)
        check_key(key)
        if self.exists(key):
            raise ObjectExists(key)
        condition = {"IfNoneMatch": "*"} if self.conditional_writes else {}
        if length is not None and length <= self.single_put_limit:
            return self._put_streamed(key, stream, length, content_type, metadata, condition)
        digest, size = hashlib.sha256(), 0
        first = _read_up_to(stream, self.multipart_threshold)
        digest.update(first)
        size += len(first)
        try:
            if len(first) < self.multipart_threshold:
                if length is not None and size != length:
                    raise LengthMismatch(length, size)
                self.client.put_object(Bucket=self.bucket, Key=key, Body=first,
                                       ContentType=content_type,
                                       Metadata={**_header_safe(metadata),
                                                 "sha256": digest.hexdigest()},
                                       **condition)
                return StoredObject(key, size, digest.hexdigest(), content_type)
            upload = self.client.create_multipart_upload(Bucket=self.bucket, Key=key,
                                                         ContentType=content_type,
                                                         Metadata=_header_safe(metadata))
        except (ClientError, BotoCoreError) as error:
            raise _translate(error, key) from error
        upload_id = upload["UploadId"]
        try:
            size = self._upload_parts(key, upload_id, first, stream, digest, size, condition,
                                      length)
        except BaseException as error:
            with contextlib.suppress(ClientError, BotoCoreError):
                self.client.abort_multipart_upload(Bucket=self.bucket, Key=key,
                                                   UploadId=upload_id)
            if isinstance(error, ClientError | BotoCoreError):
                raise _translate(error, key) from error
            raise
        return StoredObject(key, size, digest.hexdigest(), content_type)

    def _put_streamed(self, key: str, stream: BinaryIO, length: int, content_type: str,
                      metadata: dict[str, str] | None,
                      condition: dict[str, str]) -> StoredObject:
        """One PUT whose body is read from ``stream`` as it is sent: nothing buffered but
        the chunk in hand. The SHA-256 is only known at the end, too late for the metadata
        (``head`` returns None, as for multipart objects)."""
        with InOrder() as helper:
            body = _StreamedBody(stream, length, helper)
            try:
                self._streaming_client.put_object(
                    Bucket=self.bucket, Key=key, Body=body, ContentLength=length,
                    ContentType=content_type, Metadata=_header_safe(metadata), **condition)
            except (ClientError, BotoCoreError) as error:
                # The HTTP client wraps whatever the stream raised: give the caller the
                # original (an upload refused mid-way, a client that went away).
                if body.error is not None:
                    raise body.error from None
                raise _translate(error, key) from error
            if body.error is not None:  # raised, swallowed by the HTTP client, request sent
                raise body.error
            helper.finish()
        return StoredObject(key, body.size, body.digest.hexdigest(), content_type)

    def _upload_parts(self, key: str, upload_id: str, first: bytes, stream: BinaryIO,
                      digest, size: int, condition: dict[str, str],
                      length: int | None) -> int:
        """Sends parts while the next ones are read: at most ``parallel_parts`` in flight,
        so memory stays bounded whatever the file size."""
        parts: list[dict] = []
        in_flight: list[tuple[int, Future]] = []

        def send(number: int, body: bytes) -> str:
            return self.client.upload_part(Bucket=self.bucket, Key=key, PartNumber=number,
                                           UploadId=upload_id, Body=body)["ETag"]

        def settle(limit: int) -> None:
            while len(in_flight) > limit:
                number, future = in_flight.pop(0)
                parts.append({"ETag": future.result(), "PartNumber": number})

        with ThreadPoolExecutor(max_workers=self.parallel_parts) as pool:
            try:
                buffer, number = first, 1
                while True:
                    if len(buffer) < self.part_size:
                        more = _read_up_to(stream, self.part_size - len(buffer))
                        digest.update(more)
                        size += len(more)
                        buffer += more
                    if not buffer:
                        break
                    last = len(buffer) < self.part_size
                    settle(self.parallel_parts - 1)
                    in_flight.append((number, pool.submit(send, number, buffer)))
                    number, buffer = number + 1, b""
                    if last:
                        break
                settle(0)
            finally:
                for _, future in in_flight:
                    future.cancel()
        if length is not None and size != length:
            raise LengthMismatch(length, size)
        self.client.complete_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id,
                                              MultipartUpload={"Parts": parts}, **condition)
        return size

    def open(self, key: str) -> BinaryIO:
        """A buffered stream over the object's body, read from the network as consumed."""
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=check_key(key))["Body"]
        except (ClientError, BotoCoreError) as error:
            raise _translate(error, key) from error
        return io.BufferedReader(_Body(body), buffer_size=256 * 1024)

    def head(self, key: str) -> StoredObject:
        """Size, type and the SHA-256 recorded at upload (single-part objects)."""
        try:
            answer = self.client.head_object(Bucket=self.bucket, Key=check_key(key))
        except (ClientError, BotoCoreError) as error:
            raise _translate(error, key) from error
        return StoredObject(key, answer["ContentLength"],
                            answer.get("Metadata", {}).get("sha256"),
                            answer.get("ContentType", "application/octet-stream"))

    def delete(self, key: str) -> None:
        """Removes the object (rollback and garbage collection only)."""
        try:
            self.client.delete_object(Bucket=self.bucket, Key=check_key(key))
        except (ClientError, BotoCoreError) as error:
            raise StorageError() from error

    def list_keys(self, prefix: str = "") -> Iterator[tuple[str, datetime]]:
        """Every key under the prefix with its last-modified time."""
        check_prefix(prefix)
        try:
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=prefix)
            for page in pages:
                for item in page.get("Contents", []):
                    modified = item["LastModified"]
                    if modified.tzinfo is None:
                        modified = modified.replace(tzinfo=UTC)
                    yield item["Key"], modified
        except (ClientError, BotoCoreError) as error:
            raise StorageError() from error

    def abort_stale_uploads(self, *, before: datetime, prefix: str = "",
                            dry_run: bool = False) -> list[tuple[str, datetime]]:
        """Aborts multipart uploads started before ``before`` and never completed (a worker
        killed mid-upload, a dropped connection): S3 keeps their parts, billed and
        invisible to ``list_keys``, until they are aborted. Returns (key, started)."""
        check_prefix(prefix)
        stale: list[tuple[str, datetime]] = []
        try:
            pages = self.client.get_paginator("list_multipart_uploads").paginate(
                Bucket=self.bucket, Prefix=prefix)
            for page in pages:
                for upload in page.get("Uploads", []):
                    started = upload["Initiated"]
                    if started.tzinfo is None:
                        started = started.replace(tzinfo=UTC)
                    if started >= before:
                        continue
                    if not dry_run:
                        self.client.abort_multipart_upload(Bucket=self.bucket,
                                                           Key=upload["Key"],
                                                           UploadId=upload["UploadId"])
                    stale.append((upload["Key"], started))
        except (ClientError, BotoCoreError) as error:
            raise StorageError() from error
        return stale

    def url_for_download(self, key: str, filename: str, content_type: str,
                         expires: int = 300) -> str | None:
        """A presigned GET that names the file with its original Vietnamese name."""
        try:
            return self.client.generate_presigned_url(
                "get_object", ExpiresIn=expires,
                Params={"Bucket": self.bucket, "Key": check_key(key),
                        "ResponseContentDisposition": content_disposition(filename),
                        "ResponseContentType": content_type})
        except (ClientError, BotoCoreError) as error:
            raise StorageError() from error
