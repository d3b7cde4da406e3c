"""A demo studio to show and try Upright with, and a bulk generator of clients for benchmarks.

The demo goes through the same services the forms use (and parses its text the way the forms
do), so what it makes is exactly what a person could have typed. The generator skips the ORM
on purpose — 100,000 clients one `create` at a time would take minutes — but stores the same
sort key and search terms the clients service would, so search finds generated clients alike.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from studio.errors import UprightError
from studio.models import Client, ClientSearchTerm, StudioProfile
from studio.models.base import utcnow
from studio.services import clients, clinicians, staff, studio_profile
from studio.services.clients import ClientDetails
from studio.services.search_terms import client_terms
from studio.text import joined, sort_key


class StudioNotEmpty(UprightError):
    """The demo only goes into an empty database, so it never mixes with a studio's real data."""


@dataclass(frozen=True)
class DemoSummary:
    studio_name: str
    staff: int
    clinicians: int
    clients: int
    archived_clients: int


# --- the demo studio ------------------------------------------------------------------------

STUDIO = {
    "name": "Upright Demo Studio",
    "address": "Unit 4, Canal Yard\n21 Wharf Road\nLondon N1 7GR\nUnited Kingdom",
    "phone": "+44 20 7946 0100",
    "email": "hello@upright-demo.example.com",
    "weight_unit": "kg",
    "length_unit": "cm",
    "paper": "a4",
}

# (first, last, role, credentials)
STAFF = (
    ("Helen", "Marsh", "owner", "NSCA-CSCS, MSc Sports Rehabilitation"),
    ("Tomás", "Ferreira", "trainer", "NSCA-CSCS"),
    ("Priya", "Raman", "trainer", "ACE-CPT"),
    ("Jonas", "Lindqvist", "trainer", "NASM-CES"),
    ("Grace", "Okafor", "front_desk", None),
    ("Liam", "Doyle", "front_desk", None),
)

# (first, last, credentials, specialty, practice, accepting_new, preferred_contact, fax?, note)
CLINICIANS = (
    ("Sarah", "Whitfield", "MBBS, MRCGP", "primary_care", "Wharf Road Surgery", True, "email", True, None),
    (
        "Rajesh",
        "Kapoor",
        "MBBS, MRCGP",
        "primary_care",
        "Islington Health Centre",
        True,
        "fax",
        True,
        "Prefers referral letters by fax; replies within a week.",
    ),
    (
        "Anna",
        "Kowalski",
        "MD",
        "primary_care",
        "Canal Side Medical Practice",
        False,
        "phone",
        False,
        "Not taking new referrals until the new partner starts.",
    ),
    ("Ifeoma", "Nwosu", "FRCA, FFPMRCA", "pain_specialist", "North London Pain Clinic", True, "email", True, None),
    (
        "Dimitri",
        "Volkov",
        "MD, FFPMRCA",
        "pain_specialist",
        "St Brennan's Hospital Pain Service",
        True,
        "post",
        True,
        "Needs a GP letter as well as ours.",
    ),
    (
        "Claire",
        "Dubois",
        "MCSP",
        "physiotherapist",
        "Move Well Physiotherapy",
        True,
        "email",
        False,
        "Good with desk workers; shares exercise notes.",
    ),
    ("Marcus", "Bell", "DC", "chiropractor", "Angel Chiropractic", True, "phone", False, None),
    (
        "Elena",
        "Rossi",
        "FRCS (Tr & Orth)",
        "orthopaedic_surgeon",
        "St Brennan's Hospital Spinal Unit",
        False,
        "post",
        True,
        "Only through the GP; send ours as supporting information.",
    ),
    ("Kwame", "Mensah", "MBChB, FFSEM", "sports_medicine", "City Sports Medicine", True, "email", False, None),
    (
        "Hannah",
        "Stein",
        "DClinPsy",
        "psychologist",
        "Mind & Back Psychology",
        True,
        "email",
        False,
        "Pain-focused CBT; client can self-refer too.",
    ),
    ("Yusuf", "Demir", "BSc Podiatry", "other", "Step Right Podiatry", True, "phone", False, None),
    (
        "Mei",
        "Chen",
        "MCSP",
        "physiotherapist",
        "Harbour Physio & Pilates",
        False,
        "email",
        False,
        "Waiting list about six weeks.",
    ),
)

