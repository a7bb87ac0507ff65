"""The checks staff see before agreeing a placement, as structured findings.

Each finding has a ``kind``, whether it is ``blocking`` (the placement cannot be
agreed) or a warning (staff may agree after confirming they have read it), and the
``figures`` behind it, so the page (and a test) can show the numbers, not only a
sentence.

Blocking:
- ``no_supervisor`` / ``supervisor_not_approved``: an agreed placement has an approved
  supervisor.
- ``capacity``: the supervisor's committed placements (agreed or active) overlapping the
  period, with this one, would exceed the supervisor's capacity.
- ``double_booked``: the participant already has a committed placement overlapping the
  period (one at a time).
- ``employees_unknown``: a subsidised placement, and the host's number of ordinary
  employees is not known, so the ratio rule cannot be checked; the agree form asks for it.

Warnings:
- ``not_trained``: the supervisor has not attended mentor training.
- ``other_workplace``: the supervisor works at another organisation than the host.
- ``late_commitment``: Helsingør's rule, a commitment within 4 weeks of intake. This is
  the participant's first agreed placement, and it comes more than 28 days after the
  intake (the participant's registration).
- ``gap``: Helsingør's rule, at most 4 weeks between one measure and the next. More than
  28 days lie between the end of the participant's latest measure (a placement or a
  course) and this placement's start.
- ``ratio``: the host's people in subsidised placements would exceed the ratio to its
  ordinary employees.

The ratio rule, as read here (the Danish "rimelighedskrav" for løntilskud and
virksomhedspraktik, applied to the subsidised types of this portal): at one host, the
people in a subsidised placement (types ``subsidised_job`` and
``labour_market_employment``; internships do not count) whose periods overlap this one
may number at most one per ``PLACEMENT_RATIO_EMPLOYEES`` (default 5) ordinary,
unsubsidised employees, rounded down, and at least one whatever the size. So 4 ordinary
employees allow 1, 10 allow 2, 14 allow 2, 15 allow 3.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import func, select

from portal.core.dates import local_today
from portal.core.enums import LabelledEnum
from portal.extensions import db
from portal.placements.enums import COMMITTED_STATES, PlacementState
from portal.placements.models import Placement
from portal.requests.enums import PlacementType

# Helsingør: a commitment within 4 weeks of intake; at most 4 weeks between measures.
RULE_DAYS = 28
SUBSIDISED_TYPES = frozenset({PlacementType.SUBSIDISED_JOB,
                              PlacementType.LABOUR_MARKET_EMPLOYMENT})
COMMITTED = [s.value for s in COMMITTED_STATES]


class CheckKind(LabelledEnum):
    NO_SUPERVISOR = "no_supervisor"
    SUPERVISOR_NOT_APPROVED = "supervisor_not_approved"
    CAPACITY = "capacity"
    DOUBLE_BOOKED = "double_booked"
    EMPLOYEES_UNKNOWN = "employees_unknown"
    NOT_TRAINED = "not_trained"
    OTHER_WORKPLACE = "other_workplace"
    LATE_COMMITMENT = "late_commitment"
    GAP = "gap"
    RATIO = "ratio"


@dataclass(frozen=True)
class Finding:
    kind: CheckKind
    blocking: bool
    figures: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        return _message(self)


def ratio_per() -> int:
    return max(1, int(current_app.config.get("PLACEMENT_RATIO_EMPLOYEES", 5)))


def allowed_subsidised(ordinary_employees: int, per: int | None = None) -> int:
    """How many people in subsidised placements a host of this size may have at once."""
    per = per or ratio_per()
    return max(1, ordinary_employees // per)


def _overlapping(starts_on: date, ends_on: date):
    return (Placement.starts_on <= ends_on) & (Placement.ends_on >= starts_on)


def committed_for_supervisor(supervisor_id: int, starts_on: date, ends_on: date,
                             exclude_id: int | None = None) -> int:
    """The supervisor's committed placements whose period overlaps this one."""
    query = select(func.count()).select_from(Placement).where(
        Placement.supervisor_id == supervisor_id, Placement.state.in_(COMMITTED),
        _overlapping(starts_on, ends_on))
    if exclude_id is not None:
        query = query.where(Placement.id != exclude_id)
    return db.session.scalar(query) or 0


def overlapping_for_participant(participant_id: int, starts_on: date, ends_on: date,
                                exclude_id: int | None = None) -> Placement | None:
    """The participant's committed placement overlapping this period, if any."""
    query = select(Placement).where(
        Placement.participant_id == participant_id, Placement.state.in_(COMMITTED),
        _overlapping(starts_on, ends_on)).order_by(Placement.starts_on).limit(1)
    if exclude_id is not None:
        query = query.where(Placement.id != exclude_id)
    return db.session.scalar(query)


