"""Database models (SQLAlchemy 2.x typed). Import from here."""

from .audit import AuditEntry
from .events import DissatisfiedCase, ImportDraft, Incident, QaSample, ReviewedScore
from .monthly import AgentMonth, Attendance, DepartmentMonth, LeaderMonth, SpecialistMonth
from .notice import NOTICE_KINDS, BatchJob, IssuedNotice, NoticeCounter, NoticeFile, TrustFile, WorkerBeat
from .org import (
    Department,
    DepartmentMembership,
    Employee,
    EmploymentPeriod,
    GradeChange,
    PersonAllowance,
    Team,
    TeamMembership,
)
from .pay import (
    Deduction,
    DeductionMonth,
    PayComputation,
    PayCounter,
    PayGapReason,
    PayRun,
    PayRunStatus,
    PaySlip,
)
from .people import PersonEvent
from .policy import PolicyEditor, PolicyGeneration, PolicyPreview, PolicyStatus, PolicyVersion
from .promotion import ApplicationStatus, IllegalTransition, PromotionApplication
from .results import AgentExplanation, AgentResult, DataChange, DataVersion, DepartmentResult
from .users import ROLES, LoginAttempts, User, UserRole

__all__ = [
    "AgentExplanation",
    "AgentResult",
    "DataChange",
    "DataVersion",
    "DepartmentResult",
    "AuditEntry",
    "DissatisfiedCase",
    "ImportDraft",
    "Incident",
    "QaSample",
    "ReviewedScore",
    "AgentMonth",
    "Attendance",
    "DepartmentMonth",
    "SpecialistMonth",
    "Department",
    "Employee",
    "GradeChange",
    "ROLES",
    "LoginAttempts",
    "User",
    "UserRole",
    "ApplicationStatus",
    "IllegalTransition",
    "PromotionApplication",
    "LeaderMonth",
    "PayCounter",
    "PayRun",
    "PaySlip",
    "PayRunStatus",
    "PayComputation",
    "Deduction",
    "DeductionMonth",
    "PayGapReason",
    "NOTICE_KINDS",
    "BatchJob",
    "IssuedNotice",
    "NoticeCounter",
    "NoticeFile",
    "TrustFile",
    "WorkerBeat",
    "PersonAllowance",
    "Team",
    "PersonEvent",
    "TeamMembership",
    "DepartmentMembership",
    "EmploymentPeriod",
    "PolicyEditor",
    "PolicyGeneration",
    "PolicyPreview",
    "PolicyStatus",
    "PolicyVersion",
]
