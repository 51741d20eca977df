"""Evidence in any S3-compatible store (MinIO on premises, AWS, others) through boto3."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from typing import BinaryIO

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from storage.base import StoredObject, check_key, content_disposition
from storage.errors import ObjectExists, StorageError

MIN_PART = 5 * 1024 * 1024
# Small parts, two in flight: memory stays near 25 MB whatever the file size (measured in
# bench/upload.py), at little cost in time.
DEFAULT_PART = MIN_PART


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


def _not_found(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound",
                                                            "NoSuchBucket"}


class S3Store:
    """Streams uploads (multipart above a threshold) and downloads; never overwrites."""

    def __init__(self, bucket: str, *, endpoint_url: str | None = None,
                 region: str = "us-east-1", access_key: str | None = None,
                 secret_key: str | None = None, path_style: bool = True,
                 create_bucket: bool = False, multipart_threshold: int = DEFAULT_PART,
                 part_size: int = DEFAULT_PART, connect_timeout: float = 5,
                 read_timeout: float = 60, max_attempts: int = 3,
                 parallel_parts: int = 2) -> None:
        self.bucket = bucket
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
            retries={"max_attempts": max_attempts, "mode": "standard"},
            max_pool_connections=max(10, parallel_parts * 2),
            signature_version="s3v4",
        )
        self.client = boto3.client("s3", endpoint_url=endpoint_url, region_name=region,
                                   aws_access_key_id=access_key,
                                   aws_secret_access_key=secret_key, config=config)
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
            except (ClientError, BotoCoreError) as create_error:
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
                   metadata: dict[str, str] | None = None) -> StoredObject:
        """One put for small files, a multipart upload in fixed parts otherwise; a failed
        multipart upload is aborted so that no partial object remains."""
        check_key(key)
        if self.exists(key):
            raise ObjectExists(key)
        digest, size = hashlib.sha256(), 0
        first = _read_up_to(stream, self.multipart_threshold)
        digest.update(first)
        size += len(first)
        try:
            if len(first) < self.multipart_threshold:
                self.client.put_object(Bucket=self.bucket, Key=key, Body=first,
                                       ContentType=content_type,
                                       Metadata={**(metadata or {}),
                                                 "sha256": digest.hexdigest()})
                return StoredObject(key, size, digest.hexdigest(), content_type)
            upload = self.client.create_multipart_upload(Bucket=self.bucket, Key=key,
                                                         ContentType=content_type,
                                                         Metadata=metadata or {})
        except (ClientError, BotoCoreError) as error:
            raise StorageError() from error
        upload_id = upload["UploadId"]
        try:
            size = self._upload_parts(key, upload_id, first, stream, digest, size)
        except BaseException as error:
            with contextlib.suppress(ClientError, BotoCoreError):
                self.client.abort_multipart_upload(Bucket=self.bucket, Key=key,
                                                   UploadId=upload_id)
            if isinstance(error, ClientError | BotoCoreError):
                raise StorageError() from error
            raise
        return StoredObject(key, size, digest.hexdigest(), content_type)

    def _upload_parts(self, key: str, upload_id: str, first: bytes, stream: BinaryIO,
                      digest, size: int) -> int:
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
        self.client.complete_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id,
                                              MultipartUpload={"Parts": parts})
        return size

    def open(self, key: str) -> BinaryIO:
        """A streaming body of the object."""
        try:
            return self.client.get_object(Bucket=self.bucket, Key=check_key(key))["Body"]
        except (ClientError, BotoCoreError) as error:
            raise StorageError() from error

    def head(self, key: str) -> StoredObject:
        """Size, type and the SHA-256 recorded at upload (single-part objects)."""
        try:
            answer = self.client.head_object(Bucket=self.bucket, Key=check_key(key))
        except (ClientError, BotoCoreError) as error:
            raise StorageError() from error
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
