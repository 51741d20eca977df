"""Storage errors. Messages are Vietnamese and safe to show to users."""

from __future__ import annotations


class StorageError(Exception):
    """The object store failed or refused (unreachable, denied, key already exists)."""

    def __init__(self, message: str = "Không kết nối được kho lưu trữ minh chứng. "
                                      "Vui lòng thử lại sau.") -> None:
        super().__init__(message)
        self.message = message


class ObjectExists(StorageError):
    """A key was about to be overwritten; evidence objects are immutable."""

    def __init__(self, key: str) -> None:
        super().__init__(f"Đối tượng {key} đã tồn tại; minh chứng không được ghi đè.")
        self.key = key


class IngestRejected(Exception):
    """An upload was refused (type, size, corrupt content); nothing was kept."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
