"""Peak memory with 100,000 clients in the database, against a bare PySide6 window.

Upright: a fresh process (`benchmarks.memory_driver`) starts the real main window on a studio
file of 100,000 generated clients (`studio.services.demo.generate_clients`, made once per run),
signs in, waits until the Client list has loaded and the window is painted, scrolls the list to
the bottom ten times (a page of 100 rows each: the list never loads all rows), types a search
and waits for its page, then reports its peak resident set size (VmHWM on Linux, ru_maxrss
elsewhere). The note also gives the peak once a client is then opened (their tabs are built
the first time a client is opened, so a desk that only looks people up never pays for them). The database's daily backup, made on the first start of the day, is made by the
warm-up run, so every measured run starts the same way.

Baseline: a bare PySide6 `QMainWindow` of the same size, started the same way and painted,
its peak resident set size. Same QT_QPA_PLATFORM (offscreen unless set). Runs alternate;
medians compared. Budget (DESIGN.md section 6): ratio ≤ 2.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

from benchmarks.figures import Figure
from benchmarks.startup import bare_window

COUNT = 100_000
BUDGET = 2.0
ROOT = Path(__file__).resolve().parents[1]

BARE_WINDOW = bare_window(
    """
import json
def peak():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
def report():
    window.repaint()  # as the driver paints (benchmarks.qt_harness.painted)
    try:
        kib = peak()
    except OSError:
        import resource, sys
        kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // (1024 if sys.platform == "darwin" else 1)
    from benchmarks.memory_driver import _mappings  # after the peak is read
    print(json.dumps({"peak_kib": kib, "mappings": _mappings()}), flush=True)
    os._exit(0)
""",
    "QTimer.singleShot(0, report)",
)


def _run(command: list[str], home) -> dict:
    from benchmarks.qt_harness import child_env

    done = subprocess.run(command, capture_output=True, text=True, env=child_env(home), cwd=ROOT, timeout=900)
    if done.returncode != 0 or not done.stdout.strip():
        raise RuntimeError(f"{command[:3]} failed ({done.returncode}):\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _commands(count: int, scrolls: int, profile: bool = False) -> tuple[list[str], list[str]]:
    from benchmarks.studio_files import many_clients

    studio = many_clients(count)
    upright = [sys.executable, "-m", "benchmarks.memory_driver", "--database", str(studio.path), "--staff",
               str(studio.staff_id), "--staff-name", studio.staff_name, "--scrolls", str(scrolls)]  # fmt: skip
    return [sys.executable, "-c", BARE_WINDOW], upright + (["--profile"] if profile else [])


def measure(runs: int = 3, count: int = COUNT, scrolls: int = 10) -> Figure:
    from benchmarks.qt_harness import driver_home

    bare, upright = _commands(count, scrolls)
    bare_peaks, upright_peaks, with_client, last = [], [], [], {}
    with driver_home() as home:
        _run(bare, home)  # warm the file cache; the first start of the day also makes the daily backup
        _run(upright, home)
        for _ in range(runs):
            bare_peaks.append(_run(bare, home)["peak_kib"])
            last = _run(upright, home)
            upright_peaks.append(last["peak_kib"])
            with_client.append(last["peak_with_client_kib"])
    rows = last["rows"]
    if rows["after scrolling"] >= count:
        raise RuntimeError(f"the Client list loaded all {count:,} rows")
    value, baseline = statistics.median(upright_peaks) / 1024, statistics.median(bare_peaks) / 1024
    steps = ", ".join(f"{step} {kib / 1024:.0f}" for step, kib in last["steps"].items())
    return Figure(
        "memory",
        value,
        "MB",
        baseline,
        BUDGET,
        "ratio",
        f"peak RSS (MiB) with {count:,} clients: {steps}; rows held {rows['first page']} → {rows['after scrolling']} "
        f"after scrolling → {rows['search']} for the search; median of {runs}; then a client opened "
        f"(their {last['client_tabs']} tabs built and loaded): peak {statistics.median(with_client) / 1024:.0f} MiB",
    )


def profile(count: int = COUNT, scrolls: int = 10) -> str:
    """Where the memory went: the resident size after each step and by mapping (an ordinary
    run), and the Python allocations still held at the end by package (a second run under
    tracemalloc, which costs memory of its own)."""
    from benchmarks import profiles
    from benchmarks.qt_harness import driver_home

    bare, upright = _commands(count, scrolls)
    with driver_home() as home:
        _run(bare, home)  # warm, as measured: bytecode cached, the day's backup made
        _run(upright, home)
        base = _run(bare, home)
        plain = _run(upright, home)
        traced = _run(upright + ["--profile"], home)
    lines = [
        f"  memory: Upright peak {plain['peak_kib'] / 1024:.1f} MiB, "
        f"bare window peak {base['peak_kib'] / 1024:.1f} MiB",
        "  resident after each step (MiB): "
        + ", ".join(f"{step} {kib / 1024:.1f}" for step, kib in plain["steps"].items()),
        "  resident at the end by mapping (MiB), Upright: "
        + ", ".join(f"{name} {kib / 1024:.1f}" for name, kib in plain["mappings"]),
        "  the bare window: " + ", ".join(f"{name} {kib / 1024:.1f}" for name, kib in base.get("mappings", ())),
        f"  Python allocations still held at the end, by the package whose code made them (a run under tracemalloc; "
        f"traced peak {traced['python_peak_kib'] / 1024:.1f} MiB):",
        f"  {'KiB':>8} {'blocks':>8}  package",
    ]
    lines += [f"  {kib:8d} {blocks:8d}  {name}" for name, kib, blocks in traced["python_held"]]
    text = "\n".join(lines)
    out = profiles.folder() / "memory.txt"
    out.write_text(text + "\n", encoding="utf-8")
    return text + f"\n  (saved: {out.relative_to(ROOT)})"
