"""CSV import and export of clients and clinicians, for studios moving from spreadsheets.

The columns are the form's fields, parsed by the same `studio.fields.parse_record`, so a CSV
accepts and refuses exactly what the forms do, with the same words. Import is two steps — a
preview the person can read, then `apply_import` — and applying runs inside the caller's
transaction, so a failure half-way leaves nothing behind.

People a client points to (their trainer, their own physician) travel by name, not by id: ids
mean nothing in another database or in a spreadsheet.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from studio import access, audit
from studio.errors import UprightError
from studio.fields import Field, format_value, parse_record, parse_value
from studio.models import Client, Clinician, StaffMember
from studio.services import clients, clinicians
from studio.text import fold, words

KINDS = ("clients", "clinicians")

ARCHIVED = Field("archived", "Archived", "bool")
# Reference fields travel as a person's name, under a column named for the person.
_NAME_COLUMNS = {"trainer_id": "trainer", "physician_id": "physician"}
_DELIMITERS = (",", ";", "\t")
_IN_CLAUSE_CHUNK = 500


class ImportRefused(UprightError):
    """apply_import was given a preview that still has problems."""


@dataclass(frozen=True)
class ImportProblem:
    line: int  # 1-based line of the file; the header is line 1
    column: str | None  # None when the problem is the whole line or the whole file
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class ImportRow:
    line: int
    values: Mapping[str, str]  # the cells as they were in the file, by column
    status: str  # "new" or "duplicate"
    errors: tuple[ImportProblem, ...] = ()
    details: clients.ClientDetails | clinicians.ClinicianDetails | None = None  # None when errors
    archived: bool = False


@dataclass(frozen=True)
class ImportPreview:
    kind: str
    columns: tuple[str, ...]
    rows: tuple[ImportRow, ...]
    file_problems: tuple[ImportProblem, ...] = ()  # header, empty file, unreadable CSV

    @property
    def errors(self) -> tuple[ImportProblem, ...]:
        """Every problem, the file's and each row's, in line order."""
        found = list(self.file_problems) + [p for row in self.rows for p in row.errors]
        return tuple(sorted(found, key=lambda p: p.line))

    @property
    def new_count(self) -> int:
        return sum(1 for row in self.rows if row.status == "new")

    @property
    def duplicate_count(self) -> int:
        return sum(1 for row in self.rows if row.status == "duplicate")


@dataclass(frozen=True)
class ImportResult:
    created: int
    skipped_duplicates: int


# --- columns --------------------------------------------------------------------------------


def _fields(kind: str) -> tuple[Field, ...]:
    if kind == "clients":
        return clients.FIELDS
    if kind == "clinicians":
        return clinicians.FIELDS
    raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")


def _column(field_: Field) -> str:
    return _NAME_COLUMNS.get(field_.name, field_.name)


def columns(kind: str) -> tuple[str, ...]:
    """The CSV header for `kind`, in the form's order, ending with `archived`."""
    return tuple(_column(f) for f in _fields(kind)) + (ARCHIVED.name,)


def _header_key(text: str) -> str:
    return "_".join(words(text))


def _header_aliases(kind: str) -> dict[str, str]:
    """Header text → column. The form's labels are accepted too ("First name" for first_name),
    because a spreadsheet someone typed by hand will have those."""
    aliases: dict[str, str] = {}
    for f in _fields(kind) + (ARCHIVED,):
        col = _column(f)
        for spelling in (col, f.name, f.label):
            aliases.setdefault(_header_key(spelling), col)
    return aliases


# --- export ---------------------------------------------------------------------------------


@access.guarded("clients.import")
def export_csv(session: Session, kind: str, stream: TextIO) -> int:
    """Write every record of `kind`, archived ones too, as CSV text; returns rows written.

    The caller chooses the encoding (UTF-8, with a BOM if Excel is to read it) and should open
    files with newline="" so line breaks inside notes survive.
    """
    fields_ = _fields(kind)
    writer = csv.writer(stream)
    writer.writerow(columns(kind))
    count = 0
    if kind == "clients":
        for rec in clients.all_records(session, include_archived=True):
            names = {"trainer_id": rec.trainer_name, "physician_id": rec.physician_name}
            writer.writerow(_cells(fields_, rec.details, names, rec.archived))
            count += 1
    else:
        for rec in clinicians.search(session, include_archived=True):
            writer.writerow(_cells(fields_, rec.details, {}, rec.archived))
            count += 1
    audit.record(session, "export", f"Exported {count} {kind} to CSV", details={"kind": kind, "rows": count})
    return count


