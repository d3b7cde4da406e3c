"""SQLAlchemy mapped classes, one module per aggregate."""

from studio.models.base import Base
from studio.models.client import Client, ClientSearchTerm
from studio.models.clinician import Clinician
from studio.models.staff import StaffMember
from studio.models.studio_profile import StudioProfile

__all__ = ["Base", "Client", "ClientSearchTerm", "Clinician", "StaffMember", "StudioProfile"]
