"""Evidence in a local folder: the zero-setup default."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from storage.base import CHUNK_SIZE, StoredObject, check_key
from storage.errors import ObjectExists, StorageError

WRITE_FAILED = "Không ghi được file minh chứng vào thư mục lưu trữ. Vui lòng thử lại sau."


class LocalStore:
    """Objects as files under ``root``; written to a temporary file, then linked into place
    so that a reader never sees half a file and an existing key is never replaced."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        path = (self.root / check_key(key)).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError(f"invalid object key: {key!r}")
        return path

    def put_stream(self, key: str, stream: BinaryIO, *, content_type: str,
                   metadata: dict[str, str] | None = None) -> StoredObject:
        """Copies the stream in chunks; the object appears whole or not at all."""
        path = self._path(key)
        if path.exists():
            raise ObjectExists(key)
        digest, size = hashlib.sha256(), 0
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        except OSError as error:
            raise StorageError(WRITE_FAILED) from error
        try:
            with os.fdopen(fd, "wb") as handle:
                while chunk := stream.read(CHUNK_SIZE):
                    handle.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
                handle.flush()
                os.fsync(handle.fileno())
            os.link(temp, path)  # fails if the key appeared meanwhile: no overwrite
        except FileExistsError:
            raise ObjectExists(key) from None
        except OSError as error:
            raise StorageError(WRITE_FAILED) from error
        finally:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        return StoredObject(key, size, digest.hexdigest(), content_type)

    def open(self, key: str) -> BinaryIO:
        """The file, opened for reading."""
        try:
            return open(self._path(key), "rb")  # noqa: SIM115 - the caller closes it
        except FileNotFoundError:
            raise StorageError(f"Không tìm thấy đối tượng {key} trong kho lưu trữ.") from None

    def head(self, key: str) -> StoredObject:
        """Size and SHA-256 (computed from the file)."""
        digest = hashlib.sha256()
        with self.open(key) as handle:
            while chunk := handle.read(CHUNK_SIZE):
                digest.update(chunk)
        return StoredObject(key, self._path(key).stat().st_size, digest.hexdigest(),
                            "application/octet-stream")

    def exists(self, key: str) -> bool:
        """Whether the file exists."""
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        """Removes the file if present."""
        with contextlib.suppress(FileNotFoundError):
            self._path(key).unlink()

    def list_keys(self, prefix: str = "") -> Iterator[tuple[str, datetime]]:
        """Every stored file under the prefix (temporary files excluded)."""
        base = self.root / prefix if prefix else self.root
        if not base.exists():
            return
        for path in sorted(base.rglob("*")):
            if path.is_file() and not path.name.startswith(".upload-"):
                modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
                yield path.relative_to(self.root).as_posix(), modified

    def url_for_download(self, key: str, filename: str, content_type: str,
                         expires: int = 300) -> str | None:
        """None: local files are served only through the portal's authorized route."""
        return None
