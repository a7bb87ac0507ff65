"""Demo placements, made through the services (so they obey every rule).

``seed`` is meant to be called by the portal's demo data after the demo supervisors and
participants exist. It does nothing if any placement exists already. It makes:
- active placements, one of them with its two-week check-in missed (the others done,
  and a weekly check-in from the supervisor where they have an account);
- ended placements: two hired by the host (the "leads to regular employment" goal),
  one interrupted;
- one proposed placement, waiting for the checks and an agreement.
Each placement has its own participant; plans for which no participant or supervisor is
left are skipped, as is one a rule refuses.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.core.errors import DomainError
from portal.extensions import db
from portal.placements import checks, services
from portal.placements.enums import EndOutcome, FollowUpKind
from portal.placements.models import Placement

ALL_WARNINGS = frozenset(k.value for k in checks.CheckKind)

# (days from today to the start, length in days, type, hours, tasks, what happens)
PLANS = [
    (-35, 90, "internship", 30, "Städning av kontor och trapphus, påfyllning av "
     "förbrukningsmaterial.", "active"),
    (-20, 120, "subsidised_job", 35, "Diskning och enklare matlagning i storköket.",
     "active_missed"),
    (-10, 60, "internship", 25, "Plock och pack, inventering i lagret.", "active"),
    (-200, 90, "labour_market_employment", 40, "Lokalvård i skolor och förskolor.",
     EndOutcome.HIRED_BY_HOST),
    (-170, 60, "internship", 30, "Kassa och varupåfyllning i butiken.",
     EndOutcome.HIRED_BY_HOST),
    (-120, 60, "internship", 30, "Städning av hotellrum.", EndOutcome.INTERRUPTED),
    (14, 60, "internship", 30, "Servering och disk i personalrestaurangen.", "proposed"),
]


def seed(*, staff: User, today: date, supervisors, participants) -> list[Placement]:
    if db.session.scalar(select(func.count()).select_from(Placement)):
        return []
    hosts = [s for s in supervisors if s.is_approved and s.organisation_id is not None]
    people = list(participants)
    made: list[Placement] = []
    for n, (offset, days, kind, hours, tasks, fate) in enumerate(PLANS):
        if not hosts or not people:
            break
        supervisor = hosts[n % len(hosts)]
        person = people.pop(0)
        starts = today + timedelta(days=offset)
        ends = starts + timedelta(days=days)
        try:
            with db.session.begin_nested():
                made.append(_make(staff, today, supervisor, person, starts, ends, kind,
                                  hours, tasks, fate))
        except DomainError:
            continue  # e.g. the supervisor has no room left: leave this one out
    db.session.flush()
    return made


def _sector(supervisor) -> str:
    """The work's sector: one the supervisor and the host share, else the host's own,
    else the supervisor's."""
    host = [s.value for s in supervisor.organisation.sectors]
    own = list(supervisor.sectors)
    return next((s for s in own if s in host), None) or (host or own or ["other"])[0]


def _make(staff, today, supervisor, person, starts, ends, kind, hours, tasks, fate):
    # The demo's history: the person met the unit three weeks before the placement, and
    # it was agreed a week before it started (within Helsingør's four weeks).
    person.intake_on = min(person.intake_on, starts - timedelta(days=21))
    placement = services.create(person, values={
        "organisation_id": supervisor.organisation_id, "supervisor_id": supervisor.id,
        "placement_type": kind, "sector": _sector(supervisor), "starts_on": starts,
        "ends_on": ends, "weekly_hours": hours, "tasks": tasks}, actor=staff)
    if fate == "proposed":
        return placement
    host = supervisor.organisation
    employees = 12 if kind in checks.SUBSIDISED_TYPES and host.ordinary_employees is None \
        else None
    services.agree(placement, actor=staff, confirmed=ALL_WARNINGS,
                   ordinary_employees=employees, today=today)
    placement.agreed_at = datetime.combine(min(starts - timedelta(days=7), today),
                                           time(10, 0), tzinfo=UTC)
    services.activate(placement, actor=staff, today=max(starts, min(today, ends)))
    if fate in ("active", "active_missed"):
        for follow_up in placement.follow_ups:
            if follow_up.due_on < today and not (fate == "active_missed"
                                                  and follow_up.kind == FollowUpKind.CHECK_IN):
                services.complete_follow_up(follow_up, actor=staff, today=today,
                                            note="Samtal med handledaren: det går bra.")
        if supervisor.user is not None:
            services.save_check_in(placement, supervisor, user=supervisor.user, rating="good",
                                   hours=hours, concerns="", today=today)
        return placement
    reason = "Flyttade till annan kommun." if fate == EndOutcome.INTERRUPTED else ""
    services.end(placement, actor=staff, today=today, ending=services.Ending(
        ends if fate != EndOutcome.INTERRUPTED else starts + timedelta(days=25), fate,
        reason))
    for follow_up in placement.follow_ups:
        if follow_up.kind != FollowUpKind.OUTCOME and follow_up.done_on is None:
            services.complete_follow_up(follow_up, actor=staff, today=today,
                                        note="Uppföljning med handledare och deltagare.")
    return placement