@access.guarded("clients.import")
def export_csv_file(session: Session, kind: str, path) -> int:
    """`export_csv` into the file at `path`: UTF-8 with a BOM (so Excel shows the accents; the
    import accepts it), written whole or not at all, readable by this computer's user only."""
    import io
    from pathlib import Path

    from studio import files

    buffer = io.StringIO(newline="")
    count = export_csv(session, kind, buffer)
    files.write_private(Path(path), buffer.getvalue().encode("utf-8-sig"))
    return count


def _cells(fields_: tuple[Field, ...], details: object, names: Mapping[str, str | None], archived: bool) -> list[str]:
    cells = []
    for f in fields_:
        if f.name in _NAME_COLUMNS:
            cells.append(names.get(f.name) or "")
        else:
            cells.append(format_value(f, getattr(details, f.name)))
    cells.append(format_value(ARCHIVED, archived))
    return cells


# --- reading the file -----------------------------------------------------------------------


def _delimiter(header_line: str) -> str:
    """The header's most frequent separator: spreadsheets in much of Europe save with ';'."""
    return max(_DELIMITERS, key=lambda d: (header_line.count(d), d == ","))


def _read_rows(text: str) -> tuple[list[tuple[int, list[str]]], list[ImportProblem]]:
    """(line where the row starts, cells) for every non-blank row, and any reading problem."""
    text = text.removeprefix("\ufeff")
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    rows: list[tuple[int, list[str]]] = []
    problems: list[ImportProblem] = []
    start = 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        problems.append(
            ImportProblem(
                start, None, f"The file can't be read as CSV from here on ({exc}); nothing after this line was read."
            )
        )
    return rows, problems


# --- references by name ---------------------------------------------------------------------


class _People:
    """Names → ids for staff or clinicians, the way the desk would type them."""

    def __init__(self, what: str, people: Iterable[tuple[int, bool, tuple[str, ...]]]):
        self.what = what
        self._by_name: dict[str, list[tuple[int, bool]]] = {}
        for person_id, archived, spellings in people:
            for spelling in set(spellings):
                self._by_name.setdefault(spelling, []).append((person_id, archived))

    def resolve(self, name: str) -> int:
        found = self._by_name.get(" ".join(words(name)), [])
        if not found:
            raise ValueError(
                f"There is no {self.what} called “{name.strip()}” in Upright; add them first, or leave this empty"
            )
        if len(found) > 1:
            active = [pid for pid, archived in found if not archived]
            if len(active) == 1:
                return active[0]
            raise ValueError(
                f"More than one {self.what} is called “{name.strip()}”; leave this empty and choose "
                "the right one in the form after importing"
            )
        return found[0][0]


def _staff_names(session: Session) -> _People:
    rows = session.execute(
        select(StaffMember.id, StaffMember.archived_at, StaffMember.first_name, StaffMember.last_name)
    )
    return _People(
        "staff member",
        ((pid, archived is not None, (" ".join(words(f"{first} {last}")),)) for pid, archived, first, last in rows),
    )


def _clinician_names(session: Session) -> _People:
    rows = session.execute(
        select(Clinician.id, Clinician.archived_at, Clinician.first_name, Clinician.last_name, Clinician.credentials)
    )
    # "Anna Kowalski" and "Anna Kowalski, MD" (the way letters print it) both find her.
    return _People(
        "clinician",
        (
            (
                pid,
                archived is not None,
                (" ".join(words(f"{first} {last}")), " ".join(words(f"{first} {last} {cred or ''}"))),
            )
            for pid, archived, first, last, cred in rows
        ),
    )


# --- duplicates -----------------------------------------------------------------------------


def _client_key(details: clients.ClientDetails) -> tuple[str, str, date] | None:
    if not details.date_of_birth:
        return None  # the same rule as clients.likely_duplicates: no birth date, no verdict
    return (fold(details.first_name).strip(), fold(details.last_name).strip(), details.date_of_birth)


