"""Database models (SQLAlchemy 2.x typed). Import from here."""

from .audit import AuditEntry
from .events import DissatisfiedCase, Incident, QaSample, ReviewedScore
from .monthly import AgentMonth, Attendance, DepartmentMonth, SpecialistMonth
from .org import Department, Employee, GradeChange
from .users import ROLES, User, UserRole

__all__ = ["AuditEntry", "DissatisfiedCase", "Incident", "QaSample", "ReviewedScore", "AgentMonth",
           "Attendance", "DepartmentMonth", "SpecialistMonth", "Department", "Employee", "GradeChange",
           "ROLES", "User", "UserRole"]
