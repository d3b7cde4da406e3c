"""A demo studio to show and try Upright with, and a bulk generator of clients for benchmarks.

The demo goes through the same services the forms use (and parses its text the way the forms
do), so what it makes is exactly what a person could have typed. The generator skips the ORM
on purpose — 100,000 clients one `create` at a time would take minutes — but stores the same
sort key and search terms the clients service would, so search finds generated clients alike.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from studio.clinical.assessment import (
    AssessmentData,
    EnduranceTimes,
    Goal,
    Lifestyle,
    PainHistory,
    ProvocationResult,
    PsfsActivity,
    Questionnaires,
    RangeOfMotion,
    findings,
)
from studio.clinical.provocation import PROVOCATION_TESTS
from studio.errors import UprightError
from studio.exercises import SessionEntry, by_code, load_library, next_in_chain
from studio.exercises.progression import PROGRESS, REGRESS
from studio.models import (
    Assessment,
    Client,
    ClientSearchTerm,
    Document,
    MedicalClearance,
    Program,
    ProgramChange,
    Referral,
    StaffMember,
    StudioProfile,
)
from studio.models.base import utcnow
from studio import access
from studio.services import (
    accounts, assessments, clearances, clients, clinicians, documents, programs, referrals, staff, studio_profile,
)  # fmt: skip
from studio.services.assessments import day_label
from studio.services.clients import ClientDetails
from studio.services.demo_studio import DEMO_PASSWORDS, STUDIO
from studio.services.search_terms import client_terms
from studio.text import joined, sort_key


class StudioNotEmpty(UprightError):
    """The demo only goes into an empty database, so it never mixes with a studio's real data."""


@dataclass(frozen=True)
class DemoSignIn:
    """A demo staff member to try Upright as: the sign-in screen and `upright-admin demo` show these."""

    staff_id: int
    name: str
    role: str
    role_label: str
    password: str


@dataclass(frozen=True)
class DemoSummary:
    studio_name: str
    staff: int
    clinicians: int
    clients: int
    archived_clients: int
    assessments: int = 0
    clearances: int = 0
    programs: int = 0
    session_logs: int = 0
    referrals: int = 0
    documents: int = 0
    # Who to sign in as, with the published demo passwords (one or more of every role).
    sign_ins: tuple[DemoSignIn, ...] = dataclasses.field(default=(), compare=False)

    def describe(self) -> str:
        """One sentence for the person who asked for the demo (the admin command prints it)."""
        return (
            f"Demo studio “{self.studio_name}”: {self.staff} staff, {self.clinicians} clinicians, "
            f"{self.clients} clients ({self.archived_clients} archived), {self.assessments} assessments, "
            f"{self.clearances} medical clearances, {self.referrals} referrals, {self.programs} programs, "
            f"{self.session_logs} logged sessions and {self.documents} documents handed out."
        )

    def sign_in_lines(self) -> list[str]:
        """"Helen Marsh (owner): owner-demo", one line per demo staff member."""
        return [f"{s.name} ({s.role_label}): {s.password}" for s in self.sign_ins]


MakeDocument = Callable[..., Any]
"""`make_document(session, request, today=day) -> made`, with `made.request .title .content
.pages .author_id` (it is `reports.documents.make`; studio/ never imports reports itself)."""


# --- the demo studio ------------------------------------------------------------------------

# The demo studio's letterhead and its staff's published passwords: studio/services/demo_studio.py

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


@access.guarded("studio.settings", or_if=accounts.needs_owner)  # the first start, before any account
def fill_demo_studio(
    session: Session, today: date | None = None, seed: int = 2026, make_document: MakeDocument | None = None
) -> DemoSummary:
    """Set up a plausible studio — profile, staff, clinician network, about 30 clients, and
    for most of them assessments over several months with the stories in STORIES (improving,
    stalled, red flags cleared or not), referrals as in REFERRAL_STORIES (one in every status;
    the replies record the medical clearances), and exercise programs with session logs as in
    PROGRAM_STORIES (progressed, regressed, declined, replaced; a draft only where the safety
    gate blocks).

    With `make_document` (`reports.documents.make`), the documents handed out are recorded too,
    each on its day in the story: the handout of every program when it was made active, the
    letter of every referral when it was sent, progress reports for two improving clients and a
    blank ODI questionnaire for the waiting room. Without it no documents are recorded.

    The same seed and day give the same studio. Refuses a database that already has clients or
    a studio profile, so demo people never end up among a real studio's clients.
    """
    if not access.may(session, "studio.settings"):
        # The very first start, before anyone has an account (the guard's `or_if`): the demo
        # makes the accounts, so it may do everything the owner could.
        with access.granting(session, *access.PERMISSIONS):
            return fill_demo_studio.__wrapped__(session, today, seed, make_document)
    today = today or date.today()
    if not _is_empty(session):
        raise StudioNotEmpty(
            "This database already has a studio in it (clients or studio details), so the demo was "
            "not added. Use a new, empty database file for the demo."
        )
    rng = random.Random(seed)
    profile = studio_profile.save(session, studio_profile.parse(STUDIO, today))

    trainers: list[int] = []  # the people a client can be assigned to
    sign_ins: list[DemoSignIn] = []
    for first, last, role, credentials in STAFF:
        email = f"{joined(first)}@upright-demo.example.com"
        rec = staff.create(
            session,
            staff.parse({"first_name": first, "last_name": last, "role": role, "credentials": credentials,
                         "phone": _phone(rng), "email": email}, today),
        )  # fmt: skip
        accounts.reset_password(session, rec.id, DEMO_PASSWORDS[role], must_change=False)
        sign_ins.append(DemoSignIn(rec.id, rec.name, role, rec.role_label, DEMO_PASSWORDS[role]))
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
    made: list[clients.ClientRecord] = []
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
        made.append(rec)
        created += 1
        if f"{first} {last}" in ARCHIVED_CLIENTS:
            clients.set_archived(session, rec.id, rec.version, True)
            archived += 1
    # Records that say who did something look the person up by id, and the session keeps only
    # rows something still refers to: holding the trainers here saves a query per history line.
    held = [session.get(StaffMember, staff_id) for staff_id in trainers]
    # Its own random stream, so adding stories never changes the clients above.
    story_rng = random.Random(f"{seed}-assessments")
    # Programs and sessions run in date order alongside each client's assessments, each client
    # with its own random stream, so they never change the assessments either.
    coaches = [
        _Coach(session, random.Random(f"{seed}-programs-{rec.name}"), today, rec, make_document) for rec in made
    ]
    counts = [_assessment_story(session, story_rng, today, rec, network, coach) for rec, coach in zip(made, coaches)]
    del held
    if make_document is not None:  # a stack of blank forms for the week's new clients
        _hand_out(session, make_document, documents.Request(documents.QUESTIONNAIRE, questionnaire="odi"),
                  today - timedelta(days=3), 0)  # fmt: skip

    def count(model: type) -> int:
        return session.scalar(select(func.count()).select_from(model))

    return DemoSummary(
        profile.details.name, len(STAFF), len(CLINICIANS), created, archived,
        assessments=sum(counts), clearances=count(MedicalClearance),
        programs=sum(c.programs for c in coaches), session_logs=sum(c.session_logs for c in coaches),
        referrals=count(Referral), documents=count(Document), sign_ins=tuple(sign_ins),
    )  # fmt: skip


