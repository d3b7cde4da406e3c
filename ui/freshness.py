"""Keeping the window fresh: every couple of seconds the database worker asks whether another
desk committed something (studio.changes), and the pages that show it reload — except what
someone is editing here, which is left alone until it is saved or discarded."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal

log = logging.getLogger(__name__)

POLL_MS = 2000

# Which workspace tabs show which tables ("*": SQLite can't say, so everything).
TABLES_OF_TAB = {
    "ClientTab": {"client", "staff", "clinician"},
    "AssessmentTab": {"assessment", "medical_clearance", "referral"},
    "ProgramTab": {"program", "program_item", "program_change", "session_log", "session_log_entry", "medical_clearance"},
    "ReferralsTab": {"referral", "medical_clearance", "clinician", "assessment"},
    "DocumentsTab": {"document"},
}


def concerns(tab, changed: set[str]) -> bool:
    if "*" in changed:
        return True
    return bool(TABLES_OF_TAB.get(type(tab).__name__, {"*"}) & changed)


class Freshness(QObject):
    """Polls on the runner; emits `changed(set_of_table_names)` when another desk committed."""

    changed = Signal(object)

    def __init__(self, runner, database, parent=None):
        super().__init__(parent)
        self.runner = runner
        self.watcher = None
        self.busy = False
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)

        def start():
            from studio.changes import watcher

            return watcher(database)

        self.runner.run(start, self._started, self._failed, owner=self, with_session=False)

    def _started(self, watcher) -> None:
        self.watcher = watcher
        self.timer.start()

    def _failed(self, error: BaseException) -> None:
        log.warning("not watching for other desks' changes: %s", error)

    def poll(self) -> None:
        if self.watcher is None or self.busy:
            return
        self.busy = True
        watcher = self.watcher
        self.runner.run(lambda: watcher.poll(), self._polled, self._poll_failed, owner=self, with_session=False)

    def _polled(self, changed) -> None:
        self.busy = False
        if changed:
            self.changed.emit(changed)

    def _poll_failed(self, error: BaseException) -> None:
        self.busy = False
        log.info("change poll failed (will try again): %s", error)

    def stop(self) -> None:
        self.timer.stop()
        watcher, self.watcher = self.watcher, None
        if watcher is not None:
            try:
                watcher.close()
            except Exception:  # noqa: BLE001 - closing a dead connection is not worth a message
                pass
