"""SQLAlchemy mapped classes, one module per aggregate."""

from studio.models.account import AuditEntry, StaffCredential
from studio.models.assessment import Assessment
from studio.models.base import Base
from studio.models.clearance import MedicalClearance
from studio.models.client import Client, ClientSearchTerm
from studio.models.clinician import Clinician
from studio.models.document import Document
from studio.models.program import Program, ProgramChange, ProgramItem, SessionLog, SessionLogEntry
from studio.models.referral import Referral
from studio.models.staff import StaffMember
from studio.models.studio_profile import StudioProfile

__all__ = [
    "Assessment",
    "AuditEntry",
    "Base",
    "Client",
    "ClientSearchTerm",
    "Clinician",
    "Document",
    "MedicalClearance",
    "Program",
    "ProgramChange",
    "ProgramItem",
    "Referral",
    "SessionLog",
    "SessionLogEntry",
    "StaffCredential",
    "StaffMember",
    "StudioProfile",
]
