"""Finding the header block (one or two rows) and mapping its columns to task fields.

Cells are scored against the Vietnamese field vocabulary; the block that names the most
fields wins. Columns that name no field are kept as named extra fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from workflow.errors import ValidationError
from workflow.text import fold

FIELDS = ("code", "sub_code", "group", "parent", "title", "output", "kpi", "monitoring_unit",
          "lead_unit", "coordinating_units", "deadline", "basis", "notes")
FIELD_LABELS = {
    "code": "STT", "sub_code": "Số chi tiết", "group": "Nhóm nhiệm vụ",
    "parent": "Nhiệm vụ tổng quát", "title": "Nội dung / Tiểu nhiệm vụ",
    "output": "Sản phẩm đầu ra", "kpi": "KPI đo lường",
    "monitoring_unit": "Đơn vị chủ trì theo dõi", "lead_unit": "Đơn vị chủ trì thực hiện",
    "coordinating_units": "Đơn vị phối hợp", "deadline": "Thời hạn hoàn thành",
    "basis": "Căn cứ", "notes": "Ghi chú",
}
# Words that make a "chủ trì" column the monitoring body rather than the implementing unit.
MONITORING_WORDS = ("theo doi", "huong dan", "tong hop", "giam sat", "don doc")
# Checked in this order: specific names before generic ones ("Mã nhiệm vụ tổng quát" is the
# parent task, not a code; "Nhiệm vụ" alone is the task title).
PATTERNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("notes", ("ghi chu",)),
    ("basis", ("can cu",)),
    ("coordinating_units", ("phoi hop",)),
    ("lead_unit", ("chu tri",)),
    ("deadline", ("thoi han", "thoi gian", "tien do")),
    # After the deadline: "Thời gian thực hiện" is a deadline, "Đơn vị thực hiện" the lead.
    ("lead_unit", ("don vi thuc hien", "co quan thuc hien", "phu trach", "trach nhiem")),
    ("kpi", ("kpi", "chi tieu")),
    ("output", ("san pham", "ket qua")),
    ("group", ("nhom nhiem vu", "linh vuc")),
    ("parent", ("nhiem vu tong quat",)),
    ("title", ("tieu nhiem vu", "noi dung", "muc tieu", "nhiem vu", "ten nhiem vu")),
    ("sub_code", ("chi tiet",)),
    ("code", ("stt", "tt", "tt/chi tiet", "ma nhiem vu", "so tt", "so thu tu")),
)
EXACT_ONLY = {"stt", "tt", "so tt", "tt/chi tiet", "chi tiet", "so thu tu"}
# Header cells are short; a long cell is data, whatever words it contains.
MAX_HEADER_CHARS = 80
_NUMBERING = re.compile(r"^\(\s*\d+\s*\)\s*")


def header_key(cell: str) -> str:
    """A header cell folded for matching: no "(1)" numbering, no case or diacritics."""
    return fold(_NUMBERING.sub("", cell or "")).strip(" .:")


def match_field(cell: str) -> str | None:
    """The field a header cell names, or None."""
    key = header_key(cell)
    if not key or len(key) > MAX_HEADER_CHARS:
        return None
    for name, patterns in PATTERNS:
        for pattern in patterns:
            if pattern in EXACT_ONLY:
                if key == pattern:
                    return name
            elif pattern in key:
                if name == "lead_unit" and any(word in key for word in MONITORING_WORDS):
                    return "monitoring_unit"
                return name
    return None


@dataclass
class Header:
    """The header block: where it is, field → column, and each column's header text."""

    index: int
    height: int
    mapping: dict[str, int]
    texts: list[str]
    extras: dict[int, str] = field(default_factory=dict)

    @property
    def body_start(self) -> int:
        """Index of the first row after the header block."""
        return self.index + self.height

    def column_text(self, column: int) -> str:
        """The header text of a column, or "Cột N" when it has none."""
        text = self.texts[column] if column < len(self.texts) else ""
        return text or f"Cột {column + 1}"


