"""Placements: a participant at a host organisation with a supervisor, for a period.

The life cycle is the TRANSITIONS set and ``transition()``; nothing else assigns
``Placement.state``. ``agree``, ``activate``, ``end`` and ``cancel`` are the named moves,
each through ``transition()``. Services flush, never commit. Every change is audited
under the placement (object type ``placements``); the participant's outcome, when a
placement ends, is audited on the participant.

Agreeing or activating first locks the supervisor's row, then the participant's
(SELECT … FOR UPDATE on PostgreSQL; always in that order, so two requests cannot
deadlock), and only then counts: two staff agreeing two placements for a supervisor's
last place at once cannot both succeed, nor two placements of one participant for the
same weeks.

What a supervisor may see is built here too (``page_context``): the participant's first
name and the placement's host, period, hours and tasks, never more.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal.accounts.models import User
from portal.core import audit
from portal.core.dates import local_today
from portal.core.errors import ConflictError, DomainError
from portal.core.mail import queue_mail
from portal.core.models import utcnow
from portal.core.search import like_pattern
from portal.employers.enums import Sector
from portal.employers.models import Organisation
from portal.extensions import db
from portal.participants.models import Participant
from portal.placements import checks
from portal.placements.enums import (
    COMMITTED_STATES,
    OPEN_STATES,
    CheckInRating,
    EndOutcome,
    FollowUpKind,
    PlacementState,
)
from portal.placements.models import Placement, PlacementCheckIn, PlacementFollowUp
from portal.requests.enums import PlacementType, RequestKind, RequestState
from portal.requests.models import ServiceRequest

P = PlacementState
# (from, to): the placement's life cycle. Agreed needs the checks; active from the start
# day; ended with an outcome; a proposal or agreement that never starts is cancelled.
TRANSITIONS = {(P.PROPOSED, P.AGREED), (P.PROPOSED, P.CANCELLED), (P.AGREED, P.ACTIVE),
               (P.AGREED, P.CANCELLED), (P.ACTIVE, P.ENDED)}

FIELDS = ("organisation_id", "supervisor_id", "placement_type", "sector", "starts_on",
          "ends_on", "weekly_hours", "tasks")
TASKS_MAX = 1000
REASON_MAX = 1000
NOTE_MAX = 1000
HOURS_MIN, HOURS_MAX = 1, 40
CHECK_IN_HOURS_MAX = 60
EMPLOYEES_MAX = 100_000
PERIOD_MAX_DAYS = 3 * 366
# Follow-ups: a check-in two weeks after the start, one midway, and the outcome check
# three months after the end.
CHECK_IN_AFTER = timedelta(days=14)
OUTCOME_AFTER_MONTHS = 3
# The follow-ups of these placements are due; a cancelled placement's are not.
FOLLOWED_STATES = frozenset({P.AGREED, P.ACTIVE, P.ENDED})
MY_DAY_DAYS = 7


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months on; the month's last day if it is shorter
    (31 January + 1 month = 28/29 February), as dateutil's relativedelta does."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def check_version(placement: Placement, expected: int | None) -> None:
    if expected is not None and expected != placement.version_id:
        raise ConflictError(_("Someone else changed this placement while you had it open. "
                              "Their version is shown; make your change again."))


def _staff(actor: User) -> None:
    if actor is None or not actor.is_staff:
        raise DomainError(_("Only staff arrange placements."))


# --- loading and locking -----------------------------------------------------------------------

def get(placement_id: int) -> Placement | None:
    return db.session.scalar(
        select(Placement).where(Placement.id == placement_id)
        .options(selectinload(Placement.follow_ups)))


def _lock_row(model, row_id: int | None):
    if row_id is None:
        return None
    # OF the table itself: its joined eager loads (outer joins) are not locked, and
    # PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
    return db.session.scalar(select(model).where(model.id == row_id)
                             .with_for_update(of=model)
                             .execution_options(populate_existing=True))


def _lock(placement_id: int, *, supervisor_id: int | None = None,
          participant_id: int | None = None) -> Placement:
    """Lock (in this order) the supervisor, the participant and the placement, and read
    the placement afresh. On SQLite the locks are no-ops: it has one writer at a time."""
    from portal.supervisors.models import Supervisor

    _lock_row(Supervisor, supervisor_id)
    _lock_row(Participant, participant_id)
    placement = _lock_row(Placement, placement_id)
    if placement is None:
        raise DomainError(_("The placement no longer exists."))
    return placement


def _lock_for_commitment(placement: Placement, supervisor_id: int | None = None) -> Placement:
    """The locks taken before counting a supervisor's places or a participant's
    placements: the supervisor (the one the placement has, or is about to get) first."""
    current = db.session.execute(
        select(Placement.supervisor_id, Placement.participant_id)
        .where(Placement.id == placement.id)).first()
    if current is None:
        raise DomainError(_("The placement no longer exists."))
    return _lock(placement.id, supervisor_id=supervisor_id or current.supervisor_id,
                 participant_id=current.participant_id)


# --- values ------------------------------------------------------------------------------------

def _clean(values: dict) -> dict:
    out = {}
    for name in FIELDS:
        if name not in values:
            continue
        value = values[name]
        if name == "tasks":
            value = (value or "").strip()
            if len(value) > TASKS_MAX:
                raise DomainError(_("Use at most %(max)d characters.", max=TASKS_MAX), name)
        if name == "sector":
            value = value or None
        out[name] = value
    return out


def _check(values: dict) -> None:
    from portal.supervisors.models import Supervisor

    if not isinstance(values.get("organisation_id"), int) \
            or db.session.get(Organisation, values["organisation_id"]) is None:
        raise DomainError(_("Choose the host organisation."), "organisation_id")
    if values.get("placement_type") not in set(PlacementType):
        raise DomainError(_("Choose the type of placement."), "placement_type")
    if values.get("sector") is not None and values["sector"] not in set(Sector):
        raise DomainError(_("Choose the sector."), "sector")
    starts, ends = values.get("starts_on"), values.get("ends_on")
    if not isinstance(starts, date):
        raise DomainError(_("Enter the first day."), "starts_on")
    if not isinstance(ends, date):
        raise DomainError(_("Enter the last day."), "ends_on")
    if ends < starts:
        raise DomainError(_("The last day cannot be before the first."), "ends_on")
    if (ends - starts).days > PERIOD_MAX_DAYS:
        raise DomainError(_("A placement lasts at most three years."), "ends_on")
    hours = values.get("weekly_hours")
    if not isinstance(hours, int) or isinstance(hours, bool) \
            or not HOURS_MIN <= hours <= HOURS_MAX:
        raise DomainError(_("Enter whole hours from %(low)d to %(high)d.", low=HOURS_MIN,
                            high=HOURS_MAX), "weekly_hours")
    if not values.get("tasks"):
        raise DomainError(_("Describe the tasks."), "tasks")
    supervisor_id = values.get("supervisor_id")
    if supervisor_id is not None:
        supervisor = db.session.get(Supervisor, supervisor_id) \
            if isinstance(supervisor_id, int) else None
        if supervisor is None or not supervisor.is_approved:
            raise DomainError(_("Choose an approved supervisor."), "supervisor_id")


def _request_for(request_id: int | None, organisation_id: int) -> ServiceRequest | None:
    if request_id is None:
        return None
    req = db.session.get(ServiceRequest, request_id)
    if req is None or req.kind != RequestKind.PLACEMENT or req.state == RequestState.DRAFT:
        raise DomainError(_("Choose a submitted request for an intern or placement."))
    if req.state_enum in (RequestState.DECLINED, RequestState.WITHDRAWN):
        raise DomainError(_("The request is “%(state)s”; no placement can answer it.",
                            state=req.state_enum.label))
    if req.organisation_id != organisation_id:
        raise DomainError(_("A placement answering a request is at the organisation that "
                            "asked."), "organisation_id")
    return req


def likely_sector(organisation: Organisation | None,
                  req: ServiceRequest | None = None) -> str | None:
    """The sector a new placement is most likely in, to preselect on its form: the
    request's when it is about one sector (its hiring needs, else its organisation's),
    else the host's when it has exactly one; otherwise None (staff choose)."""
    if req is not None:
        from portal.placements import matching

        sectors = matching.request_sectors(req)
        if len(sectors) == 1:
            return sectors[0].value
    sectors = organisation.sectors if organisation is not None else []
    return sectors[0].value if len(sectors) == 1 else None


