"""Building the configured evidence store."""

from __future__ import annotations

from pathlib import Path

from storage.base import ObjectStore
from storage.local import LocalStore
from storage.s3 import S3Store


def build_store(*, backend: str, local_root: Path, s3_bucket: str | None = None,
                s3_endpoint_url: str | None = None, s3_region: str = "us-east-1",
                s3_access_key: str | None = None, s3_secret_key: str | None = None,
                s3_create_bucket: bool = False) -> ObjectStore:
    """A LocalStore for "local", an S3Store for "s3"."""
    if backend == "s3":
        if not s3_bucket:
            raise ValueError("S3_BUCKET is required when EVIDENCE_STORAGE=s3")
        return S3Store(s3_bucket, endpoint_url=s3_endpoint_url, region=s3_region,
                       access_key=s3_access_key, secret_key=s3_secret_key,
                       create_bucket=s3_create_bucket)
    if backend != "local":
        raise ValueError(f"unknown evidence storage backend: {backend}")
    return LocalStore(local_root)
