"""Demo mentor training, made through the services (so it obeys every rule).

``seed`` is meant to be called by the portal's demo data (portal/core/demo.py) once the
demo supervisors exist. It does nothing if any session exists already.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.extensions import db
from portal.mentor_training import services
from portal.mentor_training.enums import SessionState
from portal.mentor_training.models import MentorSession
from portal.requests.enums import OPEN_STATES, RequestKind
from portal.requests.models import ServiceRequest
from portal.supervisors.models import Supervisor

HELD = {"title": "Mentorsutbildning: att ta emot en praktikant", "days": -60,
        "start_time": time(13, 0), "end_time": time(16, 0),
        "location": "Kommunhuset, Råda torg 1, Mölnlycke, sal Rådasjön", "online_url": "",
        "capacity": 12, "topics": ["receiving_newcomers", "supervising_intern"],
        "description": "Hur man tar emot en ny medarbetare, planerar introduktionen och "
                       "följer upp en praktik."}
OPEN = {"title": "Mentorsutbildning: språkstöd på arbetsplatsen", "days": 21,
        "start_time": time(9, 0), "end_time": time(12, 0),
        "location": "Kommunhuset, Råda torg 1, Mölnlycke",
        "online_url": "https://mote.example.se/mentorsutbildning", "capacity": 10,
        "topics": ["language_support", "supervising_intern"],
        "description": "Enkelt språk, bildstöd och hur man ger instruktioner till någon som "
                       "lär sig svenska. Går att följa via länken."}
OWN = {"title": "Mentorsutbildning på arbetsplatsen", "days": 35,
       "start_time": time(8, 30), "end_time": time(11, 30), "online_url": "", "capacity": 6,
       "topics": ["receiving_newcomers", "supervising_intern"],
       "description": "Utbildningen hålls hos er, för era handledare."}


def _values(plan: dict, today: date, **over) -> dict:
    values = {k: v for k, v in plan.items() if k != "days"}
    values["session_date"] = today + timedelta(days=plan["days"])
    values.update(over)
    return values


def _open_request(org_id: int) -> ServiceRequest | None:
    return db.session.scalar(
        select(ServiceRequest).where(ServiceRequest.organisation_id == org_id,
                                     ServiceRequest.kind == RequestKind.MENTOR_TRAINING,
                                     ServiceRequest.state.in_(list(OPEN_STATES)))
        .order_by(ServiceRequest.id).limit(1))


def seed(*, staff: User, today: date, supervisors: list[Supervisor]) -> list[MentorSession]:
    """One session held about two months ago with who came (they become trained), one
    upcoming open session with some places booked, and one upcoming session for the first
    demo supervisor's organisation (answering its mentor-training request if it has an
    open one). Returns the sessions made."""
    if db.session.scalar(select(func.count()).select_from(MentorSession)):
        return []
    approved = [s for s in supervisors if s.is_approved]
    made = []

    held = services.create_session(values=_values(HELD, today), actor=staff)
    signed_on = held.session_date - timedelta(days=14)  # they signed up before it
    came = approved[:4]
    for supervisor in came:
        services.sign_up(held, supervisor, actor=staff, today=signed_on)
    services.transition(held, SessionState.HELD, actor=staff, today=today)
    seats = services.booked_seats(held)
    # Those whose profile says trained came (the session is where they trained); the
    # untrained did not, so the demo keeps an approved supervisor who is not yet trained
    # (the warning when agreeing a placement) and books them on the next session.
    came = {seat.id for seat in seats if seat.supervisor.trained_on is not None} or {
        seat.id for seat in seats[:-1] or seats}
    services.save_attendance(held, {seat.id: seat.id in came for seat in seats},
                             actor=staff, today=today)
    made.append(held)

    upcoming = services.create_session(values=_values(OPEN, today), actor=staff)
    untrained = [s for s in approved if s.trained_on is None]
    for supervisor in untrained + [s for s in approved if s not in untrained][:1]:
        services.sign_up(upcoming, supervisor, actor=staff, today=today)
    made.append(upcoming)

    with_org = [s for s in approved if s.organisation_id is not None]
    if with_org:
        org_id = with_org[0].organisation_id
        org = with_org[0].organisation
        own = services.create_session(
            values=_values(OWN, today, location=f"{org.name}, {org.city or org.municipality}"
                           [:160]),
            actor=staff, request=_open_request(org_id), organisation=org)
        for supervisor in [s for s in with_org if s.organisation_id == org_id][:3]:
            services.sign_up(own, supervisor, actor=staff, today=today)
        made.append(own)
    db.session.flush()
    return made
