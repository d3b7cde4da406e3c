"""What goes into the frozen Upright and what stays out: the one place that the PyInstaller spec
(installer/upright.spec), installer/build.py, installer/check_bundle.py, the benchmarks and the
tests read. Plain Python: nothing here imports PyInstaller or Qt.

Upright imports six Qt modules (QT_MODULES); every other PySide6 module is excluded by name, and
so are the dev-only packages (pytest, hypothesis, pypdf, PyInstaller itself…) and the parts of the
standard library nothing imports at run time. Of Qt's plugins only those Upright can use are kept
(QT_PLUGINS); Qt libraries that only the dropped modules and plugins need are dropped with them.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import re
import tomllib
from collections.abc import Iterable
from pathlib import Path, PurePath

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
UV_LOCK = ROOT / "uv.lock"
SPEC = ROOT / "installer" / "upright.spec"
MIGRATIONS = ROOT / "studio" / "migrations"
RESOURCES = ROOT / "resources"
ICONS = RESOURCES / "icons"

APP_NAME = "Upright"
EXECUTABLE = "upright"  # the window (a GUI program on Windows and macOS)
ADMIN_EXECUTABLE = "upright-admin"  # the command line (ui.cli), in the same folder
BUNDLE_NAME = f"{APP_NAME}.app"
BUNDLE_IDENTIFIER = "com.upright-studio.upright"
PUBLISHER = "Upright Studio"
DESCRIPTION = "Upright for personal-training studios"
COPYRIGHT = "Copyright © 2026 Upright Studio. All rights reserved."
# PySide6 6.11's macOS wheels are built for macOS 13 (their tag: macosx_13_0_universal2); the
# build reads the installed wheels' tags (minimum_macos) and this is the fallback.
MINIMUM_MACOS = "13.0"

# --- the version ----------------------------------------------------------------------------


def project_version(pyproject: Path = PYPROJECT) -> str:
    """The version in pyproject.toml, as written there (e.g. "0.1.0")."""
    with open(pyproject, "rb") as file:
        return tomllib.load(file)["project"]["version"]


def version_numbers(version: str) -> tuple[int, int, int, int]:
    """The release numbers of a PEP 440 version, padded to four (Windows' file version):
    "0.1.0" → (0, 1, 0, 0), "1.2rc1" → (1, 2, 0, 0). Each must fit in 16 bits."""
    match = re.match(r"^\s*v?(\d+(?:\.\d+)*)", version)
    if not match:
        raise ValueError(f"{version!r} is not a version number")
    numbers = [int(part) for part in match.group(1).split(".")]
    if len(numbers) > 4 or any(n > 0xFFFF for n in numbers):
        raise ValueError(f"{version!r} does not fit a Windows file version (four numbers up to 65535)")
    return tuple(numbers + [0] * (4 - len(numbers)))  # type: ignore[return-value]


def short_version(version: str) -> str:
    """The release part ("1.2.0" of "1.2.0rc1"): what macOS accepts as CFBundleShortVersionString."""
    return ".".join(str(n) for n in version_numbers(version)[:3])


def windows_version_info(version: str) -> str:
    """The text of a PyInstaller version file (a VSVersionInfo expression) for upright.exe. The
    Inno Setup script reads ProductVersion back from the built exe, so one version flows from
    pyproject.toml into the exe, the installer and Apps & features."""
    numbers = version_numbers(version)
    strings = {
        "CompanyName": PUBLISHER,
        "FileDescription": APP_NAME,
        "FileVersion": version,
        "InternalName": EXECUTABLE,
        "LegalCopyright": COPYRIGHT,
        "OriginalFilename": f"{EXECUTABLE}.exe",
        "ProductName": APP_NAME,
        "ProductVersion": version,
        "Comments": DESCRIPTION,
    }
    table = ",\n".join(f"          StringStruct({key!r}, {value!r})" for key, value in strings.items())
    return f"""# UTF-8
# Written by installer/build.py from pyproject.toml's version; do not edit.
VSVersionInfo(
  ffi=FixedFileInfo(
    filevers={numbers!r},
    prodvers={numbers!r},
    mask=0x3f,
    flags=0x0,
    OS=0x40004,
    fileType=0x1,
    subtype=0x0,
    date=(0, 0)
  ),
  kids=[
    StringFileInfo([
      StringTable(
        '040904B0',
        [
{table}
        ])
    ]),
    VarFileInfo([VarStruct('Translation', [1033, 1200])])
  ]
)
"""


def write_windows_version_info(folder: Path, version: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "upright-version-info.txt"
    path.write_text(windows_version_info(version), encoding="utf-8")
    return path


def minimum_macos() -> str:
    """The newest macOS the installed binary wheels ask for (their macosx_X_Y tags), at least
    MINIMUM_MACOS: the LSMinimumSystemVersion of Upright.app."""
    from importlib import metadata

    found = [tuple(int(n) for n in MINIMUM_MACOS.split("."))]
    for name in ("PySide6-Essentials", "PySide6-Addons", "shiboken6"):
        try:
            wheel = metadata.distribution(name).read_text("WHEEL") or ""
        except metadata.PackageNotFoundError:
            continue
        found += [(int(major), int(minor)) for major, minor in re.findall(r"macosx_(\d+)_(\d+)_", wheel)]
    major, minor = max(found)
    return f"{major}.{minor}"


def info_plist(version: str, minimum_system: str | None = None) -> dict:
    """The Info.plist entries of Upright.app (PyInstaller's BUNDLE adds the bundle's name,
    executable and icon)."""
    return {
        "CFBundleName": APP_NAME,
        "CFBundleDisplayName": APP_NAME,
        "CFBundleIdentifier": BUNDLE_IDENTIFIER,
        # macOS wants three numbers in both; a pre-release suffix (rc1, dev2) is left out.
        "CFBundleShortVersionString": short_version(version),
        "CFBundleVersion": short_version(version),
        "CFBundlePackageType": "APPL",
        "CFBundleDevelopmentRegion": "en",
        "LSApplicationCategoryType": "public.app-category.healthcare-fitness",
        "LSMinimumSystemVersion": minimum_system or MINIMUM_MACOS,
        "NSHighResolutionCapable": True,
        "NSPrincipalClass": "NSApplication",
        "NSHumanReadableCopyright": COPYRIGHT,
        # Light and dark appearance both follow the system (Qt supports it).
        "NSRequiresAquaSystemAppearance": False,
    }


# --- Python modules -------------------------------------------------------------------------

# The packages that are Upright (pyproject's wheel packages).
PACKAGES = ("studio", "reports", "ui", "resources")

# Upright's modules the installed program never imports: developer tools run from a checkout.
DEVELOPER_TOOLS = ("ui.contact_sheet",)


def own_modules(root: Path = ROOT) -> list[str]:
    """Every module of Upright's packages the window program must carry, those imported only
    when needed (a client's tabs, the Referrals page) among them. The migrations ship as files
    for Alembic (MIGRATIONS), not in the archive."""
    names = []
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            if not name.startswith("studio.migrations") and name not in DEVELOPER_TOOLS:
                names.append(name)
    return names


# Compiled modules the program runs without, only slower, so nothing else would notice them
# missing from a build: ReportLab's accelerators (the rl-accel dependency).
ACCELERATORS = ("_rl_accel",)


def is_accelerator(rel: str, name: str) -> bool:
    """Whether the bundle path `rel` is the compiled module `name` (any platform's suffix)."""
    base = rel.rsplit("/", 1)[-1]
    return base.startswith(name + ".") and base.endswith((".so", ".pyd"))


# The PySide6 modules Upright's source imports. QtPdf links libQt6Network, so that library is
# collected (as QtPdf's dependency), but the Python module QtNetwork is not.
QT_MODULES = ("QtCore", "QtGui", "QtWidgets", "QtPrintSupport", "QtPdf", "QtPdfWidgets")

# Every other PySide6 module, by name (PySide6 6.8 to 6.11). Modules a newer PySide6 adds are
# found in the installed package too (installed_qt_modules) and excluded as well.
UNUSED_QT_MODULES = (
    "Qt3DAnimation", "Qt3DCore", "Qt3DExtras", "Qt3DInput", "Qt3DLogic", "Qt3DRender",
    "QtAsyncio", "QtAxContainer", "QtBluetooth", "QtCanvasPainter", "QtCharts", "QtConcurrent", "QtDBus",
    "QtDataVisualization", "QtDesigner", "QtGraphs", "QtGraphsWidgets", "QtHelp", "QtHttpServer", "QtLocation",
    "QtMultimedia", "QtMultimediaWidgets", "QtNetwork", "QtNetworkAuth", "QtNfc", "QtOpenGL", "QtOpenGLWidgets",
    "QtPositioning", "QtQml", "QtQuick", "QtQuick3D", "QtQuickControls2", "QtQuickTest", "QtQuickWidgets",
    "QtRemoteObjects", "QtScxml", "QtSensors", "QtSerialBus", "QtSerialPort", "QtSpatialAudio", "QtSql",
    "QtStateMachine", "QtSvg", "QtSvgWidgets", "QtTest", "QtTextToSpeech", "QtUiTools", "QtWebChannel",
    "QtWebEngineCore", "QtWebEngineQuick", "QtWebEngineWidgets", "QtWebSockets", "QtWebView", "QtXml",
)  # fmt: skip

# The other Qt bindings (PyInstaller refuses to bundle two), and PySide6's command-line tools.
OTHER_QT = ("PyQt5", "PyQt6", "PySide2", "shiboken2", "PySide6.scripts")

# Packages of the dev dependency group that are not also run-time dependencies, by import name;
# tests/installer checks this against uv.lock.
DEV_ONLY = (
    "pytest", "_pytest", "py", "pytestqt", "pluggy", "iniconfig", "pygments",
    "hypothesis", "_hypothesis_pytestplugin", "_hypothesis_ftz_detector", "_hypothesis_globals", "sortedcontainers",
    "pypdf",
    "PyInstaller", "_pyinstaller_hooks_contrib", "altgraph", "macholib", "pefile", "peutils", "ordlookup",
    "setuptools", "pkg_resources", "_distutils_hack", "pip", "packaging", "colorama",
)  # fmt: skip


def normal_name(distribution: str) -> str:
    """A distribution's name as packaging compares them (PEP 503): "PySide6_Essentials" → "pyside6-essentials"."""
    return re.sub(r"[-_.]+", "-", distribution).lower()


@functools.lru_cache(maxsize=4)
def locked_distributions(lock: Path = UV_LOCK) -> tuple[frozenset[str], frozenset[str]]:
    """(the run-time distributions, the dev group's distributions) of the project in uv.lock,
    each with everything they pull in (extras followed; platform markers ignored, so both are
    the union over platforms)."""
    data = tomllib.loads(lock.read_text(encoding="utf-8"))
    packages = {normal_name(p["name"]): p for p in data["package"]}
    project = packages[normal_name(tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["name"])]

    def closure(dependencies: list[dict]) -> frozenset[str]:
        seen: set[str] = set()
        todo = list(dependencies)
        while todo:
            dependency = todo.pop()
            name = normal_name(dependency["name"])
            package = packages.get(name, {})
            if name not in seen:
                seen.add(name)
                todo += package.get("dependencies", [])
            for extra in dependency.get("extra", []):
                optional = package.get("optional-dependencies", {}).get(extra, [])
                todo += [d for d in optional if normal_name(d["name"]) not in seen]
        return frozenset(seen)

    return closure(project.get("dependencies", [])), closure(project.get("dev-dependencies", {}).get("dev", []))


def dev_only_distributions(lock: Path = UV_LOCK) -> frozenset[str]:
    """Distributions only the dev group needs: none of them may be in the bundle."""
    runtime, dev = locked_distributions(lock)
    return dev - runtime


# Standard-library parts nothing in Upright or its dependencies imports at run time (the self-test
# of the frozen build proves it), which PyInstaller would otherwise pull in.
STDLIB_UNUSED = (
    "tkinter", "_tkinter", "turtle", "turtledemo", "idlelib", "lib2to3", "pydoc_data", "ensurepip", "venv",
    "test", "distutils", "curses", "_curses", "_curses_panel", "dbm", "xmlrpc", "wsgiref", "ftplib", "imaplib",
    "nntplib", "poplib", "smtplib", "telnetlib", "mailbox", "doctest", "unittest", "pdb", "pydoc",
)  # fmt: skip


def installed_qt_modules() -> list[str]:
    """The Qt modules of the installed PySide6 (their extension files), without importing it."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return []
    names = set()
    for folder in spec.submodule_search_locations:
        for entry in Path(folder).iterdir():
            match = re.match(r"^(Qt\w+?)(\.abi3|\.cpython[^.]*)?\.(so|pyd|dylib)$", entry.name)
            if match:
                names.add(match.group(1))
            elif entry.is_dir() and re.match(r"^Qt\w+$", entry.name) and entry.name != "Qt":
                names.add(entry.name)
    return sorted(names)


def excluded_qt_modules() -> list[str]:
    unused = set(UNUSED_QT_MODULES) | set(installed_qt_modules())
    return sorted(f"PySide6.{name}" for name in unused - set(QT_MODULES))


def excluded_modules() -> list[str]:
    """Everything the spec passes to Analysis(excludes=…)."""
    return [*excluded_qt_modules(), *OTHER_QT, *DEV_ONLY, *STDLIB_UNUSED]


def is_excluded_module(name: str, excluded: Iterable[str] | None = None) -> bool:
    """Whether module `name` (e.g. "_pytest.python") falls under an excluded module or package."""
    for rule in excluded_modules() if excluded is None else excluded:
        if name == rule or name.startswith(rule + "."):
            return True
    return False


def imported_modules(path: Path) -> set[str]:
    """The absolute imports of one Python file (`import a.b`, `from a.b import c` gives a.b and
    a.b.c, as either may be the module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names if alias.name != "*")
    return found


def source_files(packages: Iterable[str] = PACKAGES) -> list[Path]:
    return sorted(p for package in packages for p in (ROOT / package).rglob("*.py") if "__pycache__" not in p.parts)


# --- data files -----------------------------------------------------------------------------


def migration_files() -> list[Path]:
    """Everything Alembic reads from studio/migrations at run time: env.py, the revision
    template and every revision in versions/. Alembic loads them from their path
    (studio.schema.MIGRATIONS, next to studio/schema's own file), so they ship as files."""
    files = [MIGRATIONS / "env.py", *sorted((MIGRATIONS / "versions").glob("*.py"))]
    files += [p for p in (MIGRATIONS / "script.py.mako",) if p.exists()]
    return files


def migration_datas() -> list[tuple[str, str]]:
    """(source file, folder in the bundle) for each migration file: the folder is the file's own
    place relative to the project, e.g. studio/migrations/versions."""
    return [(str(path), path.parent.relative_to(ROOT).as_posix()) for path in migration_files()]


def is_module(name: str) -> bool:
    """Whether `name` is an importable module or package (not a name inside one), found without
    running it (its parent packages are imported)."""
    parent, _, child = name.rpartition(".")
    try:
        if not parent:
            return importlib.util.find_spec(name) is not None
        spec = importlib.util.find_spec(parent)
    except (ImportError, ValueError):
        return False
    if spec is None or not spec.submodule_search_locations:
        return False
    for folder in spec.submodule_search_locations:
        folder = Path(folder)
        if (folder / child).is_dir() or (folder / f"{child}.py").exists() or any(folder.glob(f"{child}.*.so")):
            return True
        if any(folder.glob(f"{child}.*.pyd")):
            return True
    return False


def migration_hiddenimports() -> list[str]:
    """The modules the migration files import (alembic.op, sqlalchemy's dialects, studio.models…):
    Alembic runs them from files, so PyInstaller's analysis would never see those imports."""
    found: set[str] = set()
    for path in migration_files():
        if path.suffix == ".py":
            found |= imported_modules(path)
    return sorted(name for name in found if name.split(".")[0] != "__future__" and is_module(name))


# Icon files that are build inputs, not something the program reads: the .ico goes into
# upright.exe, the .icns into Upright.app, the .svg is the drawing they are made from.
ICON_BUILD_ONLY = (".ico", ".icns", ".svg")


def resource_datas() -> list[tuple[str, str]]:
    """(source file, folder in the bundle) for the data under resources/: the exercise library
    (JSON), the fonts and their licence, the window icon (PNG)."""
    datas = []
    for path in sorted(RESOURCES.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts or path.suffix in (".py", ".pyc"):
            continue
        if path.parent == ICONS and path.suffix in ICON_BUILD_ONLY:
            continue
        datas.append((str(path), path.parent.relative_to(ROOT).as_posix()))
    return datas


# --- Qt's shared libraries and plugins ------------------------------------------------------

# Plugin folder → the plugins kept (file names without "lib" and extension). Folders not listed
# are dropped whole: iconengines and the svg/pdf/tiff/webp… image formats (Upright shows PNG
# and JPEG only; QtSvg is not shipped), eglfs/linuxfb/vnc and evdev input (embedded devices),
# the virtual keyboard (QtQuick), tls and networkinformation (QtNetwork's, unused).
QT_PLUGINS: dict[str, frozenset[str]] = {
    "platforms": frozenset({
        "qxcb", "qwayland", "qwayland-egl", "qwayland-generic",  # Linux desktops (X11, Wayland)
        "qoffscreen", "qminimal",  # headless: the self-test in CI, QT_QPA_PLATFORM=offscreen
        "qwindows", "qcocoa",
    }),
    # The desktop portal's file dialogs on Linux (D-Bus only). Not qgtk3: it would pull a
    # half-bundled GTK stack (cairo, pango, atk) next to the desktop's own libgtk-3.
    "platformthemes": frozenset({"qxdgdesktopportal"}),
    "platforminputcontexts": frozenset({"composeplatforminputcontextplugin", "ibusplatforminputcontextplugin"}),
    "imageformats": frozenset({"qjpeg"}),  # studio logos (PNG is built into Qt)
    "printsupport": frozenset({"cupsprintersupport"}),
    "styles": frozenset({"qmodernwindowsstyle", "qwindowsvistastyle", "qmacstyle"}),
    "xcbglintegrations": frozenset({"qxcb-egl-integration", "qxcb-glx-integration"}),
    "wayland-decoration-client": frozenset({"bradient"}),  # not adwaita: it links QtSvg
    "wayland-shell-integration": frozenset({"xdg-shell"}),
    "wayland-graphics-integration-client": frozenset({"qt-plugin-wayland-egl"}),
}  # fmt: skip

# Qt libraries (without lib prefix, Qt6 and extension) that must not be in the bundle: the
# libraries of excluded modules, and the ones only dropped plugins link.
FORBIDDEN_QT_LIBRARIES = (
    "WebEngine", "Quick", "Qml", "3D", "Multimedia", "Designer", "Charts", "DataVisualization", "Bluetooth",
    "Sql", "Test", "Svg", "VirtualKeyboard", "Graphs", "Location", "Positioning", "Sensors", "SerialPort",
    "SerialBus", "SpatialAudio", "TextToSpeech", "WebChannel", "WebSockets", "WebView", "RemoteObjects", "Scxml",
    "StateMachine", "Nfc", "Help", "UiTools", "HttpServer", "NetworkAuth", "ShaderTools", "Lottie",
    "CanvasPainter", "EglFS", "PdfQuick", "Concurrent", "Xml",
    "WlShellIntegration",  # only the deprecated wl-shell plugin links it
)  # fmt: skip
_FORBIDDEN_QT = re.compile(
    r"^(lib)?Qt6?(" + "|".join(re.escape(name) for name in FORBIDDEN_QT_LIBRARIES) + r")", re.IGNORECASE
)


def _stem(name: str) -> str:
    name = re.sub(r"(\.(so|dll|dylib|pyd)(\.[\d.]+)?)$", "", name)
    return name[3:] if name.startswith("lib") else name


def qt_plugin(dest: str) -> tuple[str, str] | None:
    """(folder, plugin name) when `dest` (a path inside the bundle) is a Qt plugin, else None."""
    parts = PurePath(dest.replace("\\", "/")).parts
    for i, part in enumerate(parts[:-2]):
        if part == "plugins" and "PySide6" in parts[:i]:
            return "/".join(parts[i + 1 : -1]), _stem(parts[-1])
    return None


def unwanted(dest: str) -> str | None:
    """Why the file at `dest` (a path inside the bundle, any separator) should not be there, or
    None when it may. The spec drops such files; check_bundle.py fails on any it finds."""
    path = dest.replace("\\", "/")
    parts = PurePath(path).parts
    plugin = qt_plugin(path)
    if plugin is not None:
        folder, name = plugin
        if folder not in QT_PLUGINS:
            return f"Qt plugins of kind {folder!r} are not used"
        if name not in QT_PLUGINS[folder]:
            return f"Qt plugin {name!r} ({folder}) is not used"
        return None
    for part in parts:
        if _FORBIDDEN_QT.match(part) or part.startswith("QtWebEngineProcess"):
            return f"Qt library {part!r} belongs to a module Upright does not use"
    if "PySide6" in parts:
        inside = parts[parts.index("PySide6") + 1 :]
        if inside[:1] == ("translations",) or inside[:2] == ("Qt", "translations"):
            return "Qt's translations are not used (Upright installs no translator)"
        if inside[:1] == ("qml",) or inside[:2] == ("Qt", "qml"):
            return "QML files belong to QtQml/QtQuick"
        module = re.match(r"^(Qt\w+?)(\.abi3|\.cpython[^.]*)?\.(so|pyd)$", inside[-1]) if inside else None
        if module and len(inside) == 1 and module.group(1) not in QT_MODULES:
            return f"PySide6.{module.group(1)} is not used"
    top = parts[1] if parts[:1] == ("_internal",) and len(parts) > 1 else parts[0]
    top_name = re.split(r"[-.]", top)[0]
    for name in (*DEV_ONLY, *STDLIB_UNUSED):
        if top_name == name:
            return f"{name} is not used at run time"
    metadata = re.match(r"^(.+?)-[^-]+\.(dist|egg)-info$", top)
    if metadata and normal_name(metadata.group(1)) in dev_only_distributions():
        return f"{metadata.group(1)} is a dev-only package"
    if re.match(r"^(lib)?(tcl|tk)\d", top) or top in ("tcl", "tk", "_tcl_data", "_tk_data"):
        return "Tcl/Tk belongs to tkinter"
    return None


def keep(dest: str) -> bool:
    return unwanted(dest) is None
