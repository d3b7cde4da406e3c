"""The audit trail in the window: Studio ▸ Audit trail… (owners only)."""

from ui.audit.page import AuditDialog, show_audit

__all__ = ["AuditDialog", "show_audit"]
