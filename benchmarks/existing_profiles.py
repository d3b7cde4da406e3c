"""Profiles for the figures measured by startup.py, client_search.py and handout.py: the same
action as the figure, once, under cProfile (see benchmarks/profiles.py)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks import profiles

# `upright` started as the startup figure starts it (UPRIGHT_REPORT_SHOWN), profiled from the
# first import to the first paint of the main window.
STARTUP = """
import cProfile, os, sys
profile = cProfile.Profile()
profile.enable()
import ui.app
def shown():
    profile.disable()
    profile.dump_stats(sys.argv[1])
    print("shown", flush=True)
    os._exit(0)
if not hasattr(ui.app, "_report_shown_and_exit"):
    raise SystemExit("ui.app._report_shown_and_exit is gone: benchmarks/existing_profiles.py needs another hook")
ui.app._report_shown_and_exit = shown
ui.app.main(["--database", sys.argv[2]])
"""


def startup() -> str:
    from benchmarks.qt_harness import child_env
    from studio.db import open_database

    with tempfile.TemporaryDirectory(prefix="upright-startup-") as home:
        database = Path(home) / "studio.sqlite"
        open_database(database, create=True).close()
        out = Path(home) / "startup.prof"
        env = dict(child_env(home), UPRIGHT_REPORT_SHOWN="1")
        # A launch first, as the figure warms up: the bytecode is then compiled and cached (in
        # `home`), as it is for an installed program, and the profile shows the start itself.
        subprocess.run([sys.executable, "-m", "ui.app", "--database", str(database)], capture_output=True, env=env,
                       timeout=120, cwd=profiles.ROOT)  # fmt: skip
        done = subprocess.run([sys.executable, "-c", STARTUP, str(out), str(database)], capture_output=True, text=True,
                              env=env, timeout=120, cwd=profiles.ROOT)  # fmt: skip
        stats = profiles.load(out) if out.exists() else None
        if stats is None:
            raise RuntimeError(f"the startup profile failed ({done.returncode}):\n{done.stderr[-3000:]}")
        return profiles.save(stats, "startup", "startup: launch → first paint (imports included)")


def client_search() -> str:
    from benchmarks.client_search import QUERIES
    from benchmarks.studio_files import many_clients
    from studio.db import open_database
    from studio.services import clients

    studio = many_clients(100_000)
    with tempfile.TemporaryDirectory(prefix="upright-search-") as folder:
        path = Path(folder) / "studio.sqlite"
        shutil.copyfile(studio.path, path)
        with sqlite3.connect(path) as raw:  # as the figure measures it
            raw.execute("ANALYZE")
        raw.close()
        database = open_database(path)
        try:
            with database.session_factory() as session:
                clients.search(session, "warm", limit=101)

                def typed() -> None:
                    for text in QUERIES:
                        clients.search(session, text, limit=101)

                title = f"client_search: the {len(QUERIES)} typed queries once each"
                return profiles.run(typed, "client_search", title)
        finally:
            database.close()


def handout() -> str:
    from benchmarks.handout import handout_data, render_handout

    with tempfile.TemporaryDirectory(prefix="upright-handout-") as folder:
        data = handout_data(Path(folder))
    render_handout(data)  # warm fonts, styles and imports, as the figure does
    title = "handout: reports.handout.render, 8 illustrated exercises"
    return profiles.run(lambda: render_handout(data), "handout", title)


if __name__ == "__main__":  # pragma: no cover - a quick look at one
    print({"startup": startup, "client_search": client_search, "handout": handout}[sys.argv[1]]())
    os._exit(0)
