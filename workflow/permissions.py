"""Who may do what. Every page, callback, route and service checks through here.

Capabilities name what a request wants to do; roles are granted sets of capabilities.
Object-level rules (which unit may see or claim which task) live in the helpers below.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from db.models import Role, Task, User
from workflow import scope
from workflow.errors import NotFound, PermissionDenied
from workflow.labels import ROLE_LABELS  # noqa: F401  (re-exported: callers import it here)


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
    SEND_REMINDERS = "send_reminders"
    COLLECT_GARBAGE = "collect_garbage"
    # Reporting upward (#15).
    MANAGE_API_TOKENS = "manage_api_tokens"
    MANAGE_CALENDAR = "manage_calendar"
    WRITE_REPORTS = "write_reports"
    READ_API = "read_api"
    MANAGE_TRUST_STORE = "manage_trust_store"
    LOG_API_CALLS = "log_api_calls"
    REVALIDATE_SIGNATURES = "revalidate_signatures"
    # Wards as tenants (#13).
    VIEW_PROVINCE = "view_province"
    # Read one ward's own pages from the province (drill-down).
    VIEW_WARD_DETAIL = "view_ward_detail"
    MANAGE_WARDS = "manage_wards"
    # The unit head (#16): confirm or return the unit's claims and reports.
    CONFIRM_FOR_UNIT = "confirm_for_unit"
    MANAGE_HOLIDAYS = "manage_holidays"


@dataclass(frozen=True)
class SystemActor:
    """The portal itself, acting for the command line, cron jobs and the demo loader.

    It has no account (audit rows show no person) but a capability set of its own, checked
    like any role's: it may set up plans, units and accounts, publish warnings and run the
    scheduled jobs, and it never reviews evidence or reports progress for a unit.
    """

    id: None = None
    unit_id: None = None
    unit: None = None
    is_active: bool = True
    full_name: str = "Hệ thống"
    # The ward a command acts in (``--ward``); None reaches every ward (workflow.scope).
    ward_id: int | None = None


SYSTEM = SystemActor()

# Whoever a service acts for: a signed-in account or the system (an API request acts as a
# workflow.api_tokens.TokenActor, which names its own capability set).
Actor = User | SystemActor

SYSTEM_CAPABILITIES: frozenset[Capability] = frozenset({
    Capability.VIEW_TASKS,
    Capability.VIEW_ALL_TASKS,
    Capability.VIEW_WARNINGS,
    Capability.PUBLISH_WARNINGS,
    Capability.MANAGE_USERS,
    Capability.MANAGE_UNITS,
    Capability.IMPORT_PLAN,
    Capability.SEND_REMINDERS,
    Capability.COLLECT_GARBAGE,
    Capability.MANAGE_API_TOKENS,
    Capability.LOG_API_CALLS,
    Capability.REVALIDATE_SIGNATURES,
    Capability.MANAGE_WARDS,
    Capability.VIEW_PROVINCE,
    Capability.MANAGE_HOLIDAYS,
})


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
    Role.UNIT_HEAD: frozenset({
        Capability.VIEW_TASKS,
        Capability.REPORT_PROGRESS,
        Capability.FILE_CLAIM,
        Capability.VIEW_WARNINGS,
        Capability.VIEW_DASHBOARD,
        Capability.DOWNLOAD_EVIDENCE,
        Capability.UPLOAD_EVIDENCE,
        Capability.CONFIRM_FOR_UNIT,
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
        Capability.WRITE_REPORTS,
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
        Capability.MANAGE_API_TOKENS,
        Capability.MANAGE_CALENDAR,
    }),
    # Read-only across every ward: nothing here changes a ward's data.
    Role.PROVINCE_VIEWER: frozenset({
        Capability.VIEW_PROVINCE,
        Capability.VIEW_WARD_DETAIL,
        Capability.VIEW_TASKS,
        Capability.VIEW_ALL_TASKS,
        Capability.VIEW_WARNINGS,
        Capability.VIEW_DASHBOARD,
        Capability.DOWNLOAD_EVIDENCE,
        Capability.EXPORT,
    }),
    # Creates wards and each ward's first admin; reads the province pages. VIEW_TASKS lets
    # the pages open; without a unit or VIEW_ALL_TASKS it shows no ward's task.
    Role.PROVINCE_ADMIN: frozenset({
        Capability.VIEW_TASKS,
        Capability.VIEW_PROVINCE,
        Capability.MANAGE_WARDS,
        # Public holidays are national: one calendar for every ward of the province, kept by
        # the province (a ward admin editing it would change other wards' review deadlines).
        Capability.MANAGE_HOLIDAYS,
        # One trust store serves every ward's signature checks: the province keeps it.
        Capability.MANAGE_TRUST_STORE,
    }),
}

# What an API token may do: read, as a leader reads (every task, no changes). Tokens are
# never users; workflow.api_tokens.TokenActor carries this set.
API_TOKEN_CAPABILITIES: frozenset[Capability] = frozenset({
    Capability.READ_API,
    Capability.LOG_API_CALLS,
    Capability.VIEW_TASKS,
    Capability.VIEW_ALL_TASKS,
    Capability.VIEW_WARNINGS,
    Capability.VIEW_DASHBOARD,
    Capability.DOWNLOAD_EVIDENCE,
})


def is_usable(user: Actor | None) -> bool:
    """True for a signed-in, active account (and for the system actor)."""
    return user is not None and bool(user.is_active)


def has(user: Actor | None, capability: Capability) -> bool:
    """Whether the user's role (or the system actor's set) grants the capability."""
    if not is_usable(user):
        return False
    if isinstance(user, SystemActor):
        return capability in SYSTEM_CAPABILITIES
    granted = getattr(user, "capabilities", None)  # an API token actor names its own set
    if granted is not None:
        return capability in granted
    return capability in ROLE_CAPABILITIES.get(Role(user.role), frozenset())


def require(user: Actor | None, capability: Capability) -> Actor:
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
    """Office, leaders and admins see every task of their ward; a unit sees the tasks it leads
    or coordinates; the province roles read every ward's tasks."""
    if task is None or not scope.in_scope(user, task.plan.ward_id):
        return False
    if has(user, Capability.VIEW_ALL_TASKS):
        return True
    return has(user, Capability.VIEW_TASKS) and unit_involved(user, task)  # type: ignore[arg-type]


def require_task_visible(user: User | None, task: Task | None) -> Task:
    """Returns the task, or NotFound (not a hint that it exists) when the user may not see it."""
    if task is None or not can_view_task(user, task):
        raise NotFound("Không tìm thấy nhiệm vụ hoặc bạn không có quyền xem nhiệm vụ này.")
    return task


UNIT_ROLES = frozenset({Role.UNIT_MEMBER, Role.UNIT_HEAD})


def is_lead_member(user: User | None, task: Task) -> bool:
    """Whether the user is a unit member (or its head) of the task's lead unit."""
    return (
        is_usable(user)
        and not isinstance(user, SystemActor)
        and Role(user.role) in UNIT_ROLES  # type: ignore[union-attr]
        and user.unit_id is not None  # type: ignore[union-attr]
        and user.unit_id == task.lead_unit_id  # type: ignore[union-attr]
    )


def is_unit_head(user: Actor | None, unit_id: int | None) -> bool:
    """Whether the user is an active head of the given unit."""
    return (
        has(user, Capability.CONFIRM_FOR_UNIT)
        and not isinstance(user, SystemActor)
        and unit_id is not None
        and user.unit_id == unit_id  # type: ignore[union-attr]
    )