def request_defaults(req: ServiceRequest) -> dict:
    """What a placement answering the request starts from: host, type, sector, tasks,
    hours and period as the employer asked."""
    hours = req.hours_per_week
    return {
        "organisation_id": req.organisation_id,
        "placement_type": req.placement_type or "",
        "sector": likely_sector(req.organisation, req),
        "tasks": req.tasks or "",
        "weekly_hours": min(max(hours, HOURS_MIN), HOURS_MAX) if hours else None,
        "starts_on": req.period_start or req.preferred_start,
        "ends_on": req.period_end,
    }


# --- create and change -------------------------------------------------------------------------

def create(participant: Participant, *, values: dict, actor: User,
           request_id: int | None = None) -> Placement:
    """A proposed placement; from a request, the request moves to "in progress"."""
    _staff(actor)
    clean = _clean(values)
    clean.setdefault("supervisor_id", None)
    _check(clean)
    if clean.get("sector") is None:  # for the reports by sector
        raise DomainError(_("Choose the sector."), "sector")
    req = _request_for(request_id, clean["organisation_id"])
    placement = Placement(participant_id=participant.id, request_id=req.id if req else None,
                          state=P.PROPOSED, state_changed_at=utcnow(),
                          created_by_id=actor.id, **clean)
    db.session.add(placement)
    db.session.flush()
    audit.record("placement.created", placement, actor=actor, changes={
        **{k: v for k, v in clean.items() if v not in ("", None)},
        "participant_id": participant.id,
        **({"request": req.reference} if req else {})})
    if req is not None and req.state_enum in (RequestState.SUBMITTED, RequestState.IN_REVIEW):
        from portal.requests import services as request_services

        request_services.transition(req, RequestState.IN_PROGRESS, actor=actor, reason=_(
            "A placement is being arranged for the request."))
    return placement


