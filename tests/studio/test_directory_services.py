import dataclasses

import pytest

from studio.errors import StaleEdit
from studio.services import accounts, clinicians, staff, studio_profile


def doctor(session, first, last, specialty, **more):
    return clinicians.create(session, clinicians.parse({"first_name": first, "last_name": last, "specialty": specialty, **more}))


def test_clinician_directory_filters_by_specialty_acceptance_and_words(session):
    doctor(session, "Ida", "Holm", "primary_care", practice="Harbour Family Practice", accepting_new="yes")
    doctor(session, "Raj", "Patel", "pain_specialist", practice="City Pain Clinic", accepting_new="no")
    doctor(session, "Lena", "Novak", "physiotherapist", practice="Harbour Physio", accepting_new=True, email="lena@physio.example")
    every = clinicians.search(session)
    assert [c.details.last_name for c in every] == ["Holm", "Novak", "Patel"]
    assert [c.details.last_name for c in clinicians.search(session, specialty="pain_specialist")] == ["Patel"]
    assert [c.details.last_name for c in clinicians.search(session, accepting_only=True)] == ["Holm", "Novak"]
    assert [c.details.last_name for c in clinicians.search(session, "harbour")] == ["Holm", "Novak"]
    assert [c.details.last_name for c in clinicians.search(session, "harbour physio")] == ["Novak"]
    assert [c.details.last_name for c in clinicians.search(session, "lena@")] == ["Novak"]


def test_specialty_accepts_code_or_label_and_refuses_others():
    assert clinicians.parse({"first_name": "A", "last_name": "B", "specialty": "Sports medicine physician"}).specialty == "sports_medicine"
    with pytest.raises(Exception, match="Choose one of"):
        clinicians.parse({"first_name": "A", "last_name": "B", "specialty": "surgeon"})


def test_archived_clinicians_leave_the_directory(session):
    ida = doctor(session, "Ida", "Holm", "primary_care")
    clinicians.set_archived(session, ida.id, ida.version, True)
    assert clinicians.search(session) == []
    assert [c.archived for c in clinicians.search(session, include_archived=True)] == [True]


def test_staff_roles_and_trainers_list(session):
    staff.create(session, staff.parse({"first_name": "Kai", "last_name": "Berg", "role": "trainer", "credentials": "NSCA-CSCS"}))
    staff.create(session, staff.parse({"first_name": "Amy", "last_name": "Cole", "role": "Front desk"}))
    staff.create(session, staff.parse({"first_name": "Tom", "last_name": "Ash", "role": "owner"}))
    assert [s.name for s in staff.list_staff(session)] == ["Tom Ash", "Kai Berg", "Amy Cole"]
    assert [s.name for s in staff.list_staff(session, roles=staff.TRAINING_ROLES)] == ["Tom Ash", "Kai Berg"]
    assert staff.list_staff(session)[2].role_label == "Front desk"


def test_staff_are_in_the_same_name_order_as_clients_on_every_backend(session):
    """Case and accents don't count, whatever the database's collation (SQLite's puts every
    capital before "de" and "Ø" after "Z")."""
    for first, last in (("Søren", "Østergaard"), ("Lucía", "de la Cruz"), ("Eva", "Zimmer"), ("Kai", "Berg"),
                        ("Ana", "álvarez"), ("Ben", "Berg")):
        staff.create(session, staff.parse({"first_name": first, "last_name": last, "role": "trainer"}))
    expected = ["Ana álvarez", "Ben Berg", "Kai Berg", "Lucía de la Cruz", "Søren Østergaard", "Eva Zimmer"]
    assert [s.name for s in staff.list_staff(session)] == expected
    assert [c.name for c in accounts.sign_in_choices(session)] == expected  # the sign-in screen


def test_studio_profile_is_created_once_then_edited(session):
    assert studio_profile.get(session) is None
    first = studio_profile.save(session, studio_profile.parse({"name": "Core Studio", "weight_unit": "lb", "length_unit": "in", "paper": "US Letter"}))
    assert first.details.paper == "letter"
    second = studio_profile.save(session, dataclasses.replace(first.details, name="Core Studio West"), first.version)
    assert studio_profile.get(session).details.name == "Core Studio West"
    assert second.id == first.id
    with pytest.raises(StaleEdit):
        studio_profile.save(session, first.details, first.version)
