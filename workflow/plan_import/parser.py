"""From raw tables to sections and tasks with codes, units, KPI targets and deadlines."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from workflow.errors import HeaderNotRecognised
from workflow.kpi_targets import parse_target
from workflow.plan_import.deadlines import (
    KINDS,
    ParsedDeadline,
    parse_deadline,
    plan_year_deadline,
)
from workflow.plan_import.headers import (
    Header,
    find_header,
    header_key,
    not_recognised_message,
    override,
)
from workflow.plan_import.readers import RawTable, read_tables
from workflow.plan_import.units import UnitMatcher, is_all_units

# Sections are numbered with roman numerals, or letters ("A. Nhiệm vụ chung").
_SECTION = re.compile(r"^\s*([IVXLC]+|[A-H])\s*[\.\-–:)]\s*(.+)$", re.S)
_PARENT_NUMBER = re.compile(r"^\s*(\d+)\s*[\.\)]\s*")
_SUB_NUMBER = re.compile(r"^\s*(\d+)\.(\d+)\.?\s+")


@dataclass
class ParsedTask:
    """One leaf task of the appendix."""

    code: str
    parent_title: str | None
    title: str
    output: str
    kpi: str
    kpi_target: float | None
    kpi_unit: str | None
    lead_unit: str | None
    lead_unit_raw: str
    coordinating_units: list[str]
    coordinates_all_units: bool
    deadline: ParsedDeadline
    notes: str
    basis: str
    row_number: int
    problems: list[str] = field(default_factory=list)
    monitoring_unit: str = ""
    group: str = ""
    extra_fields: dict[str, str] = field(default_factory=dict)


@dataclass
class ParsedSection:
    """A roman-numbered group of tasks."""

    code: str
    title: str
    tasks: list[ParsedTask] = field(default_factory=list)


@dataclass(frozen=True)
class SkippedRow:
    """A body row that gave no task, and why ("header_repeat", "numbered_empty", ...)."""

    row_number: int
    reason: str
    message: str


@dataclass(frozen=True)
class ColumnUse:
    """Which column a field was read from, and that column's header text."""

    column: int
    header: str


@dataclass
class ParsedPlan:
    """Everything understood from the file, and what needs a person's attention."""

    title: str | None
    sections: list[ParsedSection]
    problems: list[str]
    proposed_units: list[str]
    columns: dict[str, ColumnUse] = field(default_factory=dict)
    extra_columns: list[str] = field(default_factory=list)
    column_headers: list[str] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    has_deadline_column: bool = True

    @property
    def tasks(self) -> list[ParsedTask]:
        """All leaf tasks in order."""
        return [task for section in self.sections for task in section.tasks]


def kpi_target(text: str) -> tuple[float | None, str | None]:
    """The numeric target of a KPI text (workflow.kpi_targets): "100% ..." → (100, "%")."""
    target = parse_target(text)
    return (target.value, target.unit) if target else (None, None)


def _strip_parent_number(text: str) -> str:
    return _PARENT_NUMBER.sub("", text, count=1).strip()


SKIP_MESSAGES = {
    "header_repeat": "tiêu đề bảng lặp lại (sang trang mới)",
    "column_numbers": "dòng đánh số cột",
    "numbered_empty": "có số thứ tự nhưng không có nội dung",
    "continuation": "phần tiếp theo của nhiệm vụ ở dòng {row} (đã ghép vào nhiệm vụ đó)",
    "orphan": "không thuộc nhiệm vụ nào và không có nội dung nhiệm vụ",
    "parent_row": "nhiệm vụ lớn gồm các nhiệm vụ chi tiết bên dưới (ghi làm nhiệm vụ tổng quát)",
}
_ROMAN_ONLY = re.compile(r"^\s*([IVXLC]+|[A-H])\s*[\.\-–:)]?\s*$")
_NUMBER_CELL = re.compile(r"^\(?\s*\d+\s*\)?$")
# Fields that may be merged down over several rows (a parent over its sub-tasks).
_INHERITED = ("code", "sub_code", "group", "parent")


@dataclass
class _Row:
    number: int
    cells: dict[str, str]
    extras: dict[str, str]
    section: ParsedSection


def _skip(skipped: list[SkippedRow], number: int, reason: str, row: int | None = None) -> None:
    message = SKIP_MESSAGES[reason].format(row=row)
    skipped.append(SkippedRow(number, reason, f"Dòng {number}: {message}"))


