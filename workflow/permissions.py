"""Who may do what. Every page, callback, route and service checks through here.

Capabilities name what a request wants to do; roles are granted sets of capabilities.
Object-level rules (which unit may see or claim which task) live in the helpers below.
"""

from __future__ import annotations

import enum

from db.models import Role, Task, User
from workflow.errors import NotFound, PermissionDenied


class Capability(enum.StrEnum):
    """An action a request may ask for."""

    VIEW_TASKS = "view_tasks"
    VIEW_ALL_TASKS = "view_all_tasks"
    REPORT_PROGRESS = "report_progress"
    FILE_CLAIM = "file_claim"
    REVIEW = "review"
    PUBLISH_WARNINGS = "publish_warnings"
    VIEW_WARNINGS = "view_warnings"
    EXPORT = "export"
    VIEW_DASHBOARD = "view_dashboard"
    VIEW_AUDIT = "view_audit"
    MANAGE_USERS = "manage_users"
    MANAGE_UNITS = "manage_units"
    IMPORT_PLAN = "import_plan"
    DOWNLOAD_EVIDENCE = "download_evidence"
    UPLOAD_EVIDENCE = "upload_evidence"


ROLE_LABELS: dict[Role, str] = {
    Role.UNIT_MEMBER: "Cán bộ đơn vị",
    Role.REVIEWER: "Văn phòng Đảng ủy (thẩm định)",
    Role.LEADER: "Lãnh đạo (Ban Thường vụ / Ban Chỉ đạo)",
    Role.ADMIN: "Quản trị hệ thống",
}

ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.UNIT_MEMBER: frozenset({
        Capability.VIEW_TASKS,
        Capability.REPORT_PROGRESS,
        Capability.FILE_CLAIM,
        Capability.VIEW_WARNINGS,
        Capability.VIEW_DASHBOARD,
        Capability.DOWNLOAD_EVIDENCE,
        Capability.UPLOAD_EVIDENCE,
    }),
    Role.REVIEWER: frozenset({
        Capability.VIEW_TASKS,
        Capability.VIEW_ALL_TASKS,
        Capability.REVIEW,
        Capability.PUBLISH_WARNINGS,
        Capability.VIEW_WARNINGS,
        Capability.EXPORT,
        Capability.VIEW_DASHBOARD,
        Capability.VIEW_AUDIT,
        Capability.DOWNLOAD_EVIDENCE,
    }),
    Role.LEADER: frozenset({
        Capability.VIEW_TASKS,
        Capability.VIEW_ALL_TASKS,
        Capability.VIEW_WARNINGS,
        Capability.EXPORT,
        Capability.VIEW_DASHBOARD,
        Capability.DOWNLOAD_EVIDENCE,
    }),
    Role.ADMIN: frozenset({
        Capability.VIEW_TASKS,
        Capability.VIEW_ALL_TASKS,
        Capability.MANAGE_USERS,
        Capability.MANAGE_UNITS,
        Capability.IMPORT_PLAN,
        Capability.VIEW_AUDIT,
        Capability.VIEW_DASHBOARD,
        Capability.VIEW_WARNINGS,
    }),
}


def is_usable(user: User | None) -> bool:
    """True for a signed-in, active account."""
    return user is not None and bool(user.is_active)


def has(user: User | None, capability: Capability) -> bool:
    """Whether the user's role grants the capability."""
    if not is_usable(user):
        return False
    return capability in ROLE_CAPABILITIES.get(Role(user.role), frozenset())


def require(user: User | None, capability: Capability) -> User:
    """Returns the user, or raises PermissionDenied when the role lacks the capability."""
    if not has(user, capability):
        raise PermissionDenied()
    return user  # type: ignore[return-value]


def unit_involved(user: User, task: Task) -> bool:
    """Whether the user's unit leads or coordinates the task."""
    if user.unit_id is None:
        return False
    if task.lead_unit_id == user.unit_id or task.coordinates_all_units:
        return True
    return any(c.unit_id == user.unit_id for c in task.coordinators)


def can_view_task(user: User | None, task: Task) -> bool:
    """Office, leaders and admins see every task; a unit sees tasks it leads or coordinates."""
    if has(user, Capability.VIEW_ALL_TASKS):
        return True
    return has(user, Capability.VIEW_TASKS) and unit_involved(user, task)  # type: ignore[arg-type]


def require_task_visible(user: User | None, task: Task | None) -> Task:
    """Returns the task, or NotFound (not a hint that it exists) when the user may not see it."""
    if task is None or not can_view_task(user, task):
        raise NotFound("Không tìm thấy nhiệm vụ hoặc bạn không có quyền xem nhiệm vụ này.")
    return task


def is_lead_member(user: User | None, task: Task) -> bool:
    """Whether the user is a unit member of the task's lead unit."""
    return (
        is_usable(user)
        and Role(user.role) == Role.UNIT_MEMBER  # type: ignore[union-attr]
        and user.unit_id is not None  # type: ignore[union-attr]
        and user.unit_id == task.lead_unit_id  # type: ignore[union-attr]
    )
