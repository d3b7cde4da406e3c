"""The installer's inputs agree with the program and with each other: one version from
pyproject.toml into the Windows version resource, the Inno Setup script and Info.plist; icon
files that hold the sizes they claim; excludes that keep out QtWebEngine & co. and the dev-only
packages without excluding anything Upright imports; every migration shipped. Fast: nothing is
built here (installer/ci-build-and-check builds and runs the real thing)."""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import plistlib
import re
import struct
import sys
import types
import uuid
from pathlib import Path, PureWindowsPath

import pytest

from installer import build, bundle_rules as rules, check_bundle, make_icons

ISS = rules.ROOT / "installer" / "windows" / "upright.iss"
ENTITLEMENTS = rules.ROOT / "installer" / "macos" / "entitlements.plist"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE, "not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


# --- one version everywhere ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "numbers", "short"),
    [("0.1.0", (0, 1, 0, 0), "0.1.0"), ("2", (2, 0, 0, 0), "2.0.0"), ("1.2rc1", (1, 2, 0, 0), "1.2.0"),
     ("1.2.3.4", (1, 2, 3, 4), "1.2.3"), ("10.20.30.dev4", (10, 20, 30, 0), "10.20.30")],
)  # fmt: skip
def test_version_numbers(version, numbers, short):
    assert rules.version_numbers(version) == numbers
    assert rules.short_version(version) == short


@pytest.mark.parametrize("version", ["1.2.3.4.5", "70000.0", "latest"])
def test_versions_windows_cannot_hold_are_refused(version):
    with pytest.raises(ValueError):
        rules.version_numbers(version)


@pytest.fixture
def versioninfo(monkeypatch):
    """PyInstaller's reader of version files. On Windows it imports as it is; elsewhere it needs
    pefile and pywin32, which PyInstaller installs on Windows only and which reading and packing
    a version file never use, so stand-ins take their place."""
    pytest.importorskip("PyInstaller")
    from PyInstaller import compat

    if importlib.util.find_spec("pefile") is None:
        monkeypatch.setitem(sys.modules, "pefile", types.ModuleType("pefile"))
    monkeypatch.setattr(compat, "win32api", getattr(compat, "win32api", None), raising=False)
    return importlib.import_module("PyInstaller.utils.win32.versioninfo")


def load_version_info(versioninfo, tmp_path: Path, version: str):
    """(the fixed file info, the version strings) as PyInstaller reads the file build writes.
    (Not through the binary form: PyInstaller packs that with C longs, right on Windows only.)"""
    info = versioninfo.load_version_info_from_text_file(str(rules.write_windows_version_info(tmp_path, version)))
    assert isinstance(info.ffi, versioninfo.FixedFileInfo)
    strings = {s.name: s.val for kid in info.kids if isinstance(kid, versioninfo.StringFileInfo)
               for table in kid.kids for s in table.kids}  # fmt: skip
    return info.ffi, strings


def test_the_windows_version_resource_carries_pyprojects_version(versioninfo, tmp_path):
    version = rules.project_version()
    ffi, strings = load_version_info(versioninfo, tmp_path, version)
    major, minor, patch, build_number = rules.version_numbers(version)
    assert (ffi.fileVersionMS, ffi.fileVersionLS) == ((major << 16) | minor, (patch << 16) | build_number)
    assert (ffi.productVersionMS, ffi.productVersionLS) == (ffi.fileVersionMS, ffi.fileVersionLS)
    assert strings["ProductVersion"] == strings["FileVersion"] == version
    assert strings["ProductName"] == "Upright"
    assert strings["OriginalFilename"] == build.executable(Path("dist"), "win32").name


def test_the_version_resource_keeps_a_pre_release_in_its_text(versioninfo, tmp_path):
    ffi, strings = load_version_info(versioninfo, tmp_path, "1.4.0rc2")
    assert strings["ProductVersion"] == "1.4.0rc2"
    assert (ffi.fileVersionMS, ffi.fileVersionLS) == ((1 << 16) | 4, 0)


