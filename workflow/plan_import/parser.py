"""From raw tables to sections and tasks with codes, units, KPI targets and deadlines."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from workflow.errors import ValidationError
from workflow.plan_import.deadlines import ParsedDeadline, parse_deadline
from workflow.plan_import.headers import (
    find_header,
    header_key,
    not_recognised_message,
    validate_override,
)
from workflow.plan_import.readers import RawTable, read_tables
from workflow.plan_import.units import UnitMatcher, is_all_units
from workflow.text import fold

_SECTION = re.compile(r"^\s*([IVXLC]+)\s*[\.\-–:)]\s*(.+)$", re.S)
_PARENT_NUMBER = re.compile(r"^\s*(\d+)\s*[\.\)]\s*")
_SUB_NUMBER = re.compile(r"^\s*(\d+)\.(\d+)\.?\s+")
_PERCENT = re.compile(r"(\d+(?:[.,]\d+)?)\s*%")
_COUNT = re.compile(r"(\d+)\s+([^\d\s,.;:()]+(?:\s+[^\d\s,.;:()]+)?)")


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


@dataclass
class ParsedSection:
    """A roman-numbered group of tasks."""

    code: str
    title: str
    tasks: list[ParsedTask] = field(default_factory=list)


@dataclass
class ParsedPlan:
    """Everything understood from the file, and what needs a person's attention."""

    title: str | None
    sections: list[ParsedSection]
    problems: list[str]
    proposed_units: list[str]

    @property
    def tasks(self) -> list[ParsedTask]:
        """All leaf tasks in order."""
        return [task for section in self.sections for task in section.tasks]


def kpi_target(text: str) -> tuple[float | None, str | None]:
    """The first percentage or count in a KPI text: "100% ..." → (100, "%")."""
    percent = _PERCENT.search(text or "")
    if percent:
        return float(percent.group(1).replace(",", ".")), "%"
    count = _COUNT.search(text or "")
    if count:
        return float(count.group(1)), count.group(2).strip()
    return None, None


def _strip_parent_number(text: str) -> str:
    return _PARENT_NUMBER.sub("", text, count=1).strip()


@dataclass
class _Row:
    number: int
    cells: dict[str, str]
    section: ParsedSection


def _rows_of(table: RawTable, header_index: int, mapping: dict[str, int],
             sections: list[ParsedSection], row_offset: int) -> list[_Row]:
    header_keys = [header_key(c) for c in table.rows[header_index]]
    rows: list[_Row] = []
    for index in range(header_index + 1, len(table.rows)):
        raw = table.rows[index]
        if not any(raw):
            continue
        if sum(1 for a, b in zip(raw, header_keys, strict=False) if b and header_key(a) == b) >= 3:
            continue  # header repeated on a new page
        cells = {name: raw[col] if col < len(raw) else "" for name, col in mapping.items()}
        first = next((c for c in raw if c), "")
        section_match = _SECTION.match(first)
        others = [v for k, v in cells.items() if k not in ("parent", "title", "code") and v]
        if section_match and (table.full_width[index] or not others or len(set(raw) - {""}) == 1):
            sections.append(ParsedSection(section_match.group(1).upper(),
                                          section_match.group(2).strip()))
            continue
        if table.full_width[index]:
            sections.append(ParsedSection(str(len(sections) + 1), first))
            continue
        if not sections:
            sections.append(ParsedSection("I", "Nhiệm vụ"))
        rows.append(_Row(row_offset + index + 1, cells, sections[-1]))
    return rows


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
    return codes


def parse_tables(tables: list[RawTable], plan_year: int,
                 mapping_override: dict[str, int] | None = None,
                 known_units: dict[str, list[str]] | None = None) -> ParsedPlan:
    """Parses already-read tables (every table with a recognised header contributes)."""
    problems: list[str] = [note for table in tables for note in table.notes]
    sections: list[ParsedSection] = []
    rows: list[_Row] = []
    title = None
    offset = 0
    for table in tables:
        if mapping_override:
            width = max((len(r) for r in table.rows), default=0)
            # The first non-empty row holds the names the admin mapped by hand.
            first = next((i for i, r in enumerate(table.rows) if any(r)), 0)
            found = (first, validate_override(mapping_override, width))
        else:
            found = find_header(table.rows)
        if found is None:
            offset += len(table.rows)
            continue
        header_index, mapping = found
        if title is None and header_index > 0:
            title = next((c for r in table.rows[:header_index] for c in r if c), None)
        rows.extend(_rows_of(table, header_index, mapping, sections, offset))
        offset += len(table.rows)
    if not rows:
        raise ValidationError(not_recognised_message())
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
        for name in coordinating.unmatched:
            if name not in proposed:
                proposed.append(name)
        deadline = parse_deadline(cells.get("deadline"), plan_year)
        if deadline.kind == "unknown":
            row_problems.append(f"Dòng {row.number}: chưa hiểu thời hạn “{deadline.text}”"
                                if deadline.text else f"Dòng {row.number}: không có thời hạn")
        if not task_title:
            row_problems.append(f"Dòng {row.number}: không có nội dung nhiệm vụ")
        target, unit = kpi_target(cells.get("kpi") or "")
        code = cells.get("code") if cells.get("code") and fold(cells["code"]) != "" else None
        task = ParsedTask(
            code=(code or codes[row.number]).strip(),
            parent_title=_strip_parent_number(parent) or None,
            title=task_title,
            output=cells.get("output") or "",
            kpi=cells.get("kpi") or "",
            kpi_target=target,
            kpi_unit=unit,
            lead_unit=lead,
            lead_unit_raw=lead_raw,
            coordinating_units=[n for n in coordinating.names + coordinating.unmatched
                                if n != lead],
            coordinates_all_units=coordinating.all_units or lead_list.all_units,
            deadline=deadline,
            notes=cells.get("notes") or "",
            basis=cells.get("basis") or "",
            row_number=row.number,
            problems=row_problems,
        )
        row.section.tasks.append(task)
        problems.extend(row_problems)
    sections = [s for s in sections if s.tasks]
    return ParsedPlan(title=title, sections=sections, problems=problems, proposed_units=proposed)


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
    kinds = {"fixed": 0, "recurring": 0, "conditional": 0, "unknown": 0}
    for task in parsed.tasks:
        if task.lead_unit:
            units[task.lead_unit] += 1
        kinds[task.deadline.kind] += 1
    return {"tasks": len(parsed.tasks), "sections": len(parsed.sections),
            "units": dict(units), "deadlines": kinds, "problems": list(parsed.problems)}
