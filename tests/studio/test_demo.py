"""The demo studio and the bulk client generator."""

from __future__ import annotations

import time
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import func, select

from studio.db import open_database
from studio.errors import UprightError
from studio.fields import format_value
from studio.models import Assessment, Client, ClientSearchTerm, MedicalClearance
from studio.services import clients, clinicians, demo, staff, studio_profile

TODAY = date(2026, 5, 1)


def _open(path):
    return open_database(path, create=True)


# `database` comes from tests/conftest.py.


@pytest.fixture()
def filled(database):
    with database.session_factory.begin() as s:
        summary = demo.fill_demo_studio(s, today=TODAY)
    return database, summary


def test_summary_counts_what_is_in_the_database(filled):
    database, summary = filled
    with database.session_factory() as s:
        everyone = clients.all_records(s)
        assert summary == demo.DemoSummary(
            "Upright Demo Studio", staff=6, clinicians=12, clients=len(everyone), archived_clients=2,
            assessments=s.scalar(select(func.count()).select_from(Assessment)),
            clearances=s.scalar(select(func.count()).select_from(MedicalClearance)),
        )  # fmt: skip
        assert 28 <= len(everyone) <= 32
        assert sum(r.archived for r in everyone) == 2
        assert len(clinicians.search(s, include_archived=True)) == 12
        assert len(staff.list_staff(s, include_archived=True)) == 6


def test_studio_profile_is_metric_a4_with_contact_details(filled):
    database, _ = filled
    with database.session_factory() as s:
        profile = studio_profile.get(s).details
    assert (profile.weight_unit, profile.length_unit, profile.paper) == ("kg", "cm", "a4")
    assert profile.address and profile.phone and profile.email


def test_staff_roles_and_trainer_credentials(filled):
    database, _ = filled
    with database.session_factory() as s:
        people = staff.list_staff(s)
    assert Counter(p.details.role for p in people) == {"owner": 1, "trainer": 3, "front_desk": 2}
    credentials = " ".join(p.details.credentials or "" for p in people if p.details.role == "trainer")
    for expected in ("NSCA-CSCS", "ACE-CPT", "NASM-CES"):
        assert expected in credentials


def test_clinician_network_covers_every_specialty(filled):
    database, _ = filled
    with database.session_factory() as s:
        network = clinicians.search(s, include_archived=True)
    by_specialty = Counter(c.details.specialty for c in network)
    assert set(by_specialty) == {code for code, _ in clinicians.SPECIALTIES}
    assert by_specialty["primary_care"] >= 2
    assert by_specialty["pain_specialist"] == 2
    assert any(c.details.fax for c in network) and not all(c.details.fax for c in network)
    assert any(not c.details.accepting_new for c in network)
    assert all(c.details.practice and c.details.phone and c.details.email for c in network)
    assert all(c.details.preferred_contact for c in network)
    assert any(c.details.notes for c in network)


def test_clients_come_from_many_languages_and_scripts(filled):
    database, _ = filled
    with database.session_factory() as s:
        names = {r.name for r in clients.all_records(s)}
        expected = {
            "Zoë Łukasiewicz-Ødegård", "José García", "Αλέξανδρος Παπαδόπουλος", "Ольга Иванова",
            "Siobhán O'Brien", "Oluwaseun Adeyemi", "花子 佐藤", "Mohammed Al-Farsi", "Ayşe Yılmaz",
        }  # fmt: skip
        assert expected <= names
        assert any("Nguyễn" in name for name in names)
        # Found the way the desk types them: without accents, by the Latin preferred name.
        assert [r.list_name for r in clients.search(s, "lukasiewicz")] == ["Łukasiewicz-Ødegård, Zoë"]
        assert [r.list_name for r in clients.search(s, "hanako")] == ["佐藤, 花子 (Hanako)"]
        assert [r.list_name for r in clients.search(s, "obrien")] == ["O'Brien, Siobhán"]


def test_clients_are_plausible_and_would_pass_the_form(filled):
    database, _ = filled
    with database.session_factory() as s:
        everyone = clients.all_records(s)
        training = {p.id for p in staff.list_staff(s, roles=staff.TRAINING_ROLES)}
        for r in everyone:
            d = r.details
            assert 18 <= (TODAY - d.date_of_birth).days // 365 <= 90, r.name
            assert d.email and d.email.isascii() and d.phone and d.occupation
            assert d.trainer_id in training
            assert d.waiver_signed_date and d.waiver_signed_date <= TODAY
            assert d.consent_to_share_date is None or d.consent_to_share_date <= TODAY
            # What the form would show, typed back in, gives the same client.
            typed = {f.name: format_value(f, getattr(d, f.name)) for f in clients.FIELDS}
            typed["trainer_id"], typed["physician_id"] = d.trainer_id, d.physician_id
            assert clients.parse(typed, TODAY) == d
        assert 0 < sum(r.details.physician_id is not None for r in everyone) < len(everyone)
        assert len({r.details.referral_source for r in everyone}) >= 4
        assert any(r.details.notes for r in everyone)
        assert any(r.details.preferred_name for r in everyone)


