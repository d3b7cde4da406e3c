"""Today's automatic backup, made on the database worker once the studio is open."""

from __future__ import annotations

from ui import messages, options


def start_daily_backup(window, database) -> None:
    """At most one automatic backup a day, then daily backups older than this desk's retention
    (Studio ▸ Backups) are removed. SQLite files only: a studio server is dumped on the schedule
    whoever looks after it sets (`upright-admin backup --daily --database URL`), not by every desk
    that happens to open that day."""
    from studio.backups import daily

    if database.path is None:
        return
    path, keep_days = database.path, options.get("backups/keep_days")

    def failed(error: BaseException) -> None:
        messages.warn(
            window,
            "Today's backup was not made",
            f"{error}\n\nThe studio is open and nothing in it is affected. Upright tries again the next time it "
            "starts; Studio ▸ Backups… shows the backups there are and makes one on request.",
        )

    window.runner.run(lambda: daily(path, keep_days=keep_days), None, failed, owner=window, with_session=False)
