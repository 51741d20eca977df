"""Finding the header row and mapping its columns to task fields, by Vietnamese names."""

from __future__ import annotations

import re

from workflow.errors import ValidationError
from workflow.text import fold

FIELDS = ("code", "parent", "title", "output", "kpi", "lead_unit", "coordinating_units",
          "deadline", "basis", "notes")
FIELD_LABELS = {
    "code": "STT", "parent": "Nhiệm vụ tổng quát", "title": "Nội dung / Tiểu nhiệm vụ",
    "output": "Sản phẩm đầu ra", "kpi": "KPI đo lường", "lead_unit": "Đơn vị chủ trì",
    "coordinating_units": "Đơn vị phối hợp", "deadline": "Thời hạn hoàn thành",
    "basis": "Căn cứ", "notes": "Ghi chú",
}
# Checked in this order: specific names before generic ones ("Mã nhiệm vụ tổng quát" is the
# parent task, not a code; "Nhiệm vụ" alone is the task title).
PATTERNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("notes", ("ghi chu",)),
    ("basis", ("can cu",)),
    ("coordinating_units", ("phoi hop",)),
    ("lead_unit", ("chu tri",)),
    ("deadline", ("thoi han", "thoi gian")),
    ("kpi", ("kpi", "chi tieu")),
    ("output", ("san pham", "ket qua")),
    ("parent", ("nhiem vu tong quat", "nhom nhiem vu")),
    ("title", ("tieu nhiem vu", "noi dung", "muc tieu", "nhiem vu", "ten nhiem vu")),
    ("code", ("stt", "tt", "tt/chi tiet", "ma nhiem vu", "so tt")),
)
EXACT_ONLY = {"stt", "tt", "so tt", "tt/chi tiet"}
_NUMBERING = re.compile(r"^\(\s*\d+\s*\)\s*")


def header_key(cell: str) -> str:
    """A header cell folded for matching: no "(1)" numbering, no case or diacritics."""
    return fold(_NUMBERING.sub("", cell or "")).strip(" .:")


def match_field(cell: str) -> str | None:
    """The field a header cell names, or None."""
    key = header_key(cell)
    if not key:
        return None
    for name, patterns in PATTERNS:
        for pattern in patterns:
            if pattern in EXACT_ONLY:
                if key == pattern:
                    return name
            elif pattern in key:
                return name
    return None


def map_columns(row: list[str]) -> dict[str, int]:
    """Field → column index for one candidate header row (first column wins)."""
    mapping: dict[str, int] = {}
    for index, cell in enumerate(row):
        name = match_field(cell)
        if name and name not in mapping:
            mapping[name] = index
    return mapping


def is_header(mapping: dict[str, int]) -> bool:
    """Enough recognised columns to be the header row."""
    return ("title" in mapping or "parent" in mapping) and len(mapping) >= 3


def find_header(rows: list[list[str]], scan: int = 15) -> tuple[int, dict[str, int]] | None:
    """The index and mapping of the best header row among the first ``scan`` rows."""
    best: tuple[int, dict[str, int]] | None = None
    for index, row in enumerate(rows[:scan]):
        mapping = map_columns(row)
        if is_header(mapping) and (best is None or len(mapping) > len(best[1])):
            best = (index, mapping)
    return best


def validate_override(mapping: dict[str, int], width: int) -> dict[str, int]:
    """Checks a hand-made column mapping from the import page."""
    clean = {k: int(v) for k, v in mapping.items() if v is not None and v != ""}
    unknown = set(clean) - set(FIELDS)
    if unknown:
        raise ValidationError("Trường không hợp lệ trong bảng ghép cột: " + ", ".join(sorted(unknown)))
    if any(not 0 <= v < width for v in clean.values()):
        raise ValidationError("Số cột trong bảng ghép cột vượt quá số cột của tệp.")
    if "title" not in clean and "parent" not in clean:
        raise ValidationError("Cần chọn ít nhất cột nội dung nhiệm vụ.")
    return clean


def not_recognised_message() -> str:
    """The message for a file whose header row was not found."""
    expected = ", ".join(f"“{FIELD_LABELS[f]}”" for f in
                         ("title", "lead_unit", "coordinating_units", "deadline", "output"))
    return ("Không nhận ra dòng tiêu đề của bảng nhiệm vụ. Bảng cần có các cột như "
            f"{expected}. Vui lòng kiểm tra tệp hoặc ghép cột thủ công.")
