"""Reading values that come from the browser (Dash control values, query parameters)."""

from __future__ import annotations

from typing import Any

from workflow.errors import ValidationError

MAX_ID = 2**31 - 1
BAD_FILTER = "Bộ lọc không hợp lệ. Vui lòng tải lại trang và chọn lại."


def optional_id(value: Any, message: str = BAD_FILTER) -> int | None:
    """A database id chosen in a control (None when nothing is chosen); anything that is not
    an id a row can have is refused with a Vietnamese message."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValidationError(message)
    text = str(value).strip()
    if not text.isdigit() or not 0 < int(text) <= MAX_ID:
        raise ValidationError(message)
    return int(text)
