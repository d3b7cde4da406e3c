"""`upright-admin`: look after a studio database from a terminal — check, back up, restore,
import, export, fill a demo, render a document to PDF.

No Qt here, not even indirectly: this has to run on a server, over SSH, or on a desk whose
window won't start. Every error a person can act on is one plain paragraph on stderr and an
exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from studio.backups import make_backup, restore_backup
from studio.db import Database, database_url, default_database_path, open_database, sqlite_path
from studio.errors import UprightError

EXIT_OK = 0
EXIT_PROBLEM = 1
EXIT_UNSUPPORTED = 2


class Unsupported(UprightError):
    """Something this command can't do for this kind of database (exit code 2)."""


# --- helpers --------------------------------------------------------------------------------


def _database_arg(args: argparse.Namespace) -> str:
    """The database the person named, or the desk's default file — never created by accident:
    passing the default path explicitly makes open_database refuse a missing file."""
    return args.database or str(default_database_path())


def _open_existing(args: argparse.Namespace) -> Database:
    return open_database(_database_arg(args), create=False)


def _say(text: str = "") -> None:
    print(text, flush=True)


def _complain(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _where(db: Database) -> str:
    return str(db.path) if db.path else db.engine.url.render_as_string(hide_password=True)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _paragraph(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or exc.__class__.__name__


# --- check ----------------------------------------------------------------------------------


def _count(connection, sql: str) -> int:
    return connection.exec_driver_sql(sql).scalar_one()


def cmd_check(args: argparse.Namespace) -> int:
    from studio import schema

    db = _open_existing(args)
    problems: list[str] = []
    try:
        _say(f"Database: {_where(db)}")
        with db.engine.connect() as connection:
            if db.engine.dialect.name == "sqlite":
                integrity = [row[0] for row in connection.exec_driver_sql("PRAGMA integrity_check")]
                if integrity == ["ok"]:
                    _say("Integrity check: ok")
                else:
                    _say(f"Integrity check: FAILED ({'; '.join(integrity[:5])})")
                    problems.append("the file is damaged")
                orphans = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if not orphans:
                    _say("Links between records: ok")
                else:
                    details = "; ".join(f"{row[0]} row {row[1]} points to a missing {row[2]}" for row in orphans[:5])
                    _say(f"Links between records: {len(orphans)} broken ({details})")
                    problems.append("some records point to records that no longer exist")
            else:
                _say("Integrity check: not done here; the database server checks its own files")
            current, head = schema.current_revision(connection), schema.head_revision()
            if db.migrated_from != current:
                _say(f"Schema: upgraded from {db.migrated_from} to {current}")
                _say(f"Backup from before the upgrade: {db.pre_migration_backup or db.migration_note}")
            if current == head:
                _say(f"Schema: {current} (up to date for this Upright)")
            else:
                _say(f"Schema: {current}, but this Upright expects {head}")
                problems.append("the schema is not the one this Upright expects")
            active = _count(connection, "SELECT count(*) FROM client WHERE archived_at IS NULL")
            archived = _count(connection, "SELECT count(*) FROM client WHERE archived_at IS NOT NULL")
            _say(f"Clients: {active} active, {archived} archived")
            _say(f"Clinicians: {_count(connection, 'SELECT count(*) FROM clinician')}")
            _say(f"Staff: {_count(connection, 'SELECT count(*) FROM staff')}")
    finally:
        db.close()
    if problems:
        _complain(
            "Problems found: " + "; ".join(problems) + ". Make a copy of the file, then restore the latest "
            "good backup (upright-admin restore BACKUP) or ask for help before going on."
        )
        return EXIT_PROBLEM
    _say("All good.")
    return EXIT_OK


# --- backup and restore ---------------------------------------------------------------------


def _backup_target(args: argparse.Namespace) -> Path | str:
    """The SQLite file, or the server URL (backed up with pg_dump)."""
    url = database_url(_database_arg(args))
    return sqlite_path(url) or url


def cmd_backup(args: argparse.Namespace) -> int:
    from studio.backups import ToolMissing, daily

    target = _backup_target(args)
    try:
        if args.daily:
            if args.path:
                raise Unsupported("backup --daily writes to the backups folder; leave out PATH.")
            result = daily(target, keep_days=args.keep_days)
            if result.made:
                _say(f"Today's backup written and checked: {result.made}")
            else:
                _say("Today's backup was already made; nothing written.")
            if result.pruned:
                _say(
                    f"Removed {_plural(len(result.pruned), 'daily backup')} older than {_plural(result.kept_days, 'day')}: "
                    + ", ".join(p.name for p in result.pruned)
                )
            return EXIT_OK
        written = make_backup(target, Path(args.path).expanduser() if args.path else None)
    except ToolMissing as exc:
        raise Unsupported(str(exc)) from exc
    _say(f"Backup written and checked: {written}")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from studio.backups import ToolMissing

    target = _backup_target(args)
    backup = Path(args.path).expanduser()
    try:
        safety = restore_backup(backup, target)
    except ToolMissing as exc:
        raise Unsupported(str(exc)) from exc
    shown = target if isinstance(target, Path) else _where_url(target)
    _say(f"Restored {shown} from {backup}.")
    if safety is not None:
        _say(f"What was there before is kept in {safety}.")
    return EXIT_OK


def cmd_migrate_to(args: argparse.Namespace) -> int:
    """Copy this studio (a SQLite file) into an empty database on the studio server."""
    from studio import server_copy

    source = _open_existing(args)
    try:
        if source.engine.dialect.name != "sqlite":
            raise Unsupported("migrate-to copies a studio file into a server; --database names a server already.")
        target = open_database(args.url, create=True)
        try:
            report = server_copy.copy_studio(source, target)
        finally:
            target.close()
    finally:
        source.close()
    _say(report.describe())
    _say(f"The studio is now also on {_where_url(args.url)}; the file {source.path} is unchanged. "
         "Point every desk at the server (Studio ▸ Studio server… or --database).")
    return EXIT_OK


def _where_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


# --- demo -----------------------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace) -> int:
    from studio.services import demo

    if args.clients is not None and args.clients < 0:
        raise Unsupported("--clients needs a number of clients, 0 or more.")
    db = open_database(_database_arg(args), create=True)
    try:
        with db.session_factory.begin() as session:
            try:
                from reports.documents import make

                summary = demo.fill_demo_studio(session, seed=args.seed, make_document=make)
            except demo.StudioNotEmpty:
                if not args.clients:
                    raise
                _say("The database already has a studio; adding generated clients only.")
            else:
                _say(summary.describe())
                _say("Sign in as any of the demo staff (demo passwords, not for a real studio):")
                for line in summary.sign_in_lines():
                    _say(f"  {line}")
            if args.clients:
                added = demo.generate_clients(session, args.clients, seed=args.seed)
                _say(f"Generated {added} made-up clients.")
        _say(f"In {_where(db)}")
    finally:
        db.close()
    return EXIT_OK


# --- a forgotten password -------------------------------------------------------------------


def _new_password() -> str:
    """Asked twice at a terminal (not echoed); one line from a pipe."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    first = getpass.getpass("New password or PIN: ")
    if getpass.getpass("The same again: ") != first:
        raise UprightError("The two passwords were not the same. Nothing was changed.")
    return first


def cmd_reset_password(args: argparse.Namespace) -> int:
    """The owner's way back in: whoever can run this can read the studio's data anyway."""
    from studio.services import accounts, staff

    db = open_database(_database_arg(args))
    try:
        with db.session_factory.begin() as session:
            if args.staff_id is None:
                for choice in accounts.sign_in_choices(session):
                    has = "has a password" if choice.has_password else "no password yet"
                    _say(f"{choice.staff_id:>5}  {choice.name} ({choice.role_label}, {has})")
                _say("Give the number: upright-admin reset-password NUMBER")
                return EXIT_OK
            member = staff.get(session, args.staff_id)
            accounts.reset_password(session, member.id, _new_password(), must_change=True)
            _say(f"Password reset for {member.name} ({member.role_label}): they choose their own at the next sign-in.")
    finally:
        db.close()
    return EXIT_OK


# --- import and export ----------------------------------------------------------------------


def _read_csv(file: str) -> str:
    """The file's text, line breaks untouched (notes keep theirs), a BOM or not."""
    if file == "-":
        stdin = getattr(sys.stdin, "buffer", None)
        data = stdin.read() if stdin is not None else sys.stdin.read().encode("utf-8")
        name = "The input"
    else:
        path = Path(file).expanduser()
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise UprightError(f"There is no file at {path}.") from None
        name = path.name
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UprightError(
            f"{name} is not saved as UTF-8 text, so names with accents would come in wrong. "
            "In Excel choose Save As → “CSV UTF-8”; in LibreOffice tick “Edit filter settings” and pick UTF-8."
        ) from None


def _import(kind: str) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        from studio.services import csv_transfer

        text = _read_csv(args.file)
        db = _open_existing(args)
        try:
            with db.session_factory.begin() as session:
                preview = csv_transfer.preview_import(session, kind, text)
                problems = preview.errors
                if problems:
                    for problem in problems:
                        _complain(str(problem))
                    _complain(
                        f"Nothing was imported: {_plural(len(problems), 'problem')} in "
                        f"{'the input' if args.file == '-' else Path(args.file).name}. "
                        "Correct the file and try again."
                    )
                    return EXIT_PROBLEM
                duplicates = [str(row.line) for row in preview.rows if row.status == "duplicate"]
                _say(
                    f"{_plural(len(preview.rows), 'row')}: {preview.new_count} new, "
                    f"{preview.duplicate_count} already in Upright or repeated in the file"
                    + (f" (line {', '.join(duplicates)})" if duplicates else "")
                    + "."
                )
                if args.dry_run:
                    _say("Dry run: nothing was imported.")
                    return EXIT_OK
                result = csv_transfer.apply_import(session, preview)
            _say(
                f"Imported {_plural(result.created, kind[:-1])}; "
                f"skipped {_plural(result.skipped_duplicates, 'duplicate')}."
            )
        finally:
            db.close()
        return EXIT_OK

    return run


def _export(kind: str) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        from studio.services import csv_transfer

        db = _open_existing(args)
        try:
            buffer = io.StringIO(newline="")
            with db.session_factory() as session:
                written = csv_transfer.export_csv(session, kind, buffer)
        finally:
            db.close()
        if args.file == "-":
            # Bytes, not text: the console's code page must not mangle Greek or add a second \r.
            sys.stdout.flush()
            target = getattr(sys.stdout, "buffer", None)
            if target is not None:
                target.write(buffer.getvalue().encode("utf-8"))
                target.flush()
            else:
                sys.stdout.write(buffer.getvalue())
            return EXIT_OK
        path = Path(args.file).expanduser()
        from studio import files

        # With a BOM, so Excel opens the accents correctly; Upright's import accepts it. Whole or
        # not at all, and readable by this computer's user only (it holds people's details).
        files.write_private(path, buffer.getvalue().encode("utf-8-sig"))
        _say(f"Exported {_plural(written, kind[:-1])} to {path}.")
        return EXIT_OK

    return run


# --- render ---------------------------------------------------------------------------------


def _output_path(value: str) -> Path:
    """Where the PDF goes, checked before any work is done: a file in a folder that exists."""
    path = Path(value).expanduser()
    if path.is_dir():
        raise UprightError(f"{path} is a folder; give --out the name of the PDF file to write, e.g. {path / 'document.pdf'}.")
    if not path.parent.is_dir():
        raise UprightError(f"There is no folder {path.parent} to write {path.name} into. Create it first, or choose another place with --out.")
    return path


def _write_atomically(path: Path, content: bytes) -> Path:
    """`content` in a temporary file beside `path`: a reader never sees half a PDF, and a file
    already at `path` stays whole until the new one is complete. Returns the temporary file."""
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    except OSError as exc:
        raise UprightError(
            f"Could not write in {path.parent}: {exc.strerror or exc}. Choose a folder you can write to with --out."
        ) from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o600)  # private, as mkstemp made it: the PDF holds a client's health details
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise UprightError(f"Could not write {path}: {exc.strerror or exc}. Nothing was saved.") from None
    return Path(temporary)


def _checked_request(session, args: argparse.Namespace, where: str):
    """The document request the command names, with the people and records it names looked up
    first, so a wrong number gets an answer in the studio's words."""
    from studio.errors import NotFound
    from studio.services import clients, documents, programs, referrals

    def lookup(get, what: str, record_id: int):
        try:
            return get(session, record_id)
        except NotFound:
            raise UprightError(f"There is no {what} {record_id} in the studio database at {where}.") from None

    kind = args.document
    if kind == documents.QUESTIONNAIRE:
        choice = (args.kind or "").strip().lower()
        if choice not in documents.QUESTIONNAIRE_LABELS:
            known = ", ".join(f"{code} ({label})" for code, label in documents.QUESTIONNAIRES)
            raise UprightError(f"There is no questionnaire called “{args.kind}”. Choose --kind from: {known}.")
        return documents.Request(documents.QUESTIONNAIRE, questionnaire=choice)
    if kind == documents.LETTER:
        lookup(referrals.get, "referral", args.referral)
        return documents.Request(documents.LETTER, referral_id=args.referral)
    client = lookup(clients.get, "client", args.client)
    name = f"{client.details.first_name} {client.details.last_name}".strip()
    if kind == documents.PROGRESS:
        audience = (args.audience or "").strip().lower()
        if audience not in documents.AUDIENCES:
            raise UprightError(f"A progress report is for the client or a clinician: use --audience client or --audience clinician, not “{args.audience}”.")
        return documents.Request(documents.PROGRESS, client_id=args.client, audience=audience, large_print=args.large_print)
    if args.program is not None:
        program = lookup(programs.get, "program", args.program)
        if program.client_id != args.client:
            raise UprightError(f"Program {args.program} (“{program.title}”) is not one of {name}'s programs (client {args.client}).")
    elif programs.active_for_client(session, args.client) is None:
        raise UprightError(
            f"{name} (client {args.client}) has no active program, so there is no home program to print. "
            "Make a program active in the Program tab, or name one with --program."
        )
    return documents.Request(documents.HANDOUT, client_id=args.client, program_id=args.program, large_print=args.large_print)


def cmd_render(args: argparse.Namespace) -> int:
    from reports.documents import make_and_record
    from studio.services import documents

    path = _output_path(args.out)
    db = _open_existing(args)
    temporary: Path | None = None
    try:
        # The record is committed before the file takes its name: a PDF on disk always has its
        # line in the Documents list, so the paper can be traced by its fingerprint.
        with db.session_factory.begin() as session:
            request = _checked_request(session, args, _where(db))
            made, record = make_and_record(session, request, handed=documents.SAVED)
            temporary = _write_atomically(path, made.content)
        os.replace(temporary, path)
        temporary = None
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        db.close()
    _say(f"Wrote {path} ({_plural(record.pages, 'page')}, fingerprint {documents.short_fingerprint(record.fingerprint)})")
    return EXIT_OK


# --- a client's data requests ---------------------------------------------------------------

ERASE_LEAVES = (
    "Not touched, because Upright can't reach them: copies saved elsewhere with Save as… or "
    "render --out, exports, printed paper, and backups made before now (they keep the client until "
    "they are removed; daily backups are removed after 14 days, others by hand)."
)


def _no_such_client(session, client_id: int, where: str) -> None:
    from studio.errors import NotFound
    from studio.services import clients

    try:
        clients.get(session, client_id)
    except NotFound:
        raise UprightError(f"There is no client {client_id} in the studio database at {where}.") from None


def cmd_export_client(args: argparse.Namespace) -> int:
    from reports.client_export import export_client

    path = Path(args.out).expanduser()
    if path.is_dir():
        raise UprightError(f"{path} is a folder; give --out the name of the zip file to write, e.g. {path / 'client.zip'}.")
    if not path.parent.is_dir():
        raise UprightError(f"There is no folder {path.parent} to write {path.name} into. Create it first, or choose another place with --out.")
    db = _open_existing(args)
    try:
        with db.session_factory.begin() as session:
            _no_such_client(session, args.client_id, _where(db))
            result = export_client(session, args.client_id, path)
    finally:
        db.close()
    _say(f"Wrote {path}: {result.describe()}.")
    for doc in result.not_matching:
        _say(f"  document {doc.document_id} ({doc.kind}, {doc.made_on}): {doc.reason}")
    return EXIT_OK


def cmd_erase_client(args: argparse.Namespace) -> int:
    from studio.services import client_data

    db = _open_existing(args)
    try:
        with db.session_factory.begin() as session:
            _no_such_client(session, args.client_id, _where(db))
            plan = client_data.erasure_plan(session, args.client_id)
            what = ", ".join(client_data.describe_counts(plan.counts))
            if not args.yes:
                _say(f"Erasing client {plan.client_id} ({plan.client_name}) would remove {plan.total} records: {what}.")
                if plan.audit_entries:
                    _say(f"The {plan.audit_entries} audit trail {'entry' if plan.audit_entries == 1 else 'entries'} about them would keep who did what and "
                         "when, without their details; one entry would say that client "
                         f"{plan.client_id} was erased.")  # fmt: skip
                _say(ERASE_LEAVES)
                _complain("Nothing was erased: this cannot be undone, so run the command again with --yes to erase.")
                return EXIT_PROBLEM
            result = client_data.erase(session, args.client_id)
    finally:
        db.close()
    _say(f"Erased client {result.client_id} ({plan.client_name}): {result.total} records removed ({what}).")
    _say(f"The audit trail keeps an entry that client {result.client_id} was erased, without their details.")
    if result.viewer_copies_removed or result.viewer_copies_left:
        _say(f"Copies made for the PDF viewer on this computer: {result.viewer_copies_removed} removed"
             + (f", {result.viewer_copies_left} still open in a viewer (removed when Upright next starts)." if result.viewer_copies_left else "."))  # fmt: skip
    _say(ERASE_LEAVES)
    return EXIT_OK


# --- the command line -----------------------------------------------------------------------

DEMO_HELP = """\
Fill a database with a demo studio: studio details, 6 staff, 12 clinicians and 30 clients.
Prints the demo staff's names, roles and passwords, so every role can be tried.
The database is created if it doesn't exist; one that already has clients or studio details is
refused, so demo people never mix with real ones.

With --clients N, also add N made-up clients in bulk (for benchmarks). On a database that
already has a studio, --clients N adds only the N generated clients.
"""

RENDER_HELP = """\
Make one of the studio's documents as a PDF file, the same document the window prints, and
record it in the Documents list as "saved as PDF", with its fingerprint.

  render handout --client ID [--program ID] [--large-print] --out FILE
  render letter --referral ID --out FILE
  render progress --client ID [--audience client|clinician] [--large-print] --out FILE
  render questionnaire --kind odi|rmdq|startback|psfs --out FILE
"""


# Descriptions of the commands that have one, reflowed by argparse (DEMO_HELP and RENDER_HELP
# keep their lines).
BACKUP_HELP = """
Write a backup, verify it and record its fingerprint (SHA-256, schema version, records per table)
in PATH.json beside it. A SQLite file is copied with SQLite's backup API; a PostgreSQL server is
dumped with pg_dump (custom format). With --daily: today's automatic backup unless one was made
today, then daily backups older than --keep-days are removed (manual, before-migration and
before-restore backups are kept).
"""

RESTORE_HELP = """
Replace the studio database with a backup. The backup is checked first (its fingerprint, then the
file itself) and a damaged one is refused; what is there now is kept in a verified safety copy. On
PostgreSQL this uses pg_restore --clean in one transaction. Close Upright at every desk first.
"""

MIGRATE_HELP = """
Copy every record of the studio file (--database, default: this computer's) into the empty
PostgreSQL database at URL, keeping every id, then compare each table's row count and contents;
nothing is kept on the server unless every table matches. The file is not changed.
"""

RESET_PASSWORD_HELP = """
Set a staff member's password or PIN (asked for, not shown; or one line on standard input). They
choose their own at their next sign-in. Without a number, lists the staff.
"""

EXPORT_CLIENT_HELP = """
Write a zip file with everything the studio holds about one client, for a client who asks for
their data: client.json (every record of theirs and the audit trail's entries about them), every
document made for them made again as PDF with its original date, and a README.txt. A document
that can't be made exactly as handed out is listed with the reason. The file is readable by this
computer's user only. Recorded in the audit trail.
"""

ERASE_CLIENT_HELP = """
Delete a client and every record of theirs (assessments, programs, logged sessions, referrals,
clearances, the document list), blank their details in the audit trail, and record that client N
was erased. Without --yes, only says what would be removed.
""" + ERASE_LEAVES


def build_parser() -> argparse.ArgumentParser:
    database_help = f"the studio database: a file path or a database URL (default: {default_database_path()})"
    parser = argparse.ArgumentParser(
        prog="upright-admin",
        description="Look after an Upright studio database: check, back up, restore, import, export, demo, render.",
    )
    parser.add_argument("--database", metavar="PATH_OR_URL", default=None, help=database_help)
    # The same option after the subcommand; SUPPRESS keeps a value given before it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--database", metavar="PATH_OR_URL", default=argparse.SUPPRESS, help=database_help)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, summary: str, description: str | None = None, **options) -> argparse.ArgumentParser:
        """One COMMAND: `summary` in the list of commands, `description` atop its own --help."""
        return commands.add_parser(name, parents=[common], help=summary, description=description, **options)

    check = command("check", "check the database file, its schema and its links; count records")
    check.set_defaults(run=cmd_check)

    backup = command("backup", "write a verified backup (SQLite: the backup API; PostgreSQL: pg_dump)", BACKUP_HELP)
    backup.add_argument(
        "path", nargs="?", metavar="PATH",
        help="where to write it (default: backups/ beside the database file; for a server, backups/ in this "
        "computer's Upright folder)",
    )  # fmt: skip
    backup.add_argument("--daily", action="store_true", help="today's automatic backup, then prune old daily ones")
    backup.add_argument(
        "--keep-days", type=int, default=14, metavar="N", help="with --daily: keep daily backups for N days (default: 14)"
    )
    backup.set_defaults(run=cmd_backup)

    restore = command("restore", "replace the database with a backup (close Upright at every desk first)", RESTORE_HELP)
    restore.add_argument("path", metavar="PATH", help="the backup file to restore")
    restore.set_defaults(run=cmd_restore)

    migrate = command(
        "migrate-to", "copy this studio file into an empty database on the studio server, checked row for row",
        MIGRATE_HELP,
    )  # fmt: skip
    migrate.add_argument("url", metavar="URL", help="postgresql+psycopg://USER:PASSWORD@HOST[:PORT]/DATABASE")
    migrate.set_defaults(run=cmd_migrate_to)

    demo = command(
        "demo", "fill a new database with a demo studio", DEMO_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    demo.add_argument("--clients", type=int, metavar="N", help="also add N generated clients (benchmarks)")
    demo.add_argument("--seed", type=int, default=2026, help="change it for different made-up people (default: 2026)")
    demo.set_defaults(run=cmd_demo)

    reset = command(
        "reset-password", "give a staff member (the owner too) a new password, when it is forgotten",
        RESET_PASSWORD_HELP,
    )  # fmt: skip
    reset.add_argument("staff_id", type=int, nargs="?", metavar="NUMBER", help="the staff member's number")
    reset.set_defaults(run=cmd_reset_password)

    for kind in ("clients", "clinicians"):
        imp = command(
            f"import-{kind}", f"add {kind} from a CSV file (UTF-8, comma or semicolon separated)",
            f"Add {kind} from a CSV file whose header row names the columns (as export-{kind} writes them). "
            "Every row is checked first; if any row has a problem, nothing is imported and each problem is "
            "listed by line and column. Rows matching someone already in Upright are skipped.",
        )  # fmt: skip
        imp.add_argument("file", metavar="FILE", help="the CSV file, or - to read standard input")
        imp.add_argument(
            "--dry-run", action="store_true", help="check the file and show what would happen; import nothing"
        )
        imp.set_defaults(run=_import(kind))

        exp = command(f"export-{kind}", f"write every {kind[:-1]}, archived ones too, to a CSV file")
        exp.add_argument("file", metavar="FILE", help="the CSV file to write, or - for standard output")
        exp.set_defaults(run=_export(kind))

    render = command(
        "render", "make a handout, referral letter, progress report or blank questionnaire as a PDF", RENDER_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    documents = render.add_subparsers(dest="document", metavar="DOCUMENT", required=True)
    out_help = "the PDF file to write (replaced if it exists; written whole or not at all)"

    handout = documents.add_parser("handout", parents=[common], help="a client's home-program handout")
    handout.add_argument("--client", type=int, required=True, metavar="ID", help="the client's number")
    handout.add_argument("--program", type=int, metavar="ID", help="which of the client's programs (default: the active one)")
    handout.add_argument("--large-print", action="store_true", help="everything 30%% larger, for older clients")

    letter = documents.add_parser("letter", parents=[common], help="the letter of a referral, with its reply slip")
    letter.add_argument("--referral", type=int, required=True, metavar="ID", help="the referral's number")

    progress = documents.add_parser("progress", parents=[common], help="a client's progress report")
    progress.add_argument("--client", type=int, required=True, metavar="ID", help="the client's number")
    progress.add_argument(
        "--audience", default="client", metavar="client|clinician",
        help="for the client (default) or for their clinician (adds date of birth, profile, red flags, notes)",
    )  # fmt: skip
    progress.add_argument("--large-print", action="store_true", help="everything 30%% larger, for older clients")

    questionnaire = documents.add_parser("questionnaire", parents=[common], help="a blank questionnaire to fill in by hand")
    questionnaire.add_argument("--kind", required=True, metavar="odi|rmdq|startback|psfs", help="which questionnaire")

    for sub in (handout, letter, progress, questionnaire):
        sub.add_argument("--out", required=True, metavar="FILE", help=out_help)
        sub.set_defaults(run=cmd_render)

    export_client = command(
        "export-client", "everything about one client in a zip: their records as JSON and their documents as PDF",
        EXPORT_CLIENT_HELP,
    )  # fmt: skip
    export_client.add_argument("client_id", type=int, metavar="CLIENT_ID", help="the client's number")
    export_client.add_argument("--out", required=True, metavar="FILE.zip", help="the zip file to write (replaced if it exists)")
    export_client.set_defaults(run=cmd_export_client)

    erase_client = command(
        "erase-client", "erase a client and everything about them (cannot be undone; needs --yes)", ERASE_CLIENT_HELP
    )
    erase_client.add_argument("client_id", type=int, metavar="CLIENT_ID", help="the client's number")
    erase_client.add_argument("--yes", action="store_true", help="really erase (without it nothing is changed)")
    erase_client.set_defaults(run=cmd_erase_client)
    return parser


def _loosen_console() -> None:
    """A console that can't show Greek must print a placeholder, not crash mid-report."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):
                pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit code (0 fine, 1 a problem, 2 not possible here)."""
    from sqlalchemy.exc import SQLAlchemyError

    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, or a mistyped command: argparse has already explained
        return exc.code if isinstance(exc.code, int) else EXIT_UNSUPPORTED
    _loosen_console()
    try:
        return args.run(args)
    except Unsupported as exc:
        _complain(_paragraph(exc))
        return EXIT_UNSUPPORTED
    except UprightError as exc:
        _complain(_paragraph(exc))
        return EXIT_PROBLEM
    except SQLAlchemyError as exc:
        _complain(f"The database could not be used: {_paragraph(getattr(exc, 'orig', None) or exc)}")
        return EXIT_PROBLEM
    except OSError as exc:
        _complain(f"{exc.strerror or 'Could not use the file'}: {exc.filename or ''}".rstrip(": "))
        return EXIT_PROBLEM
    except KeyboardInterrupt:
        _complain("Stopped.")
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
