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
MAX_KEY_LENGTH = 1024  # S3's limit, in bytes; keys are ASCII
MAX_SLUG = 120
# Every segment starts with a letter or digit: no "..", no ".", no hidden files, so a key
# can neither escape a folder nor collide with the local store's own ".upload-"/".meta".
_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


@dataclass(frozen=True)
class StoredObject:
    """What the store holds under a key.

    ``sha256`` is the hex digest when the store knows it. ``put_stream`` always returns it;
    ``head`` may not (an S3 object uploaded in parts has no digest in its metadata). The
    database row is the record of an evidence file's SHA-256, not the store."""

    key: str
    size: int
    sha256: str | None
    content_type: str


class SizedStream:
    """A readable stream whose length is declared before it is read (an HTTP request body
    with a Content-Length).

    ``ingest`` hands the length to the store, which may then send the bytes in a single
    request while they are read. A store given a length refuses (``LengthMismatch``) a
    stream that ends before it or runs past it."""

    def __init__(self, stream: BinaryIO, length: int) -> None:
        if length < 0:
            raise ValueError(f"negative stream length: {length}")
        self._stream = stream
        self.length = length

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes of the underlying stream (all that is left when negative)."""
        return self._stream.read(size)


def declared_length(stream: BinaryIO, length: int | None) -> int | None:
    """``length`` when given, else the length a ``SizedStream`` declares, else None."""
    if length is None and isinstance(stream, SizedStream):
        return stream.length
    return length


class ObjectStore(Protocol):
    """Immutable object storage: a key is written once and never overwritten.

    Every method raises ``ValueError`` for a malformed key (see ``check_key``) and
    ``StorageError`` (Vietnamese message) when the store fails; ``open`` and ``head`` raise
    ``ObjectNotFound`` for a missing key."""

    def put_stream(self, key: str, stream: BinaryIO, *, content_type: str,
                   metadata: dict[str, str] | None = None,
                   length: int | None = None) -> StoredObject:
        """Streams ``stream`` into a new object in bounded memory and returns its size and
        SHA-256; the object appears whole or not at all. ``ObjectExists`` if the key is
        taken. An exception raised by ``stream.read`` propagates unchanged and leaves
        nothing behind. ``length`` (by default a ``SizedStream``'s), when known, is the exact
        number of bytes the stream holds (``LengthMismatch`` otherwise, nothing stored)."""

    def open(self, key: str) -> BinaryIO:
        """A readable binary stream of the object; the caller closes it."""

    def head(self, key: str) -> StoredObject:
        """Size, content type and (when known) SHA-256 of the object."""

    def exists(self, key: str) -> bool:
        """Whether the key holds an object."""

    def delete(self, key: str) -> None:
        """Removes an object if present (rollback and garbage collection only)."""

    def list_keys(self, prefix: str = "") -> Iterator[tuple[str, datetime]]:
        """Keys starting with ``prefix`` (a plain string prefix, as in S3) with their
        last-modified time (timezone-aware, UTC)."""

    def abort_stale_uploads(self, *, before: datetime, prefix: str = "",
                            dry_run: bool = False) -> list[tuple[str, datetime]]:
        """Discards uploads begun before ``before`` and never finished (S3: unfinished
        multipart uploads; local: leftover temporary files); returns (name, started)."""

    def url_for_download(self, key: str, filename: str, content_type: str,
                         expires: int = 300) -> str | None:
        """A short-lived direct download URL whose response names the file ``filename``
        (RFC 6266/5987), or None: serve it through the portal's authorized route."""


def ascii_slug(name: str) -> str:
    """A safe ASCII file name: Vietnamese diacritics removed, đ → d, odd characters dropped.

    At most 120 characters; a long name keeps its extension."""
    text = unicodedata.normalize("NFC", name or "")
    text = text.replace("đ", "d").replace("Đ", "D").replace("Ð", "D")
    text = unicodedata.normalize("NFD", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = re.sub(r"[^A-Za-z0-9._-]+", "-", text)
    text = re.sub(r"-+(?=\.)|(?<=\.)-+", "", text).strip("-._")  # "biet-.pdf" → "biet.pdf"
    if len(text) > MAX_SLUG:
        stem, dot, ext = text.rpartition(".")
        if dot and stem and len(ext) <= 10:
            text = stem[:MAX_SLUG - len(ext) - 1].rstrip("-._") + "." + ext
        else:
            text = text[:MAX_SLUG].rstrip("-._")
    return text or "tep"


def make_key(prefix: str, original_name: str, now: datetime | None = None) -> str:
    """``prefix/YYYY/MM/<uuid4 hex>/<safe-ascii-name>``: unique, readable, never colliding.

    The name is NFC-normalised, then slugified (diacritics stripped, đ → d)."""
    now = now or datetime.now(UTC)
    return check_key(f"{prefix.strip('/')}/{now:%Y/%m}/{uuid.uuid4().hex}/"
                     f"{ascii_slug(original_name)}")


def check_key(key: str) -> str:
    """The key itself, or ValueError when it could escape the store or is malformed
    (absolute, ``..``/``.`` segments, empty segments, non-ASCII, too long)."""
    if (not key or len(key) > MAX_KEY_LENGTH
            or not all(_SEGMENT.fullmatch(part) for part in key.split("/"))):
        raise ValueError(f"invalid object key: {key!r}")
    return key


def check_prefix(prefix: str) -> str:
    """A listing prefix: "" or the start of a valid key (it may end with "/")."""
    if prefix:
        *folders, last = prefix.split("/")
        if (len(prefix) > MAX_KEY_LENGTH or not all(_SEGMENT.fullmatch(f) for f in folders)
                or (last and not _SEGMENT.fullmatch(last))):
            raise ValueError(f"invalid key prefix: {prefix!r}")
    return prefix


def content_disposition(filename: str, inline: bool = False) -> str:
    """RFC 6266 header keeping the Vietnamese name (filename*) with an ASCII fallback."""
    kind = "inline" if inline else "attachment"
    name = unicodedata.normalize("NFC", filename or "")
    fallback = ascii_slug(name)  # only [A-Za-z0-9._-]: nothing to escape inside the quotes
    encoded = quote(name, safe="")
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"