def update(placement: Placement, *, values: dict, actor: User,
           expected_version: int | None) -> dict:
    """Change an open placement; returns what changed (also audited). A committed one is
    checked again (capacity, one at a time) and its follow-ups move with the period."""
    _staff(actor)
    clean = _clean(values)
    committed = placement.state_enum in COMMITTED_STATES
    if committed:
        placement = _lock_for_commitment(placement, clean.get("supervisor_id"))
    else:
        placement = _lock(placement.id)
    check_version(placement, expected_version)
    if placement.state_enum not in OPEN_STATES:
        raise DomainError(_("A placement that is “%(state)s” cannot be changed.",
                            state=placement.state_enum.label))
    _check({**{k: getattr(placement, k) for k in FIELDS}, **clean})
    if placement.sector is not None and "sector" in clean and clean["sector"] is None:
        # One not stated (made before sectors were asked) may stay so; one stated stays.
        raise DomainError(_("Choose the sector."), "sector")
    if placement.state_enum != P.PROPOSED:
        if clean.get("organisation_id", placement.organisation_id) != placement.organisation_id:
            raise DomainError(_("The host cannot change once the placement is agreed: cancel "
                                "it and propose a new one."), "organisation_id")
        if clean.get("supervisor_id", placement.supervisor_id) is None:
            raise DomainError(_("An agreed placement has a supervisor."), "supervisor_id")
    if placement.request_id is not None \
            and clean.get("organisation_id", placement.organisation_id) \
            != placement.organisation_id:
        raise DomainError(_("A placement answering a request is at the organisation that "
                            "asked."), "organisation_id")
    changes = audit.diff(placement, clean)
    if not changes:
        return changes
    if committed:
        found = checks.blocking(placement)
        if found:
            raise DomainError(found[0].message, _finding_field(found[0]))
        if {"starts_on", "ends_on"} & set(changes):
            _schedule_follow_ups(placement)
    audit.record("placement.updated", placement, actor=actor, changes=changes)
    db.session.flush()
    return changes


def _finding_field(finding: checks.Finding) -> str | None:
    return {checks.CheckKind.CAPACITY: "supervisor_id",
            checks.CheckKind.NO_SUPERVISOR: "supervisor_id",
            checks.CheckKind.SUPERVISOR_NOT_APPROVED: "supervisor_id",
            checks.CheckKind.DOUBLE_BOOKED: "starts_on"}.get(finding.kind)


def set_ordinary_employees(org: Organisation, number: int, *, actor: User) -> None:
    """Staff record the host's ordinary employees (for the ratio rule); audited on the
    organisation."""
    _staff(actor)
    if not isinstance(number, int) or isinstance(number, bool) \
            or not 0 <= number <= EMPLOYEES_MAX:
        raise DomainError(_("Enter a number from %(low)d to %(high)d.", low=0,
                            high=EMPLOYEES_MAX), "ordinary_employees")
    if org.ordinary_employees == number:
        return
    audit.record("organisation.ordinary_employees", org, actor=actor,
                 changes={"ordinary_employees": (org.ordinary_employees, number)})
    org.ordinary_employees = number
    db.session.flush()


# --- the life cycle ----------------------------------------------------------------------------

def allowed_moves(placement: Placement) -> list[PlacementState]:
    return [to for to in PlacementState if (placement.state_enum, to) in TRANSITIONS]


@dataclass
class Ending:
    """How a placement ended: the last day, where the person went, and why if interrupted.
    ``employer_name``: the new employer, for "another job"."""

    ended_on: date | None
    outcome: str | None
    reason: str = ""
    employer_name: str = ""


def _clean_ending(placement: Placement, ending: Ending, today: date) -> Ending:
    if not isinstance(ending.ended_on, date):
        raise DomainError(_("Enter the last day."), "ended_on")
    if ending.ended_on > today:
        raise DomainError(_("The date cannot be in the future."), "ended_on")
    if ending.ended_on < placement.starts_on:
        raise DomainError(_("The placement started on %(date)s; it cannot end before that.",
                            date=format_date(placement.starts_on)), "ended_on")
    if ending.outcome not in set(EndOutcome):
        raise DomainError(_("Choose where the person went."), "outcome")
    reason = (ending.reason or "").strip()
    if len(reason) > REASON_MAX:
        raise DomainError(_("Use at most %(max)d characters.", max=REASON_MAX), "reason")
    if ending.outcome == EndOutcome.INTERRUPTED and not reason:
        raise DomainError(_("Give the reason the placement was interrupted."), "reason")
    employer = (ending.employer_name or "").strip()
    if ending.outcome == EndOutcome.OTHER_JOB and not employer:
        raise DomainError(_("Say which employer the person went to."), "employer_name")
    if len(employer) > 160:
        raise DomainError(_("Use at most %(max)d characters.", max=160), "employer_name")
    return Ending(ending.ended_on, EndOutcome(ending.outcome).value, reason,
                  employer if ending.outcome == EndOutcome.OTHER_JOB else "")


