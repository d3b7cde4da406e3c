"""CSV import/export of clients and clinicians: what a studio's spreadsheet really looks like."""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from studio.db import open_database
from studio.errors import UprightError
from studio.models import Client, StaffMember
from studio.services import clients, clinicians, csv_transfer, staff
from studio.services.clients import ClientDetails
from studio.services.clinicians import ClinicianDetails
from studio.services.staff import StaffDetails

TODAY = date(2026, 5, 1)

CLIENT_HEADER = [
    "first_name", "last_name", "preferred_name", "date_of_birth", "phone", "email", "address",
    "emergency_contact_name", "emergency_contact_phone", "occupation", "trainer", "physician",
    "referral_source", "consent_to_share_date", "waiver_signed_date", "notes", "archived",
]  # fmt: skip
CLINICIAN_HEADER = [
    "first_name", "last_name", "credentials", "specialty", "practice", "address", "phone", "fax",
    "email", "preferred_contact", "accepting_new", "notes", "archived",
]  # fmt: skip

AWKWARD_NOTES = 'Says "it catches", then eases;\nworse, after sitting >1h.\r\nAsk about <b>&amp; co.'
AWKWARD_ADDRESS = 'Flat 2, "The Maltings"\n14 Wharf Road\nLondon, N1 7GR'


# `database` and `session` (committed when the test ends) come from tests/conftest.py.


@pytest.fixture()
def other_database(make_database):
    return make_database("other")  # on the same backend as `database`


def csv_text(rows: list[list[str]], delimiter: str = ",", lineterminator: str = "\r\n") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator=lineterminator).writerows(rows)
    return out.getvalue()


def client_rows(*rows: dict[str, str]) -> str:
    """A client CSV with the full header; each row names only the cells it cares about."""
    return csv_text([CLIENT_HEADER] + [[row.get(col, "") for col in CLIENT_HEADER] for row in rows])


def problems(preview) -> set[tuple[int, str | None]]:
    return {(p.line, p.column) for p in preview.errors}


def people(session) -> list[tuple]:
    """Every client as the desk sees them: details with the people named rather than numbered,
    because ids differ from one database to another."""
    return sorted(
        (
            repr(dataclasses.replace(r.details, trainer_id=None, physician_id=None)),
            r.archived,
            r.trainer_name,
            r.physician_name,
        )
        for r in clients.all_records(session)
    )


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def add_network(session) -> tuple[int, int, int]:
    trainer = staff.create(session, StaffDetails("Maya", "Brennan", "trainer", credentials="NSCA-CSCS"))
    owner = staff.create(session, StaffDetails("Zoë", "Łukasiewicz-Ødegård", "owner"))
    gp = clinicians.create(
        session,
        ClinicianDetails("Ανδρέας", "Νικολάου", "primary_care", credentials="MD", practice="Harbour Surgery"),
    )
    return trainer.id, owner.id, gp.id


# --- export ---------------------------------------------------------------------------------


def test_export_writes_header_names_formatted_cells_and_archived_records(session):
    trainer_id, _, gp_id = add_network(session)
    kept = clients.create(
        session,
        ClientDetails(
            "José", "García", date_of_birth=date(1980, 2, 29), phone="+44 20 7946 0101",
            trainer_id=trainer_id, physician_id=gp_id, waiver_signed_date=date(2026, 1, 5),
        ),
    )  # fmt: skip
    gone = clients.create(session, ClientDetails("Ольга", "Иванова"))
    clients.set_archived(session, gone.id, gone.version, True)

    out = io.StringIO()
    written = csv_transfer.export_csv(session, "clients", out)

    rows = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert written == 2
    assert rows[0] == CLIENT_HEADER
    by_last = {row[1]: dict(zip(CLIENT_HEADER, row)) for row in rows[1:]}
    assert by_last["García"]["date_of_birth"] == "1980-02-29"
    assert by_last["García"]["trainer"] == "Maya Brennan"
    assert by_last["García"]["physician"] == "Ανδρέας Νικολάου"
    assert by_last["García"]["waiver_signed_date"] == "2026-01-05"
    assert by_last["García"]["archived"] == "no"
    assert by_last["Иванова"]["archived"] == "yes"
    assert by_last["Иванова"]["trainer"] == ""
    assert kept.id  # the record really exists