def _column_texts(rows: list[list[str]]) -> list[str]:
    width = max((len(r) for r in rows), default=0)
    texts = []
    for column in range(width):
        parts: list[str] = []
        for row in rows:
            cell = row[column] if column < len(row) else ""
            if cell and cell not in parts:
                parts.append(cell)
        texts.append(" › ".join(parts))
    return texts


def _column_fields(rows: list[list[str]]) -> list[str | None]:
    """Per column, the field named by the lowest header cell that names one."""
    width = max((len(r) for r in rows), default=0)
    fields: list[str | None] = []
    for column in range(width):
        found = None
        for row in reversed(rows):
            found = match_field(row[column] if column < len(row) else "")
            if found:
                break
        fields.append(found)
    return fields


def _build(rows: list[list[str]], index: int, height: int) -> Header:
    block = rows[index:index + height]
    texts = _column_texts(block)
    mapping: dict[str, int] = {}
    titles: list[int] = []
    for column, name in enumerate(_column_fields(block)):
        if name == "title":
            titles.append(column)
        if name and name not in mapping:
            mapping[name] = column
    if len(titles) >= 2 and "parent" not in mapping:
        # "Nhiệm vụ" then "Nội dung chi tiết": the broader, earlier column is the parent task.
        mapping["parent"], mapping["title"] = titles[0], titles[1]
    return with_extras(Header(index, height, mapping, texts))


def with_extras(header: Header) -> Header:
    """Names every titled column that no field uses as an extra field."""
    used = set(header.mapping.values())
    header.extras = {column: text for column, text in enumerate(header.texts)
                     if text and column not in used and header_key(text)
                     and not header_key(text).isdigit()}
    return header


def _is_header(mapping: dict[str, int]) -> bool:
    return ("title" in mapping or "parent" in mapping) and len(mapping) >= 3


def _looks_like_header_row(row: list[str], above: list[str]) -> bool:
    """Every cell is empty, repeats the cell above (merged down) or names a field."""
    cells = [(c, a) for c, a in zip(row, above + [""] * len(row), strict=False) if c]
    return bool(cells) and all(c == a or match_field(c) for c, a in cells) \
        and any(c != a for c, a in cells)


def find_header(rows: list[list[str]], scan: int = 20) -> Header | None:
    """The best header block among the first ``scan`` rows: one row, or two when the second
    row adds fields (a merged "STT" over "TT" and "Chi tiết")."""
    best: Header | None = None
    for index in range(min(scan, len(rows))):
        candidates = [_build(rows, index, 1)]
        if index + 1 < len(rows) and _looks_like_header_row(rows[index + 1], rows[index]):
            candidates.append(_build(rows, index, 2))
        for candidate in candidates:
            if not _is_header(candidate.mapping):
                continue
            if best is None or len(candidate.mapping) > len(best.mapping):
                best = candidate
    return best


def widest_row(rows: list[list[str]], scan: int = 20) -> int:
    """The row naming the most columns near the top: the header when its words are unknown
    (a title block above it fills one merged cell, not many)."""
    counts = [len({i for i, c in enumerate(r) if c}) for r in rows[:scan]]
    return max(range(len(counts)), key=lambda i: (counts[i], -i)) if counts else 0


def override(header: Header | None, rows: list[list[str]], mapping: dict[str, int]) -> Header:
    """The header with a hand-made field → column mapping from the import page."""
    width = max((len(r) for r in rows), default=0)
    clean = validate_override(mapping, width)
    if header is None:
        first = widest_row(rows)
        header = Header(first, 1, {}, _column_texts(rows[first:first + 1]))
    return with_extras(Header(header.index, header.height, clean, list(header.texts)))


def validate_override(mapping: dict[str, int], width: int) -> dict[str, int]:
    """Checks a hand-made column mapping from the import page."""
    clean = {k: int(v) for k, v in mapping.items() if v is not None and v != "" and v != -1}
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