# (first, last, preferred, email local part, occupation)
CLIENTS = (
    ("Zoë", "Łukasiewicz-Ødegård", None, "zoe.lukasiewicz", "Architect (desk work)"),
    ("José", "García", "Pepe", "jose.garcia", "Warehouse supervisor"),
    ("Thị Lan", "Nguyễn", "Lan", "lan.nguyen", "Nurse (night shifts)"),
    ("Αλέξανδρος", "Παπαδόπουλος", "Alex", "alex.papadopoulos", "Taxi driver"),
    ("Ольга", "Иванова", "Olga", "olga.ivanova", "Accountant"),
    ("Siobhán", "O'Brien", None, "siobhan.obrien", "Primary school teacher"),
    ("Oluwaseun", "Adeyemi", "Seun", "seun.adeyemi", "Software developer"),
    ("花子", "佐藤", "Hanako", "hanako.sato", "Graphic designer"),
    ("Mohammed", "Al-Farsi", None, "m.alfarsi", "Delivery driver"),
    ("Søren", "Kjærgaard", None, "soren.kjaergaard", "Carpenter"),
    ("Ayşe", "Yılmaz", None, "ayse.yilmaz", "Hairdresser"),
    ("Margaret", "Thompson", "Peggy", "peggy.thompson", "Retired librarian"),
    ("Rafael", "Núñez", None, "rafael.nunez", "Chef"),
    ("Ingrid", "Bergström", None, "ingrid.bergstrom", "Dental hygienist"),
    ("Kofi", "Boateng", None, "kofi.boateng", "Bus driver"),
    ("Chloé", "Lefèvre", None, "chloe.lefevre", "Call-centre agent"),
    ("Wojciech", "Wiśniewski", "Wojtek", "wojtek.wisniewski", "Forklift operator"),
    ("Aoife", "Ní Bhriain", None, "aoife.nibhriain", "Physiotherapy student"),
    ("Rahul", "Sharma", None, "rahul.sharma", "Accountant"),
    ("Fatima", "Zahra", None, "fatima.zahra", "Pharmacist"),
    ("Björn", "Þórsson", None, "bjorn.thorsson", "Plumber"),
    ("Daniel", "Cohen", "Dan", "dan.cohen", "Lawyer"),
    ("Minh", "Trần", None, "minh.tran", "Restaurant owner"),
    ("Eleni", "Georgiou", None, "eleni.georgiou", "Care-home assistant"),
    ("Dmitri", "Sokolov", None, "dmitri.sokolov", "Lorry driver"),
    ("Lucía", "Fernández", None, "lucia.fernandez", "Nurse"),
    ("Hamish", "MacLeod", None, "hamish.macleod", "Retired postman"),
    ("Ji-woo", "Park", None, "jiwoo.park", "Violinist"),
    ("Amara", "Okonkwo", None, "amara.okonkwo", "Supermarket stocker"),
    ("Patrick", "Byrne", "Paddy", "paddy.byrne", "Bricklayer"),
)
ARCHIVED_CLIENTS = ("Margaret Thompson", "Hamish MacLeod")

REFERRAL_SOURCES = (
    "GP recommendation", "Physio referral", "Friend or family", "Google search", "Instagram",
    "Walked past the studio", "Employer health scheme", "Returning client",
)  # fmt: skip
STREETS = ("Upper Street", "Essex Road", "Caledonian Road", "Liverpool Road", "St Paul's Road", "Holloway Road")
NOTES = (
    "Morning sessions only; drops children at school first.",
    "Pain worse after long drives. Brings own mat & towel.",
    "Wants to get back to 5-a-side football by summer.",
    "Hearing aid in left ear; face them when explaining exercises.",
    "Sits 9+ hours a day; standing desk arriving next month.",
    "Prefers written handouts, large print.",
)


def _phone(rng: random.Random) -> str:
    # Ofcom's ranges reserved for drama (07700 900xxx, 020 7946 0xxx): never a real person's line.
    return f"07700 900{rng.randrange(1000):03d}" if rng.random() < 0.8 else f"020 7946 0{rng.randrange(1000):03d}"


def _address(rng: random.Random) -> str:
    return f"{rng.randint(1, 240)} {rng.choice(STREETS)}\nLondon N{rng.randint(1, 19)}"


def _days_ago(today: date, rng: random.Random, low: int, high: int) -> date:
    return today - timedelta(days=rng.randint(low, high))


def _is_empty(session: Session) -> bool:
    has_client = session.scalar(select(func.count()).select_from(Client)) > 0
    has_profile = session.scalar(select(func.count()).select_from(StudioProfile)) > 0
    return not (has_client or has_profile)


