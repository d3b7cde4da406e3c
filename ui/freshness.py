"""Keeping the window fresh: every couple of seconds the database worker asks whether another
desk committed something (studio.changes), and the pages that show it reload — except what
someone is editing here, which is left alone until it is saved or discarded."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal

log = logging.getLogger(__name__)

POLL_MS = 2000
RESTART_MS = 5000  # after the watcher's connection died: how soon to try a new one

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
        self.database = database
        self.watcher = None
        self.busy = False
        self.stopped = False
        self.restarting = False  # the watcher is being replaced after its connection died
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)
        self.start()

    def start(self) -> None:
        database = self.database

        def start():
            from studio.changes import watcher

            try:
                return watcher(database)
            except Exception as exc:
                plain = _plain(database, exc)
                if plain is exc:
                    raise
                raise plain from exc

        self.runner.run(start, self._started, self._failed, owner=self, with_session=False)

    def _started(self, watcher) -> None:
        if self.stopped:
            _close(watcher)
            return
        self.watcher = watcher
        self.timer.start()
        if self.restarting:
            # Notifications sent while the watcher was away are lost: refresh what isn't being edited.
            self.restarting = False
            self.changed.emit({"*"})

    def _failed(self, error: BaseException) -> None:
        from studio.db import ConnectionLost

        if isinstance(error, ConnectionLost) and not self.stopped:
            # The server isn't answering (the window's banner says so): keep trying, quietly.
            self.restarting = True
            QTimer.singleShot(RESTART_MS, self, self._restart)
            return
        log.warning("not watching for other desks' changes: %s", error)

    def _restart(self) -> None:
        if not self.stopped and self.watcher is None:
            self.start()

    def poll(self) -> None:
        if self.watcher is None or self.busy:
            return
        self.busy = True
        watcher, database = self.watcher, self.database

        def poll():
            try:
                return watcher.poll()
            except Exception as exc:
                from studio.db import ConnectionLost

                plain = _plain(database, exc)
                if isinstance(plain, ConnectionLost):
                    return _Dead(plain)  # not raised: an idle connection cut is no outage yet
                raise

        self.runner.run(poll, self._polled, self._poll_failed, owner=self, with_session=False)

    def _polled(self, changed) -> None:
        self.busy = False
        if isinstance(changed, _Dead):
            self._watcher_died(changed.error)
        elif changed:
            self.changed.emit(changed)

    def _poll_failed(self, error: BaseException) -> None:
        self.busy = False
        log.info("change poll failed (will try again): %s", error)

    def _watcher_died(self, error: BaseException) -> None:
        """Never a dialog: the watcher's connection died (the server restarted, the network
        dropped). Let it go and start a new one; a server that doesn't answer that either is
        reported to the window through the runner (the banner)."""
        log.info("the change watcher lost its connection (starting a new one): %s", error)
        self.timer.stop()
        watcher, self.watcher = self.watcher, None
        _close(watcher)
        self.restarting = True
        QTimer.singleShot(RESTART_MS // 5, self, self._restart)

    def stop(self) -> None:
        self.stopped = True
        self.timer.stop()
        watcher, self.watcher = self.watcher, None
        _close(watcher)


class _Dead:
    def __init__(self, error: BaseException):
        self.error = error


def _close(watcher) -> None:
    if watcher is not None:
        try:
            watcher.close()
        except Exception:  # noqa: BLE001 - closing a dead connection is not worth a message
            pass


def _plain(database, exc: BaseException) -> BaseException:
    """The watcher's own connection failing, in the words a save's failure would have."""
    from studio.db import database_failure

    return database_failure(database.engine.url, exc) or exc
