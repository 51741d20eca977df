"""Evidence in a local folder: the zero-setup default.

Layout under ``root``: each object is the file ``root/<key>``; its SHA-256, size, content
type and metadata are kept in the sidecar ``root/.meta/<key>.json``. Keys never start a
segment with a dot (see ``check_key``), so neither the sidecars nor the temporary
``.upload-*`` files can collide with a key, and neither is ever listed.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from storage.base import CHUNK_SIZE, StoredObject, check_key, check_prefix, declared_length
from storage.errors import LengthMismatch, ObjectExists, ObjectNotFound, StorageError

WRITE_FAILED = "Không ghi được tệp minh chứng vào thư mục lưu trữ. Vui lòng thử lại sau."
READ_FAILED = "Không đọc được tệp minh chứng từ thư mục lưu trữ. Vui lòng thử lại sau."
META_DIR = ".meta"
TEMP_PREFIX = ".upload-"
# Filesystems without hard links (some network and container mounts) answer these.
_NO_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.ENOSYS,
             errno.EMLINK}


def _fsync_dir(folder: Path) -> None:
    """Makes a new directory entry durable (a no-op where directories cannot be opened)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class LocalStore:
    """Objects as files under ``root``.

    A write goes to a temporary file in the target folder, is fsynced, then hard-linked
    into place: ``link`` fails when the name exists, so two racing writers can never
    replace each other's object and a reader never sees half a file. Where the filesystem
    has no hard links, the key is claimed with ``O_CREAT | O_EXCL`` and the temporary file
    renamed over the claim (still never overwriting another writer; a reader may briefly
    see an empty file)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._base = self.root.resolve()

    def _path(self, key: str) -> Path:
        path = self._base / check_key(key)
        # A key cannot name ".." but a symbolic link inside the root could point outside.
        if not path.resolve().is_relative_to(self._base):
            raise ValueError(f"invalid object key: {key!r}")
        return path

    def _meta_path(self, key: str) -> Path:
        return self._base / META_DIR / f"{check_key(key)}.json"

    def put_stream(self, key: str, stream: BinaryIO, *, content_type: str,
                   metadata: dict[str, str] | None = None,
                   length: int | None = None) -> StoredObject:
        """Copies the stream in chunks; the object appears whole or not at all."""
        length = declared_length(stream, length)
        path = self._path(key)
        if self.exists(key):  # early refusal; the link below is what makes it race-free
            raise ObjectExists(key)
        digest, size = hashlib.sha256(), 0
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX)
        except OSError as error:
            raise StorageError(WRITE_FAILED) from error
        try:
            with os.fdopen(fd, "wb") as handle:
                # An error raised by the stream itself propagates unchanged.
                while chunk := stream.read(CHUNK_SIZE):
                    try:
                        handle.write(chunk)
                    except OSError as error:
                        raise StorageError(WRITE_FAILED) from error
                    digest.update(chunk)
                    size += len(chunk)
                if length is not None and size != length:
                    raise LengthMismatch(length, size)
                try:
                    handle.flush()
                    os.fsync(handle.fileno())
                except OSError as error:
                    raise StorageError(WRITE_FAILED) from error
            try:
                self._claim(temp, path, key)
            except OSError as error:
                raise StorageError(WRITE_FAILED) from error
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        _fsync_dir(path.parent)
        stored = StoredObject(key, size, digest.hexdigest(), content_type)
        self._write_meta(stored, metadata or {})
        return stored

    @staticmethod
    def _claim(temp: str, path: Path, key: str) -> None:
        """Puts the finished temporary file at ``path`` unless something is already there."""
        try:
            os.link(temp, path)
            return
        except FileExistsError:
            raise ObjectExists(key) from None
        except OSError as error:
            if error.errno not in _NO_LINKS:
                raise
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            raise ObjectExists(key) from None
        os.replace(temp, path)

    def _write_meta(self, stored: StoredObject, metadata: dict[str, str]) -> None:
        """Best effort: without its sidecar an object is still whole, ``head`` recomputes."""
        meta = self._meta_path(stored.key)
        record = {"size": stored.size, "sha256": stored.sha256,
                  "content_type": stored.content_type, "metadata": metadata}
        with contextlib.suppress(OSError):
            meta.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=meta.parent, prefix=TEMP_PREFIX)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(record, handle, ensure_ascii=False)
                os.replace(temp, meta)
            finally:
                with contextlib.suppress(OSError):
                    os.unlink(temp)

    def _read_meta(self, key: str) -> dict:
        try:
            return json.loads(self._meta_path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def open(self, key: str) -> BinaryIO:
        """The file, opened for reading."""
        try:
            return open(self._path(key), "rb")  # noqa: SIM115 - the caller closes it
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise ObjectNotFound(key) from None
        except OSError as error:
            raise StorageError(READ_FAILED) from error

    def head(self, key: str) -> StoredObject:
        """Size, content type and SHA-256 from the sidecar (recomputed if it is missing)."""
        path = self._path(key)
        try:
            size = path.stat().st_size
        except (FileNotFoundError, NotADirectoryError):
            raise ObjectNotFound(key) from None
        except OSError as error:
            raise StorageError(READ_FAILED) from error
        if not path.is_file():
            raise ObjectNotFound(key)
        meta = self._read_meta(key)
        sha256 = meta.get("sha256") if meta.get("size") == size else None
        if sha256 is None:
            digest = hashlib.sha256()
            with self.open(key) as handle:
                while chunk := handle.read(CHUNK_SIZE):
                    digest.update(chunk)
            sha256 = digest.hexdigest()
        return StoredObject(key, size, sha256,
                            meta.get("content_type") or "application/octet-stream")

    def exists(self, key: str) -> bool:
        """Whether the file exists."""
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        """Removes the file, its sidecar and its folder once empty (if present)."""
        path = self._path(key)
        try:
            path.unlink(missing_ok=True)
            self._meta_path(key).unlink(missing_ok=True)
        except OSError as error:
            raise StorageError(WRITE_FAILED) from error
        for folder in (path.parent, self._meta_path(key).parent):
            if folder not in (self._base, self._base / META_DIR):
                with contextlib.suppress(OSError):
                    folder.rmdir()  # only succeeds when empty

    def list_keys(self, prefix: str = "") -> Iterator[tuple[str, datetime]]:
        """Every stored file whose key starts with ``prefix`` (sidecars and temporary
        files excluded), in key order within each folder."""
        check_prefix(prefix)
        start = self._base / prefix.rpartition("/")[0] if "/" in prefix else self._base
        if not start.is_dir() or not start.resolve().is_relative_to(self._base):
            return
        for folder, dirs, files in os.walk(start):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if name.startswith("."):
                    continue
                full = Path(folder) / name
                key = full.relative_to(self._base).as_posix()
                if not key.startswith(prefix):
                    continue
                try:
                    modified = datetime.fromtimestamp(full.stat().st_mtime, UTC)
                except FileNotFoundError:  # deleted while listing
                    continue
                yield key, modified

    def abort_stale_uploads(self, *, before: datetime, prefix: str = "",
                            dry_run: bool = False) -> list[tuple[str, datetime]]:
        """Removes temporary ``.upload-*`` files older than ``before`` that a killed process
        left behind. Returns (path under the root, last written)."""
        check_prefix(prefix)
        stale: list[tuple[str, datetime]] = []
        for folder, dirs, files in os.walk(self._base):
            dirs[:] = sorted(d for d in dirs if d != META_DIR)
            for name in sorted(files):
                if not name.startswith(TEMP_PREFIX):
                    continue
                full = Path(folder) / name
                relative = full.relative_to(self._base).as_posix()
                if not relative.startswith(prefix.rpartition("/")[0]):
                    continue
                try:
                    written = datetime.fromtimestamp(full.stat().st_mtime, UTC)
                    if written >= before:
                        continue
                    if not dry_run:
                        full.unlink()
                except FileNotFoundError:  # finished or removed meanwhile
                    continue
                except OSError as error:
                    raise StorageError(WRITE_FAILED) from error
                stale.append((relative, written))
        return stale

    def url_for_download(self, key: str, filename: str, content_type: str,
                         expires: int = 300) -> str | None:
        """None: local files are served only through the portal's authorized route."""
        check_key(key)
        return None