def fill_demo_studio(session: Session, today: date | None = None, seed: int = 2026) -> DemoSummary:
    """Set up a plausible studio — profile, staff, clinician network, about 30 clients.

    The same seed and day give the same studio. Refuses a database that already has clients or
    a studio profile, so demo people never end up among a real studio's clients.
    """
    today = today or date.today()
    if not _is_empty(session):
        raise StudioNotEmpty(
            "This database already has a studio in it (clients or studio details), so the demo was "
            "not added. Use a new, empty database file for the demo."
        )
    rng = random.Random(seed)
    profile = studio_profile.save(session, studio_profile.parse(STUDIO, today))

    trainers: list[int] = []  # the people a client can be assigned to
    for first, last, role, credentials in STAFF:
        email = f"{joined(first)}@upright-demo.example.com"
        rec = staff.create(
            session,
            staff.parse({"first_name": first, "last_name": last, "role": role, "credentials": credentials,
                         "phone": _phone(rng), "email": email}, today),
        )  # fmt: skip
        if role in staff.TRAINING_ROLES:
            trainers.append(rec.id)

    network: dict[str, list[int]] = {}
    for first, last, cred, specialty, practice, accepting, contact, has_fax, note in CLINICIANS:
        number = f"020 7946 0{rng.randrange(1000):03d}"
        raw = {
            "first_name": first, "last_name": last, "credentials": cred, "specialty": specialty,
            "practice": practice, "address": _address(rng),
            "phone": number, "fax": f"020 7946 0{rng.randrange(1000):03d}" if has_fax else None,
            "email": f"{joined(first)}.{joined(last)}@{joined(practice)[:20]}.example.org",
            "preferred_contact": contact, "accepting_new": accepting, "notes": note,
        }  # fmt: skip
        rec = clinicians.create(session, clinicians.parse(raw, today))
        network.setdefault(specialty, []).append(rec.id)
    physicians = network["primary_care"] * 3 + network["physiotherapist"] + network["sports_medicine"]

    created = archived = 0
    for first, last, preferred, email, occupation in CLIENTS:
        age = rng.randint(24, 76)
        signed = _days_ago(today, rng, 7, 900)
        raw = {
            "first_name": first, "last_name": last, "preferred_name": preferred,
            "date_of_birth": date(today.year - age, rng.randint(1, 12), rng.randint(1, 28)),
            "phone": _phone(rng), "email": f"{email}@example.com",
            "address": _address(rng),
            "emergency_contact_name": rng.choice(("Partner", "Sister", "Brother", "Son", "Daughter", "Friend")),
            "emergency_contact_phone": _phone(rng), "occupation": occupation,
            "trainer_id": rng.choice(trainers),
            "physician_id": rng.choice(physicians) if rng.random() < 0.5 else None,
            "referral_source": rng.choice(REFERRAL_SOURCES),
            "consent_to_share_date": signed if rng.random() < 0.7 else None,
            "waiver_signed_date": signed,
            "notes": rng.choice(NOTES) if rng.random() < 0.3 else None,
        }  # fmt: skip
        rec = clients.create(session, clients.parse(raw, today))
        created += 1
        if f"{first} {last}" in ARCHIVED_CLIENTS:
            clients.set_archived(session, rec.id, rec.version, True)
            archived += 1
    return DemoSummary(profile.details.name, len(STAFF), len(CLINICIANS), created, archived)


# --- bulk clients for benchmarks ------------------------------------------------------------

_ONSETS = ("b", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "ch", "sh", "br", "kr", "st", "")
# Mostly plain vowels, with enough accented and dotless ones that folding is exercised.
_VOWELS = ("a", "e", "i", "o", "u") * 3 + ("ai", "ei", "ou", "ä", "é", "ø", "ı", "ō")
_CODAS = ("", "", "n", "r", "s", "l", "k", "m", "rt", "nd", "sk")
_BATCH = 5000
_CLIENT_COLUMNS = tuple(f.name for f in clients.FIELDS)


def _name(rng: random.Random, syllables: int) -> str:
    return "".join(
        rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(syllables)
    ).capitalize()


def _generated(rng: random.Random, n: int) -> ClientDetails:
    first = _name(rng, rng.randint(1, 3))
    last = _name(rng, rng.randint(2, 3))
    if rng.random() < 0.1:
        last += "-" + _name(rng, 2)
    ascii_name = f"{joined(first)}.{joined(last)}".encode("ascii", "ignore").decode() or "client"
    return ClientDetails(
        first_name=first,
        last_name=last,
        preferred_name=_name(rng, 1) if rng.random() < 0.05 else None,
        date_of_birth=date(1935, 1, 1) + timedelta(days=rng.randrange(365 * 70)),
        phone=f"07{rng.randrange(1000):03d} {rng.randrange(1000000):06d}",
        email=f"{ascii_name}{n}@example.com",
        occupation=rng.choice(("Office worker", "Nurse", "Driver", "Warehouse", "Teacher", "Retired", None)),
    )


def generate_clients(session: Session, count: int, seed: int = 1) -> int:
    """Add `count` made-up clients quickly (Core executemany in batches); returns how many.

    Deterministic for a seed. Meant for benchmarks and load tests, never for a real studio.
    """
    rng = random.Random(seed)
    client_table = Client.__table__
    term_table = ClientSearchTerm.__table__
    insert_clients = insert(client_table).returning(client_table.c.id, sort_by_parameter_order=True)
    now = utcnow()
    done = 0
    while done < count:
        batch = [_generated(rng, done + i) for i in range(min(_BATCH, count - done))]
        rows: list[dict[str, Any]] = [
            {
                **{name: getattr(d, name) for name in _CLIENT_COLUMNS},
                "sort_key": sort_key(d.last_name, d.first_name),
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
            for d in batch
        ]
        ids = session.execute(insert_clients, rows).scalars().all()
        terms = [{"client_id": cid, "term": term} for cid, d in zip(ids, batch) for term in client_terms(d)]
        session.execute(insert(term_table), terms)
        done += len(batch)
    return done
