"""Where a studio file lives: on this computer's own disk, or on a network share.

SQLite locks a file through the operating system, and over a network file system (NFS, SMB,
AFP, sshfs, …) that locking is unreliable: two desks writing the same file through a share can
corrupt it. Upright warns when a studio file is opened from such a place; this module only
answers the question, without Qt, so it can be tested with made-up mount tables.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path, PurePath, PureWindowsPath

# Linux file system types that reach the file over the network. FUSE file systems show as
# "fuse.<name>" (fuse.sshfs, fuse.glusterfs): the part after the dot is compared.
NETWORK_FILESYSTEMS = frozenset({
    "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "9p", "sshfs", "afpfs", "davfs", "webdav",
    "ncpfs", "glusterfs", "ceph", "cephfs", "afs", "lustre", "gpfs", "beegfs", "rclone", "s3fs",
})  # fmt: skip

_NAMES = {"nfs": "NFS", "nfs4": "NFS", "cifs": "SMB", "smb": "SMB", "smb2": "SMB", "smb3": "SMB", "smbfs": "SMB",
          "afpfs": "AFP", "9p": "9P", "sshfs": "SSH (sshfs)", "davfs": "WebDAV", "webdav": "WebDAV"}  # fmt: skip


@dataclass(frozen=True)
class Mount:
    point: str  # where it is mounted, e.g. /mnt/studio
    fstype: str  # e.g. cifs, nfs4, fuse.sshfs
    source: str  # e.g. //nas/studio, nas:/export/studio

    @property
    def remote(self) -> bool:
        kind = self.fstype.lower()
        return kind in NETWORK_FILESYSTEMS or kind.removeprefix("fuse.") in NETWORK_FILESYSTEMS

    def describe(self) -> str:
        kind = self.fstype.lower().removeprefix("fuse.")
        name = _NAMES.get(kind, kind)
        return f"a network share ({name}: {self.source} mounted at {self.point})"


def _unescape(field: str) -> str:
    """Mount tables write space, tab, newline and backslash as octal escapes (\\040 …)."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def parse_mountinfo(text: str) -> list[Mount]:
    """The mounts in /proc/self/mountinfo text (proc(5)), in mount order.

    A line: `36 35 98:0 /root /mount/point options [optional fields…] - fstype source super-options`.
    Lines that don't have that shape are skipped rather than trusted.
    """
    mounts = []
    for line in text.splitlines():
        fields = line.split()
        if "-" not in fields:
            continue
        dash = fields.index("-")
        if dash < 6 or len(fields) < dash + 3:
            continue
        mounts.append(Mount(_unescape(fields[4]), _unescape(fields[dash + 1]), _unescape(fields[dash + 2])))
    return mounts


def parse_mounts(text: str) -> list[Mount]:
    """The mounts in /proc/mounts (or /etc/mtab) text: `source point fstype options 0 0`."""
    mounts = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 3:
            mounts.append(Mount(_unescape(fields[1]), _unescape(fields[2]), _unescape(fields[0])))
    return mounts


def mount_of(path: str | PurePath, mounts: list[Mount]) -> Mount | None:
    """The mount a (resolved, absolute) POSIX path lives on: the longest mount point that
    contains it; of two mounts at the same point, the later one (it hides the earlier)."""
    parts = PurePath(path).parts
    best: Mount | None = None
    best_length = -1
    for mount in mounts:
        point = PurePath(mount.point).parts
        if len(point) >= best_length and parts[: len(point)] == point:
            best, best_length = mount, len(point)
    return best


def unc_share(path: str | PurePath) -> str | None:
    """`\\\\server\\share` for a Windows UNC path (also `\\\\?\\UNC\\server\\share\\…`), else None.
    `\\\\?\\C:\\…` (a long local path) and `\\\\.\\…` (a device) are not shares."""
    text = str(path).replace("/", "\\")
    if text.lower().startswith("\\\\?\\unc\\"):
        text = "\\\\" + text[8:]
    elif text.startswith(("\\\\?\\", "\\\\.\\")) or not text.startswith("\\\\"):
        return None
    server, _, rest = text[2:].partition("\\")
    share = rest.split("\\", 1)[0]
    if not server or not share:
        return None
    return f"\\\\{server}\\{share}"