# --- assessment stories ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Story:
    """How one client's assessments go. Severity runs from 0 (no trouble) to 1 (as bad as it
    gets) and drives every score, so pain, questionnaires and tests tell the same story."""

    profile: str = "flexion"  # which loads provoke: flexion / extension / mixed
    visits: int = 3  # signed assessments: the initial one, then re-assessments
    course: str = "improving"  # improving / plateau / flare (better, then a sudden turn)
    severity: float = 0.5  # at the initial assessment
    flags: tuple[str, ...] = ()  # red flags screened at the latest assessment
    flag_notes: str | None = None
    # (status, days after the latest assessment, clinician: None = network GP or a typed name,
    #  restrictions, notes)
    clearance: tuple[str, int, str | None, str | None, str | None] | None = None
    draft: str | None = None  # "only": a draft started today and nothing signed; "next": one more
    neural: bool = False  # leg symptoms below the knee and positive neural tension tests
    worry: float = 0.2  # how strongly the STarT Back psychosocial items are agreed with
    first_workup: str = "none"
    workup: str = "complete_resolved"
    latest_days_ago: tuple[int, int] = (4, 35)


STORIES = {
    "Zoë Łukasiewicz-Ødegård": _Story("flexion", visits=5, severity=0.55),
    "José García": _Story("mixed", visits=4, severity=0.6),
    "Thị Lan Nguyễn": _Story("extension", visits=4, severity=0.5, first_workup="complete_resolved"),
    # Training is not helping: after 6+ weeks without improvement the pathway suggests a pain specialist.
    "Αλέξανδρος Παπαδόπουλος": _Story(
        "flexion", visits=4, course="plateau", severity=0.55, first_workup="in_progress", workup="in_progress"
    ),
    "Siobhán O'Brien": _Story("extension", visits=2, severity=0.4),
    "Oluwaseun Adeyemi": _Story("flexion", visits=3, severity=0.45, draft="next"),
    "花子 佐藤": _Story(draft="only"),
    "Chloé Lefèvre": _Story("flexion", visits=3, severity=0.6, worry=0.95),
    "Wojciech Wiśniewski": _Story("flexion", visits=3, severity=0.6, neural=True),
    # Urgent flag: the GP's reply to the referral was "not cleared" until they had seen her oncology
    # letters, then a letter cleared her with restrictions: the gate passes.
    "Ingrid Bergström": _Story(
        "extension", visits=1, severity=0.45, flags=("cancer_history",), latest_days_ago=(18, 30),
        flag_notes="Client reports breast cancer treated in 2014; discharged from oncology follow-up in 2019.",
        clearance=("cleared_with_restrictions", 8, None, "No heavy loaded spinal flexion until the annual "
                   "oncology review in the autumn; progress loads gradually.", "Letter from the GP, scanned."),
    ),  # fmt: skip
    # Urgent flags at the latest re-assessment, referred the same day; an out-of-hours doctor has
    # not cleared him and his GP has not replied yet: the gate blocks.
    "Kofi Boateng": _Story(
        "mixed", visits=2, course="flare", severity=0.45, flags=("fever_or_infection", "night_pain"),
        latest_days_ago=(8, 12),
        flag_notes="Fever and chills for three days; pain at night not eased by any position.",
        clearance=("not_cleared", 3, "Dr Aisha Patel (out-of-hours GP)", None,
                   "Blood tests taken; no training until the results are back."),
    ),  # fmt: skip
    # Emergency flags at the latest re-assessment; the letter is drafted, not yet sent: the gate blocks.
    "Dmitri Sokolov": _Story(
        "flexion", visits=3, course="flare", severity=0.5, flags=("saddle_numbness", "bilateral_leg_symptoms"),
        latest_days_ago=(1, 3),
        flag_notes="Reported at the start of the session; sent to the emergency department, "
        "emergency contact phoned.",
    ),
    # Registered, not yet assessed.
    "Aoife Ní Bhriain": _Story(visits=0),
    "Ji-woo Park": _Story(visits=0),
    "Amara Okonkwo": _Story(visits=0),
    # Archived: their last assessments are long past.
    "Margaret Thompson": _Story("extension", visits=4, severity=0.5, latest_days_ago=(220, 300)),
    "Hamish MacLeod": _Story("mixed", visits=3, severity=0.45, latest_days_ago=(300, 400)),
}


@dataclass(frozen=True)
class _Referral:
    """One client's referral: written from a signed assessment, and how far it has got by the
    demo day. Days count from the assessment (sending) and from sending (the later steps)."""

    visit: int  # the signed assessment it is written from: 0 the first, -1 the latest
    status: str  # where it stands on the demo day
    sent_after: int = 1
    steps: tuple[tuple[str, int], ...] = ()  # (acknowledged / appointment_made, days after sending)
    reply: tuple[str, int, str | None, str | None] | None = None  # decision, days after sending, restrictions, notes
    specialty: str | None = None  # the trainer acts on an advisory: refers anyway, to this specialty
    reason: str | None = None  # instead of the prefilled reason; {day} and {psychosocial} filled in
    # Noted when the referral reaches `status` (a draft: when written); {day} and {clinician} filled in.
    notes: str | None = None
    within: int | None = None  # sent at most this many days before the demo day: still waiting