def subsidised_at_host(organisation_id: int, starts_on: date, ends_on: date,
                       exclude_id: int | None = None) -> int:
    query = select(func.count()).select_from(Placement).where(
        Placement.organisation_id == organisation_id, Placement.state.in_(COMMITTED),
        Placement.placement_type.in_([t.value for t in SUBSIDISED_TYPES]),
        _overlapping(starts_on, ends_on))
    if exclude_id is not None:
        query = query.where(Placement.id != exclude_id)
    return db.session.scalar(query) or 0


def blocking(placement: Placement) -> list[Finding]:
    """The rules that must hold for a committed placement: a supervisor who is approved
    and has room, and no other committed placement of the participant at the same time.
    Callers hold the supervisor's and the participant's row locks."""
    from portal.supervisors.models import Supervisor

    found = []
    supervisor = db.session.get(Supervisor, placement.supervisor_id) \
        if placement.supervisor_id else None
    if supervisor is None:
        found.append(Finding(CheckKind.NO_SUPERVISOR, True))
    elif not supervisor.is_approved:
        found.append(Finding(CheckKind.SUPERVISOR_NOT_APPROVED, True,
                             {"name": supervisor.full_name,
                              "status": supervisor.status_enum.label}))
    else:
        taken = committed_for_supervisor(supervisor.id, placement.starts_on,
                                         placement.ends_on, exclude_id=placement.id)
        if taken + 1 > supervisor.capacity:
            found.append(Finding(CheckKind.CAPACITY, True, {
                "name": supervisor.full_name, "capacity": supervisor.capacity,
                "taken": taken}))
    other = overlapping_for_participant(placement.participant_id, placement.starts_on,
                                        placement.ends_on, exclude_id=placement.id)
    if other is not None:
        found.append(Finding(CheckKind.DOUBLE_BOOKED, True, {
            "placement_id": other.id, "starts_on": other.starts_on,
            "ends_on": other.ends_on, "organisation": other.organisation.name}))
    return found


def _intake(participant) -> date:
    return participant.intake_on


def _late_commitment(placement: Placement, today: date) -> Finding | None:
    """The first agreed placement, agreed more than 28 days after intake."""
    from portal.participants.models import Participant

    intake = _intake(db.session.get(Participant, placement.participant_id))
    days = (today - intake).days
    if days <= RULE_DAYS:
        return None
    earlier = db.session.scalar(select(func.count()).select_from(Placement).where(
        Placement.participant_id == placement.participant_id,
        Placement.agreed_at.is_not(None), Placement.id != placement.id))
    if earlier:
        return None
    return Finding(CheckKind.LATE_COMMITMENT, False, {"intake": intake, "days": days,
                                                      "limit": RULE_DAYS})


def _gap(placement: Placement) -> Finding | None:
    """More than 28 days from the end of the latest measure before the start."""
    from portal.training.enums import EnrolmentStatus
    from portal.training.models import Cohort, Enrolment

    start = placement.starts_on
    pid = placement.participant_id
    # A measure that runs up to (or over) the start leaves no gap.
    running = db.session.scalar(select(func.count()).select_from(Placement).where(
        Placement.participant_id == pid, Placement.id != placement.id,
        Placement.state.in_(COMMITTED), Placement.starts_on < start,
        Placement.ends_on >= start - timedelta(days=1)))
    running = running or db.session.scalar(
        select(func.count()).select_from(Enrolment)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(Enrolment.participant_id == pid,
               Enrolment.status == EnrolmentStatus.ENROLLED,
               Cohort.start_date < start, Cohort.end_date >= start - timedelta(days=1)))
    if running:
        return None
    ends = [
        db.session.scalar(select(func.max(Placement.ended_on)).where(
            Placement.participant_id == pid, Placement.id != placement.id,
            Placement.state == PlacementState.ENDED, Placement.ended_on < start)),
        db.session.scalar(select(func.max(Placement.ends_on)).where(
            Placement.participant_id == pid, Placement.id != placement.id,
            Placement.state.in_(COMMITTED), Placement.ends_on < start)),
        db.session.scalar(select(func.max(Enrolment.ended_on)).where(
            Enrolment.participant_id == pid,
            Enrolment.status.in_([EnrolmentStatus.COMPLETED.value,
                                  EnrolmentStatus.DROPPED_OUT.value]),
            Enrolment.ended_on < start)),
    ]
    latest = max((d for d in ends if d is not None), default=None)
    if latest is None:
        return None
    days = (start - latest).days
    if days <= RULE_DAYS:
        return None
    return Finding(CheckKind.GAP, False, {"last_end": latest, "starts_on": start,
                                          "days": days, "limit": RULE_DAYS})


