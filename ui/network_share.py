"""A studio file opened from a network share: say once, per file, why that is risky."""

from __future__ import annotations

import logging

from ui import messages, options

log = logging.getLogger(__name__)

TITLE = "The studio file is on a network share"


def warning_text(path, where: str) -> str:
    return (
        f"{path} is on {where}.\n\n"
        "A studio file is a SQLite database, and SQLite can't lock a file reliably over a network "
        "file system. If two desks work on this file through the share at the same time, their saves "
        "can overwrite each other or damage the studio database beyond repair; even one desk can lose "
        "its last changes when the connection to the share drops.\n\n"
        "To share one studio between desks, use a studio server: Studio ▸ Studio server… connects "
        "this desk to PostgreSQL, and its \"Copy this desk's studio to the server…\" moves these "
        "records there. The README's \"Studio server\" section explains how to set one up. If only "
        "this desk ever uses the file, copy it to this computer's own disk instead.\n\n"
        "Upright won't say this again for this file."
    )


def _warned() -> list[str]:
    return [line for line in options.get("storage/network_warned").splitlines() if line]


def warn_if_on_network_share(window, database) -> None:
    """Once per file: look (on the worker; a mount table can be slow to read) and warn."""
    path = database.path
    if path is None or str(path) in _warned():
        return
    from studio.storage import network_location

    def show(where: str | None) -> None:
        if where is None or str(path) in _warned():
            return
        options.put("storage/network_warned", "\n".join([*_warned(), str(path)]))
        messages.warn(window, TITLE, warning_text(path, where))

    def failed(error: BaseException) -> None:  # not knowing is no reason to stop the desk
        log.warning("could not tell whether %s is on a network share: %r", path, error)

    window.runner.run(lambda: network_location(path), show, failed, owner=window, with_session=False)
