"""The timing half of `benchmarks.history`, in a process of its own (see that module).

    python -m benchmarks.history_driver --database FILE --history ID --new ID --trainer ID
        --trainer-name NAME [--repeats N] [--profile-dir DIR]

Prints one JSON object: each client's times (seconds) per action, and what the tabs showed.
With --profile-dir, one more round for the client with history runs under cProfile, the GUI
thread and the database worker apart: DIR/ACTION.gui.prof and DIR/ACTION.worker.prof.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import sys
import time
from pathlib import Path

from benchmarks.qt_harness import click_row, click_tab, painted, start_window, wait_idle

ACTIONS = ("client_list", "assessment_tab", "program_tab")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.history_driver")
    parser.add_argument("--database", required=True)
    parser.add_argument("--history", type=int, required=True, help="the client with history")
    parser.add_argument("--new", type=int, required=True, help="the new client")
    parser.add_argument("--trainer", type=int, required=True)
    parser.add_argument("--trainer-name", default="Trainer")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--profile-dir")
    args = parser.parse_args(argv)

    from studio import access

    person = access.Person(args.trainer, args.trainer_name, access.TRAINER)
    app, window, runner = start_window(args.database, person)
    page = window.clients_page

    def act(action: str, client_id: int) -> None:
        if action == "client_list":
            row = page.model.row_of(client_id)
            if row < 0:
                raise RuntimeError(f"client {client_id} is not in the Client list")
            click_row(page.table, row)
        else:
            click_tab(page.tabs, page.assessment_tab if action == "assessment_tab" else page.program_tab)

    def timed(action: str, client_id: int) -> float:
        start = time.perf_counter()
        act(action, client_id)
        wait_idle(runner)
        painted(window)
        return time.perf_counter() - start

    def one_round(client_id: int) -> dict[str, float]:
        click_tab(page.tabs, page.client_tab)  # as the desk starts: on the Client tab
        wait_idle(runner)
        painted(window)
        times = {}
        for action in ACTIONS:
            times[action] = timed(action, client_id)
            shown = {"client_list": page.tabs.currentWidget() is page.client_tab and page.current_id == client_id,
                     "assessment_tab": page.tabs.currentWidget() is page.assessment_tab,
                     "program_tab": page.tabs.currentWidget() is page.program_tab}[action]  # fmt: skip
            if not shown:
                raise RuntimeError(f"{action} did not show client {client_id}")
        return times

    def showing() -> dict[str, int]:
        return {
            "assessments": page.assessment_tab.picker.count(),
            "programs": page.program_tab.picker.count(),
            "program_items": len(page.program_tab.program.items) if page.program_tab.program else 0,
            "history_lines": page.program_tab.history.count(),
        }

    clients = {"history": args.history, "new": args.new}
    seen = {}
    for which, client_id in clients.items():  # warm-up: every widget shown and filled once
        one_round(client_id)
        seen[which] = showing()
    times: dict[str, dict[str, list[float]]] = {which: {a: [] for a in ACTIONS} for which in clients}
    for repeat in range(args.repeats):
        order = ("history", "new") if repeat % 2 == 0 else ("new", "history")
        for which in order:
            for action, seconds in one_round(clients[which]).items():
                times[which][action].append(seconds)

    profiles = {}
    if args.profile_dir:
        folder = Path(args.profile_dir)
        folder.mkdir(parents=True, exist_ok=True)
        click_tab(page.tabs, page.client_tab)
        wait_idle(runner)
        if page.current_id == args.history:  # select the other client first, so the click loads
            click_row(page.table, page.model.row_of(args.new))
            wait_idle(runner)
        for action in ACTIONS:
            gui, worker = cProfile.Profile(), cProfile.Profile()
            runner.profile = worker
            gui.enable()
            start = time.perf_counter()
            act(action, args.history)
            wait_idle(runner)
            painted(window)
            elapsed = time.perf_counter() - start
            gui.disable()
            runner.profile = None
            gui.dump_stats(folder / f"{action}.gui.prof")
            worker.dump_stats(folder / f"{action}.worker.prof")
            profiles[action] = elapsed

    print(json.dumps({"times": times, "showing": seen, "profiled": profiles}), flush=True)
    window.close()
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
