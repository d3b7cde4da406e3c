"""Edit one record of a service (client, clinician, staff member): load, save, archive.

The services share one shape — parse / get / create / update / set_archived — so one editor
serves them all, and a failed save always leaves what the person typed in the form. A save
refused because another desk saved first opens the conflict dialog: their values beside yours,
then keep yours (saved over their version), take theirs, or go back to the form.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from studio.errors import NotFound, StaleEdit, UprightError, ValidationError
from ui import messages
from ui.widgets.conflict_dialog import MINE, THEIRS, ConflictDialog, ConflictRow
from ui.widgets.record_form import RecordForm

BANNER_STYLE = "background: #fff4ce; border: 1px solid #e0b400; border-radius: 4px; padding: 6px;"


class RecordEditor(QWidget):
    saved = Signal(object)
    archived_changed = Signal(object)

    def __init__(
        self,
        runner,
        service: ModuleType,
        *,
        what: str,
        sections: Sequence[tuple[str, Sequence[str]]] | None = None,
        columns: int = 2,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.runner = runner
        self.service = service
        self.what = what
        self.record: Any = None
        self.conflict: ConflictDialog | None = None  # open while the person compares versions
        self.before_create: Callable[[Any], bool] | None = None  # may veto a new record

        self.title = QLabel()
        self.title.setObjectName("recordTitle")
        self.title.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.subtitle = QLabel()
        self.subtitle.setStyleSheet("color: #555;")
        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.setVisible(False)

        self.form = RecordForm(service.FIELDS, sections=sections, columns=columns)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.form)

        self.save_button = QPushButton("Save")
        self.save_button.setToolTip(f"Save this {what} ({QKeySequence(QKeySequence.StandardKey.Save).toString()})")
        self.save_button.setDefault(True)
        self.revert_button = QPushButton("Revert")
        self.revert_button.setToolTip("Undo the changes made since the last save")
        self.archive_button = QPushButton("Archive")
        self.save_button.clicked.connect(lambda: self.save())
        self.revert_button.clicked.connect(self.revert)
        self.archive_button.clicked.connect(self.toggle_archive)

        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.revert_button)
        buttons.addStretch(1)
        buttons.addWidget(self.archive_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.banner)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)

        self.form.changed.connect(self._update_buttons)
        self.start_new()

    # --- showing ----------------------------------------------------------------------------

    def describe(self, record: Any) -> tuple[str, str]:
        """Title and subtitle for a record; None means a new one."""
        if record is None:
            return f"New {self.what}", "Fill in what you know; fields marked * are needed."
        return record.name, ("Archived — hidden from lists" if record.archived else "")

    def start_new(self, defaults: dict[str, Any] | None = None) -> None:
        self.record = None
        self.form.set_values(defaults or {})
        self._refresh_header()
        self.set_banner("")

    def load(self, record_id: int) -> None:
        self.runner.run(lambda s: self.service.get(s, record_id), self.show_record, owner=self)

    def show_record(self, record: Any) -> None:
        self.record = record
        self.form.set_values(record.details)
        self._refresh_header()

    def _refresh_header(self) -> None:
        title, subtitle = self.describe(self.record)
        self.title.setText(title)
        self.subtitle.setText(subtitle)
        self.subtitle.setVisible(bool(subtitle))
        self.archive_button.setVisible(self.record is not None)
        self.archive_button.setText("Restore from archive" if self.record is not None and self.record.archived else "Archive")
        self._update_buttons()

    def _update_buttons(self) -> None:
        dirty = self.form.is_dirty()
        self.revert_button.setEnabled(dirty)
        self.save_button.setEnabled(dirty or self.record is None)

    def set_banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.setVisible(bool(text))

    def has_unsaved_changes(self) -> bool:
        return self.form.is_dirty()

    @property
    def unsaved_what(self) -> str:
        return f"this {self.what}"

    def discard_changes(self) -> None:
        self.revert()

    # --- saving -----------------------------------------------------------------------------

    def save(self, then: Callable[[], None] | None = None, *, over_version: int | None = None) -> bool:
        """Save if the form is valid. Returns False when it refused at once (reasons shown).

        `over_version` saves over that version of the record instead of the one opened here:
        the conflict dialog's Keep mine, after the person has seen what the other desk saved.
        """
        if self.form.validate_all():
            self.form.setFocus()
            return False
        raw = self.form.raw()
        record = self.record
        if record is None and self.before_create is not None and not self.before_create(raw):
            return False

        def work(session):
            details = self.service.parse(raw)
            if record is None:
                return self.service.create(session, details)
            expected = record.version if over_version is None else over_version
            return self.service.update(session, record.id, expected, details)

        def done(saved: Any) -> None:
            self.show_record(saved)
            self.saved.emit(saved)
            if then is not None:
                then()

        self.runner.run(work, done, lambda error: self._save_failed(error, then), owner=self)
        return True

    def _save_failed(self, error: BaseException, then: Callable[[], None] | None = None) -> None:
        if isinstance(error, ValidationError):
            self.form.show_errors(error.errors)
        elif isinstance(error, StaleEdit) and self.record is not None:
            self.resolve_conflict(error, then)
        elif isinstance(error, UprightError):
            messages.warn(self, f"Could not save the {self.what}", str(error))
        else:
            messages.warn(self, f"Could not save the {self.what}", f"Nothing was saved; your changes are still in the form.\n\n{error}")

    # --- another desk saved first -------------------------------------------------------------

    def resolve_conflict(self, error: StaleEdit, then: Callable[[], None] | None = None) -> ConflictDialog | None:
        """Show theirs beside yours; Keep mine saves the ticked values over their version, Take
        theirs shows their version, Cancel goes back to the form with nothing saved."""
        if self.conflict is not None:
            return None
        form = self.form
        opened, mine, theirs = form.raw_of(self.record.details), form.raw(), form.raw_of(error.theirs)
        rows = []
        for field in form.fields:
            name = field.name
            was, yours, their = (form.shown(name, values[name]) for values in (opened, mine, theirs))
            rows.append(ConflictRow(name, field.label, yours, their, changed_here=yours != was, changed_there=their != was))
        dialog = ConflictDialog(error, rows, what=self.what, parent=self)
        self.conflict = dialog

        def decided(outcome: str) -> None:
            self.conflict = None
            dialog.deleteLater()
            if outcome == MINE:
                form.put_raw({name: theirs[name] if dialog.choice(name) == THEIRS else mine[name] for name in mine})
                self._update_buttons()
                self.save(then, over_version=error.version)
            elif outcome == THEIRS:
                self.reload(then)

        dialog.decided.connect(decided)
        dialog.open()
        return dialog

    def reload(self, then: Callable[[], None] | None = None) -> None:
        """Show the record as it is stored now, dropping what was typed here."""
        record_id = self.record.id

        def done(record: Any) -> None:
            self.show_record(record)
            if then is not None:
                then()

        self.runner.run(lambda s: self.service.get(s, record_id), done, self._reload_failed, owner=self)

    def _reload_failed(self, error: BaseException) -> None:
        messages.warn(self, f"Could not show the {self.what}", str(error) if isinstance(error, UprightError) else repr(error))

    def revert(self) -> None:
        if self.record is None:
            self.start_new()
        else:
            self.show_record(self.record)

    def toggle_archive(self) -> None:
        record = self.record
        if record is None:
            return
        archive = not record.archived
        if archive and not messages.confirm(
            self,
            f"Archive {record.name}?",
            f"{record.name} will be hidden from lists. Nothing is deleted; "
            "you can show archived records and restore them at any time.",
            yes="Archive",
        ):
            return

        def done(changed: Any) -> None:
            self.show_record(changed)
            self.archived_changed.emit(changed)

        def failed(error: BaseException) -> None:
            if isinstance(error, StaleEdit):
                self._stale_archive(error, archive)
            elif isinstance(error, NotFound):
                messages.warn(self, f"Could not {'archive' if archive else 'restore'} the {self.what}", str(error))
            else:
                self._save_failed(error)

        self.runner.run(
            lambda s: self.service.set_archived(s, record.id, record.version, archive), done, failed, owner=self
        )

    def _stale_archive(self, error: StaleEdit, archive: bool) -> None:
        """Archiving (or restoring) what another desk just changed: say so, offer their version."""
        verb = "archived" if archive else "restored"
        said = f"{error.changed_words}, after you opened it here, so it was not {verb}."
        if self.form.is_dirty():
            messages.warn(
                self, "Changed at another desk",
                f"{said}\n\nSave your changes first — you will see their version beside yours — then try again.",
            )
            return
        if messages.confirm(
            self, "Changed at another desk",
            f"{said}\n\nReload to see their version, then {'archive' if archive else 'restore'} it again if you still want to.",
            yes="Reload",
        ):
            self.reload()
