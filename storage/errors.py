"""Storage errors. Messages are Vietnamese and safe to show to users.

The storage layer imports nothing from ``workflow`` or ``portal``; the domain layer
translates these into its own errors (``IngestRejected`` → ``ValidationError``,
``StorageError`` → "storage unavailable")."""

from __future__ import annotations

STORE_DOWN = "Không kết nối được kho lưu trữ minh chứng. Vui lòng thử lại sau."


class StorageError(Exception):
    """The object store failed or refused (unreachable, denied, key already exists)."""

    def __init__(self, message: str = STORE_DOWN) -> None:
        super().__init__(message)
        self.message = message


class ObjectExists(StorageError):
    """A key was about to be overwritten; evidence objects are immutable."""

    def __init__(self, key: str) -> None:
        super().__init__(f"Đối tượng {key} đã tồn tại; minh chứng không được ghi đè.")
        self.key = key


class ObjectNotFound(StorageError):
    """The key holds no object (deleted by garbage collection, or never written)."""

    def __init__(self, key: str) -> None:
        super().__init__("Không tìm thấy tệp minh chứng trong kho lưu trữ.")
        self.key = key


class LengthMismatch(StorageError):
    """A stream declared its length (``SizedStream``) and then ended before it or ran past
    it (a client that disconnected, a wrong Content-Length); nothing was stored."""

    def __init__(self, expected: int, received: int) -> None:
        super().__init__("Tệp tải lên không trọn vẹn: dung lượng nhận được khác dung lượng "
                         "đã khai báo. Vui lòng tải lại.")
        self.expected, self.received = expected, received


class IngestRejected(Exception):
    """An upload was refused (type, size, corrupt content); nothing was kept."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
