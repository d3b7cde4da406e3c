"""Where the time went: cProfile runs of a figure's measured action, kept under
build/benchmarks/profiles/ (NAME.prof for `python -m pstats` or snakeviz, NAME.txt) and
summarised as the top entries by cumulative time."""

from __future__ import annotations

import cProfile
import io
import pstats
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "build" / "benchmarks" / "profiles"
TOP = 15


def folder() -> Path:
    FOLDER.mkdir(parents=True, exist_ok=True)
    return FOLDER


def _where(filename: str) -> str:
    path = Path(filename)
    try:
        return str(path.resolve().relative_to(ROOT))
    except (ValueError, OSError):
        pass
    parts = path.parts
    for marker in ("site-packages", "lib"):
        if marker in parts:
            return "/".join(parts[parts.index(marker) + 1 :])
    return filename


PROFILER = ("<method 'enable' of '_lsprof.Profiler' objects>", "<method 'disable' of '_lsprof.Profiler' objects>")


def _noise(key) -> bool:
    filename, _line, function = key
    return "benchmarks/" in filename.replace("\\", "/") or function in PROFILER


def summary(stats: pstats.Stats, title: str, top: int = TOP) -> str:
    """`top` entries by cumulative time (the benchmark's own frames left out), one a line."""
    rows = sorted(((value[3], value[2], value[1], key) for key, value in stats.stats.items() if not _noise(key)),
                  key=lambda row: row[0], reverse=True)  # fmt: skip
    total = stats.total_tt
    lines = [f"  {title} — {total * 1000:.0f} ms profiled; top {top} by cumulative time",
             f"  {'cum ms':>8} {'own ms':>8} {'calls':>7}  function"]  # fmt: skip
    for cumulative, own, calls, (filename, line, function) in rows[:top]:
        where = function if filename == "~" else f"{_where(filename)}:{line} {function}"
        lines.append(f"  {cumulative * 1000:8.1f} {own * 1000:8.1f} {calls:7d}  {where}")
    return "\n".join(lines)


def save(stats_or_profile, name: str, title: str, top: int = TOP) -> str:
    """Write NAME.prof and NAME.txt (the full pstats listing) and return the summary."""
    stats = stats_or_profile if isinstance(stats_or_profile, pstats.Stats) else pstats.Stats(stats_or_profile)
    out = folder()
    stats.dump_stats(out / f"{name}.prof")
    listing = io.StringIO()
    pstats.Stats(str(out / f"{name}.prof"), stream=listing).sort_stats("cumulative").print_stats(60)
    text = summary(stats, title, top)
    (out / f"{name}.txt").write_text(text + "\n\n" + listing.getvalue(), encoding="utf-8")
    return text + f"\n  (full listing: {_where(str(out / f'{name}.txt'))})"


def load(path: Path) -> pstats.Stats | None:
    """The stats in a .prof file; None when nothing was profiled (pstats refuses an empty one)."""
    try:
        return pstats.Stats(str(path))
    except TypeError:
        return None


def run(action: Callable[[], object], name: str, title: str, top: int = TOP) -> str:
    """Run `action` once under cProfile; save and summarise."""
    profile = cProfile.Profile()
    profile.enable()
    try:
        action()
    finally:
        profile.disable()
    return save(profile, name, title, top)