REFERRAL_STORIES = {
    # No medical workup yet at the first assessment: a routine letter to a GP, who cleared her.
    "Zoë Łukasiewicz-Ødegård": _Referral(
        0, referrals.REPLY_RECEIVED, sent_after=2,
        reply=("cleared", 9, None,
               "Examined her back; nothing of concern. Happy for a graded exercise program to continue."),
    ),  # fmt: skip
    # The same letter; the GP's reply slip cleared him with restrictions for his work.
    "José García": _Referral(
        0, referrals.REPLY_RECEIVED,
        reply=("cleared_with_restrictions", 10, "No lifting above 15 kg, at work or in training, for the next four "
               "weeks; then build up gradually.", "Reply slip returned by email."),
    ),  # fmt: skip
    # The same letter; he saw his GP before it was answered, as he told us at the re-assessment.
    "Oluwaseun Adeyemi": _Referral(
        0, referrals.CLOSED,
        notes="At the re-assessment on {day} the client said {clinician} had examined him and advised him to stay "
        "active; no written reply expected.",
    ),  # fmt: skip
    # The same letter; the client says the GP saw her, but no reply has come: overdue, to chase.
    "Siobhán O'Brien": _Referral(0, referrals.SENT, sent_after=3),
    # The plateau: no meaningful improvement after 6 weeks of training, so a pain specialist.
    "Αλέξανδρος Παπαδόπουλος": _Referral(
        -1, referrals.ACKNOWLEDGED, sent_after=2, steps=((referrals.ACKNOWLEDGED, 3),), within=9,
        notes="The clinic acknowledged the letter by email; triage within four weeks.",
    ),  # fmt: skip
    # STarT Back high risk at every assessment: the advisory acted on, to a physiotherapist.
    "Chloé Lefèvre": _Referral(
        -1, referrals.APPOINTMENT_MADE, specialty="physiotherapist", steps=((referrals.APPOINTMENT_MADE, 2),),
        within=6,
        reason="At our assessment on {day} the client's STarT Back Screening Tool result was in the high-risk band "
        "again (psychosocial subscore {psychosocial}/5), as at each assessment before it. We would value your "
        "assessment for psychologically informed care alongside the exercise program she follows with us.",
        notes="First appointment booked; the client will bring her home-program handout.",
    ),  # fmt: skip
    # Urgent flag: to a GP the next day, whose reply was "not cleared" until they had seen the
    # oncology letters; the clearance with restrictions came later (the story's clearance).
    "Ingrid Bergström": _Referral(
        -1, referrals.REPLY_RECEIVED,
        reply=("not_cleared", 3, None, "Would like to see the oncology discharge letter before advising; the client "
               "is bringing it to the surgery."),
    ),  # fmt: skip
    # Urgent flags: to a GP the same day and an appointment booked, but no reply by the follow-up
    # date (overdue); an out-of-hours doctor saw him meanwhile (the story's clearance).
    "Kofi Boateng": _Referral(
        -1, referrals.APPOINTMENT_MADE, sent_after=0,
        steps=((referrals.ACKNOWLEDGED, 1), (referrals.APPOINTMENT_MADE, 1)),
        notes="Appointment with {clinician} booked; the client will hand over the reply slip.",
    ),  # fmt: skip
    # Emergency flags: the letter for the emergency department written but not marked as sent.
    "Dmitri Sokolov": _Referral(
        -1, referrals.DRAFT,
        notes="Sent straight to the emergency department on {day}; emergency contact phoned. Mark the letter as "
        "sent once a copy has gone to the hospital.",
    ),  # fmt: skip
}
# Progress reports made at the latest re-assessment: client name -> audience.
PROGRESS_REPORTS = {"Zoë Łukasiewicz-Ødegård": "client", "Thị Lan Nguyễn": "clinician"}


# Tests that provoke symptoms for each profile, each with the severity above which it does.
PROVOKING = {
    "flexion": (("standing_flexion", 0.1), ("slumped_sitting", 0.15), ("sit_to_stand", 0.3), ("cough", 0.45)),
    "extension": (("standing_extension", 0.1), ("prone_press_up", 0.2), ("prolonged_standing", 0.25), ("brisk_walk", 0.35)),
    "mixed": (("standing_flexion", 0.15), ("standing_extension", 0.15), ("standing_rotation", 0.2),
              ("loaded_hold", 0.3), ("prolonged_standing", 0.35)),
}  # fmt: skip
NEURAL_TESTS = (("straight_leg_raise", 0.2), ("slump_test", 0.3))
EASING = {"flexion": ("prone_press_up",), "extension": ("standing_flexion",), "mixed": ()}
AGGRAVATING = {
    "flexion": (("sitting", "bending_forward", "lifting", "cough_sneeze"), ("walking", "lying_down")),
    "extension": (("standing", "walking", "arching_back"), ("sitting", "bending_forward", "lying_down")),
    "mixed": (("bending_forward", "arching_back", "twisting", "lifting"), ("lying_down",)),
}
MECHANISMS = {
    "flexion": ("lifting", "bending", "prolonged_sitting"),
    "extension": ("sport", "unknown"),
    "mixed": ("twisting_under_load", "lifting", "unknown"),
}
SEATED_WORK = ("desk", "Accountant", "developer", "designer", "driver", "Lawyer", "Call-centre", "Architect")
PSFS_ACTIVITIES = (
    "Sitting through a full work day", "Lifting a full laundry basket", "Playing on the floor with my children",
    "Running 5 km", "Driving for two hours", "Gardening for an hour", "Putting on socks and shoes",
    "Carrying the weekly shopping", "Playing 5-a-side football", "A full night's sleep without waking",
)  # fmt: skip
GOALS = (
    "Run a 10 km race", "Lift my grandchild without worrying about my back", "Sit through a long-haul flight",
    "Get back to 5-a-side football", "Garden all afternoon", "Work a full shift without painkillers",
    "Walk the coast path in Cornwall", "Deadlift 60 kg with good form", "Dance at my daughter's wedding",
)  # fmt: skip
ACTIVITY_NOW = (
    "Walks the dog twice a day", "Swims once a week", "Nothing regular since the pain started",
    "Yoga class on Sundays", "Cycles to work in summer", "Gym twice a week, machines only",
)  # fmt: skip
EPISODES = (
    "First episode", "Two similar episodes in the last five years, each settled in a few weeks",
    "Recurring every winter since their thirties", "One episode after a house move, ten years ago",
)  # fmt: skip
MEDICATIONS = (None, "Ibuprofen 400 mg as needed (reported)", "Paracetamol when sore (reported)",
               "Naproxen prescribed by the GP (reported)")  # fmt: skip
WORKUP_RESULTS = {
    "none": None,
    "in_progress": "Client reports the GP has requested an MRI; the appointment is awaited.",
    "complete_resolved": "Client reports the GP examined the back, found nothing of concern and advised staying active.",
    "complete_unresolved": "Client reports an MRI showing an L4-5 disc bulge, per the GP; still painful.",
}


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def _severities(story: _Story, rng: random.Random) -> list[float]:
    n, s0 = story.visits, story.severity
    if story.course == "plateau":
        return [_clamp(s0 + rng.uniform(-0.03, 0.03), 0, 1) for _ in range(n)]
    better = n - 1 if story.course == "flare" else n
    values = [_clamp(s0 * (1 - 0.65 * k / max(better - 1, 1)) + rng.uniform(-0.03, 0.03), 0, 1) for k in range(better)]
    if story.course == "flare":
        values.append(min(0.85, s0 + 0.3))
    return values


