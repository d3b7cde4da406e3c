"""Build Upright's onedir folder for this platform from installer/upright.spec.

    uv run python installer/build.py [--dist DIR] [--work DIR] [--clean] [--check]

Runs PyInstaller on the spec (Linux and Windows: DIR/upright/ with `upright` and `upright-admin`
in it; macOS: DIR/Upright.app as well) and prints the path of the built program as its last
line. --check then runs installer/check_bundle.py on the result. Next steps per platform are in
installer/README.md (Windows: `iscc installer\\windows\\upright.iss`; macOS:
installer/macos/make_dmg.sh, then installer/macos/SIGNING.md).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from installer import bundle_rules as rules  # noqa: E402

DEFAULT_DIST = ROOT / "dist"
DEFAULT_WORK = ROOT / "build"


def onedir(dist: Path) -> Path:
    """The onedir folder the spec's COLLECT writes."""
    return dist / rules.EXECUTABLE


def executable(dist: Path, platform: str = sys.platform) -> Path:
    """The program a person starts: DIST/Upright.app on macOS, DIST/upright/upright(.exe) elsewhere."""
    if platform == "darwin":
        return dist / rules.BUNDLE_NAME
    return onedir(dist) / (rules.EXECUTABLE + (".exe" if platform.startswith("win") else ""))


def admin_executable(dist: Path, platform: str = sys.platform) -> Path:
    return onedir(dist) / (rules.ADMIN_EXECUTABLE + (".exe" if platform.startswith("win") else ""))


def pyinstaller_command(dist: Path, work: Path, clean: bool = False) -> list[str]:
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
               "--distpath", str(dist), "--workpath", str(work)]  # fmt: skip
    if clean:
        command.append("--clean")
    return [*command, str(rules.SPEC)]


def build(dist: Path = DEFAULT_DIST, work: Path = DEFAULT_WORK, clean: bool = False) -> Path:
    """Run PyInstaller; the built program's path (raises CalledProcessError when it fails)."""
    missing = [name for name in ("upright.png", "upright.ico", "upright.icns") if not (rules.ICONS / name).exists()]
    if missing:
        print(f"warning: {', '.join(missing)} missing in {rules.ICONS}: run installer/make_icons.py", file=sys.stderr)
    subprocess.run(pyinstaller_command(dist.resolve(), work.resolve(), clean), cwd=ROOT, check=True)
    built = executable(dist.resolve())
    if not built.exists():
        raise FileNotFoundError(f"PyInstaller finished but {built} is not there")
    return built


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="installer/build.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", type=Path, default=DEFAULT_DIST, help="where the build goes (default: dist)")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="PyInstaller's work folder (default: build)")
    parser.add_argument("--clean", action="store_true", help="empty PyInstaller's cache and work folder first")
    parser.add_argument("--check", action="store_true", help="run installer/check_bundle.py on the result")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    print(f"Building Upright {rules.project_version()} for {sys.platform} with {rules.SPEC.name}", flush=True)
    try:
        built = build(args.dist, args.work, args.clean)
    except (subprocess.CalledProcessError, FileNotFoundError) as exc:
        print(f"Build failed: {exc}", file=sys.stderr)
        return 1
    print(f"Built in {time.perf_counter() - started:.0f} s", flush=True)
    if args.check:
        from installer import check_bundle

        if check_bundle.main([str(onedir(args.dist.resolve()))]) != 0:
            return 1
    print(built)
    return 0


if __name__ == "__main__":
    sys.exit(main())