def _is_header_repeat(raw: list[str], header_rows: list[list[str]]) -> bool:
    values = [c for c in raw if c]
    for header_row in header_rows:
        same = sum(1 for a, b in zip(raw, header_row, strict=False)
                   if a and header_key(a) == header_key(b))
        if same >= 2 and same * 2 >= len(values):
            return True
    return False


def _section_of(raw: list[str], full_width: bool, count: int) -> ParsedSection | None:
    """A section row: merged across the row, or a roman numeral with the title beside it."""
    values: list[str] = []
    for cell in raw:
        if cell and cell not in values:
            values.append(cell)
    first = values[0]
    numbered = _SECTION.match(first)
    if full_width or (numbered and len(values) == 1):
        if numbered:
            return ParsedSection(numbered.group(1).upper(), numbered.group(2).strip())
        return ParsedSection(str(count + 1), first)
    roman = _ROMAN_ONLY.match(first)
    if roman and len(values) == 2:
        return ParsedSection(roman.group(1).upper(), values[1].strip())
    return None


def _read_rows(table: RawTable, header: Header, sections: list[ParsedSection],
               skipped: list[SkippedRow], row_offset: int, rows: list[_Row]) -> None:
    """Appends the table's tasks to ``rows`` (the tasks of earlier tables are there too, so a
    task split across two Word tables at a page break is joined again)."""
    header_rows = table.rows[header.index:header.body_start]
    previous_raw: list[str] = []
    for index in range(header.body_start, len(table.rows)):
        raw = table.rows[index]
        number = row_offset + index + 1
        if not any(raw):
            continue
        if _is_header_repeat(raw, header_rows):
            _skip(skipped, number, "header_repeat")
            continue
        values = [c for c in raw if c]
        if len(values) >= 3 and all(_NUMBER_CELL.match(c) for c in values):
            _skip(skipped, number, "column_numbers")
            continue
        section = _section_of(raw, table.full_width[index], len(sections))
        if section is not None:
            sections.append(section)
            previous_raw = []
            continue
        cells = {name: raw[col] if col < len(raw) else "" for name, col in header.mapping.items()}
        extras = {name: raw[col] for col, name in header.extras.items()
                  if col < len(raw) and raw[col]}

        def inherited(name: str, cells=cells, above=previous_raw) -> bool:
            """The cell repeats the row above: a value merged down, not written again."""
            column = header.mapping.get(name)
            value = cells.get(name, "")
            return bool(value) and column is not None and column < len(above) \
                and above[column] == value
        own = {k: v for k, v in cells.items() if v and k not in _INHERITED}
        numbered = bool(cells.get("code") or cells.get("sub_code"))
        new_parent = bool(cells.get("parent")) and not inherited("parent")
        if numbered and not own and not extras and not new_parent:
            _skip(skipped, number, "numbered_empty")
            previous_raw = raw
            continue
        has_title = bool(cells.get("title")) and not inherited("title")
        own_number = any(cells.get(k) and not inherited(k) for k in ("code", "sub_code"))
        if not has_title and not new_parent and not own_number:
            if rows and sections and rows[-1].section is sections[-1]:
                _merge_into(rows[-1], cells, extras, previous_raw, header)
                _skip(skipped, number, "continuation", rows[-1].number)
            else:
                _skip(skipped, number, "orphan")
            continue
        if not sections:
            sections.append(ParsedSection("I", "Nhiệm vụ"))
        rows.append(_Row(number, cells, extras, sections[-1]))
        previous_raw = raw


def _lift_parent_rows(rows: list[_Row], skipped: list[SkippedRow]) -> list[_Row]:
    """A numbered row with only a title ("1") followed by its sub-tasks ("1.1", "1.2") is
    their parent task, not a task of its own."""
    kept: list[_Row] = []
    for index, row in enumerate(rows):
        number = (row.cells.get("code") or "").strip(" .")
        others = [v for k, v in row.cells.items()
                  if v and k not in ("code", "sub_code", "group", "parent", "title")]
        following = rows[index + 1] if index + 1 < len(rows) else None
        if number and not others and not row.extras and following is not None \
                and following.section is row.section \
                and (following.cells.get("code") or "").startswith(number + "."):
            for child in rows[index + 1:]:
                if not (child.cells.get("code") or "").startswith(number + "."):
                    break
                if not child.cells.get("parent"):
                    child.cells["parent"] = row.cells.get("title") or ""
            _skip(skipped, row.number, "parent_row")
            continue
        kept.append(row)
    return kept


