"""Warning reasons as people read them, with the figures behind them."""

from __future__ import annotations

from datetime import date

from workflow.clock import format_date
from workflow.warning_rules import BEHIND, MISSING_REPORT, OVERDUE, POOR_EVIDENCE, REASON_LABELS


def reason_lines(reasons: list[str], details: dict) -> list[str]:
    """"Quá hạn 30 ngày", "Chậm tiến độ: thực hiện 20%, lộ trình 70%", …"""
    lines = []
    for reason in reasons:
        if reason == OVERDUE and details.get("days_late") is not None:
            lines.append(f"Quá hạn {details['days_late']} ngày")
        elif reason == BEHIND:
            expected = f"{details.get('expected_percent', 0):g}".replace(".", ",")
            kpi = f" (chỉ tiêu: đạt {details['kpi']})" if details.get("kpi") else ""
            lines.append(f"Chậm tiến độ: thực hiện {details.get('actual_percent', 0)}%, "
                         f"lộ trình {expected}%{kpi}")
        elif reason == MISSING_REPORT and details.get("reporting_day"):
            due = date.fromisoformat(details["reporting_day"])
            lines.append(f"Chưa báo cáo tiến độ (hạn {format_date(due)})")
        elif reason == POOR_EVIDENCE:
            lines.append("Minh chứng không đạt (bị trả lại)")
        else:
            lines.append(REASON_LABELS.get(reason, reason))
    return lines