def transition(placement: Placement, to: PlacementState, *, actor: User, reason: str = "",
               expected_version: int | None = None, confirmed=frozenset(),
               ending: Ending | None = None, today: date | None = None) -> Placement:
    """Move the placement to ``to``: lock, check, stamp, audit, schedule and tell.

    To agreed: every blocking check must pass and every warning be in ``confirmed``
    (the kinds the staff member confirmed having read). To active: from the first day,
    with the blocking checks again. To ended: ``ending`` (recorded as the participant's
    outcome). To cancelled: a reason."""
    _staff(actor)
    today = today or local_today()
    to = PlacementState(to)
    if to in (P.AGREED, P.ACTIVE):
        placement = _lock_for_commitment(placement)
    else:
        placement = _lock(placement.id)
    check_version(placement, expected_version)
    before = placement.state_enum
    if (before, to) not in TRANSITIONS:
        raise DomainError(_("A placement that is “%(state)s” cannot be moved to “%(to)s”.",
                            state=before.label, to=to.label))
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise DomainError(_("Use at most %(max)d characters.", max=REASON_MAX), "reason")
    changes: dict = {"state": (before.value, to.value)}
    if to == P.AGREED:
        findings = checks.evaluate(placement, today=today)
        stopped = [f for f in findings if f.blocking]
        if stopped:
            raise DomainError(stopped[0].message, _finding_field(stopped[0]))
        warned = sorted(f.kind.value for f in findings if not f.blocking)
        if not set(warned) <= set(confirmed):
            raise DomainError(_("Read the warnings, then tick the box to agree anyway."),
                              "confirm")
        placement.agreed_at = utcnow()
        placement.agreed_by_id = actor.id
        if warned:
            changes["warnings"] = warned
    elif to == P.ACTIVE:
        if today < placement.starts_on:
            raise DomainError(_("The placement starts on %(date)s; mark it active on that "
                                "day or later.", date=format_date(placement.starts_on)))
        stopped = checks.blocking(placement)
        if stopped:
            raise DomainError(stopped[0].message, _finding_field(stopped[0]))
    elif to == P.ENDED:
        ending = _clean_ending(placement, ending or Ending(None, None), today)
        placement.ended_on = ending.ended_on
        placement.end_outcome = ending.outcome
        placement.end_reason = ending.reason
        changes.update(ended_on=ending.ended_on.isoformat(), end_outcome=ending.outcome)
    elif to == P.CANCELLED:
        if not reason:
            raise DomainError(_("Give the reason for cancelling."), "reason")
        placement.cancel_reason = reason
        changes["reason"] = reason
    placement.state = to
    placement.state_changed_at = utcnow()
    audit.record("placement.transition", placement, actor=actor, changes=changes)
    db.session.flush()
    if to == P.AGREED:
        _schedule_follow_ups(placement)
        _mail_supervisor(placement, "placement_agreed_supervisor")
    elif to == P.ENDED:
        _after_end(placement, ending, actor=actor)
    elif to == P.CANCELLED and before == P.AGREED:
        _mail_supervisor(placement, "placement_cancelled_supervisor", reason=reason)
    db.session.flush()
    return placement


def agree(placement: Placement, *, actor: User, confirmed=frozenset(),
          ordinary_employees: int | None = None, expected_version: int | None = None,
          today: date | None = None) -> Placement:
    """Agree the placement; ``ordinary_employees``, when given, is first stored on the host
    (asked for when a subsidised placement's host has none recorded)."""
    if ordinary_employees is not None:
        check_version(placement, expected_version)
        set_ordinary_employees(placement.organisation, ordinary_employees, actor=actor)
    return transition(placement, P.AGREED, actor=actor, confirmed=confirmed,
                      expected_version=expected_version, today=today)


def activate(placement: Placement, *, actor: User, expected_version: int | None = None,
             today: date | None = None) -> Placement:
    return transition(placement, P.ACTIVE, actor=actor, expected_version=expected_version,
                      today=today)


def cancel(placement: Placement, *, actor: User, reason: str,
           expected_version: int | None = None) -> Placement:
    return transition(placement, P.CANCELLED, actor=actor, reason=reason,
                      expected_version=expected_version)


