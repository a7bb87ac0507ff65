"""A year of demo history, so the results dashboard has something to show.

The rest of the demo (portal/core/demo.py) happens around the day it is loaded. This adds
what a labour-market unit would have after a year with the portal, over the 14 months
before that day:

- about 150 participants (case references ``AME-HIST-…``) met at an intake, each with a
  sector profile and, where the portal has units (PORTAL_UNITS), a unit: Kommunservice
  for those in labour-market employments and subsidised jobs, as in the rest of the demo,
  the other units in turn;
- three completed courses (cleaning, care, kitchen) whose participants completed or
  dropped out, some going on to an internship;
- recruitment events they came to (or did not), with the organisations' results and the
  people hired there (the only event outcomes staff record);
- internships, subsidised jobs and labour-market employments that ended over the months,
  some hired by the host, some interrupted, with their follow-ups;
- outcomes at the end, at the follow-up and at the later follow-up: about three in four
  in work or studies at the end and four in five at the follow-up, some unknown, some
  never recorded;
- requests from the demo organisations over the year, first answered half a day to six
  days after they came in and mostly committed to within 3–40 days, with their timelines;
- supervisors at the organisations, trained over the year; and registration dates for the
  demo organisations spread back over it.

Seeded, so loading on the same day gives the same history; loaded once: a participant
with the prefix means the history is there. Made through the services where they take a
date (participants with their intake day, courses and their enrolments' end days, the end
of a placement and its follow-ups, outcomes with the day noted). The services that stamp
"now" or send mail are bypassed and their rows written as they would have been on those
days: requests with their timelines and submissions, placements up to their start,
recruitment events, supervisors and their accounts.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from portal.accounts.enums import Role
from portal.accounts.models import User
from portal.accounts.passwords import hash_password
from portal.core.workdays import add_working_days
from portal.employers.models import Membership, Organisation
from portal.events.enums import Attendance, EventRole, EventState, Response
from portal.events.models import EventInvitation, EventOrganisation, RecruitmentEvent
from portal.extensions import db
from portal.participants import outcomes
from portal.participants import services as participants
from portal.participants.enums import WITH_EMPLOYER, WORK_OR_STUDIES, Checkpoint, OutcomeStatus
from portal.participants.models import Outcome, Participant
from portal.placements import services as placements
from portal.placements.enums import FollowUpKind, PlacementState
from portal.placements.models import Placement, PlacementFollowUp
from portal.requests import services as requests
from portal.requests.enums import RequestKind, RequestState
from portal.requests.models import RequestStatusChange, RequestSubmission, ServiceRequest
from portal.supervisors.enums import SupervisorStatus
from portal.supervisors.models import Supervisor, SupervisorAvailability, SupervisorSector
from portal.training import enrolment
from portal.training import services as training
from portal.training.enums import CohortState

PREFIX = "AME-HIST-"
SEED = 2026
HISTORY_DAYS = 425  # the first intake: about 14 months back
SUCCESS = frozenset(s.value for s in WORK_OR_STUDIES)
# As in the rest of the demo: where the portal has this unit (Hässleholm's Kommunservice),
# it holds the people in labour-market employments and subsidised jobs; the others go to
# the other units in turn.
EMPLOYMENT_UNIT = "Kommunservice"
SUBSIDISED = frozenset({"subsidised_job", "labour_market_employment"})

# When each demo organisation registered, in days before the demo is loaded: three before
# the last twelve months, the others over them. Its requests, placements, events and
# course commitments come after that day.
ORG_SINCE = {
    "Mölnlycke Lokalvård AB": 560,
    "Göinge Omsorg och Assistans AB": 500,
    "Osby Storkök Ekonomisk förening": 470,
    "Hässleholms Livs och Deli AB": 345,
    "Härryda Lager och Logistik AB": 330,
    "Landvetter Åkeri & Transport AB": 280,
    "Helsingør Kantine og Rengøring ApS": 250,
    "Skånsk Plåt och Mekanik AB": 160,
    "Norra Skåne Bygg AB": 95,
}
# Who hosts placements and hires in each sector.
HOSTS = {
    "cleaning": ["Mölnlycke Lokalvård AB", "Helsingør Kantine og Rengøring ApS"],
    "care": ["Göinge Omsorg och Assistans AB"],
    "kitchen": ["Osby Storkök Ekonomisk förening", "Helsingør Kantine og Rengøring ApS"],
    "retail": ["Hässleholms Livs och Deli AB"],
    "warehouse": ["Härryda Lager och Logistik AB"],
    "transport": ["Landvetter Åkeri & Transport AB", "Härryda Lager och Logistik AB"],
    "manufacturing": ["Skånsk Plåt och Mekanik AB"],
    "construction": ["Norra Skåne Bygg AB"],
}
SECTOR_WEIGHTS = {"cleaning": 20, "care": 16, "kitchen": 15, "retail": 14, "warehouse": 13,
                  "transport": 8, "manufacturing": 8, "construction": 6}
# Per sector: occupation code (SSYK 2012), role, a skill to train for, placement tasks.
WORK = {
    "cleaning": ("9111", "Lokalvårdare", "Lokalvård med maskiner",
                 "Städning av kontor, trapphus och skolor."),
    "care": ("5330", "Vårdbiträde", "Svenska i vården",
             "Omvårdnad, måltider och aktiviteter på boendet."),
    "kitchen": ("9412", "Köksbiträde", "Hygien och livsmedelshantering",
                "Disk, grönsaksberedning och servering."),
    "retail": ("5222", "Butiksbiträde", "Kassa och kundmöte",
               "Varupåfyllning, datummärkning och kassa."),
    "warehouse": ("4322", "Lagerarbetare", "Truckkort A+B",
                  "Plock och pack, varumottagning och inventering."),
    "transport": ("8332", "Lastbilschaufför", "YKB och lastsäkring",
                  "Distribution, lastning och lossning."),
    "manufacturing": ("8213", "Montör", "Svetsning MIG",
                      "Montering, maskinskötsel och kvalitetskontroll."),
    "construction": ("9310", "Byggarbetare", "Ställningsbyggnad",
                      "Materialhantering, rivning och städning på bygget."),
}
# Employers outside the portal, where people found work on their own.
ELSEWHERE = {
    "cleaning": ["Städservice i Väst AB", "Samhall AB", "Fönsterputs Syd AB"],
    "care": ["Hemtjänsten, Hässleholms kommun", "Attendo Tyringe", "Humana Assistans"],
    "kitchen": ["Restaurang Kärnan", "Sodexo Hässleholm", "Pizzeria Roma"],
    "retail": ["ICA Kvantum Hässleholm", "Coop Osby", "Lidl Mölnlycke"],
    "warehouse": ["PostNord Terminal Landvetter", "DHL Freight Göteborg", "Elgiganten Lager"],
    "transport": ["Buss i Väst AB", "Bring Cargo", "Taxi Hässleholm"],
    "manufacturing": ["Ifö Sanitär AB", "Lönsboda Plast AB", "Swedish Steel Works"],
    "construction": ["Skanska Sverige AB", "Peab Syd", "Målerifirman Nord"],
}

FIRST = ["Abdirahman", "Amal", "Ahmad", "Aster", "Bashir", "Daniela", "Dawit", "Eden",
         "Fadumo", "Farah", "Ghulam", "Hamza", "Hana", "Ibrahim", "Jamila", "Kidane", "Layla",
         "Mahmoud", "Maryam", "Mohamed", "Mulu", "Nadia", "Natalia", "Omar", "Oksana", "Rahel",
         "Reza", "Sahra", "Said", "Semira", "Sofia", "Tesfay", "Tetiana", "Yasmin", "Yusuf",
         "Zahra", "Zerihun", "Ali", "Anna", "Kristian"]
LAST = ["Abdullahi", "Ahmadi", "Ali", "Andersson", "Bekele", "Cabdi", "Demir", "Ghebre",
        "Hassan", "Hosseini", "Ibrahim", "Jama", "Kaya", "Khalil", "Lindberg", "Mahamud",
        "Mengistu", "Mirza", "Mohamud", "Nur", "Rezaei", "Salah", "Shevchenko", "Tekle",
        "Warsame", "Yousef", "Zewde", "Haidari", "Kovač", "Nilsson"]
LANGUAGES = ["arabiska, svenska (grund)", "somaliska, svenska", "tigrinja, svenska (grund)",
             "dari, svenska", "ukrainska, engelska", "persiska, engelska, svenska (grund)",
             "amhariska, svenska", "turkiska, svenska", "bosniska, svenska",
             "svenska, engelska"]
LICENCES = ["none", "none", "none", "none", "B", "B", "B", "C", "CE"]

# The courses, as (title, sector, weeks before today's Monday it started, weeks, seats,
# people enrolled, provider, provider's name, place, the employer that committed).
COURSES = [
    ("Lokalvård – grundkurs med praktik", "cleaning", 54, 14, 14, 12, "adult_education",
     "Komvux Härryda", "Mölnlycke", "Mölnlycke Lokalvård AB"),
    ("Vård- och omsorgsbiträde – introduktion", "care", 40, 12, 12, 11,
     "vocational_college", "Yrkeshögskolan Hässleholm", "Hässleholm",
     "Göinge Omsorg och Assistans AB"),
    ("Köksbiträde – storkök och servering", "kitchen", 22, 10, 12, 10, "external",
     "Hotell- och restaurangskolan", "Osby", "Osby Storkök Ekonomisk förening"),
]
# The recruitment events, as (days before today, sector, title, place, organisations).
EVENTS = [
    (320, "retail", "Rekryteringsträff butik och kassa", "Hässleholms bibliotek",
     ["Hässleholms Livs och Deli AB"]),
    (275, "cleaning", "Rekryteringsträff lokalvård", "Medborgarhuset, Mölnlycke",
     ["Mölnlycke Lokalvård AB"]),
    (230, "warehouse", "Rekryteringsträff lager och truck", "Härryda Lager, Härryda",
     ["Härryda Lager och Logistik AB"]),
    (185, "care", "Rekryteringsträff vård och omsorg", "Göinge Omsorg, Tyringe",
     ["Göinge Omsorg och Assistans AB"]),
    (140, "transport", "Rekryteringsträff chaufför och lager", "Landvetter",
     ["Landvetter Åkeri & Transport AB", "Härryda Lager och Logistik AB"]),
    (95, "kitchen", "Rekryteringsträff storkök", "Osby bibliotek",
     ["Osby Storkök Ekonomisk förening", "Helsingør Kantine og Rengøring ApS"]),
    (55, "manufacturing", "Rekryteringsträff verkstad", "Skånsk Plåt, Lönsboda",
     ["Skånsk Plåt och Mekanik AB"]),
]
# Supervisors at the organisations (or a municipal department), trained over the year:
# (name, e-mail, organisation or department, sectors, capacity, days since the training).
SUPERVISORS = [
    ("Sara Lind", "sara.lind@molnlycke-lokalvard.demo", "Mölnlycke Lokalvård AB",
     ["cleaning"], 2, 330),
    ("Ahmed Nur", "ahmed.nur@goingeomsorg.demo", "Göinge Omsorg och Assistans AB", ["care"],
     2, 290),
    ("Lena Dahl", "lena.dahl@osbystorkok.demo", "Osby Storkök Ekonomisk förening",
     ["kitchen"], 2, 250),
    ("Erik Sjöberg", "erik.sjoberg@hassleholmslivs.demo", "Hässleholms Livs och Deli AB",
     ["retail"], 2, 205),
    ("Maria Olsson", "maria.olsson@harrydalager.demo", "Härryda Lager och Logistik AB",
     ["warehouse", "transport"], 3, 160),
    ("Johan Berg", "johan.berg@landvetterakeri.demo", "Landvetter Åkeri & Transport AB",
     ["transport"], 2, 120),
    ("Line Nielsen", "line.nielsen@kantine.demo", "Helsingør Kantine og Rengøring ApS",
     ["kitchen", "cleaning"], 2, 75),
    ("Goran Petrović", "goran.petrovic@skanskplat.demo", "Skånsk Plåt och Mekanik AB",
     ["manufacturing"], 2, 40),
    ("Tove Ek", "tove.ek@norraskanebygg.demo", "Norra Skåne Bygg AB", ["construction"], 1,
     None),
    ("Hanna Svärd", "hanna.svard@hassleholm.demo", "Hemtjänsten, Hässleholms kommun",
     ["care"], 2, 15),
]

PLACEMENT_DAYS = {"internship": (42, 91), "subsidised_job": (90, 182),
                  "labour_market_employment": (150, 330)}
PLACEMENT_TYPES = [("internship", 60), ("subsidised_job", 25),
                   ("labour_market_employment", 15)]
# How placements of each type ended (hired by the host is the conversion).
ENDINGS = {
    "internship": [("hired_by_host", 45), ("other_job", 15), ("studies", 10),
                   ("continued_search", 18), ("interrupted", 12)],
    "subsidised_job": [("hired_by_host", 55), ("other_job", 15), ("studies", 5),
                       ("continued_search", 15), ("interrupted", 10)],
    "labour_market_employment": [("hired_by_host", 60), ("other_job", 15), ("studies", 5),
                                 ("continued_search", 13), ("interrupted", 7)],
}
INTERRUPTED = ["Flyttade till annan kommun.", "Sjukskriven längre tid.",
               "Föräldraledig.", "Passade inte för arbetet; ny planering med handläggaren."]
# Where those who completed a course stood at its end (None: never recorded).
COURSE_END = [("employed", 62), ("subsidised", 8), ("studies", 10), ("continued_search", 14),
              ("unknown", 3), (None, 3)]
# From the status at one checkpoint to the next, for those in work or studies and for
# the others (None: not recorded).
KEEP = [("same", 92), ("continued_search", 4), ("unknown", 2), (None, 2)]
MOVE_ON = [("employed", 50), ("studies", 14), ("continued_search", 21), ("unknown", 7),
           (None, 8)]
JOB_FORMS = ["permanent", "fixed_term", "fixed_term", "hourly"]


def _pick(rng: random.Random, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


@dataclass
class Measure:
    kind: str  # "course", "event", or a placement type
    sector: str
    start: date
    end: date
    org: Organisation | None = None  # the host, the hiring or the committed employer
    planned: date | None = None  # a placement's agreed last day
    result: str = ""  # a placement's end outcome; "complete"/"drop_out"; "hired"/"came"
    status: str | None = None  # the outcome at the end; None: not recorded
    employer: str = ""  # the employer's name, when not in the portal
    form: str = ""
    hours: int | None = None
    cohort_id: int | None = None
    event_id: int | None = None
    placement_id: int | None = None
    note: str = ""  # why a placement was interrupted
    check: object | None = None  # a placement's outcome check (PlacementFollowUp)


@dataclass
class Person:
    intake: date
    sectors: list[str]
    measures: list[Measure] = field(default_factory=list)
    participant: Participant | None = None


def seed(*, staff: User, today: date) -> list[str]:
    """Add the year of history once; returns what was made (nothing if it is there, or if
    the demo organisations are not)."""
    if db.session.scalar(select(Participant.id).where(
            Participant.case_reference.like(f"{PREFIX}%")).limit(1)) is not None:
        return []
    orgs = {o.name: o for o in db.session.scalars(
        select(Organisation).where(Organisation.name.in_(list(ORG_SINCE))))}
    if len(orgs) != len(ORG_SINCE):
        return []
    return _History(staff=staff, today=today, orgs=orgs).build()


class _History:
    def __init__(self, *, staff: User, today: date, orgs: dict[str, Organisation]):
        # Made-up data, the same every time: no secret depends on these numbers.
        self.rng = random.Random(SEED)  # noqa: S311  # nosec B311
        self.staff = staff
        self.today = today
        self.now = datetime.now(UTC)
        self.zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
        self.orgs = orgs
        self.since = {name: today - timedelta(days=days) for name, days in ORG_SINCE.items()}
        self.admins: dict[int, User] = {}
        self.supervisors: dict[int, list] = {}
        self.people: list[Person] = []
        self.lines: list[str] = []

    # --- helpers -----------------------------------------------------------------------

    def at(self, day: date, hour: int = 9, minute: int = 0) -> datetime:
        """A local wall-clock moment on ``day``, as stored (UTC)."""
        return datetime.combine(day, time(hour, minute), tzinfo=self.zone).astimezone(UTC)

    def office(self, day: date) -> datetime:
        return self.at(day, self.rng.randrange(8, 16), self.rng.randrange(0, 60))

    def local(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def days_ago(self, low: int, high: int) -> date:
        return self.today - timedelta(days=self.rng.randint(low, high))

    def host(self, sector: str, on: date) -> Organisation | None:
        """An organisation of the sector registered (with a supervisor) a month before."""
        names = [n for n in HOSTS[sector] if self.since[n] + timedelta(days=30) <= on
                 and self.supervisors.get(self.orgs[n].id)]
        return self.orgs[self.rng.choice(names)] if names else None

    def elsewhere(self, sector: str) -> str:
        return self.rng.choice(ELSEWHERE[sector])

    def job(self, measure: Measure, status: str) -> None:
        """Fill in the employer, form and hours of an outcome in work."""
        if status == "employed":
            measure.form = self.rng.choice(JOB_FORMS)
            measure.hours = self.rng.choice([20, 25, 30, 35, 40, 40])
        elif status == "subsidised":
            measure.form, measure.hours = "", self.rng.choice([30, 35, 40])

    # --- the whole history ---------------------------------------------------------------

    def build(self) -> list[str]:
        self.organisations()
        self.make_requests()
        self.make_supervisors()
        self.plan_courses()
        self.plan_events()
        self.plan_placements()
        self.plan_waiting()
        self.make_participants()
        self.make_courses()
        self.make_events()
        self.make_placements()
        self.record_outcomes()
        db.session.flush()
        return self.lines

    def organisations(self) -> None:
        """The demo organisations registered over the last year and a half."""
        for name, org in self.orgs.items():
            since = self.at(self.since[name], 10)
            if org.created_at > since:
                org.created_at = since
            memberships = list(db.session.scalars(select(Membership).where(
                Membership.organisation_id == org.id).order_by(Membership.id)))
            for membership in memberships:
                membership.created_at = min(membership.created_at, since)
                user = db.session.get(User, membership.user_id)
                if user is not None:
                    user.created_at = min(user.created_at, since)
                    self.admins.setdefault(org.id, user)
        self.lines.append(f"history: {len(self.orgs)} organisations registered over the "
                          "last year and a half")

    def make_supervisors(self) -> None:
        """Approved supervisors with accounts (the demo password), one at each organisation
        and one in a municipal department, trained over the year (one not yet). They
        supervise the history's placements."""
        from portal.core.demo import DEMO_PASSWORD

        taken = set(db.session.scalars(select(Supervisor.email))) | set(
            db.session.scalars(select(User.email)))
        password = hash_password(DEMO_PASSWORD)
        made = 0
        for name, email, workplace, sectors, capacity, trained in SUPERVISORS:
            if email in taken:
                continue
            org = self.orgs.get(workplace)
            approved_on = (self.since[workplace] if org is not None
                           else self.today - timedelta(days=380)) + timedelta(days=10)
            approved = self.at(approved_on, 11)
            user = User(email=email, full_name=name, password_hash=password,
                        role=Role.SUPERVISOR.value, locale="da" if email.endswith(
                            "kantine.demo") else "sv", email_confirmed_at=approved,
                        created_at=approved, updated_at=approved)
            db.session.add(user)
            db.session.flush()
            supervisor = Supervisor(
                user_id=user.id, full_name=name, email=email, phone="070-555 01 23",
                organisation_id=org.id if org is not None else None,
                department="" if org is not None else workplace,
                municipality=org.municipality if org is not None else "Hässleholm",
                job_title="Arbetsledare" if org is not None else "Enhetschef",
                tasks=WORK[sectors[0]][3], languages="svenska, engelska", capacity=capacity,
                consent_at=approved - timedelta(days=3), locale=user.locale,
                status=SupervisorStatus.APPROVED.value,
                confirmed_at=approved - timedelta(days=3), decided_at=approved,
                decided_by_id=self.staff.id,
                trained_on=(self.today - timedelta(days=trained)) if trained else None,
                created_at=approved - timedelta(days=4), updated_at=approved)
            supervisor.sector_rows = [SupervisorSector(sector=s) for s in sectors]
            supervisor.availability = [SupervisorAvailability(starts_on=approved_on)]
            db.session.add(supervisor)
            if org is not None:
                self.supervisors.setdefault(org.id, []).append(supervisor)
            made += 1
        db.session.flush()
        self.lines.append(f"history: {made} supervisors trained over the year")

    # --- the plans: who did what, when ---------------------------------------------------

    def person(self, first_start: date, sectors: list[str], *, before=(7, 35)) -> Person:
        earliest = self.today - timedelta(days=HISTORY_DAYS)
        intake = max(earliest, first_start - timedelta(days=self.rng.randint(*before)))
        others = [s for s in SECTOR_WEIGHTS if s not in sectors]
        if self.rng.random() < 0.5:
            sectors = [*sectors, self.rng.choice(others)]
        found = Person(intake=intake, sectors=sectors)
        self.people.append(found)
        return found

    def course_start(self, weeks_ago: int) -> date:
        monday = self.today - timedelta(days=self.today.weekday())
        return monday - timedelta(weeks=weeks_ago)

    def plan_courses(self) -> None:
        self.courses = []
        for (title, sector, ago, weeks, seats, enrolled, provider, provider_name, place,
             employer) in COURSES:
            start = self.course_start(ago)
            end = training.end_date(start, weeks)
            members = []
            drop_outs = {self.rng.randrange(enrolled) for _ in range(2)}
            for n in range(enrolled):
                person = self.person(start, [sector], before=(10, 45))
                status = None
                if n in drop_outs:
                    left = start + timedelta(days=self.rng.randint(21, weeks * 7 - 14))
                    course = Measure("course", sector, start, left, result="drop_out",
                                     status=self.rng.choice(["other", "other", None]))
                else:
                    status = _pick(self.rng, COURSE_END)
                    course = Measure("course", sector, start, end, result="complete",
                                     status=status)
                    if status in ("employed", "subsidised"):
                        if self.rng.random() < 0.75:
                            course.org = self.orgs[employer]
                        else:
                            course.employer = self.elsewhere(sector)
                        self.job(course, status)
                person.measures.append(course)
                members.append(person)
                # Not in work after the course: an internship in its sector within 4 weeks.
                if course.result == "complete" and status in ("continued_search", "unknown"):
                    self.follow_with_placement(person, sector, end, types=[("internship", 1)])
            self.courses.append((title, sector, start, weeks, seats, provider, provider_name,
                                 place, employer, members))

    def plan_events(self) -> None:
        self.events = []
        for ago, sector, title, place, names in EVENTS:
            day = self.today - timedelta(days=ago)
            while day.weekday() not in (1, 2, 3):  # Tuesdays to Thursdays
                day -= timedelta(days=1)
            came = []
            hired = self.rng.randint(3, 4)
            for n in range(self.rng.randint(7, 9)):
                person = self.person(day, [sector], before=(10, 40))
                event = Measure("event", sector, day, day)
                if n < hired:
                    event.result, event.status = "hired", "employed"
                    event.org = self.orgs[names[n % len(names)]]
                    self.job(event, "employed")
                else:
                    # Staff record an event's outcome only for those hired there.
                    event.result = "came"
                person.measures.append(event)
                came.append(person)
                if n >= hired and self.rng.random() < 0.85:
                    self.follow_with_placement(person, sector, day)
            self.events.append((day, sector, title, place, names, came))

    def follow_with_placement(self, person: Person, sector: str, after: date,
                              types=PLACEMENT_TYPES) -> None:
        """A placement starting one to four weeks after ``after``, ended by now."""
        kind = _pick(self.rng, types)
        start = after + timedelta(days=self.rng.randint(7, 28))
        low, high = PLACEMENT_DAYS[kind]
        days = min(self.rng.randint(low, high), (self.today - start).days - 3)
        if days < 28:
            return
        host = self.host(sector, start)
        if host is None:
            return
        person.measures.append(self.placement(kind, sector, start, start + timedelta(
            days=days), host))

    def placement(self, kind: str, sector: str, start: date, end: date,
                  host: Organisation) -> Measure:
        result = _pick(self.rng, ENDINGS[kind])
        measure = Measure(kind, sector, start, end, org=host, result=result, planned=end)
        if result == "interrupted":
            measure.end = start + timedelta(days=self.rng.randint(14, max(15, (
                end - start).days - 7)))
            measure.status = "other"
        elif result == "hired_by_host":
            measure.status = "employed"
            self.job(measure, "employed")
        elif result == "other_job":
            measure.status, measure.employer = "employed", self.elsewhere(sector)
            self.job(measure, "employed")
        else:
            measure.status = result  # studies, continued_search
        return measure

    def plan_placements(self, count: int = 60) -> None:
        """People whose first measure was a placement, their ends spread evenly over the
        last year (one in each of ``count`` slices of it)."""
        sectors = list(SECTOR_WEIGHTS)
        weights = list(SECTOR_WEIGHTS.values())
        for i in range(count):
            end = self.today - timedelta(days=3 + int((i + self.rng.random()) * 369 / count))
            for _attempt in range(5):
                kind = _pick(self.rng, PLACEMENT_TYPES)
                sector = self.rng.choices(sectors, weights)[0]
                low, high = PLACEMENT_DAYS[kind]
                start = end - timedelta(days=self.rng.randint(low, high))
                host = self.host(sector, start)
                if host is not None and start >= self.today - timedelta(
                        days=HISTORY_DAYS - 7):
                    person = self.person(start, [sector])
                    person.measures.append(self.placement(kind, sector, start, end, host))
                    break

    def plan_waiting(self, count: int = 8) -> None:
        """Recent intakes still waiting for their first measure."""
        sectors = list(SECTOR_WEIGHTS)
        for _ in range(count):
            self.person(self.days_ago(3, 40), [self.rng.choice(sectors)], before=(0, 0))

    # --- making it ---------------------------------------------------------------------

    def make_participants(self) -> None:
        units = participants.units()
        others = [u for u in units if u != EMPLOYMENT_UNIT] or units
        turn = 0
        self.people.sort(key=lambda p: p.intake)
        for n, person in enumerate(self.people, start=1):
            unit = ""
            if EMPLOYMENT_UNIT in units and any(m.kind in SUBSIDISED for m in person.measures):
                unit = EMPLOYMENT_UNIT
            elif others:
                unit, turn = others[turn % len(others)], turn + 1
            person.participant = participants.create(values={
                "first_name": self.rng.choice(FIRST), "last_name": self.rng.choice(LAST),
                "case_reference": f"{PREFIX}{n:04d}", "languages": self.rng.choice(LANGUAGES),
                "driving_licence": self.rng.choice(LICENCES), "unit": unit,
                "intake_on": person.intake}, sectors=person.sectors, actor=self.staff)
        self.lines.append(f"history: {len(self.people)} participants met over 14 months")

    def make_courses(self) -> None:
        for (title, sector, start, weeks, seats, provider, provider_name, place, employer,
             members) in self.courses:
            code, role, skill, _tasks = WORK[sector]
            cohort = training.create_cohort(values={
                "title": title, "sector": sector, "occupation_code": code,
                "provider": provider, "provider_name": provider_name, "weeks": weeks,
                "start_date": start, "weekly_hours": 30, "location": place, "seats": seats,
                "language_support": "Svenska för yrket",
                "description": f"{skill}, arbetsmiljö och praktik som {role.lower()}."},
                actor=self.staff)
            training.set_commitment(cohort, self.orgs[employer], actor=self.staff,
                                    interviews=True, hires=4, hosts_practical=True)
            training.transition(cohort, CohortState.RECRUITING, actor=self.staff)
            placed = []
            for person in members:
                seat = enrolment.enrol(cohort, person.participant, actor=self.staff)
                seat.enrolled_on = start
                placed.append((person, seat))
            training.transition(cohort, CohortState.RUNNING, actor=self.staff)
            for person, seat in placed:
                course = person.measures[0]
                course.cohort_id = cohort.id
                if course.result == "drop_out":
                    enrolment.change(seat, "drop_out", actor=self.staff, on=course.end,
                                     reason=self.rng.choice(INTERRUPTED))
                else:
                    enrolment.change(seat, "complete", actor=self.staff, on=course.end)
            training.transition(cohort, CohortState.COMPLETED, actor=self.staff)
            self.lines.append(f"history: course {title} ({len(members)} participants)")

    def make_events(self) -> None:
        others = [p for p in self.people if not any(m.kind == "event" for m in p.measures)]
        for day, sector, title, place, names, came in self.events:
            code, role, _skill, _tasks = WORK[sector]
            planned = self.at(day - timedelta(days=35), 10)
            event = RecruitmentEvent(
                title=title, sector=sector, occupation_code=code, event_date=day,
                start_time=time(9, 0), end_time=time(12, 0), location=place, online_url="",
                capacity=12, description=f"Arbetsgivarna berättar om arbetet som "
                f"{role.lower()} och håller korta intervjuer.",
                state=EventState.HELD.value, state_changed_at=self.at(day, 13),
                created_by_id=self.staff.id, created_at=planned, updated_at=self.at(day, 13))
            db.session.add(event)
            db.session.flush()
            for n, name in enumerate(names):
                org = self.orgs[name]
                hires = sum(1 for p in came if p.measures[0].org is org
                            and p.measures[0].result == "hired")
                admin = self.admins.get(org.id)
                db.session.add(EventOrganisation(
                    event_id=event.id, organisation_id=org.id,
                    role=(EventRole.HOST if n == 0 and len(names) > 1
                          else EventRole.RECRUITER).value,
                    vacancies=hires + self.rng.randint(1, 3),
                    response=Response.CONFIRMED.value, responded_at=planned + timedelta(
                        days=2), responded_by_id=admin.id if admin else None,
                    interviews=hires + self.rng.randint(2, 4), offers=hires, hires=hires,
                    created_at=planned, updated_at=self.at(day + timedelta(days=3), 10)))
            # Those who came, and a few invited who did not.
            absent = [p for p in others if p.intake < day - timedelta(days=3)
                      and (p.measures[0].start if p.measures else self.today) > day]
            absent = self.rng.sample(absent, min(2, len(absent)))
            for person in came:
                person.measures[0].event_id = event.id
            for person, mark in [(p, Attendance.ATTENDED) for p in came] + [
                    (p, Attendance.ABSENT) for p in absent]:
                db.session.add(EventInvitation(
                    event_id=event.id, participant_id=person.participant.id,
                    attendance=mark.value, created_at=planned + timedelta(days=7),
                    updated_at=self.at(day, 13)))
            db.session.flush()
        self.lines.append(f"history: {len(self.events)} recruitment events held")

    def make_placements(self) -> None:
        """Placements as the life cycle leaves them when they have ended: agreed a week
        before the start, check-in and midway follow-ups done, the outcome check three
        months after the end scheduled (done with the follow-up outcome, below)."""
        made = []
        for person in self.people:
            for measure in person.measures:
                if measure.kind in ("course", "event"):
                    continue
                supervisor = self.rng.choice(self.supervisors[measure.org.id])
                agreed = self.at(measure.start - timedelta(days=7), 10)
                reason = self.rng.choice(INTERRUPTED) if measure.result == "interrupted" \
                    else ""
                placement = Placement(
                    participant_id=person.participant.id, organisation_id=measure.org.id,
                    supervisor_id=supervisor.id, placement_type=measure.kind,
                    sector=measure.sector, starts_on=measure.start, ends_on=measure.planned,
                    weekly_hours=self.rng.choice([25, 30, 35, 40]),
                    tasks=WORK[measure.sector][3], state=PlacementState.ENDED.value,
                    state_changed_at=self.at(measure.end, 15), agreed_at=agreed,
                    agreed_by_id=self.staff.id, ended_on=measure.end,
                    end_outcome=measure.result, end_reason=reason,
                    created_by_id=self.staff.id, created_at=agreed - timedelta(days=5),
                    updated_at=self.at(measure.end, 15))
                measure.note = reason
                due = placements.follow_up_dates(measure.start, measure.planned)
                for kind in (FollowUpKind.CHECK_IN, FollowUpKind.MIDWAY):
                    if due[kind] <= measure.end:
                        placement.follow_ups.append(PlacementFollowUp(
                            kind=kind.value, due_on=due[kind], done_by_id=self.staff.id,
                            done_on=min(due[kind] + timedelta(days=self.rng.randint(0, 3)),
                                        measure.end),
                            note="Samtal med handledare och deltagare: det går bra."))
                measure.check = PlacementFollowUp(
                    kind=FollowUpKind.OUTCOME.value,
                    due_on=placements.follow_up_dates(measure.start, measure.end)[
                        FollowUpKind.OUTCOME])
                placement.follow_ups.append(measure.check)
                made.append((measure, placement))
        db.session.add_all([p for _m, p in made])
        db.session.flush()
        for measure, placement in made:
            measure.placement_id = placement.id
        self.lines.append(f"history: {len(made)} placements ended over the year")

    # --- outcomes -------------------------------------------------------------------------

    def at_end(self, measure: Measure, on: date):
        """The outcome at the end of a measure, as values to record."""

        if measure.status not in ("employed", "subsidised"):
            return outcomes.Values(status=measure.status, note=measure.note, recorded_on=on)
        return outcomes.Values(status=measure.status,
                               organisation=None if measure.employer else measure.org,
                               employer_name=measure.employer, employment_form=measure.form,
                               weekly_hours=measure.hours, recorded_on=on)

    def later(self, before, sector: str, on: date):
        """Where someone stands at the next checkpoint, from where they stood at the last
        one (``before``, None when that was not recorded); None: not recorded."""


        status = before.status if before is not None else None
        if status in SUCCESS:
            moved = _pick(self.rng, KEEP)
            if moved == "same":
                return replace(before, recorded_on=on, note="")
        else:
            moved = _pick(self.rng, MOVE_ON)
        if moved != "employed":
            return None if moved is None else outcomes.Values(status=moved, recorded_on=on)
        return outcomes.Values(status=moved, employer_name=self.elsewhere(sector),
                               employment_form=self.rng.choice(JOB_FORMS),
                               weekly_hours=self.rng.choice([20, 30, 40]), recorded_on=on)

    def outcome(self, person: Person, measure: Measure, values, checkpoint: Checkpoint):
        """The row outcomes.record() writes (without its audit entry, for speed)."""
        job = values.status in {s.value for s in WITH_EMPLOYER}
        return Outcome(
            participant_id=person.participant.id, cohort_id=measure.cohort_id,
            event_id=measure.event_id, placement_id=measure.placement_id,
            checkpoint=checkpoint.value, status=values.status,
            organisation_id=values.organisation.id if job and values.organisation else None,
            employer_name=values.employer_name if job and not values.organisation else "",
            employment_form=values.employment_form if job else "",
            weekly_hours=values.weekly_hours if job else None, note=values.note[:500],
            recorded_on=values.recorded_on, recorded_by_id=self.staff.id,
            created_at=self.at(values.recorded_on, 15), updated_at=self.at(values.recorded_on,
                                                                            15))

    def record_outcomes(self) -> None:
        """At the end, at the follow-up and at the later follow-up, on the day they were
        due or a few days later, never after today. A follow-up that falls in the
        person's next measure says so; one after it ended takes that measure's result. A
        placement's outcome check is done with its follow-up outcome, as
        placements.complete_follow_up() does."""


        due_days = {Checkpoint.FOLLOW_UP: outcomes.follow_up_days(),
                    Checkpoint.LATE: outcomes.late_follow_up_days()}
        rows = []
        for person in self.people:
            for i, measure in enumerate(person.measures):
                last = None
                if measure.status is not None:
                    # A placement's is recorded as it ends; the others' within days.
                    on = measure.end if measure.placement_id else min(
                        measure.end + timedelta(days=self.rng.randint(0, 5)), self.today)
                    last = self.at_end(measure, on)
                    rows.append(self.outcome(person, measure, last, Checkpoint.END))
                after = person.measures[i + 1:]
                if measure.kind == "event" and (after or measure.status is None):
                    continue  # the next measure is followed up, or nothing came of it
                for checkpoint in (Checkpoint.FOLLOW_UP, Checkpoint.LATE):
                    due = measure.end + timedelta(days=due_days[checkpoint])
                    check = measure.check if checkpoint == Checkpoint.FOLLOW_UP else None
                    if check is not None:
                        due = max(due, check.due_on)
                    on = due + timedelta(days=self.rng.randint(0, 10))
                    if on > self.today:
                        break
                    running = [m for m in after if m.start <= on < m.end]
                    ended = [m for m in after if m.end <= on and m.status is not None]
                    if running:
                        last = outcomes.Values(status=OutcomeStatus.OTHER.value,
                                               note="I praktik eller anställning via enheten.",
                                               recorded_on=on)
                    elif ended:
                        last = replace(self.at_end(ended[-1], on), note="")
                    else:
                        last = self.later(last, measure.sector, on)
                    if last is None:
                        break  # not recorded, nor the later one
                    rows.append(self.outcome(person, measure, last, checkpoint))
                    if check is not None:
                        check.done_on, check.done_by_id = on, self.staff.id
                        check.note = "Uppföljning med deltagaren per telefon."
        db.session.add_all(rows)
        db.session.flush()
        self.lines.append(f"history: {len(rows)} outcomes at the end and at the follow-ups")

    # --- requests -----------------------------------------------------------------------

    def make_requests(self, count: int = 150) -> None:
        """Requests over the year from the organisations registered by then, each with its
        timeline, submissions and service-level dates as the life cycle (services.py,
        sla.py) would have stamped them; references from the same counter as any request,
        so they cannot clash with real ones."""
        kinds = [(RequestKind.PLACEMENT, 40), (RequestKind.RECRUITMENT_EVENT, 22),
                 (RequestKind.TAILORED_COURSE, 14), (RequestKind.MENTOR_TRAINING, 24)]
        days = sorted(self.days_ago(0, 365) for _ in range(count))
        made = []
        with db.session.no_autoflush:
            for day in days:
                names = [n for n in ORG_SINCE if self.since[n] + timedelta(days=5) <= day]
                org = self.orgs[self.rng.choice(names)] if names else None
                if org is None or org.id not in self.admins:
                    continue
                made.append(self.request(org, _pick(self.rng, kinds), day))
        db.session.add_all([req for req, _c, _s in made])
        db.session.flush()
        rows = []
        for req, changes, submissions in made:
            for row in (*changes, *submissions):
                row.request_id = req.id
                rows.append(row)
        db.session.add_all(rows)
        db.session.flush()
        self.lines.append(f"history: {len(made)} requests over the year")

    def request_values(self, org: Organisation, kind, day: date) -> dict:
        sector = next((s.value for s in org.sectors if s.value in WORK), "cleaning")
        _code, role, skill, tasks = WORK[sector]
        start = day + timedelta(days=self.rng.randint(14, 60))
        if kind == RequestKind.RECRUITMENT_EVENT:
            return {"roles": role, "headcount": self.rng.randint(2, 8), "period_start": start,
                    "period_end": start + timedelta(days=self.rng.randint(0, 30)),
                    "venue": self.rng.choice(["workplace", "municipality"]),
                    "languages": "svenska, arabiska",
                    "employer_contribution": "Vi presenterar oss och håller intervjuer."}
        if kind == RequestKind.TAILORED_COURSE:
            headcount = self.rng.randint(6, 15)
            return {"skill": skill, "roles": role, "headcount": headcount,
                    "max_weeks": self.rng.choice([6, 8, 10, 14]),
                    "guaranteed_interviews": True,
                    "hires": self.rng.randint(1, headcount // 2),
                    "hosts_practical": self.rng.random() < 0.6,
                    "preferred_start": start + timedelta(days=30)}
        if kind == RequestKind.PLACEMENT:
            kind_of = _pick(self.rng, PLACEMENT_TYPES)
            status = self.rng.choice(["trained", "untrained", "wanted"])
            return {"placement_type": kind_of, "roles": role, "tasks": tasks,
                    "headcount": self.rng.randint(1, 3), "period_start": start,
                    "period_end": start + timedelta(days=PLACEMENT_DAYS[kind_of][0]),
                    "hours_per_week": self.rng.choice([20, 30, 40]),
                    "workplace_address": f"{org.street_address}, {org.city}",
                    "supervisor_status": status,
                    "supervisor_name": "Arbetsledaren; har gått handledarutbildningen"
                    if status == "trained" else ""}
        return {"headcount": self.rng.randint(1, 4), "period_start": start,
                "period_end": start + timedelta(days=self.rng.randint(0, 14)),
                "venue": "municipality",
                "topics": ["receiving_newcomers", "supervising_intern"]}

    def request(self, org: Organisation, kind, day: date):
        """One request and its story: (request, status changes, submissions), the rows
        without the request's id yet."""
        S = RequestState
        rng = self.rng
        admin = self.admins[org.id]
        values = self.request_values(org, kind, day)
        submitted = min(self.office(day), self.now - timedelta(minutes=rng.randint(30, 240)))
        req = ServiceRequest(
            organisation_id=org.id, kind=kind.value, state=S.DRAFT.value,
            created_by_id=admin.id, registered_by_staff=False,
            assigned_to_id=self.staff.id if rng.random() < 0.8 else None,
            created_at=submitted - timedelta(minutes=rng.randint(5, 300)), **values)
        req.needs = []
        # First answered half a day to six days after it came in; committed to (moved to
        # "in progress") 3 to 40 days after.
        response = submitted + timedelta(hours=rng.choice([12, 16, 20, 24, 26, 30, 40, 48])
                                         + rng.uniform(0, 8) + (rng.uniform(48, 96)
                                                                if rng.random() < 0.2 else 0))
        commit = max(submitted + timedelta(days=rng.uniform(3, 40)),
                     response + timedelta(hours=2))
        period_end = values.get("period_end") or values.get("preferred_start") or day
        done = max(commit + timedelta(days=rng.randint(7, 30)),
                   self.at(period_end + timedelta(days=rng.randint(1, 10)), 14))
        fate = _pick(rng, [("complete", 58), ("decline", 10), ("withdraw", 8),
                           ("needs_info", 10), ("no_answer", 4), ("ongoing", 10)])
        if fate == "ongoing" and day < self.today - timedelta(days=120):
            fate = "complete"  # what runs for months is a placement, not the request
        staff, employer = self.staff, admin
        # The story, as (to state, actor, when, reason, field comments); cut off at now.
        story = [(S.SUBMITTED, employer, submitted, "", None)]
        if fate == "decline":
            if rng.random() < 0.5:
                story.append((S.IN_REVIEW, staff, response, "", None))
                response += timedelta(days=rng.randint(1, 10))
            story.append((S.DECLINED, staff, response, rng.choice([
                "Vi har inga deltagare med rätt profil just nu; hör gärna av er i höst.",
                "Vi kan inte ordna det inom den tid ni behöver.",
                "Behovet täcks av den kurs vi redan planerar; vi hör av oss om den."]),
                None))
        elif fate == "withdraw":
            story += [(S.IN_REVIEW, staff, response, "", None),
                      (S.WITHDRAWN, employer, response + timedelta(days=rng.randint(2, 25)),
                       rng.choice(["Vi har anställt på annat sätt.",
                                   "Behovet försvann när en order drogs tillbaka."]), None)]
        elif fate in ("needs_info", "no_answer"):
            story.append((S.NEEDS_INFO, staff, response, "Tack! Vi behöver veta lite mer.",
                          {_COMMENTED[kind]: "Beskriv det lite närmare, så kan vi matcha "
                                             "rätt deltagare."}))
            back = response + timedelta(days=rng.uniform(1, 8))
            if fate == "no_answer":
                story.append((S.WITHDRAWN, employer, back + timedelta(days=20),
                              "Vi har inte tid med detta just nu.", None))
            else:
                story += [(S.SUBMITTED, employer, back, "", None),
                          (S.IN_REVIEW, staff, back + timedelta(hours=rng.randint(4, 30)), "",
                           None),
                          (S.IN_PROGRESS, staff, max(commit, back + timedelta(days=2)), "",
                           None),
                          (S.COMPLETED, staff, max(done, back + timedelta(days=14)),
                           "Klart.", None)]
        else:
            story += [(S.IN_REVIEW, staff, response, "", None),
                      (S.IN_PROGRESS, staff, commit, "Vi sätter igång och hör av oss om "
                       "deltagare och datum.", None)]
            if fate == "complete":
                story.append((S.COMPLETED, staff, done, "Genomfört.", None))

        # The life cycle as transition() and sla.py stamp it.
        changes, submissions = [], []
        state = S.DRAFT
        for to, actor, when, reason, comments in story:
            if when > self.now:
                break
            if to == S.SUBMITTED:
                if not submissions:
                    day_in = self.local(when)
                    req.reference = requests.next_reference("REQ", day_in.year)
                    req.submitted_at = when
                    req.first_response_due = _working_days_after(
                        day_in, current_app.config["FIRST_RESPONSE_WORKING_DAYS"],
                        org.country)
                    if kind == RequestKind.PLACEMENT:
                        req.commitment_due = day_in + timedelta(
                            days=current_app.config["PLACEMENT_COMMITMENT_DAYS"])
                else:
                    # Sent again with the commented field answered; the clocks run on.
                    name = _COMMENTED[kind]
                    setattr(req, name, _answered(kind, getattr(req, name)))
                    if req.committed_at is None and req.commitment_due is not None:
                        req.commitment_due += self.local(when) - self.local(req.paused_at)
                    req.paused_at = None
                submissions.append(RequestSubmission(number=len(submissions) + 1,
                                                     snapshot=requests.snapshot(req),
                                                     created_at=when))
            elif actor is staff and req.first_response_at is None:
                req.first_response_at = when
            if to == S.IN_PROGRESS and req.committed_at is None:
                req.committed_at = when
            if to == S.NEEDS_INFO:
                req.paused_at = when
            if to == S.DECLINED:
                req.decline_reason = reason
            if to == S.WITHDRAWN:
                req.withdraw_reason = reason
            changes.append(RequestStatusChange(
                actor_id=actor.id, from_state=state.value, to_state=to.value, reason=reason,
                field_comments=comments, created_at=when))
            state = to
            req.state = to.value
            req.state_changed_at = req.updated_at = when
        return req, changes, submissions


@functools.cache
def _working_days_after(day: date, days: int, country: str) -> date:
    return add_working_days(day, days, country)


# The field staff comment on when they ask for more, per kind of request.
_COMMENTED = {"placement": "tasks", "recruitment_event": "roles", "tailored_course": "skill",
              "mentor_training": "headcount"}


def _answered(kind, value):
    """What the employer wrote back when asked for more on the commented field."""

    if kind == RequestKind.MENTOR_TRAINING:
        return min((value or 1) + 1, 5)
    return f"{value} – se vidare i meddelandet: dagtid, start efter överenskommelse."
