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
        self._unhandled: Failed | None = None
        self.on_unhandled_error = on_unhandled_error
        self._connection_watchers: list[tuple[Failed, QObject | None]] = []

    def _execute(self, work: Work, with_session: bool) -> Any:
        if not with_session:
            return work()
        factory = self.session_factory
        if factory is None:
            raise RuntimeError("No studio database is open yet.")
        engine = getattr(factory, "kw", {}).get("bind")
        try:
            with factory.begin() as session:
                engine = session.bind if session.bind is not None else engine
                return work(session)
        except Exception as exc:
            # The server went away, the file is locked, full or read-only: callers get plain
            # words (studio.db.database_failure), never the driver's. The transaction has been
            # rolled back by then, so nothing of the step is half-written.
            problem = _in_plain_words(engine, exc)
            if problem is None:
                raise
            raise problem from exc

    @property
    def on_unhandled_error(self) -> Failed | None:
        """Where failures nobody handled go (the window's error dialog), None when unset.

        Callers that pass failures on here themselves (the lists) get the same rule as the
        runner: while a watcher shows that the database isn't answering, that is said once, by
        the watcher, not again in a dialog for every list that could not reload."""
        return None if self._unhandled is None else self._report_unhandled

    @on_unhandled_error.setter
    def on_unhandled_error(self, handler: Failed | None) -> None:
        self._unhandled = handler

    def _report_unhandled(self, error: BaseException) -> None:
        from studio.db import ConnectionLost

        if isinstance(error, ConnectionLost) and self._watched():
            return
        if self._unhandled is not None:
            self._unhandled(error)

    def _watched(self) -> bool:
        self._connection_watchers = [(cb, o) for cb, o in self._connection_watchers if o is None or shiboken6.isValid(o)]
        return bool(self._connection_watchers)

    def watch_connection(self, callback: Failed, owner: QObject | None = None) -> None:
        """Call `callback(error)` (GUI thread) whenever a step fails because the studio database
        stopped answering (studio.db.ConnectionLost), before that step's own callbacks."""
        self._connection_watchers.append((callback, owner))

    def _connection_lost(self, error: BaseException) -> bool:
        """Tell the watchers; True when one of them now shows the problem."""
        from studio.db import ConnectionLost

        if not isinstance(error, ConnectionLost):
            return False
        if not self._watched():
            return False
        for callback, _owner in list(self._connection_watchers):
            callback(error)
        return True

    def _deliver(self, callbacks: tuple[Done | None, Failed | None], result: Any, error: BaseException | None, owner) -> None:
        shown = error is not None and self._connection_lost(error)
        if owner is not None and not shiboken6.isValid(owner):
            return
        on_done, on_error = callbacks
        if error is None:
            if on_done is not None:
                on_done(result)
        elif on_error is not None:
            on_error(error)
        elif shown:
            pass  # the banner says it, once, instead of a dialog for every list and reload
        elif self._unhandled is not None:
            self._unhandled(error)
        else:
            raise error


def _in_plain_words(engine, exc: BaseException) -> BaseException | None:
    """What studio.db makes of a step that failed on `engine`; None: leave it as it is."""
    from studio.errors import UprightError

    if isinstance(exc, UprightError):
        return None
    from sqlalchemy.orm.exc import StaleDataError

    if isinstance(exc, StaleDataError):
        # A change that didn't check the version it started from (a status set, a follow-up
        # moved) met a row another desk saved or removed a moment earlier.
        from studio.errors import ChangedMeanwhile

        return ChangedMeanwhile()
    if engine is None:
        return None
    from studio.db import database_failure

    return database_failure(engine.url, exc)


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