def end(placement: Placement, *, actor: User, ending: Ending,
        expected_version: int | None = None, today: date | None = None) -> Placement:
    """End an active placement, or correct how an ended one ended (its outcome row is
    changed, never doubled)."""
    if placement.state_enum != P.ENDED:
        return transition(placement, P.ENDED, actor=actor, ending=ending,
                          expected_version=expected_version, today=today)
    _staff(actor)
    today = today or local_today()
    placement = _lock(placement.id)
    check_version(placement, expected_version)
    ending = _clean_ending(placement, ending, today)
    changes = audit.diff(placement, {"ended_on": ending.ended_on,
                                     "end_outcome": ending.outcome,
                                     "end_reason": ending.reason})
    if changes:
        audit.record("placement.end_changed", placement, actor=actor, changes=changes)
        db.session.flush()
    _after_end(placement, ending, actor=actor)
    db.session.flush()
    return placement


def _end_values(placement: Placement, ending: Ending):
    """The participant's outcome at the end, from where they went ("the conversion")."""
    from portal.participants import outcomes
    from portal.participants.enums import OutcomeStatus

    outcome = EndOutcome(ending.outcome)
    if outcome == EndOutcome.HIRED_BY_HOST:
        return outcomes.Values(status=OutcomeStatus.EMPLOYED.value,
                               organisation=db.session.get(Organisation,
                                                           placement.organisation_id),
                               recorded_on=ending.ended_on)
    if outcome == EndOutcome.OTHER_JOB:
        return outcomes.Values(status=OutcomeStatus.EMPLOYED.value,
                               employer_name=ending.employer_name, recorded_on=ending.ended_on)
    if outcome == EndOutcome.STUDIES:
        return outcomes.Values(status=OutcomeStatus.STUDIES.value, recorded_on=ending.ended_on)
    if outcome == EndOutcome.CONTINUED_SEARCH:
        return outcomes.Values(status=OutcomeStatus.CONTINUED_SEARCH.value,
                               recorded_on=ending.ended_on)
    return outcomes.Values(status=OutcomeStatus.OTHER.value, note=ending.reason[:500],
                           recorded_on=ending.ended_on)


def _after_end(placement: Placement, ending: Ending, *, actor: User) -> None:
    from portal.participants import outcomes
    from portal.participants.enums import Checkpoint

    participant = db.session.get(Participant, placement.participant_id)
    outcomes.record(participant, _end_values(placement, ending),
                    checkpoint=Checkpoint.END.value, actor=actor, placement_id=placement.id)
    # Follow-ups the early end made pointless go; the outcome check counts from the end.
    for follow_up in list(placement.follow_ups):
        if follow_up.kind != FollowUpKind.OUTCOME and follow_up.done_on is None \
                and follow_up.due_on > placement.ended_on:
            placement.follow_ups.remove(follow_up)
    _schedule_follow_ups(placement, kinds=(FollowUpKind.OUTCOME,))


# --- follow-ups --------------------------------------------------------------------------------

def follow_up_dates(starts_on: date, ends_on: date) -> dict[FollowUpKind, date]:
    return {FollowUpKind.CHECK_IN: starts_on + CHECK_IN_AFTER,
            FollowUpKind.MIDWAY: starts_on + (ends_on - starts_on) // 2,
            FollowUpKind.OUTCOME: add_months(ends_on, OUTCOME_AFTER_MONTHS)}


def _schedule_follow_ups(placement: Placement, kinds=tuple(FollowUpKind)) -> None:
    """Create the follow-ups, or move those not done yet to the placement's period."""
    ends = placement.ended_on if placement.state_enum == P.ENDED and placement.ended_on \
        else placement.ends_on
    due = follow_up_dates(placement.starts_on, ends)
    existing = {f.kind: f for f in placement.follow_ups}
    for kind in kinds:
        found = existing.get(kind)
        if found is None:
            if placement.state_enum == P.ENDED and kind != FollowUpKind.OUTCOME:
                continue
            placement.follow_ups.append(PlacementFollowUp(kind=kind, due_on=due[kind]))
        elif found.done_on is None:
            found.due_on = due[kind]
    db.session.flush()


def is_missed(follow_up: PlacementFollowUp, today: date | None = None) -> bool:
    return follow_up.done_on is None and follow_up.due_on < (today or local_today())


