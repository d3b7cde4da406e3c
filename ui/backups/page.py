"""Studio ▸ Backups…: every backup of the studio — when, what kind, its size, the records it
holds and whether it still matches its fingerprint — with Back up now, Restore… (after a safety
copy of the current state), Show in folder, and how long this desk keeps daily backups."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView, QLabel, QPushButton, QSpinBox, QStackedWidget,
    QVBoxLayout,
)  # fmt: skip

from studio import backups
from studio.services import backups as backup_service
from ui import messages, options
from ui.widgets.tables import RowsModel, list_table

COLUMNS = ("When", "Kind", "Size", "Records", "Check")
GOOD = QColor("#1b6e2d")
DAMAGED = QColor("#a51d1d")
MAX_KEEP_DAYS = 3650
DAILY_HINT = (
    "Upright makes one backup a day when it opens the studio; older daily backups are removed then. "
    "Manual backups and the copies made before a migration or a restore are kept until you delete them."
)
SERVER_DAILY_HINT = (
    "For a studio server, schedule upright-admin backup --daily --keep-days N on one computer; this setting "
    "is for SQLite studios opened on this desk. Manual backups and the copies made before a restore are kept "
    "until you delete them."
)


def when_label(entry: backups.Backup) -> str:
    return entry.created.astimezone().strftime("%a %d %b %Y %H:%M")


def size_label(size: int) -> str:
    amount = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if amount < 1024 or unit == "GB":
            return f"{int(amount)} {unit}" if unit in ("bytes", "KB") else f"{amount:.1f} {unit}"
        amount /= 1024
    return f"{size} bytes"


def check_label(entry: backups.Backup) -> str:
    if not entry.ok:
        return "✗ damaged"
    return "✓ verified" if entry.fingerprinted else "✓ readable"


# What each table holds, in the studio's words; None: bookkeeping nobody at the desk counts.
TABLE_WORDS = {
    "client": "clients", "assessment": "assessments", "program": "programs", "program_item": "program exercises",
    "program_change": "program changes", "session_log": "sessions logged", "session_log_entry": "exercises logged",
    "referral": "referrals", "medical_clearance": "medical clearances", "document": "documents",
    "clinician": "clinicians", "staff": "staff", "studio_profile": None, "client_search_term": None,
}  # fmt: skip


def all_counts(entry: backups.Backup) -> str:
    """Every table's records, the studio's main records first."""
    order = {table: i for i, table in enumerate(TABLE_WORDS)}
    parts = [
        f"{n} {TABLE_WORDS.get(table) or table.replace('_', ' ')}"
        for table, n in sorted(entry.counts.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))
        if TABLE_WORDS.get(table, table)
    ]
    return " · ".join(parts)


class BackupListModel(RowsModel):
    columns = COLUMNS

    @property
    def entries(self) -> list[backups.Backup]:
        return self.rows

    def set_entries(self, entries) -> None:
        self.set_rows(entries)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        entry = self.entries[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (when_label(entry), entry.kind_label, size_label(entry.size), entry.summary() or "—",
                    check_label(entry))[column]  # fmt: skip
        if role == Qt.ItemDataRole.ForegroundRole and column == 4:
            return GOOD if entry.ok else DAMAGED
        if role == Qt.ItemDataRole.ToolTipRole:
            if not entry.ok:
                return entry.problem
            if column == 3 and entry.counts:
                return all_counts(entry)
            if column == 4:
                return ("Matches the SHA-256 fingerprint recorded when it was written and checked"
                        if entry.fingerprinted else
                        "Made before Upright recorded fingerprints: it opens and passes its integrity check")  # fmt: skip
            return str(entry.path)
        if role == Qt.ItemDataRole.UserRole:
            return entry
        return None


class BackupsDialog(QDialog):
    """`restored(path_or_url)` is emitted after a restore: the window must re-open the database."""

    restored = Signal(str)
    about_to_restore = Signal()  # the window lets go of the database (its change watcher) first

    def __init__(self, runner, database, parent=None):
        super().__init__(parent)
        self.runner = runner
        self.database = database
        self.target = database.path or database.url
        self._busy = False
        self.folder = backups.backups_dir(self.target)
        self.setWindowTitle("Backups")
        self.resize(860, 500)

        if database.path:
            where = f"Backups of <b>{_html(database.path.name)}</b>, kept in {_html(str(self.folder))}"
        else:
            url = database.engine.url
            server = f"{url.database} on {url.host or 'localhost'}" + (f":{url.port}" if url.port else "")
            where = f"Backups of the studio server <b>{_html(server)}</b> made on this computer, kept in {_html(str(self.folder))}"
        self.where_label = QLabel(where)
        self.where_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.where_label.setWordWrap(True)

        self.model = BackupListModel(self)
        self.table = list_table(self.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMNS.index("Records"), QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _index: self.restore_selected())
        self.empty_label = QLabel()
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.empty_label.setStyleSheet("color: #555; padding: 24px;")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty_label)

        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setMinimumHeight(self.detail.fontMetrics().lineSpacing() * 3)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        self.backup_button = QPushButton("Back up now")
        self.backup_button.setToolTip("Write a verified backup of the studio as it is now")
        self.backup_button.clicked.connect(self.back_up_now)
        self.restore_button = QPushButton("Restore…")
        self.restore_button.setToolTip(
            "Put the studio back as it was in the selected backup (a safety copy is made first)"
        )
        self.restore_button.clicked.connect(self.restore_selected)
        self.folder_button = QPushButton("Show in folder")
        self.folder_button.clicked.connect(self.show_in_folder)
        actions = QHBoxLayout()
        for button in (self.backup_button, self.restore_button, self.folder_button):
            actions.addWidget(button)
        actions.addStretch(1)

        self.keep_days = QSpinBox()
        self.keep_days.setRange(1, MAX_KEEP_DAYS)
        self.keep_days.setSuffix(" days")
        self.keep_days.setValue(max(1, min(MAX_KEEP_DAYS, options.get("backups/keep_days"))))
        self.keep_days.valueChanged.connect(lambda days: options.put("backups/keep_days", days))
        retention = QHBoxLayout()
        retention.addWidget(QLabel("Keep daily backups for"))
        retention.addWidget(self.keep_days)
        retention.addStretch(1)
        hint = QLabel(DAILY_HINT if database.path else SERVER_DAILY_HINT)
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.where_label)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.detail)
        layout.addLayout(actions)
        layout.addSpacing(6)
        layout.addLayout(retention)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.reload()

    # --- the list ---------------------------------------------------------------------------

    def reload(self, select: Path | None = None) -> None:
        """Check every backup against its fingerprint on the worker, then show them."""
        self._show_message("Checking the backups…")
        self._set_busy(True)
        target, folder = self.target, self.folder
        self.runner.run(lambda s: backup_service.list_backups(s, target, folder), lambda found: self._show(found, select),
                        self._load_failed, owner=self)  # fmt: skip

    def _show(self, entries: list[backups.Backup], select: Path | None) -> None:
        self._set_busy(False)
        self.model.set_entries(entries)
        if not entries:
            how = (
                "Upright makes one automatically the first time it opens each day, and one before every "
                "upgrade and every restore."
                if self.database.path
                else "They are made with pg_dump: Upright makes one before every restore, and "
                "upright-admin backup --daily makes the daily ones where it is scheduled."
            )
            self._show_message(
                f"No backups yet.\n\nBackups of this studio go in\n{self.folder}\n\n{how} Back up now makes one at once."
            )
            self._selection_changed()
            return
        self.stack.setCurrentWidget(self.table)
        rows = [i for i, e in enumerate(entries) if e.path == select] or [0]
        self.table.selectRow(rows[0])
        self._selection_changed()

    def _load_failed(self, error: BaseException) -> None:
        self._set_busy(False)
        self.model.set_entries([])
        self._show_message(f"The backups could not be listed: {error}")
        self._selection_changed()

    def _show_message(self, text: str) -> None:
        self.empty_label.setText(text)
        self.stack.setCurrentWidget(self.empty_label)

    def selected(self) -> backups.Backup | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or self.stack.currentWidget() is not self.table:
            return None
        return self.model.entries[rows[0].row()]

    def _selection_changed(self, *_args) -> None:
        entry = self.selected()
        self.restore_button.setEnabled(entry is not None and entry.ok and not self._busy)
        if entry is None:
            self.detail.setText("")
        elif not entry.ok:
            self.detail.setText(f"<span style='color:{DAMAGED.name()}'>✗ {_html(entry.problem)}</span>")
        else:
            fingerprint = f" · SHA-256 {entry.sha256[:16]}…" if entry.sha256 else ""
            schema = f" · schema {entry.revision}" if entry.revision else ""
            self.detail.setText(f"{_html(entry.path.name)}{schema}{fingerprint}<br>"
                                f"<span style='color:#555'>{_html(all_counts(entry))}</span>")  # fmt: skip

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.backup_button.setEnabled(not busy)
        self.restore_button.setEnabled(not busy and self.selected() is not None and self.selected().ok)

    # --- commands ---------------------------------------------------------------------------

    def back_up_now(self) -> None:
        target, folder = self.target, self.folder

        def done(path: Path) -> None:
            self.reload(select=path)
            self.detail.setText(f"Backup written and checked: {_html(path.name)}")

        def failed(error: BaseException) -> None:
            self.reload()
            messages.warn(self, "No backup was written", str(error))

        self._set_busy(True)
        self.runner.run(lambda s: backup_service.make(s, target, folder=folder), done, failed, owner=self)

    def restore_selected(self) -> None:
        entry = self.selected()
        if entry is None or not entry.ok or self._busy:
            return
        what = f"{when_label(entry)} ({entry.kind_label}" + (f", {entry.summary()})" if entry.summary() else ")")
        question = (
            f"Put the studio back as it was on {what}?\n\n"
            "Upright first makes a safety copy of the studio as it is now, so this can be undone by restoring "
            "that copy. Everything entered since the backup will be replaced. Close Upright at any other desk "
            "using this studio first."
        )
        if not messages.confirm(self, "Restore this backup?", question, yes="Restore"):
            return
        database, target, folder = self.database, self.target, self.folder
        self.about_to_restore.emit()

        def work(session):
            # The session only says who asks (the owner): it holds no connection, so the database
            # can let go of the file (or the server's tables), which the restore replaces.
            database.close()
            return backup_service.restore(session, entry.path, target, folder=folder)

        def done(safety: Path | None) -> None:
            self.reload(select=safety)
            kept = f"\n\nWhat was there before is kept as a safety copy:\n{safety}" if safety else ""
            self.restored.emit(str(target))
            messages.inform(self, "Backup restored", f"The studio is back as it was on {when_label(entry)}.{kept}")

        def failed(error: BaseException) -> None:
            self.reload()
            messages.warn(self, "Nothing was restored", str(error))

        self._set_busy(True)
        self.runner.run(work, done, failed, owner=self)

    def show_in_folder(self) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            messages.warn(self, "Can't open the backups folder", f"{self.folder} could not be created: {error}")
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.folder))):
            messages.inform(self, "Backups folder", f"The backups are in\n{self.folder}")


def _html(text: str | None) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