def _clinician_key(details: clinicians.ClinicianDetails) -> tuple[str, str, str]:
    return tuple(
        " ".join(fold(part or "").split()) for part in (details.first_name, details.last_name, details.practice)
    )


def _existing_birth_dates(session: Session, wanted: set[date]) -> set[date]:
    """Birth dates among `wanted` that some client already has: one query for the whole file,
    so likely_duplicates is asked only about rows that can possibly match."""
    found: set[date] = set()
    ordered = sorted(wanted)
    for i in range(0, len(ordered), _IN_CLAUSE_CHUNK):
        chunk = ordered[i : i + _IN_CLAUSE_CHUNK]
        found.update(session.scalars(select(Client.date_of_birth).where(Client.date_of_birth.in_(chunk)).distinct()))
    return found


def _existing_clinician_keys(session: Session) -> set[tuple[str, str, str]]:
    return {_clinician_key(rec.details) for rec in clinicians.search(session, include_archived=True)}


def _is_existing_client(session: Session, details: clients.ClientDetails, birth_dates: set[date]) -> bool:
    if details.date_of_birth not in birth_dates:
        return False
    return bool(clients.likely_duplicates(session, details.first_name, details.last_name, details.date_of_birth))


# --- preview --------------------------------------------------------------------------------


def _header(kind: str, line: int, cells: list[str]) -> tuple[list[str | None], list[ImportProblem]]:
    """Column for each header cell and the header's problems.

    Unknown columns keep their text (so the preview can show them); a repeated column maps to
    the same name, which `_parse_row` skips; an unnamed one maps to None.
    """
    aliases = _header_aliases(kind)
    mapped: list[str | None] = []
    problems: list[ImportProblem] = []
    unknown: list[str] = []
    seen: set[str] = set()
    for cell in cells:
        col = aliases.get(_header_key(cell))
        if col is None:
            if cell.strip():
                unknown.append(cell.strip())
                col = cell.strip()  # kept, so the preview can still show what the file holds
            # else: an unnamed column, checked row by row — spreadsheets add empty ones
        elif col in seen:
            problems.append(ImportProblem(line, col, f"The column {col} appears twice in the header row"))
        else:
            seen.add(col)
        mapped.append(col)
    if unknown:
        listed = ", ".join(f"“{name}”" for name in unknown)
        problems.append(
            ImportProblem(
                line, None, f"Upright doesn't know the column(s) {listed}. The columns are: {', '.join(columns(kind))}"
            )
        )
    for f in _fields(kind):
        if f.required and _column(f) not in seen:
            problems.append(ImportProblem(line, _column(f), f"The header row needs a column {_column(f)} ({f.label})"))
    return mapped, problems


@access.guarded("clients.import")
def preview_import(session: Session, kind: str, text: str, today: date | None = None) -> ImportPreview:
    """Read a CSV file's text and say, row by row, what importing it would do and what is wrong.

    Never raises for anything in the file: every problem is reported with its line and column.
    """
    today = today or date.today()
    _fields(kind)  # a wrong kind is the program's mistake, not the file's: raise now
    rows, file_problems = _read_rows(text)
    if not rows:
        message = (
            "The file is empty." if not text.strip("\ufeff \t\r\n") else "The file has no rows to import."
        ) + f" It needs a header row ({', '.join(columns(kind))}) and then one row per {kind[:-1]}."
        return ImportPreview(kind, (), (), tuple(file_problems) + (ImportProblem(1, None, message),))

    header_line, header_cells = rows[0]
    mapped, header_problems = _header(kind, header_line, header_cells)
    file_problems = header_problems + file_problems
    if len(rows) == 1:
        file_problems.append(ImportProblem(header_line, None, f"The file has a header row but no {kind} under it."))

    people = (
        {"trainer_id": _staff_names(session), "physician_id": _clinician_names(session)} if kind == "clients" else {}
    )
    parsed = [_parse_row(kind, mapped, line, cells, people, today) for line, cells in rows[1:]]
    statuses = _statuses(session, kind, [row.details for row in parsed])
    result = tuple(dataclasses.replace(row, status=status) for row, status in zip(parsed, statuses))
    named = tuple(dict.fromkeys(c for c in mapped if c is not None))
    return ImportPreview(kind, named, result, tuple(file_problems))