def _traits(rng: random.Random, client: clients.ClientRecord, story: _Story, first_day: date) -> dict[str, Any]:
    """What stays the same about a client from visit to visit."""
    occupation = client.details.occupation or ""
    seated = any(word.lower() in occupation.lower() for word in SEATED_WORK)
    side = rng.choice(("left", "right"))
    flexion = story.profile == "flexion"
    side_right = rng.uniform(35, 55)
    return {
        "side": side,
        "seated": seated,
        "odi_offsets": [rng.uniform(-0.9, 0.9) for _ in range(10)],
        "odi_private": rng.random() < 0.3,  # leaves the sex-life section blank
        "rmdq_order": rng.sample(range(1, 25), 24),
        "neck": rng.random() < 0.3,
        "psfs": [(activity, rng.randint(0, 2)) for activity in rng.sample(PSFS_ACTIVITIES, rng.randint(2, 3))],
        "endurance": (
            rng.uniform(60, 95),  # flexor
            rng.uniform(35, 60) if flexion else rng.uniform(70, 110),  # extensor: low when flexion provokes
            side_right,
            side_right * rng.uniform(0.9, 1.08),  # left: within 5 % of the right for some clients
        ),
        "hips": (rng.randint(95, 120), rng.randint(25, 40), rng.randint(35, 45)),
        "pain": PainHistory(
            onset_date=first_day - timedelta(days=rng.randint(21, 500)),
            onset=rng.choice(("sudden", "gradual", "after_event")),
            mechanism=rng.choice(MECHANISMS[story.profile]),
            locations=("central_low_back", f"{side}_low_back")
            + ((f"{side}_buttock", f"{side}_thigh", f"{side}_below_knee") if story.neural else ()),
            previous_episodes=rng.choice(EPISODES),
            medications=rng.choice(MEDICATIONS),
        ),
        "lifestyle": Lifestyle(
            sitting_hours=rng.randint(7, 10) if seated else rng.randint(2, 5),
            water_litres=rng.choice((1.0, 1.25, 1.5, 2.0, 2.5)),
            sleep_hours=rng.choice((5.5, 6.0, 6.5, 7.0, 7.5, 8.0)),
            sleep_position=rng.choice(("back", "side", "front", "varies")),
            occupation_demands=f"{occupation}: "
            + ("long hours sitting" if seated else "on their feet, lifting and carrying"),
            current_activity=rng.choice(ACTIVITY_NOW),
            goals=tuple(
                Goal(text, first_day + timedelta(days=rng.randint(90, 240)))
                for text in rng.sample(GOALS, rng.randint(1, 3))
            ),
        ),
    }


def _measured(story: _Story, traits: dict[str, Any], s: float, visit: int, weeks: int, flagged: bool) -> dict[str, Any]:
    """Everything screened or measured at one visit, for the severity `s` on that day."""
    side = traits["side"]
    provoking = PROVOKING[story.profile] + (NEURAL_TESTS if story.neural else ())
    results = {code: ProvocationResult("no_change") for code in PROVOCATION_TESTS}
    for code in EASING[story.profile]:
        if s > 0.15:
            results[code] = ProvocationResult("eases")
    for code, threshold in provoking:
        if s > threshold:
            results[code] = ProvocationResult("provokes", side=side, location="low back")
    odi = [int(_clamp(round(s * 4.2 + off), 0, 5)) for off in traits["odi_offsets"]]
    if traits["odi_private"]:
        odi[7] = None
    worry = story.worry * (0.5 + s)
    agree = (
        story.neural or s > 0.6, traits["neck"], s > 0.5, s > 0.45,
        worry > 0.3, worry > 0.4, worry > 0.5, worry > 0.45,
    )  # fmt: skip
    if s > 0.6 or (story.worry > 0.8 and s > 0.35):
        bother = "very much"
    else:
        bother = "moderately" if s > 0.4 else "slightly" if s > 0.2 else "not at all"
    growth = 1 + (0.12 if story.course == "improving" else 0.04) * visit
    flexor, extensor, right, left = (round(t * growth) for t in traits["endurance"])
    hip_flexion, internal, external = traits["hips"]
    nprs = int(_clamp(round(s * 13), 0, 10))
    return {
        "nprs": (nprs, max(0, nprs - 2), min(10, nprs + 2 + (s > 0.5))),
        "pattern": "constant" if s > 0.6 else "intermittent",
        "pins": story.neural or (flagged and "bilateral_leg_symptoms" in story.flags),
        "provocation": results,
        "rom": RangeOfMotion(
            schober_cm=round(3.2 + (1 - s) * 2.5, 1), fingertip_floor_cm=float(round(5 + s * 35)),
            hip_flexion_left=hip_flexion, hip_flexion_right=hip_flexion - 5,
            hip_internal_left=internal, hip_internal_right=internal + 3,
            hip_external_left=external, hip_external_right=external,
            thomas_left="positive" if traits["seated"] and s > 0.3 else "negative",
            thomas_right="positive" if traits["seated"] and s > 0.4 else "negative",
        ),  # fmt: skip
        "endurance": EnduranceTimes(flexor, extensor, right, left),
        "questionnaires": Questionnaires(
            odi=tuple(odi),
            rmdq=tuple(sorted(traits["rmdq_order"][: int(_clamp(round(s * 20), 0, 24))])),
            start_back_agree=agree,
            start_back_bothersomeness=bother,
            psfs=tuple(
                PsfsActivity(activity, int(_clamp(round(10 * (1 - s)) - low, 0, 10))) for activity, low in traits["psfs"]
            ),
        ),
        "weeks": weeks,
    }


def _visit_data(base: AssessmentData, story: _Story, m: dict[str, Any], visit: int, flagged: bool) -> AssessmentData:
    pain = base.pain
    workup = story.first_workup if visit == 0 else story.workup
    seen = () if workup == "none" else ("primary_care",) + (("imaging",) if workup == "in_progress" else ())
    aggravating, easing = AGGRAVATING[story.profile]
    locations = pain.locations
    if flagged and "bilateral_leg_symptoms" in story.flags:
        locations = tuple(dict.fromkeys(locations + ("left_thigh", "right_thigh", "left_below_knee", "right_below_knee")))
    now, best, worst = m["nprs"]
    pain = dataclasses.replace(
        pain, locations=locations, nprs_now=now, nprs_best=best, nprs_worst=worst, pattern=m["pattern"],
        worse_time="end_of_day" if story.profile == "extension" else "morning",
        aggravating=aggravating, easing=easing, pins_and_needles=m["pins"],
        numbness=flagged and "saddle_numbness" in story.flags,
        workup_status=workup, workup_seen=seen, workup_result=WORKUP_RESULTS[workup],
    )  # fmt: skip
    return dataclasses.replace(
        base,
        pain=pain,
        red_flags=story.flags if flagged else (),
        red_flag_notes=story.flag_notes if flagged else "Screened: none reported.",
        provocation=m["provocation"],
        rom=m["rom"],
        endurance=m["endurance"],
        questionnaires=m["questionnaires"],
        weeks_without_improvement=m["weeks"],
    )


