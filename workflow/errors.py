"""Domain errors. Every message is Vietnamese and safe to show to the user as is."""

from __future__ import annotations


class DomainError(Exception):
    """Base class: a refusal with a Vietnamese message for the user."""

    http_status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(DomainError):
    """The input is wrong; nothing was changed."""


class HeaderNotRecognised(ValidationError):
    """A plan file whose header row was not found: the user may map the columns by hand."""


class PermissionDenied(DomainError):
    """The acting user may not do this."""

    http_status = 403

    def __init__(self, message: str = "Bạn không có quyền thực hiện thao tác này.") -> None:
        super().__init__(message)


class NotFound(DomainError):
    """The object does not exist, or the user may not know that it exists."""

    http_status = 404

    def __init__(self, message: str = "Không tìm thấy dữ liệu yêu cầu.") -> None:
        super().__init__(message)


class Conflict(DomainError):
    """The object changed since the user loaded it (stale form, double decision)."""

    http_status = 409