def _parse_row(
    kind: str,
    mapped: list[str | None],
    line: int,
    cells: list[str],
    people: Mapping[str, _People],
    today: date,
) -> ImportRow:
    fields_ = _fields(kind)
    values: dict[str, str] = {}
    for col, cell in zip(mapped, cells):
        if col is not None:
            values.setdefault(col, cell)  # a repeated column counts once; the header says so
    problems: list[ImportProblem] = []
    extra = cells[len(mapped) :]
    if len(cells) < len(mapped) or any(cell.strip() for cell in extra):
        problems.append(
            ImportProblem(
                line,
                None,
                f"This row has {len(cells)} cells but the header has {len(mapped)} columns; "
                "check for a missing or extra separator, or an unclosed quote",
            )
        )
    elif any(col is None and cell.strip() for col, cell in zip(mapped, cells)):
        problems.append(
            ImportProblem(line, None, "This row has something in a column that has no name in the header row")
        )
    raw: dict[str, Any] = {}
    for f in fields_:
        col = _column(f)
        cell = values.get(col, "")
        if f.name in people and cell.strip():
            try:
                raw[f.name] = people[f.name].resolve(cell)
            except ValueError as exc:
                problems.append(ImportProblem(line, col, str(exc)))
        elif f.name not in people:
            raw[f.name] = cell
    parsed, errors = parse_record(fields_, raw, today)
    # A required column missing from the header is said once, on line 1, not on every row.
    problems.extend(
        ImportProblem(line, _column(f), errors[f.name]) for f in fields_ if f.name in errors and _column(f) in mapped
    )
    archived = False
    try:
        archived = parse_value(ARCHIVED, values.get(ARCHIVED.name, ""), today)
    except ValueError as exc:
        problems.append(ImportProblem(line, ARCHIVED.name, str(exc)))
    details = None
    if not problems and not errors:
        cls = clients.ClientDetails if kind == "clients" else clinicians.ClinicianDetails
        details = cls(**parsed)
    return ImportRow(line, values, "new", tuple(problems), details, archived)


def _statuses(session: Session, kind: str, parsed: list[Any]) -> list[str]:
    """Each row's status: a duplicate matches a record already in Upright or an earlier row."""
    if kind == "clients":
        wanted = {d.date_of_birth for d in parsed if d is not None and d.date_of_birth}
        birth_dates = _existing_birth_dates(session, wanted) if wanted else set()
        existing: set = set()
        key_of = _client_key
    else:
        birth_dates = set()
        existing = _existing_clinician_keys(session)
        key_of = _clinician_key
    seen: set = set()
    statuses = []
    for details in parsed:
        key = key_of(details) if details is not None else None
        if key is None:
            statuses.append("new")
            continue
        duplicate = key in seen or key in existing
        if not duplicate and kind == "clients":
            duplicate = _is_existing_client(session, details, birth_dates)
        seen.add(key)
        statuses.append("duplicate" if duplicate else "new")
    return statuses


# --- applying -------------------------------------------------------------------------------


@access.guarded("clients.import")
def apply_import(session: Session, preview: ImportPreview) -> ImportResult:
    """Create every new row through the clients or clinicians service; skip duplicates.

    Refuses a preview with any problem. Runs in the caller's transaction: if one row fails, the
    caller's rollback takes back the rows already created, so an import is all or nothing.
    Duplicates are checked again here, in case another desk added someone since the preview.
    """
    problems = preview.errors
    if problems:
        raise ImportRefused(
            f"Nothing was imported: the file has {len(problems)} problem(s), the first at {problems[0]}. "
            "Correct the file and import it again."
        )
    if not preview.rows:
        raise ImportRefused("Nothing was imported: the file has no rows.")
    service = clients if preview.kind == "clients" else clinicians
    statuses = _statuses(session, preview.kind, [row.details for row in preview.rows])
    created = skipped = 0
    for row, status in zip(preview.rows, statuses):
        if row.status == "duplicate" or status == "duplicate":
            skipped += 1
            continue
        record = service.create(session, row.details)
        if row.archived:
            service.set_archived(session, record.id, record.version, True)
        created += 1
    audit.record(session, "import", f"Imported {created} {preview.kind} from CSV ({skipped} already there, skipped)",
                 details={"kind": preview.kind, "created": created, "skipped": skipped})  # fmt: skip
    return ImportResult(created, skipped)
