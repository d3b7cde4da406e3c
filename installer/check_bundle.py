"""Check a built Upright folder for what must not be in it, and report its size.

    uv run python installer/check_bundle.py DIR      # DIR: dist/upright, or dist/Upright.app

Fails (exit 1, naming each file or module) when the folder holds anything installer/bundle_rules.py
rules out — QtWebEngine, Qt Quick/QML, Qt3D, Multimedia, Designer, QtSvg and the other unused Qt
libraries, modules and plugins, Qt's translations, tkinter, pytest/hypothesis/pypdf/PyInstaller —
whether as a file or as a module inside the programs' embedded archive. On Linux it also reads
every ELF file's needed libraries (objdump -p): a Qt library that a kept file needs but the folder
lacks, or one that nothing in the folder needs, fails the check too, and so does a window program
without every one of Upright's own modules (many are imported only when first needed), or a
folder without ReportLab's compiled accelerators (the program would only be slower). Prints
the total size and the ten biggest files.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from installer import bundle_rules as rules  # noqa: E402

PROGRAMS = (rules.EXECUTABLE, rules.ADMIN_EXECUTABLE)


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def problem(self, text: str) -> None:
        self.problems.append(text)


def relative_paths(folder: Path) -> list[tuple[str, Path]]:
    """(path as the rules see it, file) for every file and symlink in the folder. Inside a .app
    the Contents/Frameworks and Contents/Resources prefixes are taken off, so a path reads as it
    does in the onedir folder's _internal."""
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_dir() and not path.is_symlink():
            continue
        rel = path.relative_to(folder).as_posix()
        rel = re.sub(r"^Contents/(Frameworks|Resources|MacOS)/", "", rel)
        found.append((rel, path))
    return found


def programs(folder: Path) -> list[Path]:
    places = [folder, folder / "Contents" / "MacOS"]
    return [place / (name + suffix) for place in places for name in PROGRAMS for suffix in ("", ".exe")
            if (place / (name + suffix)).is_file()]  # fmt: skip


def archived_modules(program: Path) -> list[str]:
    """The Python modules in the archive (PYZ) embedded in a PyInstaller program."""
    from PyInstaller.archive.readers import CArchiveReader

    package = CArchiveReader(str(program))
    modules: list[str] = []
    for name, entry in package.toc.items():
        if entry[-1] == "z":  # the PYZ
            modules += list(package.open_embedded_archive(name).toc)
    return modules


def check_files(folder: Path, report: Report) -> None:
    found = relative_paths(folder)
    for name in rules.ACCELERATORS:
        if not any(rules.is_accelerator(rel, name) for rel, _path in found):
            report.problem(f"no {name} compiled module: the program would run, only slower")
    for rel, path in found:
        why = rules.unwanted(rel)
        if why:
            report.problem(f"{rel}: {why}")
        if path.name == "base_library.zip":
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    module = name.removesuffix(".pyc").removesuffix("/__init__").replace("/", ".")
                    if rules.is_excluded_module(module):
                        report.problem(f"{rel}: holds {name}, which is excluded")


def check_modules(folder: Path, report: Report) -> None:
    found = programs(folder)
    if not found:
        report.problem(f"no {' or '.join(PROGRAMS)} program in {folder}")
    for program in found:
        try:
            modules = archived_modules(program)
        except Exception as exc:  # noqa: BLE001 - an unreadable program is a failed check
            report.problem(f"{program.name}: its archive can't be read ({exc})")
            continue
        bad = sorted(m for m in modules if rules.is_excluded_module(m))
        for module in bad:
            report.problem(f"{program.name}: bundles the module {module}, which is excluded")
        if not any(m.startswith("ui.") for m in modules):
            report.problem(f"{program.name}: its archive holds no ui.* module — not an Upright build?")
        elif program.stem == rules.EXECUTABLE:
            held = set(modules)
            for module in (m for m in rules.own_modules() if m not in held):
                report.problem(f"{program.name}: lacks Upright's module {module} (imported only when needed?)")
        report.notes.append(f"{program.name}: {len(modules)} Python modules in its archive")


def _needed(path: Path) -> list[str]:
    result = subprocess.run(["objdump", "-p", str(path)], capture_output=True, text=True)
    return re.findall(r"^\s*NEEDED\s+(\S+)", result.stdout, re.MULTILINE) if result.returncode == 0 else []


def _is_elf(path: Path) -> bool:
    try:
        with open(path, "rb") as file:
            return file.read(4) == b"\x7fELF"
    except OSError:
        return False


def check_qt_libraries(folder: Path, report: Report) -> None:
    """Linux: every Qt library a kept file links is in the folder, and every Qt library in the
    folder is linked by something (a dropped plugin's leftover would be dead weight)."""
    if not sys.platform.startswith("linux"):
        return
    if shutil.which("objdump") is None:
        report.notes.append("objdump not found (binutils): Qt library links not checked")
        return
    files = [path for _, path in relative_paths(folder) if not path.is_symlink() and _is_elf(path)]
    present = {path.name for _, path in relative_paths(folder)}
    qt_libraries = {path.name for path in files if path.name.startswith("libQt6")}
    needed_by: dict[str, set[str]] = {}
    for path in files:
        for name in _needed(path):
            needed_by.setdefault(name, set()).add(path.name)
            if name.startswith("libQt6") and name not in present:
                report.problem(f"{path.relative_to(folder)} needs {name}, which is not in the folder")
    for name in sorted(qt_libraries):
        if not needed_by.get(name, set()) - {name}:
            report.problem(f"{name}: nothing in the folder links it (left over from a dropped plugin?)")


def size_report(folder: Path) -> list[str]:
    sizes = [(path.stat().st_size, rel) for rel, path in relative_paths(folder) if not path.is_symlink()]
    total = sum(size for size, _ in sizes)
    lines = [f"Total: {total / 1e6:.1f} MB in {len(sizes)} files", "Biggest files:"]
    lines += [f"  {size / 1e6:7.1f} MB  {rel}" for size, rel in sorted(sizes, reverse=True)[:10]]
    return lines


def check(folder: Path) -> Report:
    report = Report()
    check_files(folder, report)
    check_modules(folder, report)
    check_qt_libraries(folder, report)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="installer/check_bundle.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="the built folder (dist/upright) or Upright.app")
    args = parser.parse_args(argv)
    folder = args.folder.resolve()
    if not folder.is_dir():
        print(f"{folder} is not a folder", file=sys.stderr)
        return 1
    report = check(folder)
    for line in size_report(folder):
        print(line)
    for note in report.notes:
        print(note)
    if report.problems:
        print(f"Bundle check FAILED: {len(report.problems)} problems in {folder}", file=sys.stderr)
        for problem in report.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print(f"Bundle check passed: {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
