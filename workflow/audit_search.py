"""Reading the audit trail: filtered pages for reviewers and admins, and an export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from db.models import AuditEvent, CompletionClaim, EvidenceFile, Task, User
from workflow import scope
from workflow.clock import LOCAL_TZ
from workflow.permissions import Capability, require

ACTION_LABELS = {
    "api_token.create": "Tạo mã truy cập API",
    "api_token.revoke": "Thu hồi mã truy cập API",
    "plan.calendar": "Đổi lịch báo cáo của kế hoạch",
    "report.generate": "Lập báo cáo định kỳ",
    "login": "Đăng nhập",
    "user.create": "Tạo tài khoản",
    "user.reset_password": "Đặt lại mật khẩu",
    "user.activate": "Mở khóa tài khoản",
    "user.deactivate": "Khóa tài khoản",
    "unit.create": "Thêm đơn vị",
    "unit.update": "Sửa đơn vị",
    "plan.import": "Nhập kế hoạch",
    "progress.report": "Báo cáo tiến độ",
    "evidence.upload": "Tải lên minh chứng",
    "claim.file": "Gửi đề nghị công nhận hoàn thành",
    "claim.withdraw": "Rút đề nghị",
    "claim.view": "Mở xem đề nghị",
    "claim.approve": "Phê duyệt — hoàn thành",
    "claim.reject": "Trả lại — không hoàn thành",
    "warnings.publish": "Công bố danh sách cảnh báo",
    "trust.add": "Thêm chứng thư CA tin cậy",
    "trust.remove": "Gỡ chứng thư CA tin cậy",
}


OBJECT_LABELS = {"user": "Tài khoản", "unit": "Đơn vị", "plan": "Kế hoạch", "task": "Nhiệm vụ",
                 "claim": "Đề nghị", "evidence": "Minh chứng", "warning_list": "Danh sách cảnh báo",
                 "api_token": "Mã truy cập API", "report": "Báo cáo định kỳ",
                 "trust_ca": "Chứng thư CA tin cậy"}
FIELD_LABELS = {
    "username": "tên đăng nhập", "role": "vai trò", "unit_id": "mã đơn vị",
    "is_active": "hoạt động", "name": "tên", "short_name": "tên viết tắt",
    "aliases": "tên gọi khác", "percent": "tỷ lệ hoàn thành", "period": "kỳ",
    "report_id": "mã báo cáo", "task_id": "mã nhiệm vụ", "evidence": "file minh chứng",
    "state": "trạng thái", "reason_code": "mã lý do", "reason": "lý do", "created": "thêm mới",
    "updated": "cập nhật", "removed": "không còn trong tệp", "units_created": "đơn vị tạo mới",
    "sha256": "SHA-256", "size": "dung lượng (byte)",
    "expires_on": "hết hạn", "ward_code": "mã phường/xã", "kind": "loại", "version": "phiên bản",
    "unit_day": "ngày đơn vị báo cáo", "office_day": "ngày Văn phòng tổng hợp",
    "quarter_day": "ngày sơ kết quý", "year_end_month": "tháng tổng kết năm",
    "year_end_day": "ngày tổng kết năm", "rows": "số nhiệm vụ",
    "follows": "tiếp theo đề nghị số", "kpi_value": "giá trị đạt được",
    "override": "lý do điều chỉnh tỷ lệ", "note": "ghi chú", "files": "file được xác nhận",
    "claims": "thủ trưởng xác nhận đề nghị", "reports": "thủ trưởng xác nhận báo cáo tháng",
    "code": "mã", "day": "ngày",
}
VALUE_LABELS = {True: "có", False: "không", None: "—", "pending": "chờ thẩm định",
                "approved": "hoàn thành", "rejected": "không hoàn thành", "withdrawn": "đã rút",
                "unit_member": "cán bộ đơn vị", "unit_head": "thủ trưởng đơn vị",
                "awaiting_head": "chờ thủ trưởng xác nhận", "returned": "thủ trưởng trả lại",
                "reviewer": "thẩm định", "leader": "lãnh đạo",
                "admin": "quản trị", "province_viewer": "xem toàn tỉnh",
                "province_admin": "quản trị tỉnh"}


def _value(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value) or "—"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)  # 1 == True: numbers never read as "có"
    try:
        return VALUE_LABELS.get(value, str(value))  # type: ignore[arg-type]
    except TypeError:
        return str(value)


@dataclass(frozen=True)
class AuditFilter:
    """Narrowing of the audit list."""

    action: str | None = None
    actor_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class AuditLine:
    """An audit event as people read it."""

    id: int
    at: datetime
    actor: str
    action: str
    action_label: str
    object_type: str
    object_id: int | None
    details: str
    task_code: str | None = None  # the task the object belongs to, by its plan code

    @property
    def object_type_label(self) -> str:
        """"Nhiệm vụ", "Đề nghị"."""
        return OBJECT_LABELS.get(self.object_type, self.object_type)

    @property
    def object_label(self) -> str:
        """"Nhiệm vụ II.2", "Đề nghị #12 · nhiệm vụ II.2", "Tài khoản #3"."""
        label = self.object_type_label
        if self.object_type == "task" and self.task_code:
            return f"{label} {self.task_code}"
        text = f"{label} #{self.object_id}" if self.object_id else label
        return f"{text} · nhiệm vụ {self.task_code}" if self.task_code else text


def _query(filters: AuditFilter) -> Select:
    query = select(AuditEvent, User.full_name).outerjoin(User, User.id == AuditEvent.actor_id)
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.actor_id:
        query = query.where(AuditEvent.actor_id == filters.actor_id)
    if filters.date_from:
        query = query.where(AuditEvent.created_at >= datetime.combine(
            filters.date_from, time.min, LOCAL_TZ))
    if filters.date_to:
        query = query.where(AuditEvent.created_at < datetime.combine(
            filters.date_to + timedelta(days=1), time.min, LOCAL_TZ))
    return query


def _details(event: AuditEvent, codes: dict[int, str]) -> str:
    parts = []
    for label, data in (("Trước", event.before), ("Sau", event.after)):
        if data:
            parts.append(f"{label}: " + "; ".join(_detail(k, v, codes) for k, v in data.items()))
    return "; ".join(parts)


def _detail(key: str, value: object, codes: dict[int, str]) -> str:
    if key == "task_id" and isinstance(value, int) and value in codes:
        return f"nhiệm vụ: {codes[value]}"
    return f"{FIELD_LABELS.get(key, key)}: {_value(value)}"


def _task_ids(session: Session, events: list[AuditEvent]) -> dict[int, int]:
    """Audit event id → id of the task its object belongs to (three queries at most)."""
    by_type: dict[str, set[int]] = {}
    for event in events:
        if event.object_id is not None:
            by_type.setdefault(event.object_type, set()).add(event.object_id)
    owner: dict[tuple[str, int], int] = {("task", i): i for i in by_type.get("task", ())}
    for kind, model in (("claim", CompletionClaim), ("evidence", EvidenceFile)):
        for chunk in _chunks(by_type.get(kind, ())):
            owner.update(((kind, object_id), task_id) for object_id, task_id in session.execute(
                select(model.id, model.task_id).where(model.id.in_(chunk))))
    result = {}
    for event in events:
        task_id = owner.get((event.object_type, event.object_id))
        if task_id is None and isinstance((event.after or {}).get("task_id"), int):
            task_id = event.after["task_id"]
        if task_id is not None:
            result[event.id] = task_id
    return result


def _chunks(ids, size: int = 5000) -> list[list[int]]:
    """Ids in bounded lists, so that an export of the whole log stays within the
    databases' limits on bound parameters."""
    ordered = sorted(ids)
    return [ordered[i:i + size] for i in range(0, len(ordered), size)]


