from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studio.fields import Field, check_email, check_phone, parse_date, parse_record, parse_value
from studio.services import clients

TODAY = date(2026, 11, 24)
BIRTH = Field("date_of_birth", "Date of birth", "birth_date")


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("1985-03-12", date(1985, 3, 12)),
        ("12 Mar 1985", date(1985, 3, 12)),
        ("12 March 1985", date(1985, 3, 12)),
        ("March 12, 1985", date(1985, 3, 12)),
        ("Mar 12 1985", date(1985, 3, 12)),
        ("  2000-02-29 ", date(2000, 2, 29)),
    ],
)
def test_dates_people_type_are_read(typed, expected):
    assert parse_date(typed.strip()) == expected


@pytest.mark.parametrize("typed", ["03/12/1985", "1985-02-30", "2001-02-29", "yesterday", "12.03.85"])
def test_ambiguous_or_impossible_dates_are_refused(typed):
    with pytest.raises(ValueError, match="1985-03-12"):
        parse_date(typed)


@pytest.mark.parametrize(
    "typed, reason",
    [
        ("2026-11-25", "future"),
        ("1899-12-31", "127 years old"),
        ("1985-02-30", "Use a date like"),
    ],
)
def test_impossible_birth_dates_say_why(typed, reason):
    with pytest.raises(ValueError, match=reason):
        parse_value(BIRTH, typed, TODAY)


def test_birth_date_today_is_allowed():
    assert parse_value(BIRTH, "2026-11-24", TODAY) == TODAY


@pytest.mark.parametrize("good", ["ana@example.com", "a.b+tag@studio.co.uk", "zoë@exämple.de"])
def test_emails_accepted(good):
    check_email(good)


@pytest.mark.parametrize("bad", ["ana", "ana@", "@example.com", "ana@example", "ana @example.com", "a@b@c.com", "ana@example.c"])
def test_malformed_emails_refused(bad):
    with pytest.raises(ValueError, match="email"):
        check_email(bad)


@pytest.mark.parametrize("good", ["+1 (555) 013-4421", "020 7946 0958", "555.013.4421 ext 12", "0612345678"])
def test_phones_accepted(good):
    check_phone(good)


@pytest.mark.parametrize(
    "bad, reason",
    [("12", "has 2"), ("call me", "digits, spaces"), ("+1 555 013 4421 9999 1234", "has 19"), ("555-CALL-NOW", "digits")],
)
def test_bad_phones_refused_with_reason(bad, reason):
    with pytest.raises(ValueError, match=reason):
        check_phone(bad)


def test_a_record_collects_every_reason_at_once():
    values, errors = parse_record(
        clients.FIELDS,
        {"first_name": "  ", "last_name": "Ng", "email": "ng@", "phone": "12", "date_of_birth": "2090-01-01"},
        TODAY,
    )
    assert set(errors) == {"first_name", "email", "phone", "date_of_birth"}
    assert errors["first_name"] == "First name is required"
    assert values["last_name"] == "Ng"


def test_names_keep_what_was_typed_but_collapse_spaces():
    values, errors = parse_record(clients.FIELDS, {"first_name": " Anne  Marie ", "last_name": "<b>O'Neil & Co</b>"}, TODAY)
    assert errors == {}
    assert values["first_name"] == "Anne Marie"
    assert values["last_name"] == "<b>O'Neil & Co</b>"


def test_control_characters_are_refused():
    _, errors = parse_record(clients.FIELDS, {"first_name": "An\x07a", "last_name": "X"}, TODAY)
    assert "control" in errors["first_name"]


def test_too_long_text_is_refused_with_count():
    _, errors = parse_record(clients.FIELDS, {"first_name": "A" * 101, "last_name": "X"}, TODAY)
    assert errors["first_name"] == "At most 100 characters (this has 101)"


@given(st.dictionaries(st.sampled_from([f.name for f in clients.FIELDS]), st.text(max_size=300)))
def test_any_typed_text_gives_values_or_reasons_never_a_crash(raw):
    values, errors = parse_record(clients.FIELDS, raw, TODAY)
    assert set(values) | set(errors) == {f.name for f in clients.FIELDS}
    assert all(isinstance(reason, str) and reason for reason in errors.values())
