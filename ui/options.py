"""One registry of this desk's UI options, with their defaults (Picard's options.py idea).

Studio-wide settings (letterhead, units, paper) live in the database; these are per computer:
window geometry, splitter positions, the last database opened.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QSettings

ORGANISATION = "Upright"
APPLICATION = "Upright"


@dataclass(frozen=True)
class Option:
    key: str
    default: Any
    kind: type


OPTIONS = {
    opt.key: opt
    for opt in (
        Option("window/geometry", b"", bytes),
        Option("window/state", b"", bytes),
        Option("window/page", "clients", str),
        Option("clients/splitter", b"", bytes),
        Option("clients/header", b"", bytes),
        Option("clinicians/splitter", b"", bytes),
        Option("clinicians/header", b"", bytes),
        Option("clients/show_archived", False, bool),
        Option("documents/save_folder", "", str),
        # The studio server this desk connects to (Studio ▸ Studio server…); empty host: the file
        # on this computer. Never the password: that is in the keychain or asked at start.
        Option("server/host", "", str),
        Option("server/port", 5432, int),
        Option("server/database", "upright", str),
        Option("server/user", "upright", str),
        Option("backups/keep_days", 14, int),  # Studio ▸ Backups: how long daily backups are kept
        Option("desk/lock_minutes", 5, int),  # Studio ▸ Lock this desk after…: idle minutes (0: never)
        # Studio files already warned about being on a network share, one path per line.
        Option("storage/network_warned", "", str),
    )
}


def settings() -> QSettings:
    return QSettings(ORGANISATION, APPLICATION)


def get(key: str) -> Any:
    opt = OPTIONS[key]
    value = settings().value(key, opt.default)
    if opt.kind is bool:
        return value in (True, "true", "1", 1)
    if opt.kind is bytes:
        return bytes(value) if value is not None else b""
    return opt.kind(value)


def put(key: str, value: Any) -> None:
    if key not in OPTIONS:
        raise KeyError(f"unknown option {key}")
    settings().setValue(key, value)
