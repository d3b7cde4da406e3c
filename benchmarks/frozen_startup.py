"""Start-up of the frozen Upright (the PyInstaller onedir build an installer ships) to its main
window painted, against a bare PySide6 QMainWindow frozen the same way.

Both programs are built with PyInstaller from this checkout — Upright from installer/upright.spec
(through installer/build.py), the bare window (startup.BARE_WINDOW) as a onedir build with the
same module excludes and the same Qt hooks (so the same Qt plugins) — and cached under
build/benchmarks/, keyed by a hash of what goes into each build, so a second run starts at once.
UPRIGHT_FROZEN_DIST may name an existing Upright build to use instead (its dist folder, the
onedir folder, or the program). Then both are timed as startup.py times the source runs: from
launch until the first paint is reported on stdout (UPRIGHT_REPORT_SHOWN), Upright on a fresh
migrated studio file, with the user folders in a temporary home; alternately, medians compared.

On Windows the frozen upright.exe is a GUI program without a stdout, so this measures Linux and
macOS builds only.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.figures import Figure
from benchmarks.startup import BARE_WINDOW, _time_to_shown, race
from installer import build, bundle_rules as rules

CACHE = rules.ROOT / "build" / "benchmarks"
BARE_NAME = "bare_window"
DIST_VARIABLE = "UPRIGHT_FROZEN_DIST"


def _fingerprint(texts: list[bytes], files: list[Path]) -> str:
    digest = hashlib.sha256()
    versions = [f"{name}={importlib.metadata.version(name)}" for name in ("pyinstaller", "pyside6-essentials")]
    for text in [*texts, *(v.encode() for v in versions)]:
        digest.update(len(text).to_bytes(8, "little") + text)
    for path in sorted(files):
        digest.update(path.relative_to(rules.ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _build_inputs() -> list[Path]:
    """What the builds depend on in this checkout: the installer folder's build files, the
    project's lock, and (for Upright) its packages' files."""
    installer = [p for p in (rules.ROOT / "installer").rglob("*") if p.is_file() and p.suffix in (".py", ".spec")]
    return [p for p in installer if "__pycache__" not in p.parts] + [rules.PYPROJECT, rules.UV_LOCK]


def _upright_inputs() -> list[Path]:
    packages = [p for package in rules.PACKAGES for p in (rules.ROOT / package).rglob("*")
                if p.is_file() and "__pycache__" not in p.parts]  # fmt: skip
    return _build_inputs() + packages


def _cached(kind: str, key: str, program: str, make) -> Path:
    """The program `program` inside CACHE/KIND-KEY, built by make(folder) when missing. Built in a
    scratch folder and moved into place whole, so an interrupted build is never taken for a
    finished one; older builds of the same kind are removed (each is a few hundred MB)."""
    folder = CACHE / f"{kind}-{key}"
    found = folder / "dist" / program / program
    if found.is_file():
        return found
    CACHE.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f"{kind}-{key}.partial-", dir=CACHE))
    try:
        make(scratch)
        if not (scratch / "dist" / program / program).is_file():
            raise RuntimeError(f"the {kind} build did not produce {program}")
        if not found.is_file():
            shutil.rmtree(folder, ignore_errors=True)
            scratch.rename(folder)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    for old in CACHE.glob(f"{kind}-*"):
        if old != folder and ".partial-" not in old.name:
            shutil.rmtree(old, ignore_errors=True)
    return found


def _run_pyinstaller(command: list[str]) -> None:
    # PyInstaller's log goes to stderr; keep stdout for the benchmark's table or JSON.
    subprocess.run(command, cwd=rules.ROOT, check=True, stdout=sys.stderr)


def frozen_upright() -> Path:
    """The frozen `upright`: UPRIGHT_FROZEN_DIST's, or this checkout's, built once and cached."""
    given = os.environ.get(DIST_VARIABLE)
    if given:
        path = Path(given).expanduser().resolve()
        for candidate in (path, path / rules.EXECUTABLE, path / rules.EXECUTABLE / rules.EXECUTABLE,
                          path / rules.BUNDLE_NAME / "Contents" / "MacOS" / rules.EXECUTABLE):  # fmt: skip
            if candidate.is_file():
                return candidate
        raise FileNotFoundError(f"{DIST_VARIABLE}={given}: no {rules.EXECUTABLE} program there")
    key = _fingerprint([], _upright_inputs())

    def make(folder: Path) -> None:
        _run_pyinstaller(build.pyinstaller_command(folder / "dist", folder / "work"))

    return _cached("upright", key, rules.EXECUTABLE, make)


def frozen_bare_window() -> Path:
    """BARE_WINDOW frozen as Upright is: onedir, the same excludes, the same Qt hooks."""
    hooks = rules.ROOT / "installer" / "hooks"
    key = _fingerprint([BARE_WINDOW.encode()], _build_inputs())

    def make(folder: Path) -> None:
        script = folder / f"{BARE_NAME}.py"
        script.write_text(BARE_WINDOW, encoding="utf-8")
        command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--onedir", "--log-level", "WARN",
                   "--name", BARE_NAME, "--distpath", str(folder / "dist"), "--workpath", str(folder / "work"),
                   "--specpath", str(folder), "--additional-hooks-dir", str(hooks)]  # fmt: skip
        for module in rules.excluded_modules():
            command += ["--exclude-module", module]
        _run_pyinstaller([*command, str(script)])

    return _cached("bare", key, BARE_NAME, make)


def measure(runs: int = 7) -> Figure:
    upright, bare = frozen_upright(), frozen_bare_window()
    with tempfile.TemporaryDirectory() as home:
        env = {name: value for name, value in os.environ.items() if not name.startswith("PYTHON")}
        env.update(QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"), HOME=home,
                   XDG_CONFIG_HOME=str(Path(home) / "config"), XDG_DATA_HOME=str(Path(home) / "data"),
                   XDG_CACHE_HOME=str(Path(home) / "cache"))  # fmt: skip
        return race("frozen_startup", [str(bare)], [str(upright)], env, home, runs,
                    "frozen onedir builds (PyInstaller), ")  # fmt: skip


def _time_to_exit(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=True, timeout=120)
    return time.perf_counter() - start


def profile(runs: int = 5) -> str:
    """What the frozen programs take to start, for `--profile` (a frozen program can't be run
    under cProfile from outside): medians of the frozen bare window and the frozen Upright to a
    first paint, and of the frozen `upright-admin --help` (the command line, which loads the
    database layer before it parses its arguments, and no Qt)."""
    upright, bare = frozen_upright(), frozen_bare_window()
    admin = upright.with_name(rules.ADMIN_EXECUTABLE)
    with tempfile.TemporaryDirectory() as home:
        env = {name: value for name, value in os.environ.items() if not name.startswith("PYTHON")}
        env.update(QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"), HOME=home,
                   XDG_CONFIG_HOME=str(Path(home) / "config"), XDG_DATA_HOME=str(Path(home) / "data"))  # fmt: skip
        from studio.db import open_database

        database = Path(home) / "studio.sqlite"
        open_database(database, create=True).close()
        upright_env = dict(env, UPRIGHT_REPORT_SHOWN="1")
        timed = {"upright-admin --help": [], "bare window": [], "upright": []}
        for _ in range(runs + 1):  # the first round warms the file cache
            timed["upright-admin --help"].append(_time_to_exit([str(admin), "--help"], env))
            timed["bare window"].append(_time_to_shown([str(bare)], env))
            timed["upright"].append(_time_to_shown([str(upright), "--database", str(database)], upright_env))
    median = {name: statistics.median(times[1:]) for name, times in timed.items()}
    return "\n".join([
        f"frozen_startup: medians of {runs} launches of the frozen builds ({upright.parent})",
        *(f"  {name:<22}{value * 1000:8.0f} ms" for name, value in median.items()),
        f"  {'Upright over bare Qt':<22}{(median['upright'] - median['bare window']) * 1000:8.0f} ms",
    ])  # fmt: skip


if __name__ == "__main__":
    figure = measure()
    print(f"{figure.name}: {figure.value:.3f} s vs {figure.baseline:.3f} s bare (ratio {figure.ratio:.2f}, "
          f"budget ≤ {figure.budget:g}: {'ok' if figure.within_budget else 'OVER'}) — {figure.note}")  # fmt: skip
