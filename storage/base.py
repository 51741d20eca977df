"""The object store interface shared by the local-folder and S3 implementations."""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import BinaryIO, Protocol
from urllib.parse import quote

CHUNK_SIZE = 8 * 1024 * 1024
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")


@dataclass(frozen=True)
class StoredObject:
    """What the store holds under a key."""

    key: str
    size: int
    sha256: str | None
    content_type: str


class ObjectStore(Protocol):
    """Immutable object storage: a key is written once and never overwritten."""

    def put_stream(self, key: str, stream: BinaryIO, *, content_type: str,
                   metadata: dict[str, str] | None = None) -> StoredObject:
        """Streams ``stream`` into a new object; refuses an existing key."""

    def open(self, key: str) -> BinaryIO:
        """A readable stream of the object."""

    def head(self, key: str) -> StoredObject:
        """Size, content type and (when known) SHA-256 of the object."""

    def exists(self, key: str) -> bool:
        """Whether the key holds an object."""

    def delete(self, key: str) -> None:
        """Removes an object (rollback and garbage collection only)."""

    def list_keys(self, prefix: str = "") -> Iterator[tuple[str, datetime]]:
        """Keys under ``prefix`` with their last-modified time (UTC)."""

    def url_for_download(self, key: str, filename: str, content_type: str,
                         expires: int = 300) -> str | None:
        """A short-lived direct download URL, or None to serve through the portal."""


def ascii_slug(name: str) -> str:
    """A safe ASCII file name: Vietnamese diacritics removed, đ → d, odd characters dropped."""
    text = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-._")
    return text[:120] or "tep"


def make_key(prefix: str, original_name: str, now: datetime | None = None) -> str:
    """``prefix/YYYY/MM/<uuid>/<safe-name>``: unique, readable, never colliding."""
    now = now or datetime.now(UTC)
    name = ascii_slug(unicodedata.normalize("NFC", original_name or ""))
    return f"{prefix}/{now:%Y/%m}/{uuid.uuid4().hex}/{name}"


def check_key(key: str) -> str:
    """Refuses keys that could escape the store or are malformed."""
    if not key or not _KEY.match(key) or ".." in key.split("/") or "//" in key:
        raise ValueError(f"invalid object key: {key!r}")
    return key


def content_disposition(filename: str, inline: bool = False) -> str:
    """RFC 6266 header keeping the Vietnamese name (filename*) with an ASCII fallback."""
    kind = "inline" if inline else "attachment"
    fallback = ascii_slug(filename)
    encoded = quote(unicodedata.normalize("NFC", filename), safe="")
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"