def complete_follow_up(follow_up: PlacementFollowUp, *, actor: User, note: str = "",
                       outcome_values=None, expected_outcome_version: int | None = None,
                       today: date | None = None) -> PlacementFollowUp:
    """Staff mark a follow-up done, with a note. The outcome check (three months after the
    end) also records where the participant stands then (``outcome_values``)."""
    from portal.participants import outcomes
    from portal.participants.enums import Checkpoint

    _staff(actor)
    today = today or local_today()
    placement = follow_up.placement
    if placement.state_enum not in FOLLOWED_STATES:
        raise DomainError(_("A placement that is “%(state)s” is not followed up.",
                            state=placement.state_enum.label))
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise DomainError(_("Use at most %(max)d characters.", max=NOTE_MAX), "note")
    changes: dict = {"kind": follow_up.kind}
    if follow_up.kind != FollowUpKind.OUTCOME and not note:
        raise DomainError(_("Write what came up."), "note")
    if follow_up.kind == FollowUpKind.OUTCOME:
        if placement.state_enum != P.ENDED:
            raise DomainError(_("The outcome is followed up once the placement has ended."))
        if today < follow_up.due_on:
            raise DomainError(_("The follow-up is due on %(date)s; record it from then.",
                                date=format_date(follow_up.due_on)), "recorded_on")
        if outcome_values is None:
            raise DomainError(_("Choose the outcome."), "status")
        participant = db.session.get(Participant, placement.participant_id)
        recorded = outcomes.record(participant, outcome_values,
                                   checkpoint=Checkpoint.FOLLOW_UP.value, actor=actor,
                                   placement_id=placement.id,
                                   expected_version=expected_outcome_version)
        changes["outcome"] = recorded.status
    if follow_up.done_on is None:
        follow_up.done_on = today
        follow_up.done_by_id = actor.id
        changes["done_on"] = today.isoformat()
    if follow_up.note != note:
        follow_up.note = note
        changes["note"] = "…"  # written or changed; the text stays on the follow-up only
    audit.record("placement.follow_up", placement, actor=actor, changes=changes)
    db.session.flush()
    return follow_up


def _followed():
    return Placement.state.in_([s.value for s in FOLLOWED_STATES])


@dataclass
class DueFollowUp:
    follow_up: PlacementFollowUp
    placement_id: int
    participant_name: str
    organisation_name: str
    missed: bool


def my_day(user: User, today: date | None = None, days: int = MY_DAY_DAYS,
           limit: int = 50) -> list[DueFollowUp]:
    """Follow-ups of the placements this staff member agreed (or proposed, until someone
    agrees them) that are missed or due within ``days``: one query."""
    today = today or local_today()
    mine = or_(Placement.agreed_by_id == user.id,
               and_(Placement.agreed_by_id.is_(None), Placement.created_by_id == user.id))
    rows = db.session.execute(
        select(PlacementFollowUp, Placement.id,
               Participant.first_name + " " + Participant.last_name, Organisation.name)
        .join(Placement, Placement.id == PlacementFollowUp.placement_id)
        .join(Participant, Participant.id == Placement.participant_id)
        .join(Organisation, Organisation.id == Placement.organisation_id)
        .where(PlacementFollowUp.done_on.is_(None),
               PlacementFollowUp.due_on <= today + timedelta(days=days), _followed(), mine)
        .order_by(PlacementFollowUp.due_on, PlacementFollowUp.id).limit(limit)).all()
    return [DueFollowUp(f, pid, name, org, f.due_on < today) for f, pid, name, org in rows]


# --- weekly check-ins by the supervisor ------------------------------------------------------

def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def supervises(supervisor, placement: Placement | None, *, active_only: bool = True) -> bool:
    """The supervisor's own placement (and, by default, an active one)."""
    return (supervisor is not None and placement is not None
            and placement.supervisor_id == supervisor.id
            and (not active_only or placement.state_enum == P.ACTIVE))


def save_check_in(placement: Placement, supervisor, *, user: User, rating: str, hours: int,
                  concerns: str = "", today: date | None = None) -> PlacementCheckIn:
    """This week's word from the supervisor: one row per placement and week, a second
    submit (or a double click) replaces it."""
    if not supervises(supervisor, placement):
        raise DomainError(_("You can only report on your own active placements."))
    if rating not in set(CheckInRating):
        raise DomainError(_("Choose how it goes."), "rating")
    if not isinstance(hours, int) or isinstance(hours, bool) \
            or not 0 <= hours <= CHECK_IN_HOURS_MAX:
        raise DomainError(_("Enter whole hours from %(low)d to %(high)d.", low=0,
                            high=CHECK_IN_HOURS_MAX), "hours")
    concerns = (concerns or "").strip()
    if len(concerns) > NOTE_MAX:
        raise DomainError(_("Use at most %(max)d characters.", max=NOTE_MAX), "concerns")
    week = monday(today or local_today())
    values = {"rating": CheckInRating(rating).value, "hours": hours, "concerns": concerns,
              "submitted_by_id": user.id, "submitted_at": utcnow()}

    def existing():
        return db.session.scalar(
            select(PlacementCheckIn).where(PlacementCheckIn.placement_id == placement.id,
                                           PlacementCheckIn.week_start == week)
            .execution_options(populate_existing=True))

    row = existing()
    action = "placement.check_in_changed"
    if row is None:
        try:
            # Two submits at once: the unique (placement, week) lets one insert; the other
            # waits for it, then changes that row.
            with db.session.begin_nested():
                row = PlacementCheckIn(placement_id=placement.id, week_start=week, **values)
                db.session.add(row)
            action = "placement.check_in"
        except IntegrityError:
            row = existing()
    if action == "placement.check_in_changed":
        for key, value in values.items():
            setattr(row, key, value)
    audit.record(action, placement, actor=user, changes={
        "week_start": week.isoformat(), "rating": values["rating"], "hours": hours,
        # Whether concerns were written, not what: they may be about the person.
        "concerns": "…" if concerns else "–"})
    db.session.flush()
    return row