def test_export_clinicians_header_and_booleans(session):
    clinicians.create(
        session,
        ClinicianDetails(
            "Kenji", "Watanabe", "physiotherapist", accepting_new=False, preferred_contact="fax", fax="+44 20 7946 0999"
        ),
    )
    out = io.StringIO()
    assert csv_transfer.export_csv(session, "clinicians", out) == 1
    header, row = list(csv.reader(io.StringIO(out.getvalue())))
    assert header == CLINICIAN_HEADER
    cells = dict(zip(header, row))
    assert (cells["specialty"], cells["accepting_new"], cells["preferred_contact"], cells["archived"]) == (
        "physiotherapist", "no", "fax", "no",
    )  # fmt: skip


# --- round trip -----------------------------------------------------------------------------


def test_round_trip_into_a_fresh_database_keeps_every_detail(database, other_database):
    with database.session_factory.begin() as s:
        trainer_id, owner_id, gp_id = add_network(s)
        pain = clinicians.create(
            s,
            ClinicianDetails(
                "Siobhán", "O'Brien", "pain_specialist", credentials="MB, FFPMRCA", practice='Pain Clinic "Lower Back"',
                address=AWKWARD_ADDRESS, phone="+353 1 555 0101", email="sobrien@example.org",
                preferred_contact="email", accepting_new=False, notes=AWKWARD_NOTES,
            ),
        )  # fmt: skip
        clinicians.set_archived(s, pain.id, pain.version, True)
        originals = [
            ClientDetails(
                "Zoë", "Łukasiewicz-Ødegård", preferred_name="Zo", date_of_birth=date(1979, 12, 31),
                phone="+47 22 12 34 56", email="zoe@example.com", address=AWKWARD_ADDRESS,
                emergency_contact_name="Øyvind, brother", emergency_contact_phone="0047 22 12 34 57",
                occupation="Nurse, nights", trainer_id=trainer_id, physician_id=gp_id,
                referral_source='Dr. "Nick"', consent_to_share_date=date(2026, 3, 1),
                waiver_signed_date=date(2026, 3, 1), notes=AWKWARD_NOTES,
            ),
            ClientDetails("Αλέξανδρος", "Παπαδόπουλος", trainer_id=owner_id, physician_id=pain.id, notes="<b>&"),
            ClientDetails("花子", "佐藤", preferred_name="Hanako", date_of_birth=date(1990, 7, 7)),
            ClientDetails("Ольга", "Иванова", occupation="Warehouse; forklift"),
        ]  # fmt: skip
        for details in originals:
            created = clients.create(s, details)
        clients.set_archived(s, created.id, created.version, True)  # Ольга is archived

        clinician_csv, client_csv = io.StringIO(), io.StringIO()
        csv_transfer.export_csv(s, "clinicians", clinician_csv)
        csv_transfer.export_csv(s, "clients", client_csv)

        expected_clients = people(s)
        expected_clinicians = sorted((repr(r.details), r.archived) for r in clinicians.search(s, include_archived=True))

    with other_database.session_factory.begin() as s:
        staff.create(s, StaffDetails("Maya", "Brennan", "trainer"))
        staff.create(s, StaffDetails("Zoë", "Łukasiewicz-Ødegård", "owner"))
        preview = csv_transfer.preview_import(s, "clinicians", clinician_csv.getvalue(), TODAY)
        assert preview.errors == ()
        assert csv_transfer.apply_import(s, preview) == csv_transfer.ImportResult(created=2, skipped_duplicates=0)
        preview = csv_transfer.preview_import(s, "clients", client_csv.getvalue(), TODAY)
        assert preview.errors == ()
        assert csv_transfer.apply_import(s, preview) == csv_transfer.ImportResult(created=4, skipped_duplicates=0)

    with other_database.session_factory() as s:
        assert people(s) == expected_clients
        assert (
            sorted((repr(r.details), r.archived) for r in clinicians.search(s, include_archived=True))
            == expected_clinicians
        )
        zoe = next(r for r in clients.all_records(s) if r.details.first_name == "Zoë")
        assert zoe.details.notes == AWKWARD_NOTES
        assert zoe.details.address == AWKWARD_ADDRESS
        assert (zoe.trainer_name, zoe.physician_name) == ("Maya Brennan", "Ανδρέας Νικολάου")
        assert [r.name for r in clients.all_records(s) if r.archived] == ["Ольга Иванова"]


# --- reading spreadsheets as they come ------------------------------------------------------


