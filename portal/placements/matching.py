"""Who could answer an intern/placement request: supervisors and participants, ranked.

Supervisors: approved ones at the requesting organisation, then those elsewhere in its
municipality ("at or near the workplace"). Within each group, in this order: a sector
the request is about, a free place in the requested period (capacity minus committed
placements overlapping it, counted in the same query), availability from the requested
start, mentor training; then the most free places, then the name. Each row says why it
ranks where it does.

Participants: those whose sector profile has the request's sector and who are on no
open course (``participants.services.fitting``), without those already committed to a
placement in the period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import and_, case, exists, false, func, or_, select

from portal.core.dates import local_today
from portal.employers import occupations
from portal.employers.enums import Sector
from portal.extensions import db
from portal.placements.checks import COMMITTED
from portal.placements.models import Placement
from portal.requests.models import ServiceRequest

SUPERVISOR_LIMIT = 50
PARTICIPANT_LIMIT = 30


def request_sectors(req: ServiceRequest) -> list[Sector]:
    """The sectors the request is about: its hiring needs' occupations, else the
    organisation's own sectors."""
    from_needs = {occupations.sector_of(n.occupation_code) for n in req.needs} - {None}
    if from_needs:
        return [s for s in Sector if s in from_needs]
    return list(req.organisation.sectors)


def period(req: ServiceRequest, today: date | None = None) -> tuple[date, date]:
    start = req.period_start or req.preferred_start or today or local_today()
    end = req.period_end if req.period_end and req.period_end >= start else start
    return start, end


@dataclass
class SupervisorMatch:
    supervisor: object
    same_organisation: bool
    sector_match: bool
    committed: int
    available: bool
    trained: bool

    @property
    def free(self) -> int:
        return max(self.supervisor.capacity - self.committed, 0)

    @property
    def reasons(self) -> list[tuple[bool, str]]:
        """(good?, why) in the order the ranking weighs them."""
        s = self.supervisor
        return [
            (self.same_organisation,
             _("At the organisation that asked") if self.same_organisation
             else _("In the same municipality (%(place)s)", place=s.municipality or "–")),
            (self.sector_match, _("Takes people in the request's sector")
             if self.sector_match else _("Another sector")),
            (self.free > 0, _("%(free)d of %(capacity)d places free in the period",
                              free=self.free, capacity=s.capacity)),
            (self.available, _("Available from the requested start") if self.available
             else _("Not available from the requested start")),
            (self.trained, _("Has attended mentor training") if self.trained
             else _("Not trained yet")),
        ]


def supervisors(req: ServiceRequest, sectors, start: date, end: date,
                limit: int = SUPERVISOR_LIMIT) -> list[SupervisorMatch]:
    """One query, ranked in SQL (see the module's docstring)."""
    from portal.supervisors.enums import SupervisorStatus
    from portal.supervisors.models import Supervisor, SupervisorAvailability, SupervisorSector

    org = req.organisation
    committed = (select(func.count()).select_from(Placement)
                 .where(Placement.supervisor_id == Supervisor.id,
                        Placement.state.in_(COMMITTED), Placement.starts_on <= end,
                        Placement.ends_on >= start)
                 .correlate(Supervisor).scalar_subquery())
    available = exists().where(
        SupervisorAvailability.supervisor_id == Supervisor.id,
        SupervisorAvailability.starts_on <= start,
        or_(SupervisorAvailability.ends_on.is_(None), SupervisorAvailability.ends_on >= start))
    wanted = [s.value for s in sectors]
    in_sector = exists().where(SupervisorSector.supervisor_id == Supervisor.id,
                               SupervisorSector.sector.in_(wanted)) if wanted else false()
    same_org = Supervisor.organisation_id == org.id
    near = func.lower(Supervisor.municipality) == org.municipality.lower() \
        if org.municipality else false()
    trained = and_(Supervisor.trained_on.is_not(None), Supervisor.trained_on <= local_today())

    def flag(condition):
        return case((condition, 1), else_=0)

    rows = db.session.execute(
        select(Supervisor, flag(same_org), flag(in_sector), committed, flag(available),
               flag(trained))
        .where(Supervisor.status == SupervisorStatus.APPROVED, or_(same_org, near))
        .order_by(flag(same_org).desc(), flag(in_sector).desc(),
                  flag(Supervisor.capacity > committed).desc(), flag(available).desc(),
                  flag(trained).desc(), (Supervisor.capacity - committed).desc(),
                  Supervisor.full_name, Supervisor.id)
        .limit(limit)).all()
    return [SupervisorMatch(s, bool(o), bool(sec), int(c or 0), bool(a), bool(t))
            for s, o, sec, c, a, t in rows]


def participants(sector: Sector | None, start: date, end: date,
                 limit: int = PARTICIPANT_LIMIT) -> list:
    """Participants who fit the sector, are on no open course and have no committed
    placement in the period."""
    from portal.participants import services as participant_services

    if sector is None:
        return []
    people = participant_services.fitting(sector.value, limit)
    if not people:
        return []
    busy = set(db.session.scalars(select(Placement.participant_id).where(
        Placement.participant_id.in_([p.id for p in people]),
        Placement.state.in_(COMMITTED), Placement.starts_on <= end,
        Placement.ends_on >= start)))
    return [p for p in people if p.id not in busy]
