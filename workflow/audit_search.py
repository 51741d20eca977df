"""Reading the audit trail: filtered pages for reviewers and admins, and an export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from sqlalchemy import Integer, Select, String, and_, bindparam, case, func, select
from sqlalchemy.orm import Session, aliased

from db.base import UtcDateTime
from db.models import AuditEvent, CompletionClaim, EvidenceFile, Task, User
from db.sql import constant, run
from workflow import scope
from workflow.clock import LOCAL_TZ
from workflow.errors import ValidationError
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
    "claim.confirm": "Thủ trưởng xác nhận đề nghị",
    "claim.return": "Thủ trưởng trả lại đề nghị",
    "progress.confirm": "Thủ trưởng xác nhận báo cáo tháng",
    "plan.head_settings": "Đổi quy định thủ trưởng xác nhận",
    "plan.pin": "Chọn kế hoạch hiện hành",
    "holiday.add": "Thêm ngày nghỉ",
    "holiday.remove": "Bỏ ngày nghỉ",
    "job.request": "Yêu cầu lập tệp (chạy nền)",
    "ward.create": "Tạo phường/xã",
}


OBJECT_LABELS = {"user": "Tài khoản", "unit": "Đơn vị", "plan": "Kế hoạch", "task": "Nhiệm vụ",
                 "claim": "Đề nghị", "evidence": "Minh chứng", "warning_list": "Danh sách cảnh báo",
                 "api_token": "Mã truy cập API", "report": "Báo cáo định kỳ",
                 "trust_ca": "Chứng thư CA tin cậy", "holiday": "Ngày nghỉ",
                 "job": "Việc chạy nền", "ward": "Phường/xã"}
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


MAX_PAGE = 500


@dataclass(frozen=True)
class _Shape:
    ward: bool
    action: bool
    actor: bool
    date_from: bool
    date_to: bool
    paged: bool


def _conditions(shape: _Shape) -> list:
    conditions = []
    if shape.ward:
        conditions.append(AuditEvent.ward_id == bindparam("ward_id", type_=Integer))
    if shape.action:
        conditions.append(AuditEvent.action == bindparam("action", type_=String))
    if shape.actor:
        conditions.append(AuditEvent.actor_id == bindparam("actor_id", type_=Integer))
    if shape.date_from:
        conditions.append(AuditEvent.created_at >= bindparam("since", type_=UtcDateTime()))
    if shape.date_to:
        conditions.append(AuditEvent.created_at < bindparam("before", type_=UtcDateTime()))
    return conditions


@lru_cache(maxsize=64)
def _statement(shape: _Shape) -> Select:
    """Events with the actor's name and the task their object belongs to (a task, or the
    task of a claim or a file) as plain rows (a page: newest first; the export: all, in
    order); built once per shape."""
    claim, evidence, owner = aliased(CompletionClaim), aliased(EvidenceFile), aliased(Task)
    owner_id = case((AuditEvent.object_type == constant("task"), AuditEvent.object_id),
                    else_=func.coalesce(claim.task_id, evidence.task_id))
    query = (select(*AuditEvent.__table__.c, User.full_name.label("actor_name"),
                    owner.id.label("owner_task_id"), owner.code.label("owner_code"))
             .select_from(AuditEvent)
             .outerjoin(claim, and_(AuditEvent.object_type == constant("claim"),
                                    claim.id == AuditEvent.object_id))
             .outerjoin(evidence, and_(AuditEvent.object_type == constant("evidence"),
                                       evidence.id == AuditEvent.object_id))
             .outerjoin(owner, owner.id == owner_id)
             .outerjoin(User, User.id == AuditEvent.actor_id)
             .where(*_conditions(shape)))
    if not shape.paged:
        return query.order_by(AuditEvent.id)
    # Bounds in the text (db.sql): PostgreSQL keeps one plan per page size.
    return (query.order_by(AuditEvent.id.desc())
            .offset(bindparam("offset", type_=Integer, literal_execute=True))
            .limit(bindparam("limit", type_=Integer, literal_execute=True)))


@lru_cache(maxsize=32)
def _count_statement(shape: _Shape) -> Select:
    return select(func.count()).select_from(AuditEvent).where(*_conditions(shape))


def _events(session: Session, actor: User, filters: AuditFilter, *, paged: bool,
            offset: int = 0, limit: int = 0, count: bool = False) -> list:
    ward_id = scope.ward_scope(actor)
    shape = _Shape(
        ward=ward_id is not None, action=bool(filters.action), actor=bool(filters.actor_id),
        date_from=bool(filters.date_from), date_to=bool(filters.date_to), paged=paged)
    statement = _count_statement(shape) if count else _statement(shape)
    return run(session, statement, {
        "ward_id": ward_id, "action": filters.action, "actor_id": filters.actor_id,
        "since": datetime.combine(filters.date_from, time.min, LOCAL_TZ)
        if filters.date_from else None,
        "before": datetime.combine(filters.date_to + timedelta(days=1), time.min, LOCAL_TZ)
        if filters.date_to else None,
        "offset": offset, "limit": limit}).all()


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


_CODES = select(Task.id, Task.code).where(Task.id.in_(bindparam("ids", expanding=True)))


def _chunks(ids, size: int = 5000) -> list[list[int]]:
    """Ids in bounded lists, so that an export of the whole log stays within the
    databases' limits on bound parameters."""
    ordered = sorted(ids)
    return [ordered[i:i + size] for i in range(0, len(ordered), size)]


def _lines(session: Session, events: list) -> list[AuditLine]:
    """Audit rows (``_events``: with the task their object belongs to) as people read them."""
    task_of: dict[int, int] = {}
    codes: dict[int, str] = {}
    for e in events:
        if e.owner_task_id is not None:
            task_of[e.id] = e.owner_task_id
            codes[e.owner_task_id] = e.owner_code
        elif isinstance((e.after or {}).get("task_id"), int):
            task_of[e.id] = e.after["task_id"]
    mentioned = set(task_of.values()) | {
        v for e in events for data in (e.before, e.after) if data
        for k, v in data.items() if k == "task_id" and isinstance(v, int)}
    for chunk in _chunks(mentioned - codes.keys()):
        codes.update(run(session, _CODES, {"ids": chunk}).tuples().all())
    return [AuditLine(e.id, e.created_at, e.actor_name or "Hệ thống", e.action,
                      ACTION_LABELS.get(e.action, e.action), e.object_type, e.object_id,
                      _details(e, codes), codes.get(task_of.get(e.id)))
            for e in events]


def list_events(session: Session, *, actor: User, filters: AuditFilter = AuditFilter(),
                offset: int = 0, limit: int = 100) -> tuple[list[AuditLine], int]:
    """A page of events, oldest first within the page order "newest first", and the total."""
    require(actor, Capability.VIEW_AUDIT)
    if offset < 0 or not 0 < limit <= MAX_PAGE:
        raise ValidationError("Tham số phân trang không hợp lệ.")
    # The count on its own: a ward's log is long, and counting along the page (a window)
    # would read every event of it.
    total = _events(session, actor, filters, paged=False, count=True)[0][0]
    events = _events(session, actor, filters, paged=True, offset=offset, limit=limit)
    return _lines(session, events), total


def export_events(session: Session, *, actor: User,
                  filters: AuditFilter = AuditFilter()) -> list[AuditLine]:
    """Every matching event, in order, for the export."""
    require(actor, Capability.VIEW_AUDIT)
    return _lines(session, _events(session, actor, filters, paged=False))