def iss_defines() -> dict[str, str]:
    return dict(re.findall(r"^\s*#define\s+(\w+)\s+(.+?)\s*$", ISS.read_text(encoding="utf-8"), re.MULTILINE))


def test_the_inno_script_reads_its_version_from_what_the_build_writes_into_the_exe(versioninfo, tmp_path):
    """AppVersion, AppPublisher and AppCopyright come from upright.exe's version strings: each
    string the script asks for must be one the build writes, and AppVersion must be pyproject's."""
    _, strings = load_version_info(versioninfo, tmp_path, rules.project_version())
    asked = dict(re.findall(r'^#define\s+(\w+)\s+GetStringFileInfo\(AppExe,\s*"(\w+)"\)', ISS.read_text(encoding="utf-8"),
                            re.MULTILINE))  # fmt: skip
    assert {"AppVersion", "AppPublisher", "AppCopyright"} <= set(asked)
    for define, field in asked.items():
        assert field in strings, f"{define} reads {field!r}, which upright.exe does not carry"
    assert strings[asked["AppVersion"]] == rules.project_version()
    assert strings[asked["AppCopyright"]] == rules.COPYRIGHT


def test_the_inno_script_installs_what_build_py_builds():
    text = ISS.read_text(encoding="utf-8")
    defines = iss_defines()
    dist = re.fullmatch(r'AddBackslash\(SourcePath\) \+ "(.+)"', defines["DistDir"]).group(1)
    built = (ISS.parent / PureWindowsPath(dist).as_posix()).resolve()
    assert built == build.onedir(build.DEFAULT_DIST)
    for name in ("AppExe", "AdminExe"):
        exe = re.fullmatch(r'AddBackslash\(DistDir\) \+ "(.+)"', defines[name]).group(1)
        assert exe in (build.executable(build.DEFAULT_DIST, "win32").name,
                       build.admin_executable(build.DEFAULT_DIST, "win32").name)  # fmt: skip
    icon = re.search(r"^SetupIconFile=(.+)$", text, re.MULTILINE).group(1)
    assert (ISS.parent / PureWindowsPath(icon).as_posix()).resolve() == rules.ICONS / "upright.ico"
    app_id = re.search(r"^AppId=\{\{([0-9A-F-]+)\}$", text, re.MULTILINE).group(1)
    assert str(uuid.UUID(app_id)).upper() == app_id  # a fixed GUID, so a new version upgrades in place
    assert re.search(r"^PrivilegesRequiredOverridesAllowed=dialog$", text, re.MULTILINE)


def test_info_plist_carries_pyprojects_version_and_is_valid():
    version = rules.project_version()
    entries = plistlib.loads(plistlib.dumps(rules.info_plist(version, rules.minimum_macos())))
    assert entries["CFBundleShortVersionString"] == entries["CFBundleVersion"] == rules.short_version(version)
    assert re.fullmatch(r"\d+\.\d+\.\d+", entries["CFBundleVersion"])
    if re.fullmatch(r"\d+\.\d+\.\d+", version):  # a plain release: exactly pyproject's version
        assert entries["CFBundleVersion"] == version
    assert rules.info_plist("2.0rc1")["CFBundleVersion"] == "2.0.0"
    assert entries["CFBundleIdentifier"] == rules.BUNDLE_IDENTIFIER
    assert entries["NSHighResolutionCapable"] is True
    assert tuple(map(int, entries["LSMinimumSystemVersion"].split("."))) >= (13, 0)
    assert "©" in entries["NSHumanReadableCopyright"]


def test_the_entitlements_file_is_a_plist_codesign_can_read():
    assert plistlib.loads(ENTITLEMENTS.read_bytes()) == {}


# --- the icons -------------------------------------------------------------------------------


def test_the_window_icons_have_their_sizes():
    assert png_size((rules.ICONS / "upright.png").read_bytes()) == (256, 256)
    for size in make_icons.PNG_SIZES:
        name = "upright.png" if size == 256 else f"upright-{size}.png"
        assert png_size((rules.ICONS / name).read_bytes()) == (size, size)


