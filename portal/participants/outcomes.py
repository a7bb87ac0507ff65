"""Outcomes: where a participant stood after a measure, at its end, at the follow-up and
at the later follow-up.

One row per participant, measure (a course or a recruitment event) and checkpoint;
recording again changes that row. Every change is audited on the participant's log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.accounts.models import User
from portal.core import audit
from portal.core.dates import local_today
from portal.core.errors import ConflictError, DomainError
from portal.employers.models import Organisation
from portal.extensions import db
from portal.participants.enums import JOB_FORMS, WITH_EMPLOYER, Checkpoint, OutcomeStatus
from portal.participants.models import Outcome, Participant

FOLLOW_UP_DAYS_DEFAULT = 90
LATE_FOLLOW_UP_DAYS_DEFAULT = 180


def follow_up_days() -> int:
    return int(current_app.config.get("OUTCOME_FOLLOW_UP_DAYS", FOLLOW_UP_DAYS_DEFAULT))


def follow_up_date(ended_on: date) -> date:
    return ended_on + timedelta(days=follow_up_days())


def late_follow_up_days() -> int:
    """Days from the end of a measure to the later follow-up (Checkpoint.LATE)."""
    return int(current_app.config.get("OUTCOME_LATE_FOLLOW_UP_DAYS",
                                      LATE_FOLLOW_UP_DAYS_DEFAULT))


def late_follow_up_date(ended_on: date) -> date:
    return ended_on + timedelta(days=late_follow_up_days())


def due_date(checkpoint: str, ended_on: date) -> date:
    """The first day the outcome at ``checkpoint`` can be recorded: the end itself, or
    the (later) follow-up's day."""
    if checkpoint == Checkpoint.FOLLOW_UP:
        return follow_up_date(ended_on)
    if checkpoint == Checkpoint.LATE:
        return late_follow_up_date(ended_on)
    return ended_on


@dataclass
class Values:
    status: str
    organisation: Organisation | None = None
    employer_name: str = ""
    employment_form: str = ""
    weekly_hours: int | None = None
    note: str = ""
    recorded_on: date | None = None


def _check(values: Values, checkpoint: str) -> dict:
    if checkpoint not in set(Checkpoint):
        raise DomainError(_("Choose when the outcome was noted."), "checkpoint")
    if values.status not in set(OutcomeStatus):
        raise DomainError(_("Choose the outcome."), "status")
    status = OutcomeStatus(values.status)
    employer_name = (values.employer_name or "").strip()
    note = (values.note or "").strip()
    if len(employer_name) > 160:
        raise DomainError(_("Use at most %(max)d characters.", max=160), "employer_name")
    if len(note) > 500:
        raise DomainError(_("Use at most %(max)d characters.", max=500), "note")
    form = values.employment_form or ""
    if form and form not in JOB_FORMS:
        raise DomainError(_("Choose the form of employment."), "employment_form")
    hours = values.weekly_hours
    if hours is not None and not 1 <= hours <= 60:
        raise DomainError(_("Enter whole hours from 1 to 60."), "weekly_hours")
    if status in WITH_EMPLOYER:
        if values.organisation is None and not employer_name:
            raise DomainError(_("Say which employer: choose it, or write its name."),
                              "organisation_id")
    else:
        # An employer, a form or hours belong to a job only; drop them rather than keep
        # figures that would be counted as employment.
        values.organisation, employer_name, form, hours = None, "", "", None
    on = values.recorded_on or local_today()
    if on > local_today():
        raise DomainError(_("The date cannot be in the future."), "recorded_on")
    return {"status": status.value,
            "organisation_id": values.organisation.id if values.organisation else None,
            "employer_name": "" if values.organisation else employer_name,
            "employment_form": form, "weekly_hours": hours, "note": note,
            "recorded_on": on}


def _measure_filters(cohort_id, event_id, placement_id):
    return [column.is_(None) if value is None else column == value
            for column, value in ((Outcome.cohort_id, cohort_id), (Outcome.event_id, event_id),
                                  (Outcome.placement_id, placement_id))]


def find(participant: Participant, checkpoint: str, *, cohort_id: int | None = None,
         event_id: int | None = None, placement_id: int | None = None) -> Outcome | None:
    return db.session.scalar(select(Outcome).where(
        Outcome.participant_id == participant.id, Outcome.checkpoint == checkpoint,
        *_measure_filters(cohort_id, event_id, placement_id)))


