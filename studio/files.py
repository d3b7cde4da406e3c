"""Files Upright writes that hold people's details: private, whole, and not left lying about.

Every PDF, CSV export, client export and backup Upright writes is readable by this computer's
user only (mode 0600) and appears whole or not at all: it is written into a temporary file
beside its name (created private by mkstemp) and renamed into place. On Windows `chmod` can only
set or clear "read-only", so there a file has the permissions of the folder it is written in
(a person's own folders are theirs alone by default); that is the best Windows offers here.

Copies handed to the PDF viewer live in folders of their own in the temporary folder, named
`upright-view-<process id>-c<client id>-<random>` (`-x-` for a blank form): the process id lets
start-up tell which belong to an Upright that is still running, the client id lets erasing a
client remove theirs.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PRIVATE_MODE = 0o600
VIEWER_PREFIX = "upright-view-"
# A folder named by a process that is running may belong to another Upright window on this
# computer (or to an unrelated program that was given the same number later): it is left alone,
# unless it is older than this.
VIEWER_COPY_HOURS = 12
_VIEWER_NAME = re.compile(rf"^{re.escape(VIEWER_PREFIX)}(\d+)-(?:c(\d+)|x)-")


def make_private(path: Path) -> None:
    """Readable and writable by this computer's user only (on Windows: not read-only)."""
    os.chmod(path, PRIVATE_MODE)


@contextmanager
def writing_privately(path: Path, suffix: str = ".partial") -> Iterator[Path]:
    """A private temporary file beside `path` to write into; when the block ends without an
    error it takes `path`'s place (replacing a file there), otherwise it is removed and a file
    already at `path` stays as it was. Raises OSError when the folder can't be written in."""
    path = Path(path)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        make_private(temporary)  # mkstemp made it 0600 already; whatever wrote it may have changed that
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def write_private(path: Path, content: bytes) -> None:
    """All of `content` at `path`, private to this computer's user, or an OSError and no change."""
    with writing_privately(path) as temporary:
        with open(temporary, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())


# --- copies for the PDF viewer ---------------------------------------------------------------


def _temporary_folder(folder: str | Path | None) -> Path:
    return Path(folder) if folder is not None else Path(tempfile.gettempdir())


def viewer_copy(content: bytes, file_name: str, client_id: int | None, *, folder: str | Path | None = None) -> Path:
    """Write a copy of a PDF for the system's PDF viewer, in a private folder of its own (which
    `remove_viewer_copy` removes again); returns the file's path."""
    owner = f"c{client_id}" if client_id is not None else "x"
    own_folder = Path(tempfile.mkdtemp(prefix=f"{VIEWER_PREFIX}{os.getpid()}-{owner}-", dir=folder))  # 0700
    path = own_folder / file_name
    try:
        write_private(path, content)
    except BaseException:
        shutil.rmtree(own_folder, ignore_errors=True)
        raise
    return path


def remove_viewer_copy(path: Path) -> bool:
    """Remove a copy made by `viewer_copy` and its folder; False when it is still there (on
    Windows a viewer that has the file open keeps it: start-up clears it later)."""
    own_folder = Path(path).parent
    if not own_folder.name.startswith(VIEWER_PREFIX):
        return False
    shutil.rmtree(own_folder, ignore_errors=True)
    return not own_folder.exists()


def _viewer_folders(folder: str | Path | None) -> Iterator[tuple[Path, int | None, int | None]]:
    """(folder, process id, client id) of each viewer copy folder; the ids None when the name
    doesn't say (an older Upright's, or a blank form's client)."""
    for path in _temporary_folder(folder).glob(VIEWER_PREFIX + "*"):
        if not path.is_dir():
            continue
        named = _VIEWER_NAME.match(path.name)
        if named is None:
            yield path, None, None
        else:
            yield path, int(named.group(1)), int(named.group(2)) if named.group(2) else None


def process_running(pid: int) -> bool:
    """Whether a process with this number is running on this computer (any program's)."""
    if pid <= 0:
        return False
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return kernel32.GetLastError() == 5  # access denied: it exists, it isn't ours
        try:
            code = ctypes.c_ulong()
            if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
                return True
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process
    return True


def clear_viewer_copies(max_age_hours: float = VIEWER_COPY_HOURS, folder: str | Path | None = None) -> int:
    """At start-up: remove the copies made for the PDF viewer, which hold health details and
    must not pile up in the temporary folder. All of them, except those of an Upright that is
    still running on this computer (this one, or a second window, whose person may be reading
    one in the viewer right now) — and those too once older than `max_age_hours`, in case the
    process number now belongs to another program. Keeping it to that one rule, rather than
    asking the viewer whether a file is open (no portable way), is deliberate. A copy that
    can't be removed (open in a viewer on Windows) is tried again next time. Returns how many
    folders were removed."""
    cutoff = time.time() - max_age_hours * 3600
    removed = 0
    for path, pid, _client in _viewer_folders(folder):
        try:
            if pid is not None and process_running(pid) and path.stat().st_mtime >= cutoff:
                continue
            shutil.rmtree(path)
            removed += 1
        except OSError:
            continue  # in use by the viewer, or not ours to remove: try again next start
    return removed


def remove_viewer_copies_of(client_id: int, folder: str | Path | None = None) -> tuple[int, int]:
    """Remove every viewer copy of `client_id`'s documents on this computer, whichever Upright
    made it; returns (removed, left because a viewer holds them open)."""
    removed = left = 0
    for path, _pid, client in _viewer_folders(folder):
        if client != client_id:
            continue
        shutil.rmtree(path, ignore_errors=True)
        if path.exists():
            left += 1
        else:
            removed += 1
    return removed, left