def _merge_into(row: _Row, cells: dict[str, str], extras: dict[str, str],
                previous_raw: list[str], header: Header) -> None:
    """Appends a continuation row (text split across a page break) to the task above."""
    for name, value in cells.items():
        column = header.mapping[name]
        if value and not (column < len(previous_raw) and previous_raw[column] == value):
            row.cells[name] = f"{row.cells.get(name, '')} {value}".strip()
    for name, value in extras.items():
        if value != row.extras.get(name):
            row.extras[name] = f"{row.extras.get(name, '')} {value}".strip()


def _assign_codes(rows: list[_Row]) -> dict[int, str]:
    """Codes like "V.1.3": section, parent number, sub number (explicit or by order)."""
    codes: dict[int, str] = {}
    groups: dict[tuple[int, str], list[_Row]] = {}
    parent_numbers: dict[tuple[int, str], int] = {}
    for row in rows:
        parent = row.cells.get("parent") or row.cells.get("title") or ""
        key = (id(row.section), parent)
        if key not in groups:
            match = _PARENT_NUMBER.match(parent)
            taken = [n for (sid, _), n in parent_numbers.items() if sid == id(row.section)]
            parent_numbers[key] = int(match.group(1)) if match else (max(taken, default=0) + 1)
            groups[key] = []
        groups[key].append(row)
    used: Counter[str] = Counter()
    for key, members in groups.items():
        base = f"{members[0].section.code}.{parent_numbers[key]}"
        for order, row in enumerate(members, start=1):
            sub = _SUB_NUMBER.match(row.cells.get("title") or "")
            if len(members) == 1 and not sub:
                code = base
            else:
                code = f"{base}.{int(sub.group(2)) if sub else order}"
            used[code] += 1
            if used[code] > 1:
                code = f"{code}-{used[code]}"
            codes[row.number] = code
    return _explicit_codes(rows, codes)


def _explicit_codes(rows: list[_Row], generated: dict[int, str]) -> dict[int, str]:
    """The appendix's own numbers when they tell tasks apart: a global number as written,
    a number that restarts in each section prefixed with the section, else generated codes."""
    written = {row.number: (row.cells.get("code") or "").strip(" .") for row in rows}
    if not all(written.values()):
        return generated
    if len(set(written.values())) == len(rows):
        return written
    sub = {row.number: (row.cells.get("sub_code") or "").strip(" .") for row in rows}
    if all(sub.values()):
        prefixed = {row.number: f"{written[row.number]}.{sub[row.number]}" for row in rows}
    else:
        prefixed = {row.number: f"{row.section.code}.{written[row.number]}" for row in rows}
    if len(set(prefixed.values())) == len(rows):
        return prefixed
    return generated


def _unit_text(matcher: UnitMatcher, cell: str) -> str:
    """A units cell with each name in its canonical spelling ("Sở KH&CN" → full name)."""
    read = matcher.split(cell)
    names = read.names + read.unmatched
    if read.all_units:
        names.append("Các cơ quan, đơn vị liên quan")
    return "; ".join(names)