def test_the_ico_holds_every_size_it_claims():
    data = (rules.ICONS / "upright.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind, count) == (0, 1, len(make_icons.ICO_SIZES))
    sizes, end = [], 6 + 16 * count
    for i in range(count):
        width, height, colours, _, planes, bits, length, offset = struct.unpack("<BBBBHHII", data[6 + 16 * i : 22 + 16 * i])
        size = width or 256
        assert (height or 256) == size and (colours, planes, bits) == (0, 1, 32)
        assert offset >= end and offset + length <= len(data), "entries overlap or run past the file"
        end = offset + length
        image = data[offset : offset + length]
        if size >= make_icons.ICO_PNG_FROM:
            assert png_size(image) == (size, size)
        else:
            header_size, bmp_width, bmp_height, _, bmp_bits = struct.unpack("<IiiHH", image[:16])
            assert (header_size, bmp_width, bmp_height, bmp_bits) == (40, size, 2 * size, 32)
            mask_row = ((size + 31) // 32) * 4
            assert length == 40 + size * size * 4 + mask_row * size
        sizes.append(size)
    assert sizes == sorted(make_icons.ICO_SIZES)


def test_the_icns_holds_every_size_it_claims():
    data = (rules.ICONS / "upright.icns").read_bytes()
    assert data[:4] == b"icns" and struct.unpack(">I", data[4:8])[0] == len(data)
    found, at = {}, 8
    while at < len(data):
        kind, length = data[at : at + 4].decode("ascii"), struct.unpack(">I", data[at + 4 : at + 8])[0]
        assert length > 8 and at + length <= len(data)
        found[kind] = png_size(data[at + 8 : at + length])
        at += length
    assert found == {kind: (size, size) for kind, size in make_icons.ICNS_TYPES.items()}
    assert {"ic07", "ic08", "ic09", "ic10"} <= set(found)  # 128, 256, 512, 1024


# --- what goes in, what stays out ------------------------------------------------------------


def source_imports() -> dict[str, Path]:
    return {name: path for path in rules.source_files() for name in rules.imported_modules(path)}


def test_unused_qt_modules_are_excluded():
    excluded = set(rules.excluded_modules())
    for module in ("QtWebEngineCore", "QtWebEngineWidgets", "QtWebEngineQuick", "Qt3DCore", "QtQml", "QtQuick",
                   "QtQuickWidgets", "QtMultimedia", "QtCharts", "QtDataVisualization", "QtBluetooth", "QtSql",
                   "QtTest", "QtDesigner", "QtSvg", "QtNetwork", "QtOpenGL"):  # fmt: skip
        assert f"PySide6.{module}" in excluded
    for module in rules.installed_qt_modules():
        assert module in rules.QT_MODULES or f"PySide6.{module}" in excluded, f"PySide6.{module} would be bundled"


def test_no_module_upright_imports_is_excluded():
    imports = source_imports()
    qt = {name.split(".")[1] for name in imports if name.startswith("PySide6.Qt")}
    assert qt == set(rules.QT_MODULES), "QT_MODULES must list exactly the Qt modules Upright imports"
    wrongly = {name: str(path.relative_to(rules.ROOT)) for name, path in imports.items() if rules.is_excluded_module(name)}
    assert not wrongly, f"excluded, yet imported by Upright: {wrongly}"


def test_every_qt_module_upright_uses_goes_through_our_hook():
    hooks = rules.ROOT / "installer" / "hooks"
    assert {p.name for p in hooks.glob("hook-PySide6.*.py")} == {f"hook-PySide6.{m}.py" for m in rules.QT_MODULES}


def import_names() -> dict[str, set[str]]:
    """import name → the (normalised) distributions that provide it, for what is installed here."""
    return {name: {rules.normal_name(d) for d in dists} for name, dists in importlib.metadata.packages_distributions().items()}


def test_dev_only_packages_are_excluded():
    dev_only = rules.dev_only_distributions()
    assert {"pytest", "hypothesis", "pypdf", "pyinstaller"} <= dev_only
    missing = sorted(name for name, dists in import_names().items() if dists <= dev_only and name not in rules.DEV_ONLY)
    assert not missing, f"dev-only packages that would be bundled: {missing}"


def test_run_time_packages_are_not_excluded():
    runtime = rules.locked_distributions()[0]
    assert {"pyside6-essentials", "sqlalchemy", "alembic", "reportlab", "psycopg-binary", "keyring"} <= runtime
    wrongly = sorted(name for name, dists in import_names().items() if dists & runtime and rules.is_excluded_module(name))
    assert not wrongly, f"run-time packages excluded from the bundle: {wrongly}"


def test_every_migration_ships_where_studio_schema_looks_for_it():
    from studio import schema

    shipped = {(Path(dest) / Path(source).name).as_posix() for source, dest in rules.migration_datas()}
    folder = schema.MIGRATIONS.relative_to(rules.ROOT).as_posix()  # where the frozen studio/schema looks
    versions = sorted(p for p in (schema.MIGRATIONS / "versions").glob("*.py") if not p.name.startswith("__"))
    assert len(versions) >= 9
    for path in [schema.MIGRATIONS / "env.py", *versions]:
        assert f"{folder}/{path.relative_to(schema.MIGRATIONS).as_posix()}" in shipped, f"{path.name} is not shipped"


def test_what_the_migrations_import_is_collected():
    hidden = set(rules.migration_hiddenimports())
    assert {"alembic.op", "alembic.context", "sqlalchemy", "studio.models"} <= hidden
    for path in rules.migration_files():
        if path.suffix == ".py":
            for name in rules.imported_modules(path):
                if name.split(".")[0] != "__future__" and rules.is_module(name):
                    assert name in hidden, f"{path.name} imports {name}, which the build would not collect"
    assert all(not rules.is_excluded_module(name) for name in hidden)


def test_the_resources_ship_and_icon_sources_do_not():
    shipped = {(Path(dest) / Path(source).name).as_posix() for source, dest in rules.resource_datas()}
    expected = {p.relative_to(rules.ROOT).as_posix() for p in (rules.RESOURCES / "exercises").glob("*.json")}
    expected |= {p.relative_to(rules.ROOT).as_posix() for p in (rules.RESOURCES / "fonts").glob("*.ttf")}
    assert expected and expected <= shipped
    assert "resources/icons/upright.png" in shipped
    assert not {name for name in shipped if name.endswith((".ico", ".icns", ".svg", ".py"))}


@pytest.mark.parametrize(
    "path",
    [
        "_internal/PySide6/Qt/lib/libQt6WebEngineCore.so.6", "_internal/PySide6/Qt/libexec/QtWebEngineProcess",
        "_internal/PySide6/Qt6Quick.dll", "_internal/PySide6/Qt/lib/libQt6QmlModels.so.6",
        "Contents/Frameworks/PySide6/Qt/lib/Qt3DCore.framework/Versions/A/Qt3DCore",
        "_internal/PySide6/Qt/lib/libQt6Multimedia.so.6", "_internal/PySide6/Qt/lib/libQt6Svg.so.6",
        "_internal/PySide6/QtSvg.abi3.so", "_internal/PySide6/QtNetwork.pyd", "_internal/PySide6/Qt6Designer.dll",
        "_internal/PySide6/Qt/plugins/platforms/libqeglfs.so", "_internal/PySide6/plugins/imageformats/qsvg.dll",
        "_internal/PySide6/Qt/plugins/sqldrivers/libqsqlite.so", "_internal/PySide6/Qt/plugins/iconengines/libqsvgicon.so",
        "_internal/PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so",
        "_internal/PySide6/Qt/translations/qtbase_de.qm", "_internal/PySide6/Qt/qml/QtQuick/qmldir",
        "_internal/pytest/__init__.pyc", "_internal/_pytest/python.pyc", "_internal/hypothesis/core.pyc",
        "_internal/pypdf-7.1.1.dist-info/METADATA", "_internal/pytest_qt-4.5.0.dist-info/RECORD",
        "_internal/tkinter/__init__.pyc", "_internal/_tkinter.cpython-311-x86_64-linux-gnu.so", "_internal/tcl8.6/init.tcl",
    ],
)  # fmt: skip
def test_what_must_stay_out_is_recognised(path):
    assert rules.unwanted(path)


@pytest.mark.parametrize(
    "path",
    [
        "_internal/PySide6/Qt/lib/libQt6Core.so.6", "_internal/PySide6/Qt/lib/libQt6Network.so.6",
        "_internal/PySide6/Qt/lib/libQt6Pdf.so.6", "_internal/PySide6/Qt/lib/libQt6PdfWidgets.so.6",
        "_internal/PySide6/Qt6PrintSupport.dll", "Contents/Frameworks/PySide6/Qt/lib/QtGui.framework/Versions/A/QtGui",
        "_internal/PySide6/QtPdfWidgets.abi3.so", "_internal/PySide6/QtWidgets.pyd",
        "_internal/PySide6/Qt/plugins/platforms/libqxcb.so", "_internal/PySide6/Qt/plugins/platforms/libqoffscreen.so",
        "_internal/PySide6/plugins/platforms/qwindows.dll", "_internal/PySide6/plugins/styles/qmodernwindowsstyle.dll",
        "_internal/PySide6/Qt/plugins/platforms/libqcocoa.dylib", "_internal/PySide6/Qt/plugins/imageformats/libqjpeg.so",
        "_internal/PySide6/Qt/plugins/printsupport/libcupsprintersupport.so",
        "_internal/resources/exercises/walking.json", "_internal/resources/fonts/DejaVuSans.ttf",
        "_internal/studio/migrations/versions/0001_foundation.py", "_internal/keyring-25.7.0.dist-info/METADATA",
        "_internal/libpython3.11.so.1.0", "_internal/base_library.zip", "upright", "upright-admin.exe",
    ],
)  # fmt: skip
def test_what_upright_needs_is_kept(path):
    assert rules.unwanted(path) is None


def test_the_bundle_check_names_what_must_not_be_there(tmp_path):
    for name in ("_internal/PySide6/Qt/lib/libQt6WebEngineCore.so.6", "_internal/pytest/__init__.pyc",
                 "_internal/resources/exercises/walking.json"):  # fmt: skip
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"")
    report = check_bundle.Report()
    check_bundle.check_files(tmp_path, report)
    check_bundle.check_modules(tmp_path, report)
    problems = "\n".join(report.problems)
    assert "libQt6WebEngineCore.so.6" in problems and "_internal/pytest/__init__.pyc" in problems
    assert "walking.json" not in problems
    assert "no upright or upright-admin program" in problems
    assert check_bundle.main([str(tmp_path)]) == 1


def test_upright_s_own_modules_are_every_one_the_window_may_import_later():
    own = rules.own_modules()
    assert {"ui.app", "ui.program.tab", "ui.referrals.page", "studio.services.demo_studio", "reports.documents"} <= set(own)
    assert "ui.contact_sheet" not in own and not [m for m in own if m.startswith("studio.migrations")]


def test_the_bundle_check_names_an_own_module_the_window_lacks(tmp_path, monkeypatch):
    (tmp_path / "upright").write_bytes(b"")
    held = [m for m in rules.own_modules() if m != "ui.program.tab"]
    monkeypatch.setattr(check_bundle, "archived_modules", lambda program: held)
    report = check_bundle.Report()
    check_bundle.check_modules(tmp_path, report)
    assert report.problems == ["upright: lacks Upright's module ui.program.tab (imported only when needed?)"]


@pytest.mark.parametrize("name", ["_internal/_rl_accel.abi3.so", "_internal/_rl_accel.cp311-win_amd64.pyd",
                                  "Contents/Frameworks/_rl_accel.abi3.so"])  # fmt: skip
def test_the_bundle_check_wants_reportlab_s_accelerators(tmp_path, name):
    report = check_bundle.Report()
    check_bundle.check_files(tmp_path, report)
    assert report.problems == ["no _rl_accel compiled module: the program would run, only slower"]
    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_bytes(b"")
    report = check_bundle.Report()
    check_bundle.check_files(tmp_path, report)
    assert report.problems == []