def test_semicolons_bom_and_crlf_from_a_european_excel_are_read(session):
    text = "\ufeff" + csv_text(
        [
            ["First name", "Last name", "Date of birth", "Email"],
            ["Søren", "Kierkegaard", "5 May 1983", "soren@example.dk"],
        ],
        delimiter=";",
    )
    assert "\r\n" in text
    preview = csv_transfer.preview_import(session, "clients", text, TODAY)
    assert preview.errors == ()
    assert preview.columns == ("first_name", "last_name", "date_of_birth", "email")
    (row,) = preview.rows
    assert (row.line, row.status) == (2, "new")
    assert row.values["last_name"] == "Kierkegaard"
    assert row.details.date_of_birth == date(1983, 5, 5)


def test_line_numbers_count_line_breaks_inside_quoted_cells(session):
    text = client_rows(
        {"first_name": "Ana", "last_name": "Silva", "notes": "one\ntwo\nthree"},
        {"first_name": "Bo", "last_name": "Berg", "email": "not-an-email"},
    )
    preview = csv_transfer.preview_import(session, "clients", text, TODAY)
    assert [row.line for row in preview.rows] == [2, 5]
    (problem,) = preview.errors
    assert (problem.line, problem.column) == (5, "email")
    assert problem.message == "That doesn't look like an email address (name@example.com)"


def test_invalid_cells_are_reported_with_the_forms_words(session):
    text = client_rows(
        {"first_name": "Ayşe", "last_name": "", "date_of_birth": "2030-01-01"},
        {"first_name": "Ayşe", "last_name": "Yılmaz", "date_of_birth": "03/12/1985", "phone": "12"},
        {"first_name": "Ayşe", "last_name": "Yılmaz", "archived": "maybe", "waiver_signed_date": "2026-06-01"},
    )
    preview = csv_transfer.preview_import(session, "clients", text, TODAY)
    messages = {(p.line, p.column): p.message for p in preview.errors}
    assert messages == {
        (2, "last_name"): "Last name is required",
        (2, "date_of_birth"): "A date of birth can't be in the future",
        (3, "date_of_birth"): "Use a date like 1985-03-12 or 12 Mar 1985",
        (3, "phone"): "A phone number has 6 to 15 digits; this has 2",
        (4, "archived"): "Use yes or no",
        (4, "waiver_signed_date"): "This date is in the future",
    }
    assert all(row.details is None for row in preview.rows)


def test_header_problems_are_on_line_one(session):
    text = csv_text([["first_name", "surname", "Shoe size", "email", "EMAIL"], ["A", "B", "44", "", ""]])
    preview = csv_transfer.preview_import(session, "clients", text, TODAY)
    file_level = {(p.line, p.column): p.message for p in preview.file_problems}
    assert set(file_level) == {(1, None), (1, "email"), (1, "last_name")}
    assert "“surname”" in file_level[(1, None)] and "“Shoe size”" in file_level[(1, None)]
    assert "last_name" in file_level[(1, "last_name")]
    assert preview.rows[0].errors == ()  # each header problem is said once, not again on every row


def test_unnamed_columns_may_be_empty_but_not_hold_data(session):
    text = "first_name,last_name,,\nAna,Silva,,\nBo,Berg,,forgotten\n"
    preview = csv_transfer.preview_import(session, "clients", text, TODAY)
    assert problems(preview) == {(3, None)}
    assert "no name in the header" in preview.errors[0].message


def test_missing_required_clinician_column(session):
    text = csv_text([["first_name", "last_name"], ["Ahmed", "Khan"]])
    preview = csv_transfer.preview_import(session, "clinicians", text, TODAY)
    assert problems(preview) == {(1, "specialty")}


@pytest.mark.parametrize("text", ["", "\ufeff", "\r\n\r\n", " ,  , \n"])
def test_an_empty_file_is_a_clear_problem(session, text):
    preview = csv_transfer.preview_import(session, "clients", text, TODAY)
    (problem,) = preview.errors
    assert problem.line == 1
    assert "header row" in problem.message
    with pytest.raises(UprightError):
        csv_transfer.apply_import(session, preview)


def test_a_header_without_rows_is_a_clear_problem(session):
    preview = csv_transfer.preview_import(session, "clinicians", "first_name,last_name,specialty\r\n", TODAY)
    (problem,) = preview.errors
    assert "no clinicians" in problem.message


def test_wrong_number_of_cells(session):
    text = "first_name,last_name\nAna,Silva,extra\nBo\nCy,Berg,,,\n"
    preview = csv_transfer.preview_import(session, "clients", text, TODAY)
    # Trailing empty cells (spreadsheets add them) are harmless; missing or extra content is not.
    assert problems(preview) == {(2, None), (3, None), (3, "last_name")}


