"""Tortoise ORM models (the app label is `models`) and the domain rules beside them."""

from models.account import ApiToken, ThrottleHit, User, UserSession
from models.audit import AuditLog
from models.certificate import Certification
from models.enterprise import Enterprise
from models.registration import RegistrationEvidence, TraceabilityRegistration
from models.report import MonthlyReport, ReportRevision
from models.supervision import Complaint, TargetEntry
from models.trace import Batch, Product, ScanDaily, TraceCode, TraceEvent

__all__ = [
    "ApiToken", "AuditLog", "Batch", "Certification", "Complaint", "Enterprise",
    "MonthlyReport", "Product", "RegistrationEvidence", "ReportRevision", "ScanDaily",
    "TargetEntry", "ThrottleHit", "TraceCode", "TraceEvent", "TraceabilityRegistration",
    "User", "UserSession",
]