def _assessment_story(
    session: Session,
    rng: random.Random,
    today: date,
    client: clients.ClientRecord,
    network: dict[str, list[int]],
    coach: _Coach | None = None,
) -> int:
    """Assessments (and a clearance where the story has one) for a client; returns how many.
    The coach's referrals, programs, sessions and documents are run in date order between the
    visits."""
    story = STORIES.get(client.name) or _Story(
        rng.choice(("flexion", "extension", "mixed")),
        visits=rng.randint(2, 5),
        severity=rng.uniform(0.35, 0.65),
        first_workup=rng.choice(("none", "none", "complete_resolved")),
        worry=rng.uniform(0.0, 0.5),
    )
    trainer = client.details.trainer_id
    if story.draft == "only":
        traits = _traits(rng, client, story, today)
        draft = assessments.start(session, client.id, trainer_id=trainer, assessed_on=today, today=today)
        pain = dataclasses.replace(traits["pain"], nprs_now=5, nprs_worst=7, workup_status="none")
        first = AssessmentData(pain=pain, lifestyle=traits["lifestyle"])
        assessments.save(session, draft.id, draft.version, first, today=today)
        return 1
    if story.visits == 0:
        return 0

    latest_day = today - timedelta(days=rng.randint(*story.latest_days_ago))
    gap = rng.randint(28, 49)
    days = [latest_day - timedelta(days=gap * (story.visits - 1 - k) + (rng.randint(-4, 4) if k else 0))
            for k in range(story.visits)]  # fmt: skip
    days[-1] = latest_day
    cleared = None
    if story.clearance is not None:
        status, after, who, restrictions, notes = story.clearance

        def cleared() -> None:
            clearances.record(
                session, client.id, cleared_on=min(today, latest_day + timedelta(days=after)), status=status,
                clinician_id=network["primary_care"][0] if who is None else None, clinician_name=who,
                restrictions=restrictions, notes=notes, today=today,
            )  # fmt: skip

    if coach is not None:
        # Referrals and clearances first: a clearance and the program it allows can fall on one day.
        coach.refer(REFERRAL_STORIES.get(client.name), days)
        if cleared is not None:
            coach.at(min(today, latest_day + timedelta(days=story.clearance[1])), cleared)
        coach.plan(story, days)
        if client.name in PROGRESS_REPORTS:
            coach.report(days[-1], PROGRESS_REPORTS[client.name])
    traits = _traits(rng, client, story, days[0])
    for visit, (day, s) in enumerate(zip(days, _severities(story, rng))):
        flagged = bool(story.flags) and visit == story.visits - 1
        weeks = (day - days[0]).days // 7 if story.course == "plateau" else 0
        if coach is not None:
            coach.run(before=day)
        record = assessments.start(
            session, client.id, trainer_id=trainer, assessed_on=day, copy_from_latest=visit > 0, today=today
        )
        base = record.data if visit else AssessmentData(pain=traits["pain"], lifestyle=traits["lifestyle"])
        data = _visit_data(base, story, _measured(story, traits, s, visit, weeks, flagged), visit, flagged)
        saved = assessments.save(session, record.id, record.version, data, today=today)
        assessments.sign(session, saved.id, saved.version, trainer)
        session.get(Assessment, saved.id).signed_at = _story_time(day, 17)  # signed that evening, not now
        if coach is not None and visit:
            coach.reviewed(day)
    count = story.visits
    if story.draft == "next":
        draft = assessments.start(
            session, client.id, trainer_id=trainer, assessed_on=today, copy_from_latest=True, today=today
        )
        pain = dataclasses.replace(draft.data.pain, nprs_now=2, nprs_worst=4)
        assessments.save(session, draft.id, draft.version, dataclasses.replace(draft.data, pain=pain), today=today)
        count += 1
    if coach is not None:
        coach.run()
    elif cleared is not None:
        cleared()
    return count


# --- programs and session logs --------------------------------------------------------------

# How each client's training goes; everyone else with a signed assessment progresses. Clients
# whose safety gate blocks (an emergency or urgent flag without a clearance) get a draft only.
PROGRAM_STORIES = {
    # The program from the previous re-assessment, replaced by a new one after the latest.
    "Zoë Łukasiewicz-Ødegård": "replaced",
    # A progression declined while on night shifts, accepted two sessions later.
    "Thị Lan Nguyễn": "declined",
    # Progressed, then the pain rose by 3 on the harder exercise: back down a step.
    "Wojciech Wiśniewski": "regressed",
    # Three sessions, nearly four weeks away, then eased back in.
    "José García": "gaps",
    # The plateau in the assessments: sessions logged, nothing ready to progress.
    "Αλέξανδρος Παπαδόπουλος": "holding",
    # Archived clients: they finished a block, and the program was archived with them.
    "Margaret Thompson": "finished",
    "Hamish MacLeod": "finished",
}

# (which items, the change, why) — a trainer fitting the starter program to the client.
_Item = programs.ProgramItemRecord
DOSE_TWEAKS: tuple[tuple[Callable[[_Item], bool], Callable[[_Item], dict[str, int]], str], ...] = (
    (lambda i: i.hold_seconds == 10 and (i.reps or 0) >= 5, lambda i: {"hold_seconds": 8},
     "Start at 8-second holds: the brace was fading after about 8 seconds at the assessment."),
    (lambda i: (i.reps or 0) >= 8 and i.hold_seconds is None, lambda i: {"reps": i.reps - 2},
     "Two fewer reps to start; form was tidy for the first six when we tried it."),
    (lambda i: i.exercise is not None and i.exercise.family == "walking" and (i.times_per_day or 0) >= 3,
     lambda i: {"times_per_day": 2}, "Two walks a day fit around work for now; build to three."),
    (lambda i: i.rest_seconds == 30, lambda i: {"rest_seconds": 45},
     "Longer rests between holds so that each one is done well."),
    (lambda i: (i.days_per_week or 0) == 7 and (i.times_per_day or 0) <= 1, lambda i: {"days_per_week": 5},
     "Five days a week is realistic with the client's hours; two days off are fine."),
)  # fmt: skip
# The exercises a story's progressions and regressions are about: the trunk, hip and loading
# chains, where "harder" means something (not breathing drills or directional-preference moves).
FOCUS_FAMILIES = ("bird_dog", "side_bridge", "curl_up", "hip_hinge", "hip_mobility", "legs", "glute", "walking")
ACCEPT_REASONS = (
    "Full dose with good form two sessions running and pain settled by the next morning: on to {target}.",
    "{exercise} looks easy now and the pain hardly moves: moving up to {target}.",
    "Client asked for something harder, and the last two sessions back it up: {target} from today.",
)
DECLINE_REASON = (
    "Back on night shifts this fortnight and sleeping badly: staying with {exercise} until the rota settles."
)
ACCEPT_AFTER_DECLINE = "Days again and sleeping better: moving up to {target} now."
REGRESS_REASON = (
    "Pain up 3 points after {exercise} and still up the next morning: back to {target} for two weeks, "
    "then try again."
)
FLARE_NOTE = "Back sore since lifting a pallet at work on Friday; {exercise} hurt today."
GAP_NOTE = "First session after {weeks} weeks away (family visit abroad); eased back in with lighter sets."
HOLDING_NOTES = (
    "Pain about the same as last month; talked through seeing a pain specialist.",
    "Bad week at work; kept everything at the same level.",
)
SESSION_NOTES = (
    "Good session; the brace is becoming automatic.", "Walking to work most days now.",
    "Tight after a long drive yesterday; settled during the warm-up.", "Sleeping better this week.",
    "Asked for a printed copy of the home program.", "Did the home program four times this week.",
)  # fmt: skip
FINISHED_REASON = "Finished the block and trains on their own now; stopped coming, client file archived."
ON_HOLD_TITLE = "Starter program – on hold until medically cleared"
OVERRIDE_REASON = (
    "Claire Dubois (physio) asked for gentle cat-camel as a warm-up only, in the range that stays "
    "pain-free; stop if it brings on symptoms."
)


