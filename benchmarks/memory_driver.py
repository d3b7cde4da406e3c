"""Upright's peak memory with a big studio, in a process of its own (see `benchmarks.memory`).

    python -m benchmarks.memory_driver --database FILE --staff ID --staff-name NAME
        [--scrolls N] [--search TEXT] [--profile]

Starts the window as `ui/app.py` does and signs in; waits until the Client list has loaded and
the window is painted; scrolls the list to the bottom N times (each loads one more page: the
list never loads every row), painting after each; types a search and waits for its page;
paints. That is the figure: the peak so far. Then, for the record, clicks the first client
found, so their tabs are built and loaded (a desk that only looks people up never builds
them), and reads the peak again. Prints one JSON object: both peaks (KiB), the resident size
after each step, and how many rows the list held. With --profile, also the Python allocations still held
at the end (tracemalloc), by package — Qt's own memory is not among them.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time


def _package(filename: str) -> str | None:
    """Whose code a frame is: a package in site-packages, Upright's own, or None (the standard
    library and the import machinery, which work for whoever imported them)."""
    parts = filename.replace("\\", "/").split("/")
    if "site-packages" in parts:
        rest = parts[parts.index("site-packages") + 1 :]
        return rest[0].removesuffix(".py") if rest else filename
    for top in ("studio", "ui", "reports"):
        if top in parts and "python3" not in filename:
            return f"{top}/"
    if "benchmarks" in parts:  # the driver's own imports: the modules' code it loaded
        return "benchmarks/ (the driver importing ui/, PySide6)"
    return None


def _allocations(snapshot, top: int = 15) -> list[list]:
    """The Python memory still held, by the package whose code allocated it (the innermost frame
    that is not the standard library's: an import counts for the module that imports)."""
    by_package: dict[str, list[int]] = {}
    for stat in snapshot.statistics("traceback"):
        owner = next((name for frame in reversed(stat.traceback) if (name := _package(frame.filename))), None)
        held = by_package.setdefault(owner or "standard library / interpreter start", [0, 0])
        held[0] += stat.size
        held[1] += stat.count
    ranked = sorted(by_package.items(), key=lambda item: item[1][0], reverse=True)
    return [[name, size // 1024, count] for name, (size, count) in ranked[:top]]


def _mappings(top: int = 12) -> list[list]:
    """Resident memory now by mapping (Linux): anonymous memory (Python's and Qt's heaps) and
    each library or file mapped, in KiB."""
    by: dict[str, int] = {}
    where = "?"
    try:
        with open("/proc/self/smaps", encoding="utf-8", errors="replace") as smaps:
            for line in smaps:
                head = line.split(None, 5)
                if head and "-" in head[0] and not head[0].endswith(":"):
                    name = head[5].strip() if len(head) > 5 else ""
                    where = name.rsplit("/", 1)[-1] if name.startswith("/") else (name or "[anonymous]")
                elif head and head[0] == "Rss:":
                    by[where] = by.get(where, 0) + int(head[1])
    except OSError:
        return []
    return [[name, kib] for name, kib in sorted(by.items(), key=lambda item: item[1], reverse=True)[:top]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.memory_driver")
    parser.add_argument("--database", required=True)
    parser.add_argument("--staff", type=int, required=True)
    parser.add_argument("--staff-name", default="Trainer")
    parser.add_argument("--scrolls", type=int, default=10)
    parser.add_argument("--search", default="mar")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    if args.profile:
        import tracemalloc

        tracemalloc.start(64)

    from benchmarks.qt_harness import click_row, painted, peak_rss_kib, rss_kib, start_window, type_text, wait_idle
    from studio import access

    steps: dict[str, int] = {}
    started = time.perf_counter()
    app, window, runner = start_window(args.database, access.Person(args.staff, args.staff_name, access.TRAINER))
    page = window.clients_page
    painted(window)
    steps["list loaded"] = rss_kib()
    first_page = page.model.rowCount()
    for _ in range(args.scrolls):
        page.table.scrollToBottom()
        wait_idle(runner)
        painted(window)
    steps[f"scrolled to the bottom ×{args.scrolls}"] = rss_kib()
    scrolled_rows = page.model.rowCount()
    type_text(page.search_box, args.search)
    wait_idle(runner, also=lambda: not page._search_timer.isActive())
    painted(window)
    steps[f"searched “{args.search}”"] = rss_kib()
    peak = peak_rss_kib()
    click_row(page.table, 0)
    wait_idle(runner)
    painted(window)
    steps["a client opened"] = rss_kib()
    result = {
        "peak_kib": peak,
        "peak_with_client_kib": peak_rss_kib(),
        "client_tabs": page.tabs.count(),
        "steps": steps,
        "rows": {"first page": first_page, "after scrolling": scrolled_rows, "search": page.model.rowCount()},
        "more": page.model.has_more(),
        "seconds": time.perf_counter() - started,
    }
    result["mappings"] = _mappings()
    if args.profile:
        import tracemalloc

        result["python_held"] = _allocations(tracemalloc.take_snapshot())
        result["python_peak_kib"] = tracemalloc.get_traced_memory()[1] // 1024
    print(json.dumps(result), flush=True)
    os._exit(0)  # what is measured is done; Qt's teardown is not part of it


if __name__ == "__main__":
    sys.exit(main())