def _lines(session: Session, rows: list[tuple[AuditEvent, str | None]]) -> list[AuditLine]:
    events = [event for event, _ in rows]
    task_of = _task_ids(session, events)
    mentioned = set(task_of.values()) | {
        v for e in events for data in (e.before, e.after) if data
        for k, v in data.items() if k == "task_id" and isinstance(v, int)}
    codes: dict[int, str] = {}
    for chunk in _chunks(mentioned):
        codes.update(session.execute(select(Task.id, Task.code).where(Task.id.in_(chunk)))
                     .tuples().all())
    return [AuditLine(e.id, e.created_at, name or "Hệ thống", e.action,
                      ACTION_LABELS.get(e.action, e.action), e.object_type, e.object_id,
                      _details(e, codes), codes.get(task_of.get(e.id)))
            for e, name in rows]


def list_events(session: Session, *, actor: User, filters: AuditFilter = AuditFilter(),
                offset: int = 0, limit: int = 100) -> tuple[list[AuditLine], int]:
    """A page of events, oldest first within the page order "newest first", and the total."""
    require(actor, Capability.VIEW_AUDIT)
    query = scope.scoped(_query(filters), actor, AuditEvent.ward_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(query.order_by(AuditEvent.id.desc()).offset(offset).limit(limit))
    return _lines(session, list(rows.tuples())), total


def export_events(session: Session, *, actor: User,
                  filters: AuditFilter = AuditFilter()) -> list[AuditLine]:
    """Every matching event, in order, for the export."""
    require(actor, Capability.VIEW_AUDIT)
    query = scope.scoped(_query(filters), actor, AuditEvent.ward_id)
    rows = session.execute(query.order_by(AuditEvent.id))
    return _lines(session, list(rows.tuples()))