def test_the_same_seed_gives_the_same_studio_and_another_seed_does_not(tmp_path):
    def snapshot(name: str, seed: int):
        db = _open(tmp_path / name)
        with db.session_factory.begin() as s:
            demo.fill_demo_studio(s, today=TODAY, seed=seed)
            result = [(r.details, r.archived) for r in clients.all_records(s)]
        db.close()
        return result

    first = snapshot("a.sqlite", 7)
    assert snapshot("b.sqlite", 7) == first
    assert snapshot("c.sqlite", 8) != first


def test_refuses_a_database_that_already_has_clients(filled):
    database, _ = filled
    with pytest.raises(UprightError, match="already has a studio"):
        with database.session_factory.begin() as s:
            demo.fill_demo_studio(s, today=TODAY)
    with database.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Client)) == 30


def test_refuses_a_database_with_only_a_studio_profile(database):
    with database.session_factory.begin() as s:
        studio_profile.save(s, studio_profile.StudioDetails("Real Studio Ltd"))
    with pytest.raises(demo.StudioNotEmpty):
        with database.session_factory.begin() as s:
            demo.fill_demo_studio(s, today=TODAY)


# --- the bulk generator ---------------------------------------------------------------------


def test_generated_clients_are_found_by_name_phone_email_and_birth_date(database):
    with database.session_factory.begin() as s:
        assert demo.generate_clients(s, 300, seed=5) == 300
    with database.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Client)) == 300
        for client_id in (1, 150, 300):
            row = s.execute(
                select(Client.first_name, Client.last_name, Client.phone, Client.email, Client.date_of_birth).where(
                    Client.id == client_id
                )
            ).one()
            first, last, phone, email, born = row
            tail = phone.split()[-1]
            queries = [
                f"{last} {first}",
                last.upper(),
                tail,
                email,
                born.isoformat(),
                born.strftime("%d/%m/%Y"),
                f"{first[:2]} {born:%Y-%m}",
            ]
            for query in queries:
                found = {r.id for r in clients.search(s, query, limit=1000)}
                assert client_id in found, (query, row)


def test_generated_rows_match_what_the_service_would_store(database):
    """Saving a generated client through the service must change neither its sort key nor its
    search terms: the generator's shortcut stores exactly what the service computes."""
    with database.session_factory.begin() as s:
        demo.generate_clients(s, 50, seed=11)

    def stored(s, client_id):
        sort = s.scalar(select(Client.sort_key).where(Client.id == client_id))
        terms = set(s.scalars(select(ClientSearchTerm.term).where(ClientSearchTerm.client_id == client_id)))
        return sort, terms

    with database.session_factory.begin() as s:
        for client_id in range(1, 51):
            before = stored(s, client_id)
            assert before[0] and before[1]
            record = clients.get(s, client_id)
            clients.update(s, client_id, record.version, record.details)
            assert stored(s, client_id) == before


def test_generator_is_deterministic_and_varied(tmp_path):
    def names(path, seed):
        db = _open(path)
        with db.session_factory.begin() as s:
            demo.generate_clients(s, 200, seed=seed)
            result = [(r.first_name, r.last_name, r.date_of_birth) for r in clients.search(s, "", limit=500)]
        db.close()
        return result

    first = names(tmp_path / "a.sqlite", 3)
    assert names(tmp_path / "b.sqlite", 3) == first
    assert names(tmp_path / "c.sqlite", 4) != first
    assert len({last for _, last, _ in first}) > 150
    assert len({born for _, _, born in first}) > 150


def test_generator_goes_alongside_the_demo_and_is_fast(filled):
    database, _ = filled
    started = time.perf_counter()
    with database.session_factory.begin() as s:
        demo.generate_clients(s, 10_000)
    elapsed = time.perf_counter() - started
    # The budget is 100,000 in well under a minute: 10,000 must take well under 6 seconds.
    assert elapsed < 6, f"{elapsed:.1f} s for 10,000 clients"
    with database.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Client)) == 10_030
        assert [r.list_name for r in clients.search(s, "lukasiewicz")] == ["Łukasiewicz-Ødegård, Zoë"]