def check_ins(placement: Placement) -> list[PlacementCheckIn]:
    return list(db.session.scalars(
        select(PlacementCheckIn).where(PlacementCheckIn.placement_id == placement.id)
        .order_by(PlacementCheckIn.week_start.desc())))


# --- what the supervisor sees ------------------------------------------------------------------

@dataclass(frozen=True)
class SupervisorFollowUp:
    kind_label: str
    due_on: date
    done: bool
    missed: bool


@dataclass(frozen=True)
class SupervisorPlacement:
    """One placement as its supervisor may see it: the participant's first name only."""

    id: int
    first_name: str
    host: str
    starts_on: date
    ends_on: date
    weekly_hours: int
    tasks: str
    state_label: str
    active: bool
    follow_ups: tuple[SupervisorFollowUp, ...] = ()
    checked_in: bool = False  # this week's check-in is given
    this_week: dict = field(default_factory=dict)


def page_context(supervisor, today: date | None = None) -> dict:
    """What the supervisor's own page shows of their placements (merged into that page's
    context; ``templates/placements/_for_supervisor.html`` renders it).

    Keys: ``placements_current`` (agreed and active), ``placements_past`` (ended),
    ``placement_week`` (this week's Monday, the week a check-in is for),
    ``placement_follow_ups_due`` (count of follow-ups due within a week or missed) and
    ``placement_check_in_ratings`` (the choices). Only plain values: the participant's
    first name, never their other details or outcomes."""
    today = today or local_today()
    week = monday(today)
    if supervisor is None:
        return {"placements_current": [], "placements_past": [], "placement_week": week,
                "placement_follow_ups_due": 0,
                "placement_check_in_ratings": CheckInRating.choices()}
    rows = db.session.execute(
        select(Placement.id, Participant.first_name, Organisation.name, Placement.starts_on,
               Placement.ends_on, Placement.ended_on, Placement.weekly_hours, Placement.tasks,
               Placement.state)
        .join(Participant, Participant.id == Placement.participant_id)
        .join(Organisation, Organisation.id == Placement.organisation_id)
        .where(Placement.supervisor_id == supervisor.id, _followed())
        .order_by(Placement.starts_on.desc(), Placement.id.desc())).all()
    ids = [r.id for r in rows]
    follow_ups: dict[int, list[SupervisorFollowUp]] = {i: [] for i in ids}
    given: dict[int, PlacementCheckIn] = {}
    if ids:
        for f in db.session.scalars(select(PlacementFollowUp).where(
                PlacementFollowUp.placement_id.in_(ids)).order_by(PlacementFollowUp.due_on)):
            follow_ups[f.placement_id].append(SupervisorFollowUp(
                f.kind_enum.label, f.due_on, f.done_on is not None, is_missed(f, today)))
        for c in db.session.scalars(select(PlacementCheckIn).where(
                PlacementCheckIn.placement_id.in_(ids), PlacementCheckIn.week_start == week)):
            given[c.placement_id] = c
    current, past = [], []
    due_count = 0
    for r in rows:
        state = PlacementState(r.state)
        ups = tuple(follow_ups[r.id])
        due_count += sum(1 for f in ups if not f.done
                         and f.due_on <= today + timedelta(days=MY_DAY_DAYS))
        mine = given.get(r.id)
        item = SupervisorPlacement(
            id=r.id, first_name=r.first_name, host=r.name, starts_on=r.starts_on,
            ends_on=r.ended_on or r.ends_on, weekly_hours=r.weekly_hours, tasks=r.tasks,
            state_label=state.label, active=state == P.ACTIVE, follow_ups=ups,
            checked_in=mine is not None,
            this_week={"rating": mine.rating, "hours": mine.hours, "concerns": mine.concerns}
            if mine else {})
        (past if state == P.ENDED else current).append(item)
    return {"placements_current": current, "placements_past": past, "placement_week": week,
            "placement_follow_ups_due": due_count,
            "placement_check_in_ratings": CheckInRating.choices()}


# --- lists ---------------------------------------------------------------------------------------

@dataclass
class Filters:
    state: str | None = None
    placement_type: str | None = None
    q: str = ""
    missed: bool = False
    page: int = 1

    @classmethod
    def from_args(cls, args) -> Filters:
        state, kind = args.get("state") or None, args.get("type") or None
        q = "".join(ch for ch in (args.get("q") or "") if ch.isprintable()).strip()[:100]
        page = args.get("page", "")
        return cls(state=state if state in set(PlacementState) else None,
                   placement_type=kind if kind in set(PlacementType) else None, q=q,
                   missed=args.get("missed") == "1",
                   page=max(1, int(page)) if page.isdecimal() and len(page) < 7 else 1)

    def args(self, **over) -> dict:
        out = {"state": self.state, "type": self.placement_type, "q": self.q,
               "missed": "1" if self.missed else None, **over}
        return {k: v for k, v in out.items() if v}


