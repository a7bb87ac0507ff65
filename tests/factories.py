"""Factory functions: make_x(**overrides) builds a valid object through the models."""

from __future__ import annotations

import itertools

from stdnum import luhn

from portal.accounts.models import User
from portal.accounts.passwords import hash_password
from portal.core.models import utcnow
from portal.employers.enums import MembershipStatus, OrgRole
from portal.employers.models import Membership, Organisation, OrganisationSector
from portal.extensions import db
from tests.support import PASSWORD

_seq = itertools.count(1)


def org_number(seed: int | None = None) -> str:
    body = f"556{(seed if seed is not None else next(_seq)) % 1_000_000:06d}"
    return body + luhn.calc_check_digit(body)


def make_user(role: str = "employer", **overrides) -> User:
    if role == "employer":
        # An employer user belongs to an organisation, as its admin by default.
        org = overrides.pop("organisation", None) or make_organisation()
        org_role = overrides.pop("org_role", OrgRole.ADMIN)
        status = overrides.pop("membership_status", MembershipStatus.ACTIVE)
    n = next(_seq)
    values = {
        "email": f"user{n}@example.se",
        "full_name": f"Test Person {n}",
        "password_hash": _password_hash(),
        "role": role,
        "email_confirmed_at": utcnow(),
        "locale": "sv",
    }
    values.update(overrides)
    user = User(**values)
    db.session.add(user)
    db.session.flush()
    if role == "employer":
        db.session.add(Membership(user_id=user.id, organisation_id=org.id, role=org_role,
                                  status=status))
        db.session.flush()
        db.session.refresh(user)
    db.session.commit()
    return user


_HASH = {}


def _password_hash() -> str:
    if "h" not in _HASH:
        _HASH["h"] = hash_password(PASSWORD)
    return _HASH["h"]


def make_organisation(**overrides) -> Organisation:
    n = next(_seq)
    sectors = overrides.pop("sectors", ["cleaning"])
    values = {
        "name": f"Testföretaget {n} AB",
        "country": "SE",
        "org_number": org_number(n),
        "municipality": "Härryda",
        "city": "Mölnlycke",
        "size_band": "10-49",
    }
    values.update(overrides)
    org = Organisation(**values)
    org.sector_rows = [OrganisationSector(sector=s) for s in sectors]
    db.session.add(org)
    db.session.commit()
    return org


def employer_of(org: Organisation, **overrides) -> User:
    return make_user("employer", organisation=org, **overrides)


def make_need(org: Organisation, created_by: User | None = None, **overrides):
    from portal.employers import needs

    values = {"occupation_code": "9111", "headcount": 3, "timeframe": "now",
              "employment_form": "permanent", "hours_per_week": 30, "location": "Mölnlycke",
              "swedish_level": "basic", "driving_licence": "none", "shift_work": False,
              "physical_demands": "moderate", "no_formal_education": True}
    values.update(overrides)
    need = needs.create_need(org, values=values,
                             actor=created_by or employer_of(org))
    db.session.commit()
    return need


def request_values(kind: str = "placement") -> dict:
    """Complete, valid answers for each kind of request (dates a month ahead)."""
    from datetime import timedelta

    from portal.core.dates import local_today

    start = local_today() + timedelta(days=30)
    end = start + timedelta(days=60)
    return {
        "recruitment_event": {"roles": "Lokalvårdare till kontor", "headcount": 4,
                              "period_start": start, "period_end": end,
                              "venue": "workplace", "languages": "svenska, arabiska",
                              "employer_contribution": "Presenterar företaget och intervjuar."},
        "tailored_course": {"skill": "Lokalvård", "roles": "Lokalvårdare", "headcount": 15,
                            "max_weeks": 14, "guaranteed_interviews": True, "hires": 8,
                            "hosts_practical": True, "preferred_start": start},
        "placement": {"placement_type": "internship", "roles": "Lagerarbetare",
                      "tasks": "Plock och pack", "headcount": 2, "period_start": start,
                      "period_end": end, "hours_per_week": 30,
                      "workplace_address": "Industrivägen 4, Härryda",
                      "supervisor_status": "trained", "supervisor_name": "Sofia Berg"},
        "mentor_training": {"headcount": 3, "period_start": start, "period_end": end,
                            "venue": "municipality",
                            "topics": ["receiving_newcomers", "supervising_intern"]},
    }[kind]


def make_request(org: Organisation, actor: User, kind: str = "placement", *,
                 submit: bool = False, needs=(), **overrides):
    from portal.requests import services
    from portal.requests.enums import RequestKind

    values = {**request_values(kind), **overrides}
    req = services.create_request(org, RequestKind(kind), values=values,
                                  need_ids=[n.id for n in needs], actor=actor, submit=submit)
    db.session.commit()
    return req


_case = itertools.count(1)


