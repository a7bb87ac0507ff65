"""Demo recruitment events, made through the services (so they obey every rule).

``seed`` is called by the portal's demo data (portal/core/demo.py) after the demo
organisations and participants exist. It does nothing if any event exists already.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.employers.models import Organisation
from portal.events import services
from portal.events.enums import Attendance, EventRole, EventState, Response
from portal.events.models import RecruitmentEvent
from portal.extensions import db

# (organisation name, role, vacancies, answer) per event; names as in portal/core/demo.py.
PAST = {
    "values": {"title": "Rekryteringsträff lokalvård", "sector": "cleaning",
               "occupation_code": "9111", "start_time": time(9, 0), "end_time": time(12, 0),
               "location": "Medborgarhuset, Råda torg 1, Mölnlycke", "online_url": "",
               "capacity": 12,
               "description": "Mölnlycke Lokalvård presenterar sig och håller korta "
                              "intervjuer. Tolk på arabiska och somaliska finns på plats."},
    "days": -21,
    "organisations": [("Mölnlycke Lokalvård AB", EventRole.RECRUITER, 4, Response.CONFIRMED)],
}
UPCOMING = {
    "values": {"title": "Rekryteringsträff kök och servering", "sector": "kitchen",
               "occupation_code": "9412", "start_time": time(13, 0), "end_time": time(15, 30),
               "location": "Osby bibliotek, Västra Storgatan 16, Osby",
               "online_url": "https://mote.example.se/rekrytering-kok",
               "capacity": 15,
               "description": "Storkök och kantiner berättar om arbetet. Den som inte kan "
                              "komma till Osby är med via länken."},
    "days": 24,
    "organisations": [("Osby Storkök Ekonomisk förening", EventRole.HOST, 2, Response.CONFIRMED),
                      ("Helsingør Kantine og Rengøring ApS", EventRole.RECRUITER, 4, None)],
}


def _org(name: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.name == name).limit(1))


def _admin(org: Organisation) -> User | None:
    from portal.employers.services import active_users

    users = active_users(org)
    return users[0] if users else None


def _make(plan: dict, *, staff: User, today: date) -> tuple[RecruitmentEvent, list[str]]:
    lines = []
    event = services.create_event(values={
        **plan["values"], "event_date": today + timedelta(days=plan["days"])}, actor=staff)
    for name, role, vacancies, answer in plan["organisations"]:
        org = _org(name)
        if org is None:
            continue
        services.set_organisation(event, org, actor=staff, role=role, vacancies=vacancies)
        admin = _admin(org)
        if answer is not None and admin is not None:
            services.respond(event, org, answer, actor=admin)
        lines.append(f"  {name}: {role} ({answer or 'not answered'})")
    for person in services.matching(event, limit=min(event.capacity, 4)):
        services.invite(event, person, actor=staff)
        lines.append(f"  invited {person.case_reference}")
    return event, lines


def seed(*, staff: User, today: date) -> list[str]:
    """One held event with who came, results and named hires, and one planned event with
    organisations (one confirmed) and job seekers invited. Returns what was made."""
    if db.session.scalar(select(func.count()).select_from(RecruitmentEvent)):
        return []
    if _org(PAST["organisations"][0][0]) is None:
        return []  # the demo organisations are not there: nothing to hang events on
    made = []
    past, lines = _make(PAST, staff=staff, today=today)
    services.transition(past, EventState.HELD, actor=staff, today=today)
    invited = services.invitations(past)
    came = invited[:-1] if len(invited) > 1 else invited
    services.save_attendance(past, {
        i.id: Attendance.ATTENDED if i in came else Attendance.ABSENT for i in invited},
        actor=staff)
    for n, participation in enumerate(list(past.organisations)):
        hired = [i.participant_id for i in came[:2]] if n == 0 else []
        services.save_results(past, participation.organisation, actor=staff,
                              interviews=len(came), offers=len(hired) + 1 if came else 0,
                              hires=len(hired), hired_ids=hired)
        lines.append(f"  results for {participation.organisation.name}: "
                     f"{len(hired)} hired")
    made.append(f"recruitment event {past.title} ({past.state}, {past.event_date})")
    made.extend(lines)
    upcoming, lines = _make(UPCOMING, staff=staff, today=today)
    made.append(f"recruitment event {upcoming.title} ({upcoming.state}, "
                f"{upcoming.event_date})")
    made.extend(lines)
    db.session.flush()
    return made