def _missed_exists(today: date):
    return exists().where(PlacementFollowUp.placement_id == Placement.id,
                          PlacementFollowUp.done_on.is_(None),
                          PlacementFollowUp.due_on < today)


def staff_list(filters: Filters, per_page: int, today: date | None = None):
    today = today or local_today()
    query = select(Placement).join(Organisation, Organisation.id == Placement.organisation_id)
    if filters.state:
        query = query.where(Placement.state == filters.state)
    if filters.placement_type:
        query = query.where(Placement.placement_type == filters.placement_type)
    if filters.q:
        query = query.where(Organisation.name.ilike(like_pattern(filters.q), escape="\\"))
    if filters.missed:
        query = query.where(_followed(), _missed_exists(today))
    query = query.order_by(Placement.starts_on.desc(), Placement.id.desc())
    return db.paginate(query, page=filters.page, per_page=per_page, error_out=False)


@dataclass
class Conversion:
    ended: int = 0          # placements that ended (cancelled ones never started)
    hired_by_host: int = 0  # ... with the host hiring the person
    work_or_studies: int = 0  # ... with the person in any job or studies

    @property
    def hired_share(self) -> int | None:
        return round(100 * self.hired_by_host / self.ended) if self.ended else None


def conversion(placement_type: str | None = None) -> Conversion:
    """How ended placements ended, in one aggregate: Hässleholm's goal is that they lead
    to regular work or studies, and above all to a job with the host."""
    work = (EndOutcome.HIRED_BY_HOST, EndOutcome.OTHER_JOB, EndOutcome.STUDIES)
    query = select(func.count(),
                   func.sum(case((Placement.end_outcome == EndOutcome.HIRED_BY_HOST, 1),
                                 else_=0)),
                   func.sum(case((Placement.end_outcome.in_(work), 1), else_=0))
                   ).where(Placement.state == PlacementState.ENDED)
    if placement_type:
        query = query.where(Placement.placement_type == placement_type)
    ended, hired, work_or_studies = db.session.execute(query).one()
    return Conversion(ended or 0, hired or 0, work_or_studies or 0)


@dataclass
class FollowUpSummary:
    missed: int = 0
    next_due: date | None = None


def follow_up_summaries(placements, today: date | None = None) -> dict[int, FollowUpSummary]:
    """Per placement: follow-ups missed, and the next one due. One query for a page."""
    today = today or local_today()
    followed = {p.id for p in placements if p.state_enum in FOLLOWED_STATES}
    found = {p.id: FollowUpSummary() for p in placements}
    if not followed:
        return found
    rows = db.session.execute(
        select(PlacementFollowUp.placement_id,
               func.sum(case((PlacementFollowUp.due_on < today, 1), else_=0)),
               func.min(case((PlacementFollowUp.due_on >= today, PlacementFollowUp.due_on),
                             else_=None)))
        .where(PlacementFollowUp.placement_id.in_(followed),
               PlacementFollowUp.done_on.is_(None))
        .group_by(PlacementFollowUp.placement_id))
    for pid, missed, next_due in rows:
        found[pid].missed = int(missed or 0)
        if next_due is not None and not isinstance(next_due, date):
            next_due = date.fromisoformat(str(next_due))
        found[pid].next_due = next_due
    return found


def for_participant(participant: Participant) -> list[Placement]:
    return list(db.session.scalars(
        select(Placement).where(Placement.participant_id == participant.id)
        .order_by(Placement.starts_on.desc(), Placement.id.desc())))


def history(placement: Placement) -> list:
    return audit.trail(placement)


# --- mail ----------------------------------------------------------------------------------------

def supervisor_page_url() -> str:
    """The supervisor's own page (another part of the portal); the start page until it
    exists."""
    from portal.accounts.services import external_url

    if "supervisors.home" in current_app.view_functions:
        return external_url("supervisors.home")
    return external_url("core.index")


def _mail_supervisor(placement: Placement, template: str, **context) -> None:
    """Tell the supervisor, with only what they may know: the participant's first name,
    the host, the period, hours and tasks."""
    from portal.supervisors.models import Supervisor

    supervisor = db.session.get(Supervisor, placement.supervisor_id) \
        if placement.supervisor_id else None
    if supervisor is None or not supervisor.email:
        return
    locale = supervisor.user.locale if supervisor.user is not None \
        else current_app.config["BABEL_DEFAULT_LOCALE"]
    participant = db.session.get(Participant, placement.participant_id)
    host = db.session.get(Organisation, placement.organisation_id)
    queue_mail(template, supervisor.email, locale, related=placement,
               supervisor_name=supervisor.full_name, first_name=participant.first_name,
               host=host.name, starts_on=placement.starts_on, ends_on=placement.ends_on,
               weekly_hours=placement.weekly_hours, tasks=placement.tasks,
               link=supervisor_page_url(), **context)