def test_trainer_and_physician_found_by_name_whatever_the_case_and_accents(session):
    trainer_id, owner_id, gp_id = add_network(session)
    text = client_rows(
        {"first_name": "A", "last_name": "One", "trainer": "ZOE lukasiewicz-odegard", "physician": "ανδρεας νικολαου"},
        {"first_name": "B", "last_name": "Two", "trainer": "maya brennan", "physician": "Ανδρέας Νικολάου, MD"},
    )
    preview = csv_transfer.preview_import(session, "clients", text, TODAY)
    assert preview.errors == ()
    assert [(r.details.trainer_id, r.details.physician_id) for r in preview.rows] == [
        (owner_id, gp_id),
        (trainer_id, gp_id),
    ]


def test_unknown_and_ambiguous_names_are_errors_at_their_cell(session):
    add_network(session)
    staff.create(session, StaffDetails("Maya", "Brennan", "front_desk"))
    text = client_rows(
        {"first_name": "A", "last_name": "One", "trainer": "Maya Brennan"},
        {"first_name": "B", "last_name": "Two", "physician": "Dr Nobody"},
    )
    preview = csv_transfer.preview_import(session, "clients", text, TODAY)
    messages = {(p.line, p.column): p.message for p in preview.errors}
    assert set(messages) == {(2, "trainer"), (3, "physician")}
    assert "More than one staff member" in messages[(2, "trainer")]
    assert "no clinician called “Dr Nobody”" in messages[(3, "physician")]


def test_an_archived_namesake_does_not_make_a_name_ambiguous(session):
    add_network(session)
    old = staff.create(session, StaffDetails("Maya", "Brennan", "trainer"))
    staff.set_archived(session, old.id, old.version, True)
    preview = csv_transfer.preview_import(
        session, "clients", client_rows({"first_name": "A", "last_name": "B", "trainer": "Maya Brennan"}), TODAY
    )
    assert preview.errors == ()
    assert preview.rows[0].details.trainer_id != old.id


# --- duplicates -----------------------------------------------------------------------------


def test_client_duplicates_of_existing_clients_and_of_earlier_rows(session):
    existing = clients.create(session, ClientDetails("José", "García", date_of_birth=date(1975, 4, 9)))
    clients.set_archived(session, existing.id, existing.version, True)
    text = client_rows(
        {"first_name": "jose", "last_name": "GARCIA", "date_of_birth": "1975-04-09"},  # the archived one
        {"first_name": "Nguyễn Thị", "last_name": "Lan", "date_of_birth": "1988-10-02"},
        {"first_name": "Nguyen Thi", "last_name": "Lan", "date_of_birth": "2 Oct 1988"},  # row 3 again
        {"first_name": "José", "last_name": "García", "date_of_birth": "1975-04-10"},  # another day
        {"first_name": "Ana", "last_name": "Silva"},
        {"first_name": "Ana", "last_name": "Silva"},  # no birth date: can't tell, so not a duplicate
    )
    preview = csv_transfer.preview_import(session, "clients", text, TODAY)
    assert [row.status for row in preview.rows] == ["duplicate", "new", "duplicate", "new", "new", "new"]
    assert (preview.new_count, preview.duplicate_count) == (4, 2)


def test_clinician_duplicates_are_same_name_and_practice(session):
    clinicians.create(session, ClinicianDetails("Oluwaseun", "Adeyemi", "physiotherapist", practice="Move Well Physio"))
    text = csv_text(
        [
            ["first_name", "last_name", "specialty", "practice"],
            ["OLUWASEUN", "adeyemi", "Physiotherapist", "move  well physio"],
            ["Oluwaseun", "Adeyemi", "physiotherapist", "City Hospital"],
            ["Oluwaseun", "Adeyemi", "physiotherapist", "City Hospital"],
        ]
    )
    preview = csv_transfer.preview_import(session, "clinicians", text, TODAY)
    assert preview.errors == ()
    assert [row.status for row in preview.rows] == ["duplicate", "new", "duplicate"]


# --- applying -------------------------------------------------------------------------------