def parse_tables(tables: list[RawTable], plan_year: int,
                 mapping_override: dict[str, int] | None = None,
                 known_units: dict[str, list[str]] | None = None) -> ParsedPlan:
    """Parses already-read tables (every table with a recognised header contributes)."""
    problems: list[str] = [note for table in tables for note in table.notes]
    sections: list[ParsedSection] = []
    skipped: list[SkippedRow] = []
    rows: list[_Row] = []
    title = None
    first_header: Header | None = None
    offset = 0
    for table in tables:
        header = find_header(table.rows)
        if mapping_override:
            header = override(header, table.rows, mapping_override)
        if header is None:
            offset += len(table.rows)
            continue
        if first_header is None:
            first_header = header
        if title is None and header.index > 0:
            title = next((c for r in table.rows[:header.index] for c in r if c), None)
        _read_rows(table, header, sections, skipped, offset, rows)
        offset += len(table.rows)
    rows = _lift_parent_rows(rows, skipped)
    if not rows or first_header is None:
        raise HeaderNotRecognised(not_recognised_message())
    has_deadline = "deadline" in first_header.mapping
    if not has_deadline:
        problems.append(f"Phụ lục không có cột thời hạn: mọi nhiệm vụ lấy thời hạn “Trong năm "
                        f"{plan_year}” (31/12/{plan_year}), trừ nhiệm vụ ghi rõ thời điểm "
                        "trong nội dung.")
    matcher = UnitMatcher(known_units)
    proposed: list[str] = []
    codes = _assign_codes(rows)
    for row in rows:
        cells = row.cells
        parent = cells.get("parent") or ""
        task_title = cells.get("title") or _strip_parent_number(parent)
        task_title = _SUB_NUMBER.sub("", task_title, count=1).strip()
        row_problems: list[str] = []
        lead_raw = cells.get("lead_unit") or ""
        lead_list = matcher.split(lead_raw)
        lead = lead_list.names[0] if lead_list.names else None
        if lead is None and lead_list.unmatched:
            lead = lead_list.unmatched[0]
            proposed.extend(n for n in lead_list.unmatched[:1] if n not in proposed)
        if not lead:
            row_problems.append(
                f"Dòng {row.number}: chưa xác định đơn vị chủ trì"
                + (f" (“{lead_raw}” là nhóm đơn vị)" if lead_raw and is_all_units(lead_raw)
                   else ""))
        coordinating = matcher.split(cells.get("coordinating_units"))
        co_leads = [n for n in lead_list.names + lead_list.unmatched if n != lead]
        for name in coordinating.unmatched + [n for n in lead_list.unmatched if n != lead]:
            if name not in proposed:
                proposed.append(name)
        if has_deadline:
            deadline = parse_deadline(cells.get("deadline"), plan_year)
            if deadline.kind == "unknown":
                row_problems.append(f"Dòng {row.number}: chưa hiểu thời hạn “{deadline.text}”"
                                    if deadline.text
                                    else f"Dòng {row.number}: không có thời hạn")
        else:
            deadline = plan_year_deadline(" ".join(
                cells.get(k) or "" for k in ("title", "kpi", "output")), plan_year)
        if not task_title:
            row_problems.append(f"Dòng {row.number}: không có nội dung nhiệm vụ")
        target, unit = kpi_target(cells.get("kpi") or "")
        coordinating_names: list[str] = []
        for name in co_leads + coordinating.names + coordinating.unmatched:
            if name != lead and name not in coordinating_names:
                coordinating_names.append(name)
        task = ParsedTask(
            code=codes[row.number],
            parent_title=_strip_parent_number(parent) or None,
            title=task_title,
            output=cells.get("output") or "",
            kpi=cells.get("kpi") or "",
            kpi_target=target,
            kpi_unit=unit,
            lead_unit=lead,
            lead_unit_raw=lead_raw,
            coordinating_units=coordinating_names,
            coordinates_all_units=coordinating.all_units or lead_list.all_units,
            deadline=deadline,
            notes=cells.get("notes") or "",
            basis=cells.get("basis") or "",
            row_number=row.number,
            problems=row_problems,
            monitoring_unit=_unit_text(matcher, cells.get("monitoring_unit") or ""),
            group=cells.get("group") or "",
            extra_fields=dict(row.extras),
        )
        row.section.tasks.append(task)
        problems.extend(row_problems)
    sections = [s for s in sections if s.tasks]
    skipped.sort(key=lambda row: row.row_number)
    columns = {name: ColumnUse(col, first_header.column_text(col))
               for name, col in sorted(first_header.mapping.items(), key=lambda i: i[1])}
    return ParsedPlan(title=title, sections=sections, problems=problems, proposed_units=proposed,
                      columns=columns, extra_columns=list(first_header.extras.values()),
                      column_headers=[first_header.column_text(i)
                                      for i in range(len(first_header.texts))],
                      skipped=skipped, has_deadline_column=has_deadline)


def parse_plan(data: bytes | str | Path, filename: str | None = None, *, plan_year: int,
               mapping_override: dict[str, int] | None = None,
               known_units: dict[str, list[str]] | None = None) -> ParsedPlan:
    """Reads a plan appendix file (.xlsx, .docx, .csv) into sections and tasks."""
    if isinstance(data, str | Path):
        filename = filename or Path(data).name
        data = Path(data).read_bytes()
    return parse_tables(read_tables(data, filename or ""), plan_year, mapping_override,
                        known_units)


def summary(parsed: ParsedPlan) -> dict:
    """Counts for the command line's --json output."""
    units: Counter[str] = Counter()
    kinds = dict.fromkeys(KINDS, 0)
    for task in parsed.tasks:
        if task.lead_unit:
            units[task.lead_unit] += 1
        kinds[task.deadline.kind] += 1
    return {"tasks": len(parsed.tasks), "sections": len(parsed.sections),
            "units": dict(units), "deadlines": kinds, "problems": list(parsed.problems),
            "columns": {name: use.header for name, use in parsed.columns.items()},
            "extra_columns": list(parsed.extra_columns),
            "sections_detail": [{"code": s.code, "title": s.title, "tasks": len(s.tasks)}
                                for s in parsed.sections],
            "skipped": [{"row": r.row_number, "reason": r.reason, "message": r.message}
                        for r in parsed.skipped]}
