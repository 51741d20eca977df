"""Every Vietnamese label of an enum value, in one place.

Layouts, exports, the command line and the evidence uploader's script (through data
attributes, see ``options``) read them from here; nothing else spells them.
"""

from __future__ import annotations

import enum

from db.models import ClaimState, DeadlineKind, EvidenceKind, ReportPeriod, Role
from workflow.status import TaskStatus

ROLE_LABELS: dict[Role, str] = {
    Role.UNIT_MEMBER: "Cán bộ đơn vị",
    Role.UNIT_HEAD: "Thủ trưởng đơn vị",
    Role.REVIEWER: "Văn phòng Đảng ủy (thẩm định)",
    Role.LEADER: "Lãnh đạo (Ban Thường vụ / Ban Chỉ đạo)",
    Role.ADMIN: "Quản trị hệ thống",
    Role.PROVINCE_VIEWER: "Ban Chỉ đạo tỉnh / Sở KH&CN (xem toàn tỉnh)",
    Role.PROVINCE_ADMIN: "Quản trị tỉnh",
}

STATUS_LABELS: dict[TaskStatus, str] = {
    TaskStatus.NOT_STARTED: "Chưa thực hiện",
    TaskStatus.IN_PROGRESS: "Đang thực hiện",
    TaskStatus.PENDING_REVIEW: "Chờ thẩm định",
    TaskStatus.COMPLETED: "Hoàn thành",
    TaskStatus.NOT_COMPLETED: "Không hoàn thành",
}

# How a claim ended, as the reviewer of a later claim reads it.
CLAIM_OUTCOMES: dict[ClaimState, str] = {
    ClaimState.PENDING: "Đang chờ thẩm định",
    ClaimState.APPROVED: "Đã phê duyệt — hoàn thành",
    ClaimState.REJECTED: "Đã trả lại — không hoàn thành",
    ClaimState.WITHDRAWN: "Đơn vị đã rút đề nghị",
}

EVIDENCE_KIND_LABELS: dict[EvidenceKind, str] = {
    EvidenceKind.SIGNED_DOCUMENT: "Văn bản pháp lý đã ký",
    EvidenceKind.PHOTO: "Ảnh chụp sản phẩm",
    EvidenceKind.OTHER: "Khác",
}

DEADLINE_KIND_LABELS: dict[DeadlineKind, str] = {
    DeadlineKind.FIXED: "Thời hạn cụ thể",
    DeadlineKind.RECURRING: "Thường xuyên / hằng năm",
    DeadlineKind.CONDITIONAL: "Có điều kiện (sau khi …)",
    DeadlineKind.PLAN_YEAR: "Trong năm kế hoạch (phụ lục không có cột thời hạn)",
    DeadlineKind.UNKNOWN: "Chưa xác định",
}

# Where a claim stands (a claim, not the task: see STATUS_LABELS for that).
CLAIM_STATE_LABELS: dict[ClaimState, str] = {
    ClaimState.AWAITING_HEAD: "Chờ thủ trưởng xác nhận",
    ClaimState.RETURNED: "Thủ trưởng trả lại",
    ClaimState.PENDING: "Chờ thẩm định",
    ClaimState.APPROVED: "Được công nhận hoàn thành",
    ClaimState.REJECTED: "Bị trả lại (không hoàn thành)",
    ClaimState.WITHDRAWN: "Đã rút",
}

# In the order the progress form offers them.
REPORT_PERIOD_LABELS: dict[ReportPeriod, str] = {
    ReportPeriod.MONTH: "Tháng",
    ReportPeriod.QUARTER: "Quý",
    ReportPeriod.WEEK: "Tuần",
}

# A claim's or a PDF's digital signatures at a glance (workflow/signatures.py states).
SIGNATURE_LABELS: dict[str, str] = {
    "valid": "Có chữ ký số hợp lệ",
    "invalid": "Chữ ký số không hợp lệ",
    "unchecked": "Chữ ký số chưa được kiểm tra",
    "unsigned": "Không có chữ ký số",
}

# Periodic Word reports (workflow/reports/periodic_data.py KINDS): the document's title, and
# the shorter words of the form's choice.
REPORT_KIND_LABELS: dict[str, str] = {
    "month": "Báo cáo tháng",
    "quarter": "Báo cáo sơ kết quý",
    "year": "Báo cáo tổng kết năm",
}
REPORT_KIND_CHOICES: dict[str, str] = {
    "month": "Báo cáo tháng",
    "quarter": "Sơ kết quý",
    "year": "Tổng kết năm",
}

# The deadlines of a plan's reporting calendar (workflow/reporting_calendar.py kinds).
REPORTING_DEADLINE_LABELS: dict[str, str] = {
    "unit_report": "Hạn đơn vị báo cáo tiến độ",
    "office_monthly": "Hạn Văn phòng tổng hợp, báo cáo tháng",
    "office_quarterly": "Hạn báo cáo sơ kết quý",
    "office_year_end": "Hạn báo cáo tổng kết năm",
}

# An API token's state (workflow/api_tokens.py token_state).
TOKEN_STATE_LABELS: dict[str, str] = {
    "active": "đang dùng",
    "revoked": "đã thu hồi",
    "expired": "hết hạn",
}

# The steps of a task's timeline (workflow/timeline.py TimelineEntry.kind).
TIMELINE_KIND_LABELS: dict[str, str] = {
    "progress": "Tiến độ",
    "claim": "Đề nghị",
    "approved": "Hoàn thành",
    "rejected": "Không hoàn thành",
    "withdrawn": "Đã rút",
    "confirmed": "Thủ trưởng xác nhận",
    "returned": "Thủ trưởng trả lại",
    "older": "Cũ hơn",
}


def label(value: enum.Enum | str | None, labels: dict) -> str:
    """The label of ``value`` (an enum member or its stored string); "" when unknown."""
    if value is None:
        return ""
    for member, text in labels.items():
        if value == member or str(value) == member.value:
            return text
    return ""


def options(labels: dict) -> list[dict[str, str]]:
    """Choices for a select box (and, as JSON, for the uploader's data attributes)."""
    return [{"label": text, "value": member.value} for member, text in labels.items()]

# Background jobs (workflow/jobs.py kinds and db.models.JobState).
JOB_KIND_LABELS: dict[str, str] = {
    "province_xlsx": "Báo cáo tiến độ gửi tỉnh (Excel)",
    "evidence_zip": "Tệp minh chứng được công nhận (ZIP)",
    "periodic_report": "Báo cáo định kỳ (Word)",
    "publish_warnings": "Công bố danh sách cảnh báo",
}
JOB_STATE_LABELS: dict[str, str] = {
    "pending": "Chờ",
    "running": "Đang chạy",
    "done": "Xong",
    "failed": "Lỗi",
}
