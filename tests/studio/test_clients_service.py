from datetime import date

import pytest

from studio.errors import NotFound, StaleEdit, ValidationError
from studio.services import clients, clinicians, staff


def add(session, **raw):
    raw.setdefault("first_name", "Ana")
    raw.setdefault("last_name", "Silva")
    return clients.create(session, clients.parse(raw))


def names(rows):
    return [f"{r.first_name} {r.last_name}" for r in rows]


@pytest.fixture
def studio(session):
    add(session, first_name="Zoë", last_name="Łukasiewicz-Ødegård", date_of_birth="1985-03-12",
        phone="+1 (555) 013-4421", email="zoe.l@example.com")
    add(session, first_name="José", last_name="García", date_of_birth="1970-07-01", phone="020 7946 0958")
    add(session, first_name="Siobhán", last_name="O'Brien", preferred_name="Shiv", email="shiv@example.ie")
    add(session, first_name="Ольга", last_name="Иванова", date_of_birth="1962-12-03")
    return session


@pytest.mark.parametrize(
    "typed, found",
    [
        ("zoe", ["Zoë Łukasiewicz-Ødegård"]),
        ("ODEGARD", ["Zoë Łukasiewicz-Ødegård"]),
        ("lukasiewiczodegard", ["Zoë Łukasiewicz-Ødegård"]),
        ("gar", ["José García"]),
        ("jose garcia", ["José García"]),
        ("obrien", ["Siobhán O'Brien"]),
        ("shiv", ["Siobhán O'Brien"]),
        ("ольга", ["Ольга Иванова"]),
        ("4421", ["Zoë Łukasiewicz-Ødegård"]),
        ("555 013", ["Zoë Łukasiewicz-Ødegård"]),
        ("15550134421", ["Zoë Łukasiewicz-Ødegård"]),
        ("7946", ["José García"]),
        ("zoe.l@", ["Zoë Łukasiewicz-Ødegård"]),
        ("1970-07", ["José García"]),
        ("1985-03-12", ["Zoë Łukasiewicz-Ødegård"]),
        ("12/03/1985", ["Zoë Łukasiewicz-Ødegård"]),
        ("03/12/1962", ["Ольга Иванова"]),
        ("zoe garcia", []),
        ("nobody", []),
    ],
)
def test_search_as_the_desk_types(studio, typed, found):
    assert names(clients.search(studio, typed)) == found


def test_empty_search_lists_everyone_in_surname_order(studio):
    assert names(clients.search(studio, "")) == [
        "José García",
        "Zoë Łukasiewicz-Ødegård",
        "Siobhán O'Brien",
        "Ольга Иванова",
    ]


def test_search_pages(session):
    for n in range(25):
        add(session, first_name=f"Client{n:02d}", last_name="Page")
    first = clients.search(session, "page", limit=10)
    second = clients.search(session, "page", offset=10, limit=10)
    third = clients.search(session, "page", offset=20, limit=10)
    assert [len(first), len(second), len(third)] == [10, 10, 5]
    assert {r.id for r in first}.isdisjoint({r.id for r in second})
    assert names(first)[0] == "Client00 Page"


def test_edit_updates_search_terms(studio):
    zoe = clients.search(studio, "zoe")[0]
    record = clients.get(studio, zoe.id)
    changed = clients.parse({"first_name": "Zoë", "last_name": "Novak", "date_of_birth": "1985-03-12"})
    clients.update(studio, zoe.id, record.version, changed)
    assert clients.search(studio, "odegard") == []
    assert names(clients.search(studio, "novak")) == ["Zoë Novak"]
    assert clients.search(studio, "4421") == []  # the phone was cleared


def test_archived_clients_hidden_unless_asked(studio):
    jose = clients.search(studio, "garcia")[0]
    archived = clients.set_archived(studio, jose.id, clients.get(studio, jose.id).version, True)
    assert archived.archived
    assert clients.search(studio, "garcia") == []
    shown = clients.search(studio, "garcia", include_archived=True)
    assert [r.archived for r in shown] == [True]
    restored = clients.set_archived(studio, jose.id, archived.version, False)
    assert names(clients.search(studio, "garcia")) == ["José García"]
    assert restored.version == archived.version + 1


def test_likely_duplicates_ignore_case_and_accents(studio):
    dupes = clients.likely_duplicates(studio, "zoe", "LUKASIEWICZ-ODEGARD", date(1985, 3, 12))
    assert names(dupes) == ["Zoë Łukasiewicz-Ødegård"]
    assert clients.likely_duplicates(studio, "zoe", "lukasiewicz-odegard", date(1985, 3, 13)) == []
    assert clients.likely_duplicates(studio, "zoe", "lukasiewicz-odegard", None) == []
    assert clients.likely_duplicates(studio, "zoe", "lukasiewicz-odegard", date(1985, 3, 12), exclude_id=dupes[0].id) == []


def test_stale_save_is_refused_and_names_the_desk_change(database):
    with database.session_factory.begin() as s:
        created = add(s, first_name="Mia")
    with database.session_factory.begin() as s:
        clients.update(s, created.id, created.version, clients.parse({"first_name": "Mia", "last_name": "Silva", "phone": "555 123 4567"}))
    with pytest.raises(StaleEdit, match="changed at another desk"), database.session_factory.begin() as s:
        clients.update(s, created.id, created.version, clients.parse({"first_name": "Mia", "last_name": "Silva", "occupation": "nurse"}))
    with database.session_factory() as s:
        kept = clients.get(s, created.id)
    assert kept.details.phone == "555 123 4567" and kept.details.occupation is None


def test_version_and_times_move_on_save(session):
    created = add(session)
    updated = clients.update(session, created.id, created.version, clients.parse({"first_name": "Ana", "last_name": "Souza"}))
    assert updated.version == created.version + 1
    assert updated.updated_at >= created.updated_at
    assert updated.created_at == created.created_at


def test_references_resolve_to_names_and_unknown_ones_are_refused(session):
    trainer = staff.create(session, staff.parse({"first_name": "Kai", "last_name": "Berg", "role": "trainer"}))
    doctor = clinicians.create(session, clinicians.parse({"first_name": "Ida", "last_name": "Holm", "specialty": "primary_care"}))
    record = add(session, trainer_id=trainer.id, physician_id=doctor.id)
    assert (record.trainer_name, record.physician_name) == ("Kai Berg", "Ida Holm")
    with pytest.raises(ValidationError) as refused:
        add(session, first_name="Bo", trainer_id=9999)
    assert "trainer_id" in refused.value.errors


def test_invalid_input_is_refused_with_every_reason():
    with pytest.raises(ValidationError) as refused:
        clients.parse({"first_name": "", "last_name": "", "email": "x", "date_of_birth": "1800-01-01"})
    assert set(refused.value.errors) == {"first_name", "last_name", "email", "date_of_birth"}


def test_missing_client_is_a_clear_error(session):
    with pytest.raises(NotFound, match="no longer exists"):
        clients.get(session, 424242)


def test_fields_and_details_agree():
    import dataclasses

    assert [f.name for f in clients.FIELDS] == [f.name for f in dataclasses.fields(clients.ClientDetails)]