def _windows_network_drive(path: str) -> str | None:
    drive = PureWindowsPath(path).drive
    if len(drive) != 2 or drive[1] != ":":
        return None
    try:
        import ctypes

        drive_remote = 4  # GetDriveTypeW: DRIVE_REMOTE
        if ctypes.windll.kernel32.GetDriveTypeW(f"{drive}\\") == drive_remote:
            return f"the network drive {drive.upper()}"
    except (AttributeError, OSError):
        pass
    return None


def _macos_filesystem(path: str) -> tuple[str, bool, str] | None:
    """(type name, is local, mounted from) from statfs(2), or None if it can't be asked."""
    try:
        import ctypes
        import ctypes.util

        class StatFs(ctypes.Structure):  # struct statfs with 64-bit inodes (<sys/mount.h>)
            _fields_ = [
                ("f_bsize", ctypes.c_uint32), ("f_iosize", ctypes.c_int32), ("f_blocks", ctypes.c_uint64),
                ("f_bfree", ctypes.c_uint64), ("f_bavail", ctypes.c_uint64), ("f_files", ctypes.c_uint64),
                ("f_ffree", ctypes.c_uint64), ("f_fsid", ctypes.c_int32 * 2), ("f_owner", ctypes.c_uint32),
                ("f_type", ctypes.c_uint32), ("f_flags", ctypes.c_uint32), ("f_fssubtype", ctypes.c_uint32),
                ("f_fstypename", ctypes.c_char * 16), ("f_mntonname", ctypes.c_char * 1024),
                ("f_mntfromname", ctypes.c_char * 1024), ("f_flags_ext", ctypes.c_uint32),
                ("f_reserved", ctypes.c_uint32 * 7),
            ]  # fmt: skip

        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        try:
            statfs = libc["statfs$INODE64"]  # Intel Macs: the 64-bit-inode variant of the struct
        except AttributeError:
            statfs = libc["statfs"]  # Apple silicon has only that one
        statfs.argtypes = [ctypes.c_char_p, ctypes.POINTER(StatFs)]
        result = StatFs()
        if statfs(os.fsencode(path), ctypes.byref(result)) != 0:
            return None
        mnt_local = 0x1000
        decode = lambda raw: raw.decode("utf-8", "replace")  # noqa: E731
        return decode(result.f_fstypename), bool(result.f_flags & mnt_local), decode(result.f_mntfromname)
    except (OSError, AttributeError, TypeError, ValueError):
        return None


def network_location(path: str | Path, *, platform: str | None = None, mount_table: str | None = None) -> str | None:
    """Words for where `path` is when that is a network share ("a network share (SMB:
    //nas/studio mounted at /mnt/studio)"); None on a local disk, or when it can't be told.

    `platform` and `mount_table` (mountinfo text) stand in for this computer's in tests.
    """
    platform = platform or sys.platform
    if platform.startswith("win"):
        share = unc_share(path)
        if share is not None:
            return f"the network share {share}"
        return _windows_network_drive(str(path))
    if platform == "darwin":
        found = _macos_filesystem(str(path))
        if found is None:
            return None
        fstype, local, source = found
        mount = Mount("", fstype, source)
        if mount.remote or not local:
            return f"a network share ({_NAMES.get(fstype.lower(), fstype)}: {source})"
        return None
    if mount_table is None:
        try:
            mount_table = Path("/proc/self/mountinfo").read_text(encoding="utf-8", errors="replace")
            mounts = parse_mountinfo(mount_table)
        except OSError:
            try:
                mounts = parse_mounts(Path("/proc/mounts").read_text(encoding="utf-8", errors="replace"))
            except OSError:
                return None
        resolved = os.path.realpath(path)
    else:
        mounts = parse_mountinfo(mount_table)
        resolved = str(path)
    mount = mount_of(resolved, mounts)
    return mount.describe() if mount is not None and mount.remote else None
