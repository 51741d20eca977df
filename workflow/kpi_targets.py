"""Numeric KPI targets (#16): found in the KPI text at import ("100%", "≥ 75%", "tối thiểu 01
mô hình", "03 cuộc thi") or set by the admin; progress reports record the value reached and
the completion % is derived from value/target unless the unit overrides it with a reason."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.sql.selectable import ScalarSelect

from db.models import ProgressReport, Task
from db.sql import number
from workflow.errors import ValidationError

AT_LEAST = "at_least"
AT_MOST = "at_most"
EXACT = "exact"

_NUMBER = r"(\d+(?:[.,]\d+)?)"
_PERCENT = re.compile(_NUMBER + r"\s*%")
_COUNT = re.compile(r"(?<![\w/.,])(\d+)\s+([^\d\s,.;:()“”\"%/]+(?:\s+[^\d\s,.;:()“”\"%/]+)?)")
# A number after these words names something ("Nghị quyết số 57", "năm 2026"), not a count.
_NOT_A_COUNT = re.compile(r"(?:số|năm|tháng|quý|ngày|khoản|điều|mục|kỳ|khóa|lần thứ|nghị "
                          r"quyết|quyết định|kế hoạch|phụ lục)\s*$", re.I)
_WHOLE = re.compile(r"^\s*(toàn thể|toàn bộ|tất cả)\b", re.I)
_AT_LEAST = re.compile(r"(≥|>=|tối thiểu|ít nhất|trên|không dưới|từ)\s*$", re.I)
_AT_MOST = re.compile(r"(≤|<=|tối đa|không quá|dưới)\s*$", re.I)


@dataclass(frozen=True)
class KpiTarget:
    """A numeric target: 75 "%" at least, 1 "mô hình", 3 "cuộc thi"."""

    value: float
    unit: str
    comparator: str = EXACT

    @property
    def is_rate(self) -> bool:
        """A percentage: reports may give a numerator and a denominator."""
        return self.unit == "%"


def _comparator(before: str) -> str:
    if _AT_LEAST.search(before):
        return AT_LEAST
    if _AT_MOST.search(before):
        return AT_MOST
    return EXACT


def parse_target(text: str | None) -> KpiTarget | None:
    """The target a KPI text names, or None: the first percentage; otherwise the first count
    followed by what is counted; "toàn thể …" (everyone) is 100%."""
    text = (text or "").strip()
    percent = _PERCENT.search(text)
    if percent:
        return KpiTarget(float(percent.group(1).replace(",", ".")), "%",
                         _comparator(text[:percent.start()]))
    for count in _COUNT.finditer(text):
        if _NOT_A_COUNT.search(text[:count.start()]):
            continue
        return KpiTarget(float(count.group(1)), count.group(2).strip(),
                         _comparator(text[:count.start()]))
    if _WHOLE.match(text):
        return KpiTarget(100.0, "%", EXACT)
    return None


def derive_percent(target: float, value: float, comparator: str = EXACT) -> int:
    """Completion % from the value reached against the target, 0..100."""
    if comparator == AT_MOST:
        if value <= target:
            return 100
        return max(0, min(100, round(target / value * 100)))
    if target <= 0:
        return 100
    return max(0, min(100, round(value / target * 100)))


def format_value(value: float | None, unit: str | None) -> str:
    """12 → "12", 75.5 → "75,5", with the unit: "75,5%", "1 mô hình"."""
    if value is None:
        return ""
    number = f"{value:g}".replace(".", ",")
    if unit == "%":
        return f"{number}%"
    return f"{number} {unit or ''}".strip()


def value_vs_target(value: float | None, target: float | None, unit: str | None) -> str:
    """"80% / 100%" or "1 / 3 cuộc thi"; "" when the task has no numeric target."""
    if target is None:
        return ""
    reached = format_value(value, unit if unit == "%" else None) if value is not None else "—"
    return f"{reached} / {format_value(target, unit)}"


@dataclass(frozen=True)
class KpiReading:
    """What a progress report records about a KPI, after validation."""

    percent: int
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    override_reason: str | None = None


def _number(raw, what: str) -> float | None:
    if raw is None or str(raw).strip() == "":
        return None
    try:
        value = float(str(raw).strip().replace(",", "."))
    except ValueError:
        raise ValidationError(f"{what} phải là một số.") from None
    if value < 0 or value != value or value in (float("inf"),):
        raise ValidationError(f"{what} không được âm.")
    return value


def read_report(task: Task, *, percent, value=None, numerator=None, denominator=None,
                override_reason: str | None = None) -> KpiReading:
    """Validates a report's completion % and KPI value against the task's target."""
    value = _number(value, "Giá trị đạt được")
    numerator = _number(numerator, "Tử số")
    denominator = _number(denominator, "Mẫu số")
    given_percent = None
    if percent is not None and str(percent).strip() != "":
        try:
            given_percent = int(str(percent).strip())
        except (TypeError, ValueError):
            raise ValidationError("Tỷ lệ hoàn thành phải là số nguyên từ 0 đến 100.") from None
        if not 0 <= given_percent <= 100:
            raise ValidationError("Tỷ lệ hoàn thành phải là số nguyên từ 0 đến 100.")
    if task.kpi_target is None:
        if value is not None or numerator is not None or denominator is not None:
            raise ValidationError("Nhiệm vụ không có chỉ tiêu định lượng; chỉ nhập tỷ lệ hoàn "
                                  "thành (%).")
        if given_percent is None:
            raise ValidationError("Tỷ lệ hoàn thành phải là số nguyên từ 0 đến 100.")
        return KpiReading(given_percent)
    is_rate = task.kpi_unit == "%"
    if numerator is not None or denominator is not None:
        if not is_rate:
            raise ValidationError("Tử số và mẫu số chỉ dùng cho chỉ tiêu tỷ lệ (%).")
        if numerator is None or not denominator:
            raise ValidationError("Vui lòng nhập cả tử số và mẫu số (mẫu số lớn hơn 0).")
        if numerator > denominator:
            raise ValidationError("Tử số không được lớn hơn mẫu số.")
        rate = numerator / denominator * 100
        if value is not None and abs(value - rate) > 0.5:
            raise ValidationError(f"Giá trị đạt được ({format_value(value, '%')}) không khớp "
                                  f"tử số/mẫu số ({format_value(round(rate, 1), '%')}).")
        value = round(rate, 1)
    if value is None:
        # No value known yet: the % as today.
        if given_percent is None:
            raise ValidationError("Vui lòng nhập giá trị đạt được, hoặc tỷ lệ hoàn thành là "
                                  "số nguyên từ 0 đến 100.")
        return KpiReading(given_percent)
    target = parse_target(task.kpi_text)
    comparator = target.comparator if target and target.value == task.kpi_target else EXACT
    derived = derive_percent(task.kpi_target, value, comparator)
    reason = (override_reason or "").strip()
    if given_percent is None or given_percent == derived:
        return KpiReading(derived, value, numerator, denominator)
    if not reason:
        raise ValidationError(f"Tỷ lệ tính từ giá trị đạt được là {derived}%; muốn ghi "
                              f"{given_percent}% thì vui lòng nêu lý do.")
    return KpiReading(given_percent, value, numerator, denominator, reason[:2000])


def latest_value() -> ScalarSelect:
    """Correlated subquery: the KPI value of the task's newest report that gives one."""
    return (select(ProgressReport.kpi_value)
            .where(ProgressReport.task_id == Task.id, ProgressReport.kpi_value.is_not(None))
            .order_by(ProgressReport.id.desc()).limit(number(1)).correlate(Task).scalar_subquery())


def has_target() -> ColumnElement[bool]:
    """SQL: the task has a numeric target."""
    return Task.kpi_target.is_not(None)


def task_kpi_progress(session, *, actor, task_id: int) -> str:
    """"60% / 80%" for a task the actor may see: its newest reported value against its
    numeric target; "" when the task has no numeric target."""
    from workflow import permissions

    task = permissions.require_task_visible(actor, session.get(Task, task_id))
    if task.kpi_target is None:
        return ""
    value = session.scalar(select(latest_value()).where(Task.id == task.id))
    return value_vs_target(value, task.kpi_target, task.kpi_unit)
