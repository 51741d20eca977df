"""All models, importable from one place: ``from db.models import Task``."""

from db.models.accounts import Role, Unit, UnitAlias, User
from db.models.audit import AuditEvent
from db.models.claims import (
    ClaimConfirmation,
    ClaimState,
    CompletionClaim,
    EvidenceFile,
    EvidenceKind,
    Notification,
    ProgressReport,
    ReportConfirmation,
    ReportPeriod,
    Review,
    ReviewDecision,
)
from db.models.jobs import Job, JobState
from db.models.login_sessions import LoginSession
from db.models.plans import DeadlineKind, Holiday, Plan, Section, Task, TaskCoordinator
from db.models.reporting import ApiCall, ApiToken, PeriodicReport
from db.models.wards import Ward
from db.models.warning_lists import WarningList, WarningRow

__all__ = [
    "ApiCall",
    "ApiToken",
    "PeriodicReport",
    "AuditEvent",
    "ClaimConfirmation",
    "ClaimState",
    "CompletionClaim",
    "DeadlineKind",
    "EvidenceFile",
    "EvidenceKind",
    "Holiday",
    "Job",
    "JobState",
    "LoginSession",
    "Notification",
    "Plan",
    "ProgressReport",
    "ReportConfirmation",
    "ReportPeriod",
    "Review",
    "ReviewDecision",
    "Role",
    "Section",
    "Task",
    "TaskCoordinator",
    "Unit",
    "UnitAlias",
    "User",
    "Ward",
    "WarningList",
    "WarningRow",
]
