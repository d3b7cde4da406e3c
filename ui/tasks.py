"""Running database work off the GUI thread.

A single worker thread owns all database access, so SQLite sees one writer per desk and the
window never waits on a query. Results come back to the GUI thread through a queued signal;
callbacks are skipped when the widget that asked has been closed meanwhile (Anki's
CollectionOp / Picard's run_task idea). Tests use SyncRunner, which does the same inline.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)

Work = Callable[..., Any]
Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


class _Relay(QObject):
    finished = Signal(object, object, object, object)  # callback, result, error, owner


class BaseRunner:
    """Shared behaviour: how work gets a session, and how results reach their callbacks."""

    def __init__(self, session_factory=None, on_unhandled_error: Failed | None = None):
        self.session_factory = session_factory
        self.on_unhandled_error = on_unhandled_error

    def _execute(self, work: Work, with_session: bool) -> Any:
        if not with_session:
            return work()
        if self.session_factory is None:
            raise RuntimeError("No studio database is open yet.")
        with self.session_factory.begin() as session:
            return work(session)

    def _deliver(self, callbacks: tuple[Done | None, Failed | None], result: Any, error: BaseException | None, owner) -> None:
        if owner is not None and not shiboken6.isValid(owner):
            return
        on_done, on_error = callbacks
        if error is None:
            if on_done is not None:
                on_done(result)
        elif on_error is not None:
            on_error(error)
        elif self.on_unhandled_error is not None:
            self.on_unhandled_error(error)
        else:
            raise error


class TaskRunner(BaseRunner):
    def __init__(self, session_factory=None, on_unhandled_error: Failed | None = None):
        super().__init__(session_factory, on_unhandled_error)
        self._pool = QThreadPool()
        self._pool.setMaxThreadCount(1)
        self._relay = _Relay()
        self._relay.finished.connect(self._deliver)

    def run(
        self,
        work: Work,
        on_done: Done | None = None,
        on_error: Failed | None = None,
        *,
        owner: QObject | None = None,
        with_session: bool = True,
    ) -> None:
        """Run `work(session)` (or `work()`) on the database worker; call back on the GUI thread."""
        relay, execute = self._relay, self._execute

        class Job(QRunnable):
            def run(self) -> None:
                try:
                    result, error = execute(work, with_session), None
                except BaseException as exc:  # noqa: BLE001 - every failure goes back to the GUI
                    log.debug("task failed: %s", "".join(traceback.format_exception(exc)))
                    result, error = None, exc
                relay.finished.emit((on_done, on_error), result, error, owner)

        self._pool.start(Job())

    def wait(self, msecs: int = -1) -> bool:
        return self._pool.waitForDone(msecs)


class SyncRunner(BaseRunner):
    """Runs work inline: deterministic tests with the real services and a real database."""

    def run(self, work, on_done=None, on_error=None, *, owner=None, with_session=True) -> None:
        try:
            result, error = self._execute(work, with_session), None
        except Exception as exc:  # noqa: BLE001
            result, error = None, exc
        self._deliver((on_done, on_error), result, error, owner)

    def wait(self, msecs: int = -1) -> bool:
        return True