def make_participant(first_name: str = "Deltagare", sectors=("cleaning",), actor=None,
                     **overrides):
    """A participant in the register, with a unique case reference."""
    from portal.participants import services as participants

    n = next(_case)
    values = {"first_name": f"{first_name}{n}", "last_name": "Testsson",
              "case_reference": f"F-{n:05d}", "driving_licence": "none"}
    values.update(overrides)
    person = participants.create(values=values, sectors=list(sectors),
                                 actor=actor or make_user("staff"))
    db.session.commit()
    return person


def event_values(**overrides) -> dict:
    """Valid values for a recruitment event four weeks ahead, as the services take them."""
    from datetime import time, timedelta

    from portal.core.dates import local_today

    values = {"title": "Rekryteringsträff lokalvård", "sector": "cleaning",
              "occupation_code": "9111", "event_date": local_today() + timedelta(days=28),
              "start_time": time(9, 0), "end_time": time(12, 0),
              "location": "Medborgarhuset, Mölnlycke", "online_url": "", "capacity": 20,
              "description": "Träffa arbetsgivare inom lokalvård."}
    values.update(overrides)
    return values


def make_event(staff: User | None = None, *, organisations=(), request_ids=(), **overrides):
    """A planned recruitment event; ``organisations`` take part as recruiters."""
    from portal.events import services

    staff = staff or make_user("staff")
    event = services.create_event(values=event_values(**overrides), actor=staff,
                                  request_ids=list(request_ids))
    for org in organisations:
        services.set_organisation(event, org, actor=staff, role="recruiter", vacancies=2)
    db.session.commit()
    return event


def make_supervisor(org: Organisation | None = None, *, status: str = "approved",
                    with_account: bool = True, sectors=("cleaning",), trained_on=None,
                    capacity: int = 2, **overrides):
    """A supervisor profile at ``org`` (a new organisation if None); an approved one gets
    a supervisor account it logs in with (``.user``)."""
    from datetime import timedelta

    from portal.core.dates import local_today
    from portal.supervisors.models import Supervisor, SupervisorAvailability, SupervisorSector

    n = next(_seq)
    org = org or make_organisation()
    values = {"full_name": f"Handledare{n} Testsson", "email": f"handledare{n}@example.se",
              "phone": "070-123 45 67", "organisation_id": org.id,
              "municipality": org.municipality, "job_title": "Arbetsledare",
              "tasks": "Städning av kontor", "languages": "svenska, engelska",
              "capacity": capacity, "consent_at": utcnow(), "status": status,
              "trained_on": trained_on}
    if status != "unconfirmed":
        values["confirmed_at"] = utcnow()
    if status == "declined":
        values["decline_reason"] = "Inte aktuellt"
    values.update(overrides)
    supervisor = Supervisor(**values)
    supervisor.sector_rows = [SupervisorSector(sector=s) for s in sectors]
    supervisor.availability = [SupervisorAvailability(starts_on=local_today()
                                                      - timedelta(days=30))]
    db.session.add(supervisor)
    db.session.flush()
    if with_account and status == "approved":
        user = make_user("supervisor", email=supervisor.email, full_name=supervisor.full_name)
        supervisor.user_id = user.id
    db.session.commit()
    return supervisor


def make_placement(participant, org: Organisation, supervisor=None, *,
                   state: str = "proposed", **overrides):
    """A placement row as it stands in ``state`` (no checks run; tests of the rules use
    the service)."""
    from datetime import timedelta

    from portal.core.dates import local_today
    from portal.placements.models import Placement

    today = local_today()
    values = {"participant_id": participant.id, "organisation_id": org.id,
              "supervisor_id": getattr(supervisor, "id", None),
              "placement_type": "internship", "sector": "cleaning",
              "starts_on": today - timedelta(days=7),
              "ends_on": today + timedelta(days=49), "weekly_hours": 30,
              "tasks": "Städning av kontor och trapphus", "state": state}
    if state in ("agreed", "active", "ended"):
        values["agreed_at"] = utcnow()
    if state == "ended":
        values.update(ended_on=today, end_outcome="hired_by_host")
    if state == "cancelled":
        values["cancel_reason"] = "Avbokad"
    values.update(overrides)
    placement = Placement(**values)
    db.session.add(placement)
    db.session.commit()
    return placement


def mentor_session_values(**overrides) -> dict:
    """Valid values for an open mentor training session three weeks ahead."""
    from datetime import time, timedelta

    from portal.core.dates import local_today

    values = {"title": "Mentorsutbildning", "session_date": local_today() + timedelta(days=21),
              "start_time": time(13, 0), "end_time": time(16, 0),
              "location": "Kommunhuset, sal 2", "online_url": "", "capacity": 12,
              "topics": ["supervising_intern"], "description": "Att ta emot en praktikant."}
    values.update(overrides)
    return values


def make_mentor_session(**overrides):
    from portal.mentor_training.models import MentorSession

    session = MentorSession(**mentor_session_values(**overrides))
    db.session.add(session)
    db.session.commit()
    return session
