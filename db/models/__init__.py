"""All models, importable from one place: ``from db.models import Task``."""

from db.models.accounts import Role, Unit, UnitAlias, User
from db.models.audit import AuditEvent
from db.models.claims import (
    ClaimState,
    CompletionClaim,
    EvidenceFile,
    EvidenceKind,
    Notification,
    ProgressReport,
    ReportPeriod,
    Review,
    ReviewDecision,
)
from db.models.plans import DeadlineKind, Plan, Section, Task, TaskCoordinator
from db.models.warnings import WarningList, WarningRow

__all__ = [
    "AuditEvent",
    "ClaimState",
    "CompletionClaim",
    "DeadlineKind",
    "EvidenceFile",
    "EvidenceKind",
    "Notification",
    "Plan",
    "ProgressReport",
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
    "WarningList",
    "WarningRow",
]