def record(participant: Participant, values: Values, *, checkpoint: str, actor: User | None,
           cohort_id: int | None = None, event_id: int | None = None,
           placement_id: int | None = None, expected_version: int | None = None) -> Outcome:
    """Record (or change) the outcome of one measure at one checkpoint.

    ``expected_version`` is the version the form showed, 0 for "none recorded yet"."""
    if sum(m is not None for m in (cohort_id, event_id, placement_id)) != 1:
        raise DomainError(_("Choose the course or event the outcome belongs to."))
    clean = _check(values, checkpoint)
    outcome = find(participant, checkpoint, cohort_id=cohort_id, event_id=event_id,
                   placement_id=placement_id)
    if expected_version is not None and expected_version != (
            outcome.version_id if outcome is not None else 0):
        raise ConflictError(_("Someone else changed this outcome while you had the page "
                              "open. Look at it again, then make your change."))
    if outcome is None:
        outcome = Outcome(participant_id=participant.id, cohort_id=cohort_id,
                          event_id=event_id, placement_id=placement_id, checkpoint=checkpoint,
                          recorded_by_id=getattr(actor, "id", None), **clean)
        db.session.add(outcome)
        db.session.flush()
        changes = {k: (None, v) for k, v in clean.items()}
        action = "outcome.recorded"
    else:
        changes = audit.diff(outcome, clean)
        if not changes:
            return outcome
        outcome.recorded_by_id = getattr(actor, "id", None)
        db.session.flush()
        action = "outcome.changed"
    audit.record(action, object_type="participants", object_id=participant.id, actor=actor,
                 changes={"cohort_id": cohort_id, "event_id": event_id,
                          "placement_id": placement_id, "checkpoint": checkpoint, **changes})
    return outcome


def remove(outcome: Outcome, *, actor: User | None) -> None:
    audit.record("outcome.removed", object_type="participants",
                 object_id=outcome.participant_id, actor=actor,
                 changes={"cohort_id": outcome.cohort_id, "event_id": outcome.event_id,
                          "placement_id": outcome.placement_id,
                          "checkpoint": outcome.checkpoint,
                          "status": (outcome.status, None)})
    db.session.delete(outcome)
    db.session.flush()


def for_participant(participant: Participant) -> list[Outcome]:
    return list(db.session.scalars(
        select(Outcome).options(selectinload(Outcome.cohort), selectinload(Outcome.event),
                                selectinload(Outcome.placement))
        .where(Outcome.participant_id == participant.id)
        .order_by(Outcome.recorded_on.desc(), Outcome.id.desc())))


def for_cohort(cohort_id: int) -> dict[tuple[int, str], Outcome]:
    """The course's outcomes by (participant id, checkpoint)."""
    rows = db.session.scalars(select(Outcome).where(Outcome.cohort_id == cohort_id))
    return {(o.participant_id, o.checkpoint): o for o in rows}


def follow_ups_due(limit: int = 20) -> list[tuple]:
    """Courses with people whose follow-up is due and not recorded: (course, how many,
    the earliest due date), earliest first. Two queries, whatever the number of courses."""
    from sqlalchemy import and_, exists, func

    from portal.training.enums import EnrolmentStatus
    from portal.training.models import Cohort, Enrolment

    cutoff = local_today() - timedelta(days=follow_up_days())
    recorded = exists().where(and_(Outcome.participant_id == Enrolment.participant_id,
                                   Outcome.cohort_id == Enrolment.cohort_id,
                                   Outcome.checkpoint == Checkpoint.FOLLOW_UP))
    rows = db.session.execute(
        select(Enrolment.cohort_id, func.count(), func.min(Enrolment.ended_on))
        .where(Enrolment.status.in_([EnrolmentStatus.COMPLETED.value,
                                     EnrolmentStatus.DROPPED_OUT.value]),
               Enrolment.ended_on <= cutoff, ~recorded)
        .group_by(Enrolment.cohort_id).order_by(func.min(Enrolment.ended_on))
        .limit(limit)).all()
    cohorts = {c.id: c for c in db.session.scalars(
        select(Cohort).where(Cohort.id.in_([r[0] for r in rows])))}
    return [(cohorts[cid], count, follow_up_date(first)) for cid, count, first in rows]