@dataclass
class _Planned:
    """A session to log: which program (0, or 1 for the one replacing it), what happens."""

    day: date
    phase: int = 0
    flare: bool = False  # the focus exercise's pain rises by 3
    eased: bool = False  # back after a break: lighter sets
    note: str | None = None
    decide: tuple[str, ...] = ()  # after the session: progress / progress_second / decline / regress


class _Coach:
    """One client's programs and session logs, referral and documents. The plan is a list of
    dated events run in date order between the client's assessments, so each program is built
    from the assessment that was the latest on its day, every decision is screened against what
    was known then, and each document is made as it would have printed on its day."""

    def __init__(
        self,
        session: Session,
        rng: random.Random,
        today: date,
        client: clients.ClientRecord,
        make_document: MakeDocument | None = None,
    ):
        self.session, self.rng, self.today, self.client = session, rng, today, client
        self.make_document = make_document
        self.trainer = client.details.trainer_id
        self.events: list[tuple[date, int, Callable[[], None]]] = []
        self.program: programs.ProgramRecord | None = None  # the one trained on, as last returned
        self.focus: list[int] = []  # the items the story's decisions are about
        self.pain = 4  # NPRS now at the assessment the program was built from
        self.phase_sessions: dict[int, int] = {}
        self.holding = self.declined = False
        self.replaced_phases: set[int] = set()  # programs archived later in the story: no handout recorded
        self.programs = self.session_logs = 0
        self.library = by_code(load_library())
        self.day = today  # the day of the event being run

    # --- the plan

    def plan(self, story: _Story, days: list[date]) -> None:
        kind = PROGRAM_STORIES.get(self.client.name, "progressed")
        rng, today, latest = self.rng, self.today, days[-1]
        if story.flags and (story.clearance is None or story.clearance[0] not in clearances.CLEARING):
            self.at(latest, self._draft_on_hold)
            return
        if kind == "finished":
            self.replaced_phases.add(0)
            dates = self._spread(latest + timedelta(days=3), latest + timedelta(days=60), rng.randint(6, 9))
            self._program(latest, self._sessions(dates, {1: ("progress",), 4: ("progress_second",)}))
            self.at(dates[-1] + timedelta(days=14), self._finish)
            return
        if kind == "replaced" and len(days) >= 2:
            self.replaced_phases.add(0)
            first, second = days[-2], days[-1]
            two_days = timedelta(days=2)
            before = self._spread(first + two_days, second - two_days, _within((second - first).days // 7, 4, 6))
            after = self._spread(second + two_days, today, _within((today - second).days // 6, 0, 5))
            self._program(first, self._sessions(before, {1: ("progress",)}))
            self._program(second, self._sessions(after, {1: ("progress",)}, phase=1), phase=1)
            return
        need = 49 if kind == "gaps" else 21  # a break needs a longer stretch of training around it
        base = next((day for day in reversed(days) if (today - day).days >= need), latest)
        start = base
        if story.clearance is not None:  # made active and trained only once cleared
            start = max(base, min(today, latest + timedelta(days=story.clearance[1])))
        built = start
        start += timedelta(days=rng.randint(2, 4))
        window = (today - start).days
        if kind == "gaps" and window >= 45:
            first = self._spread(start, start + timedelta(days=17), 3)
            back = first[-1] + timedelta(days=rng.randint(25, 30))
            dates = first + self._spread(back, today, _within((today - back).days // 5, 3, 6))
            weeks = (back - first[-1]).days // 7
            plan = {1: ("progress",)}
            sessions = self._sessions(dates, plan)
            sessions[3] = dataclasses.replace(sessions[3], eased=True, note=GAP_NOTE.format(weeks=weeks))
        else:
            dates = self._spread(start, today, _within(window // 5, 4, 12))
            plan = {
                "progressed": {1: ("progress",), 5: ("progress_second",)},
                "gaps": {1: ("progress",)},
                "declined": {1: ("decline",), 3: ("progress",)},
                "regressed": {1: ("progress",), 3: ("regress",)},
                "holding": {},
            }[kind]
            sessions = self._sessions(dates, plan)
            if kind == "regressed" and len(sessions) > 3:
                sessions[3] = dataclasses.replace(sessions[3], flare=True)
            if kind == "holding":
                for index, note in zip((1, len(sessions) - 1), HOLDING_NOTES):
                    sessions[index] = dataclasses.replace(sessions[index], note=note)
        self.holding = kind == "holding"
        self._program(built, sessions)

    def _sessions(self, dates: list[date], plan: dict[int, tuple[str, ...]], phase: int = 0) -> list[_Planned]:
        return [
            _Planned(day, phase, decide=plan.get(index, ()),
                     note=self.rng.choice(SESSION_NOTES) if self.rng.random() < 0.2 else None)
            for index, day in enumerate(dates)
        ]  # fmt: skip

    def _spread(self, start: date, end: date, n: int) -> list[date]:
        """n days from start to end (never after today), one in each equal stretch."""
        end = min(end, self.today)
        span = (end - start).days + 1
        n = min(n, span)
        if n <= 0:
            return []
        bounds = [index * span // n for index in range(n + 1)]
        return [start + timedelta(days=self.rng.randrange(bounds[i], bounds[i + 1])) for i in range(n)]

    def _program(self, built_on: date, sessions: list[_Planned], phase: int = 0) -> None:
        self.at(built_on, lambda: self._build(phase))
        for planned in sessions:
            self.at(planned.day, lambda planned=planned: self._log(planned))

    def at(self, day: date, action: Callable[[], None]) -> None:
        self.events.append((day, len(self.events), action))

    def run(self, before: date | None = None) -> None:
        """Run the planned events dated before `before` (all of them when None), oldest first."""
        self.events.sort(key=lambda event: event[:2])
        while self.events and (before is None or self.events[0][0] < before):
            self.day, _, action = self.events.pop(0)
            newest = self.session.scalar(select(func.max(ProgramChange.id))) or 0
            action()
            self._stamp(newest)

    def _stamp(self, after_change_id: int) -> None:
        """The services stamp changes with the computer's clock; the story's are dated on its day."""
        when = _story_time(self.day, 11)
        for change in self.session.scalars(select(ProgramChange).where(ProgramChange.id > after_change_id)):
            change.at = when
            program = self.session.get(Program, change.program_id)
            if change.change == "activated":
                program.activated_at = when
            elif change.change == "archived":
                program.archived_at = when

    # --- referrals, reports and the documents handed out

    def refer(self, ref: _Referral | None, days: list[date]) -> None:
        """Plan the client's referral, if the story has one, between the assessments."""
        if ref is None:
            return
        today, written = self.today, days[ref.visit]
        sent = min(today, written + timedelta(days=ref.sent_after))
        if ref.within is not None:
            sent = max(sent, today - timedelta(days=ref.within))
        state: dict[str, int] = {}
        self.at(written, lambda: self._draft(ref, written, state))
        if ref.status == referrals.DRAFT:
            return
        self.at(sent, lambda: self._send(state["id"], written, sent))
        for index, (step, after) in enumerate(ref.steps, 1):
            said = ref.notes if index == len(ref.steps) and step == ref.status else None
            self.at(
                min(today, sent + timedelta(days=after)),
                lambda step=step, said=said: self._step(state["id"], step, said),
            )
        if ref.status == referrals.REPLY_RECEIVED:
            decision, after, restrictions, notes = ref.reply
            replied = min(today, sent + timedelta(days=after))
            self.at(replied, lambda: self._reply(state["id"], decision, restrictions, notes, replied))
        elif ref.status == referrals.CLOSED:
            later = [day for day in days if day > sent]  # closed at the next re-assessment
            closed = later[0] if later else min(today, sent + timedelta(days=14))
            self.at(closed, lambda: self._step(state["id"], referrals.CLOSED, ref.notes))

    def _draft(self, ref: _Referral, written: date, state: dict[str, int]) -> None:
        s, cid = self.session, self.client.id
        assessment = next(a for a in assessments.list_for_client(s, cid) if a.signed and a.assessed_on == written)
        found = findings(assessments.get(s, assessment.id).data)
        destination = ref.specialty or found.referral.destination
        record = referrals.draft_from_assessment(
            s, assessment.id, self._addressee(destination), created_by_id=self.trainer, force=ref.specialty is not None
        )
        changes: dict[str, Any] = {}
        if ref.reason:
            psychosocial = found.start_back.psychosocial if found.start_back else 0
            changes["reason"] = ref.reason.format(day=day_label(written), psychosocial=psychosocial)
        if ref.notes and ref.status in (referrals.DRAFT, referrals.SENT):
            changes["notes"] = self._words(ref.notes, record)
        if changes:
            record = referrals.update_draft(s, record.id, None, **changes)
        state["id"] = record.id

    def _addressee(self, destination: str) -> int | None:
        """The client's own physician for primary care, else the longest-known clinician of the
        specialty taking new referrals (for a GP, the surgery on the studio's own road); none for
        the emergency department."""
        choices = [c for c in referrals.clinician_choices(self.session, self.client.id, destination)
                   if c.specialty == destination]  # fmt: skip
        own = [c.id for c in choices if c.own_physician]
        taking = [c.id for c in choices if c.accepting_new] or [c.id for c in choices]
        return (own or sorted(taking) or [None])[0]

    def _send(self, referral_id: int, written: date, sent: date) -> None:
        s = self.session
        record = clients.get(s, self.client.id)
        if record.details.consent_to_share_date is None:  # consent is asked for before a letter goes
            details = dataclasses.replace(record.details, consent_to_share_date=written)
            clients.update(s, record.id, record.version, details)
        referrals.mark_sent(s, referral_id, None, sent, today=self.today)
        self._hand_out(documents.Request(documents.LETTER, referral_id=referral_id), sent, 15)

    def _step(self, referral_id: int, status: str, notes: str | None = None) -> None:
        words = {"notes": self._words(notes, referrals.get(self.session, referral_id))} if notes else {}
        referrals.set_status(self.session, referral_id, None, status, **words)

    def _words(self, notes: str, record: referrals.ReferralRecord) -> str:
        name = record.clinician.name.split(",")[0] if record.clinician else record.clinician_name
        return notes.format(day=day_label(self.day), clinician=name)

    def _reply(self, referral_id: int, decision: str, restrictions: str | None, notes: str | None, day: date) -> None:
        referrals.record_reply(self.session, referral_id, None, decision=decision, restrictions=restrictions,
                               reply_on=day, notes=notes, today=self.today)  # fmt: skip

    def report(self, day: date, audience: str) -> None:
        """A progress report made on `day` (after that day's re-assessment)."""
        request = documents.Request(documents.PROGRESS, self.client.id, audience=audience)
        self.at(day, lambda: self._hand_out(request, day, 30))

    def _hand_out(self, request: documents.Request, day: date, minute: int) -> None:
        if self.make_document is not None:
            _hand_out(self.session, self.make_document, request, day, minute)

    # --- building

    def _draft_on_hold(self) -> None:
        client, by = self.client.id, self.trainer
        programs.suggest_from_assessment(self.session, client, created_by_id=by, title=ON_HOLD_TITLE)
        self.programs += 1

    def _build(self, phase: int) -> None:
        s, cid, by = self.session, self.client.id, self.trainer
        previous = self.program
        latest = assessments.latest(s, cid, signed_only=True)
        title = None if phase == 0 else f"Program after the re-assessment of {day_label(latest.assessed_on)}"
        program = programs.suggest_from_assessment(s, cid, created_by_id=by, title=title)
        self.programs += 1
        if previous is not None:
            program = self._carry_over(previous, program)
        targets = {item.id: next_in_chain(self.library, item.exercise_code, PROGRESS) for item in program.items}
        allowed = self._allowed(*{code for code in targets.values() if code})
        # Items whose next step the screening allows come first; then ones where only the dose can grow.
        ready, capped = [], []
        for item in program.items:
            if item.exercise is None or item.exercise.family not in FOCUS_FAMILIES or targets[item.id] is None:
                continue
            if targets[item.id] in allowed:
                ready.append(item)
            elif item.reps or item.hold_seconds:
                capped.append(item)
        chosen = self.rng.sample(ready, len(ready)) + self.rng.sample(capped, len(capped))
        self.focus = [item.id for item in chosen[:2]]
        tweaks = [(item, change, why) for item in program.items for test, change, why in DOSE_TWEAKS if test(item)]
        done: set[int] = set()
        for item, change, why in self.rng.sample(tweaks, len(tweaks)):
            if item.id in done or len(done) == 2:
                continue
            done.add(item.id)
            program = programs.update_item_dose(s, program.id, None, item.id, **change(item), reason=why, by_id=by)
        self.program = programs.activate(s, program.id, None, by_id=by)
        self.pain = latest.data.pain.nprs_now if latest.data.pain.nprs_now is not None else 4
        if phase not in self.replaced_phases:  # the handouts of the programs trained on now (fewer PDFs to make)
            self._hand_out(documents.Request(documents.HANDOUT, cid, self.program.id), self.day, 0)

    def _carry_over(self, previous: programs.ProgramRecord, program: programs.ProgramRecord) -> programs.ProgramRecord:
        """The new program keeps the levels reached in the old one, and adds the next phase."""
        s, by = self.session, self.trainer
        reached = {c.from_code: c.to_code for c in previous.history if c.change == "progressed"}
        wanted = [code for code in ("glute_bridge", "sit_to_stand_box") if code in self.library]
        allowed = self._allowed(*reached.values(), *wanted)
        for item in program.items:
            target = reached.get(item.exercise_code)
            if target in allowed:
                said = f"Already progressed past this in “{previous.title}”."
                program = programs.remove_item(s, program.id, None, item.id, reason=said, by_id=by)
                program = programs.add_item(s, program.id, None, target, by_id=by)
        for code in wanted:
            if code in allowed:
                program = programs.add_item(s, program.id, None, code, by_id=by)
        if "cat_camel" in self.library:
            program = programs.add_item(s, program.id, None, "cat_camel", override_reason=OVERRIDE_REASON, by_id=by)
        return program

    def _allowed(self, *codes: str) -> set[str]:
        """Those of the library exercises `codes` that the client's screening allows."""
        exercises = [self.library[code] for code in dict.fromkeys(codes)]
        results = programs.screen_for_client(self.session, self.client.id, exercises) if exercises else []
        return {result.exercise.code for result in results if result.allowed}

    def reviewed(self, day: date) -> None:
        """After a re-assessment the trainer takes out what the new screening excludes."""
        program = self.program
        if program is None or program.status != programs.ACTIVE:
            return
        items = [item for item in program.items if item.exercise is not None and not item.override_reason]
        results = programs.screen_for_client(self.session, self.client.id, [item.exercise for item in items])
        newest = self.session.scalar(select(func.max(ProgramChange.id))) or 0
        for item, result in zip(items, results):
            if not result.allowed:
                said = f"Re-assessed on {day_label(day)}: " + " ".join(result.reasons)
                self.program = programs.remove_item(
                    self.session, program.id, None, item.id, reason=said, by_id=self.trainer
                )
        self.day = day
        self._stamp(newest)

    # --- sessions

    def _log(self, planned: _Planned) -> None:
        s, rng = self.session, self.rng
        program = self.program
        index = self.phase_sessions.get(planned.phase, 0)
        self.phase_sessions[planned.phase] = index + 1
        settling = 0 if self.holding else min(index, 8) * 0.06
        before = max(0, min(7, round(self.pain * (1 - settling)) + rng.choice((-1, 0, 0, 1))))
        entries = {}
        note = planned.note
        for item in program.items:
            focus = bool(self.focus) and item.id == self.focus[0]
            entries[item.id] = self._entry(item, before, focus=item.id in self.focus, flare=planned.flare and focus,
                                           eased=planned.eased)  # fmt: skip
            if planned.flare and focus:
                note = FLARE_NOTE.format(exercise=item.exercise.name)
        programs.log_session(s, self.client.id, program.id, planned.day, entries, self.trainer, notes=note,
                             today=self.today)  # fmt: skip
        self.session_logs += 1
        for what in planned.decide:
            self._decide(what)

    def _entry(self, item: _Item, before: int, *, focus: bool, flare: bool, eased: bool) -> SessionEntry:
        rng = self.rng
        if not focus and rng.random() < 0.04:
            return SessionEntry(done=False)
        sets, reps, hold = item.sets, item.reps, item.hold_seconds
        short = eased or (not focus and rng.random() < (0.5 if self.holding else 0.15))
        if short and reps and reps > 2:
            reps -= 2 if eased else 1
        elif short and hold and hold > 3:
            hold -= 3 if eased else 2
        if flare:
            rise, next_day = 3, 3
        else:
            rise = rng.choice((1, 2) if self.holding else (0, 0, 1, 1, 2))
            next_day = min(rise, rng.choice((0, 0, 1)))
        form = True if focus or rng.random() < 0.9 else None
        return SessionEntry(
            done=True, sets_done=sets, reps_done=reps, hold_done=hold, pain_before=before,
            pain_after=min(10, before + rise), pain_next_day=min(10, before + next_day), form_ok=form,
        )  # fmt: skip

    def _decide(self, what: str) -> None:
        which = 1 if what == "progress_second" else 0
        if len(self.focus) <= which:
            return
        item_id = self.focus[which]
        action = REGRESS if what == "regress" else PROGRESS
        found = [p for p in programs.proposals(self.session, self.program.id) if p.item.id == item_id]
        if not found or found[0].proposal.action != action:
            return  # the rule does not back it (a short session, a removed item): nothing to decide
        item, target = found[0].item, found[0].target_code
        accept = what != "decline"
        if accept and target is None:
            return
        if accept and not self._allowed(target):
            if action == PROGRESS:
                self._more_of(item, target)
            return  # an easier step the screening excludes: the trainer keeps the exercise
        words = {"exercise": item.exercise.name, "target": self.library[target].name if target else ""}
        if what == "decline":
            reason, self.declined = DECLINE_REASON, True
        elif what == "regress":
            reason = REGRESS_REASON
        elif self.declined:
            reason = ACCEPT_AFTER_DECLINE
        else:
            reason = self.rng.choice(ACCEPT_REASONS)
        self.program = programs.apply_proposal(self.session, self.program.id, item_id, action, accept=accept,
                                               reason=reason.format(**words), by_id=self.trainer)  # fmt: skip

    def _more_of(self, item: _Item, target: str) -> None:
        """Ready to progress, but the screening excludes the next exercise: more of this one."""
        why = " ".join(programs.screen_for_client(self.session, self.client.id, [self.library[target]])[0].reasons)
        if item.reps:
            change, said = {"reps": item.reps + 2}, "two more reps"
        else:
            change, said = {"hold_seconds": item.hold_seconds + 5}, "five seconds more on each hold"
        why = why[:1].lower() + why[1:].rstrip(".")
        reason = (f"Full dose with good form two sessions running, but {self.library[target].name} is not allowed "
                  f"yet ({why}): {said} instead.")  # fmt: skip
        self.program = programs.update_item_dose(self.session, self.program.id, None, item.id, **change,
                                                 reason=reason, by_id=self.trainer)  # fmt: skip

    def _finish(self) -> None:
        program_id, by = self.program.id, self.trainer
        self.program = programs.archive(self.session, program_id, None, reason=FINISHED_REASON, by_id=by)


def _story_time(day: date, hour: int) -> datetime:
    """A time on the story's `day` (UTC), never later than now."""
    return min(datetime.combine(day, time(hour), tzinfo=timezone.utc), utcnow())


def _hand_out(
    session: Session, make_document: MakeDocument, request: documents.Request, day: date, minute: int
) -> None:
    """Make the document as it was on `day` and record it as printed that morning (10:00 UTC
    is the same date on a desk anywhere from UTC−10 to UTC+13; never later than now)."""
    made = make_document(session, request, today=day)
    made_at = min(datetime.combine(day, time(10, minute), tzinfo=timezone.utc), utcnow())
    documents.record(session, made.request, title=made.title, content=made.content, pages=made.pages,
                     handed=documents.PRINTED, made_by_id=made.author_id, made_at=made_at)  # fmt: skip


def _within(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


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


@access.guarded("studio.settings")
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