def test_apply_creates_new_rows_skips_duplicates_and_archives(session):
    clients.create(session, ClientDetails("Mohammed", "Al-Farsi", date_of_birth=date(1969, 1, 20)))
    text = client_rows(
        {"first_name": "Mohammed", "last_name": "Al-Farsi", "date_of_birth": "1969-01-20"},
        {"first_name": "Siobhán", "last_name": "O'Brien", "archived": "yes", "email": "siobhan@example.ie"},
        {"first_name": "Oluwaseun", "last_name": "Adeyemi", "archived": "no"},
    )
    preview = csv_transfer.preview_import(session, "clients", text, TODAY)
    result = csv_transfer.apply_import(session, preview)
    assert result == csv_transfer.ImportResult(created=2, skipped_duplicates=1)
    assert count(session, Client) == 3
    assert {r.name: r.archived for r in clients.all_records(session)} == {
        "Mohammed Al-Farsi": False,
        "Siobhán O'Brien": True,
        "Oluwaseun Adeyemi": False,
    }
    assert [r.list_name for r in clients.search(session, "obrien", include_archived=True)] == ["O'Brien, Siobhán"]


def test_apply_refuses_a_preview_with_problems_and_creates_nothing(session):
    text = client_rows(
        {"first_name": "Good", "last_name": "Row"}, {"first_name": "Bad", "last_name": "Row", "email": "x@"}
    )
    preview = csv_transfer.preview_import(session, "clients", text, TODAY)
    with pytest.raises(csv_transfer.ImportRefused, match="line 3, column email"):
        csv_transfer.apply_import(session, preview)
    assert count(session, Client) == 0


def test_apply_counts_a_client_added_at_another_desk_since_the_preview_as_duplicate(session):
    text = client_rows({"first_name": "Ayşe", "last_name": "Yılmaz", "date_of_birth": "1992-08-14"})
    preview = csv_transfer.preview_import(session, "clients", text, TODAY)
    assert preview.rows[0].status == "new"
    clients.create(session, ClientDetails("Ayse", "Yilmaz", date_of_birth=date(1992, 8, 14)))
    assert csv_transfer.apply_import(session, preview) == csv_transfer.ImportResult(created=0, skipped_duplicates=1)


def test_a_failure_half_way_leaves_nothing_behind(database):
    with database.session_factory.begin() as s:
        leaving = staff.create(s, StaffDetails("Leaving", "Soon", "trainer"))
    text = client_rows(
        {"first_name": "First", "last_name": "Row"},
        {"first_name": "Second", "last_name": "Row"},
        {"first_name": "Third", "last_name": "Row", "trainer": "Leaving Soon"},
    )
    with pytest.raises(UprightError):
        with database.session_factory.begin() as s:
            preview = csv_transfer.preview_import(s, "clients", text, TODAY)
            assert preview.errors == ()
            # The trainer leaves (another desk) between the preview and the import's third row.
            s.delete(s.get(StaffMember, leaving.id))
            s.flush()
            csv_transfer.apply_import(s, preview)
    with database.session_factory() as s:
        assert count(s, Client) == 0
        assert count(s, StaffMember) == 0 + 1  # the deletion was rolled back too


# --- anything a file can hold ---------------------------------------------------------------


@pytest.fixture(scope="module")
def shared_database(tmp_path_factory):
    db = open_database(tmp_path_factory.mktemp("hyp") / "studio.sqlite", create=True)
    with db.session_factory.begin() as s:
        add_network(s)
        clients.create(s, ClientDetails("José", "García", date_of_birth=date(1975, 4, 9)))
    yield db
    db.close()


cells = st.text(max_size=40) | st.sampled_from(
    ["", "yes", "1985-03-12", "+44 20 7946 0101", "Maya Brennan", "a@b.co", '"']
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(csv_transfer.KINDS), rows=st.lists(st.lists(cells, min_size=0, max_size=20), max_size=4))
def test_arbitrary_cells_give_problems_never_exceptions(shared_database, kind, rows):
    header = CLIENT_HEADER if kind == "clients" else CLINICIAN_HEADER
    with shared_database.session_factory() as s:
        preview = csv_transfer.preview_import(s, kind, csv_text([header] + rows), TODAY)
        assert len(preview.rows) <= len(rows)
        for row in preview.rows:
            assert row.status in ("new", "duplicate")
            assert (row.details is None) == bool(row.errors)
        s.rollback()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(csv_transfer.KINDS), text=st.text(max_size=300))
def test_arbitrary_text_gives_problems_never_exceptions(shared_database, kind, text):
    with shared_database.session_factory() as s:
        preview = csv_transfer.preview_import(s, kind, text, TODAY)
        assert preview.errors or preview.rows
        s.rollback()