def _ratio(placement: Placement, ordinary_employees: int | None) -> Finding | None:
    if placement.placement_type not in SUBSIDISED_TYPES:
        return None
    from portal.employers.models import Organisation

    host = db.session.get(Organisation, placement.organisation_id)
    employees = ordinary_employees if ordinary_employees is not None \
        else host.ordinary_employees
    if employees is None:
        return Finding(CheckKind.EMPLOYEES_UNKNOWN, True, {"organisation": host.name})
    per = ratio_per()
    people = subsidised_at_host(placement.organisation_id, placement.starts_on,
                                placement.ends_on, exclude_id=placement.id) + 1
    allowed = allowed_subsidised(employees, per)
    if people <= allowed:
        return None
    return Finding(CheckKind.RATIO, False, {"people": people, "employees": employees,
                                            "per": per, "allowed": allowed,
                                            "organisation": host.name})


def evaluate(placement: Placement, *, ordinary_employees: int | None = None,
             today: date | None = None) -> list[Finding]:
    """Everything staff should know before agreeing: blocking findings first.

    ``ordinary_employees`` stands in for the host's figure while staff are entering it.
    """
    from portal.supervisors.models import Supervisor

    today = today or local_today()
    found = blocking(placement)
    supervisor = db.session.get(Supervisor, placement.supervisor_id) \
        if placement.supervisor_id else None
    if supervisor is not None and supervisor.is_approved:
        if supervisor.trained_on is None or supervisor.trained_on > today:
            found.append(Finding(CheckKind.NOT_TRAINED, False, {"name": supervisor.full_name}))
        if supervisor.organisation_id is not None \
                and supervisor.organisation_id != placement.organisation_id:
            found.append(Finding(CheckKind.OTHER_WORKPLACE, False, {
                "name": supervisor.full_name, "workplace": supervisor.workplace}))
    for extra in (_late_commitment(placement, today), _gap(placement),
                  _ratio(placement, ordinary_employees)):
        if extra is not None:
            found.append(extra)
    return sorted(found, key=lambda f: not f.blocking)


def _message(finding: Finding) -> str:
    f, kind = finding.figures, finding.kind
    if kind == CheckKind.NO_SUPERVISOR:
        return _("Choose a supervisor before agreeing the placement.")
    if kind == CheckKind.SUPERVISOR_NOT_APPROVED:
        return _("%(name)s is not an approved supervisor (%(status)s).", name=f["name"],
                 status=f["status"])
    if kind == CheckKind.CAPACITY:
        return _("%(name)s already supervises %(taken)d of %(capacity)d places in this "
                 "period: one more would exceed the capacity.", name=f["name"],
                 taken=f["taken"], capacity=f["capacity"])
    if kind == CheckKind.DOUBLE_BOOKED:
        return _("The participant already has an agreed placement at %(org)s from %(start)s "
                 "to %(end)s, which overlaps this period.", org=f["organisation"],
                 start=format_date(f["starts_on"]), end=format_date(f["ends_on"]))
    if kind == CheckKind.EMPLOYEES_UNKNOWN:
        return _("The number of ordinary employees at %(org)s is not known: enter it to "
                 "check the ratio rule for subsidised placements.", org=f["organisation"])
    if kind == CheckKind.NOT_TRAINED:
        return _("%(name)s has not attended mentor training yet.", name=f["name"])
    if kind == CheckKind.OTHER_WORKPLACE:
        return _("%(name)s works at %(workplace)s, not at the host organisation.",
                 name=f["name"], workplace=f["workplace"])
    if kind == CheckKind.LATE_COMMITMENT:
        return _("No placement was agreed within %(limit)d days of the intake on %(date)s: "
                 "this first commitment comes %(days)d days after it.", limit=f["limit"],
                 date=format_date(f["intake"]), days=f["days"])
    if kind == CheckKind.GAP:
        return _("%(days)d days lie between the end of the participant's latest measure "
                 "(%(date)s) and this start: more than %(limit)d.", days=f["days"],
                 date=format_date(f["last_end"]), limit=f["limit"])
    if kind == CheckKind.RATIO:
        return _("%(people)d people in subsidised placements, %(employees)d ordinary "
                 "employees, ratio 1 per %(per)d: %(org)s may have %(allowed)d at a time.",
                 people=f["people"], employees=f["employees"], per=f["per"],
                 org=f["organisation"], allowed=f["allowed"])
    return kind.value
