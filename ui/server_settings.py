"""Which studio server this desk connects to.

Host, port, database and user are kept in the desk's settings; the password never is: it
lives in the operating system's keychain (Windows Credential Manager, macOS Keychain, the
Secret Service on Linux) when the desk asked to remember it, and is otherwise asked for at start.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import quote

from ui import options

log = logging.getLogger(__name__)

KEYCHAIN_SERVICE = "Upright studio server"
DEFAULT_PORT = 5432


@dataclass(frozen=True)
class ServerSettings:
    host: str
    port: int = DEFAULT_PORT
    database: str = "upright"
    user: str = "upright"

    @property
    def account(self) -> str:
        """The keychain entry's name: one password per user on one server and database."""
        return f"{self.user}@{self.host}:{self.port}/{self.database}"

    def url(self, password: str | None) -> str:
        auth = quote(self.user, safe="")
        if password:
            auth += ":" + quote(password, safe="")
        return f"postgresql+psycopg://{auth}@{self.host}:{self.port}/{quote(self.database, safe='')}"

    def shown(self) -> str:
        return f"{self.user} on {self.host}:{self.port}, database {self.database}"


def problems(host: str, port: str | int, database: str, user: str) -> dict[str, str]:
    """What is wrong with the typed settings, by field (empty when they can be tried)."""
    errors: dict[str, str] = {}
    if not host.strip():
        errors["host"] = "Type the server's name or address, e.g. studio-server or 192.168.1.20."
    elif any(ch.isspace() for ch in host.strip()) or "/" in host:
        errors["host"] = "A server name has no spaces or slashes."
    try:
        number = int(str(port).strip())
        if not 1 <= number <= 65535:
            raise ValueError
    except ValueError:
        errors["port"] = "The port is a number from 1 to 65535 (PostgreSQL's usual one is 5432)."
    if not database.strip():
        errors["database"] = "Type the name of the studio's database on the server."
    if not user.strip():
        errors["user"] = "Type the user name the server knows this desk by."
    return errors


def load() -> ServerSettings | None:
    """The server this desk connects to, or None for the database file on this computer."""
    host = options.get("server/host")
    if not host:
        return None
    return ServerSettings(host, options.get("server/port"), options.get("server/database"), options.get("server/user"))


def save(settings: ServerSettings | None) -> None:
    """Remember the server (None: go back to the file on this computer). No password here."""
    if settings is None:
        options.put("server/host", "")
        return
    options.put("server/host", settings.host)
    options.put("server/port", settings.port)
    options.put("server/database", settings.database)
    options.put("server/user", settings.user)


# --- the keychain ---------------------------------------------------------------------------


def _keyring():
    """The keychain module when this computer has a usable keychain, else None."""
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:  # noqa: BLE001 - a broken keychain setup is "no keychain", not a crash
        return None
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 1) <= 0:
        return None
    return keyring


def keychain_available() -> bool:
    return _keyring() is not None


def remembered_password(settings: ServerSettings) -> str | None:
    ring = _keyring()
    if ring is None:
        return None
    try:
        return ring.get_password(KEYCHAIN_SERVICE, settings.account)
    except Exception as error:  # noqa: BLE001 - a locked keychain means "ask"
        log.info("keychain not readable: %s", error)
        return None


def remember_password(settings: ServerSettings, password: str | None) -> bool:
    """Keep (or, with None, forget) the password in the keychain. False when there is none."""
    ring = _keyring()
    if ring is None:
        return False
    try:
        if password:
            ring.set_password(KEYCHAIN_SERVICE, settings.account, password)
        else:
            try:
                ring.delete_password(KEYCHAIN_SERVICE, settings.account)
            except Exception:  # noqa: BLE001 - nothing to forget
                pass
        return True
    except Exception as error:  # noqa: BLE001
        log.warning("keychain not writable: %s", error)
        return False
