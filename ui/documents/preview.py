"""In-app document preview (QtPdf): Print, Save as, Open in the system viewer.

PLACEHOLDER: the real dialog is being written; the signature below is the contract.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QWidget


class DocumentPreview(QDialog):
    def __init__(self, runner, request, parent: QWidget | None = None, *, today=None):
        super().__init__(parent)
        self.runner = runner
        self.request = request


def show_preview(parent: QWidget | None, runner, request, *, today=None) -> DocumentPreview:
    """Open a non-modal preview of `request` (a studio.services.documents.Request); the document
    is made (and added to the Documents list as "previewed") on the database worker."""
    dialog = DocumentPreview(runner, request, parent, today=today)
    dialog.show()
    return dialog
