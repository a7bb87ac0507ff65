"""Enrolment in a cohort: seats, the waiting list, and offers that lapse.

Every change for one cohort first locks the cohort's row (SELECT … FOR UPDATE on
PostgreSQL), so two staff enrolling at once cannot both take the last seat: the
second waits, then counts the seats again and goes on the waiting list.
"""

from __future__ import annotations

from datetime import date

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.core import audit
from portal.core.dates import local_today
from portal.core.errors import ConflictError, DomainError
from portal.core.models import utcnow
from portal.core.workdays import add_working_days
from portal.extensions import db
from portal.participants.models import Participant
from portal.training.enums import (
    ACTIVE_ENROLMENT,
    OPEN_COHORT_STATES,
    SEAT_HOLDING,
    EnrolmentStatus,
)
from portal.training.models import Cohort, Enrolment

E = EnrolmentStatus


def _lock(cohort_id: int) -> Cohort:
    """The cohort, locked for this transaction (a no-op lock on SQLite, which has one
    writer at a time anyway)."""
    cohort = db.session.scalar(select(Cohort).where(Cohort.id == cohort_id)
                               .with_for_update().execution_options(populate_existing=True))
    if cohort is None:
        raise DomainError(_("The course no longer exists."))
    return cohort


def seats_taken(cohort: Cohort) -> int:
    return db.session.scalar(select(func.count()).select_from(Enrolment).where(
        Enrolment.cohort_id == cohort.id,
        Enrolment.status.in_([s.value for s in SEAT_HOLDING]))) or 0


def _record(enrolment: Enrolment, action: str, actor: User | None, **changes) -> None:
    # Filed under the cohort, so the course's change log shows it; the participant
    # is named by id only.
    audit.record(action, object_type="cohorts", object_id=enrolment.cohort_id, actor=actor,
                 changes={"participant_id": enrolment.participant_id, **changes})


def enrol(cohort: Cohort, participant: Participant, *, actor: User) -> Enrolment:
    """A seat if one is free, else the end of the waiting list."""
    cohort = _lock(cohort.id)
    if cohort.state_enum not in OPEN_COHORT_STATES:
        raise DomainError(_("The course is “%(state)s”; no one can be enrolled.",
                            state=cohort.state_enum.label))
    existing = db.session.scalar(select(Enrolment).where(
        Enrolment.cohort_id == cohort.id, Enrolment.participant_id == participant.id))
    if existing is not None and existing.status_enum in ACTIVE_ENROLMENT:
        raise DomainError(_("%(name)s is already on this course (%(status)s).",
                            name=participant.full_name, status=existing.status_enum.label),
                          "participant")
    status = E.ENROLLED if seats_taken(cohort) < cohort.seats else E.WAITING
    now = utcnow()
    if existing is None:
        existing = Enrolment(cohort_id=cohort.id, participant_id=participant.id,
                             status=status)
        db.session.add(existing)
    existing.status = status
    existing.queued_at = now
    existing.enrolled_on = local_today() if status == E.ENROLLED else None
    existing.offered_at = existing.reply_by = existing.ended_on = None
    existing.end_reason = ""
    db.session.flush()
    _record(existing, "enrolment.added", actor, status=str(status))
    return existing


def offer_next(cohort: Cohort, *, actor: User | None, today: date | None = None
               ) -> Enrolment | None:
    """Offer a free seat to the first on the waiting list, with a reply-by date."""
    today = today or local_today()
    if seats_taken(cohort) >= cohort.seats or cohort.state_enum not in OPEN_COHORT_STATES:
        return None
    first = db.session.scalar(
        select(Enrolment).where(Enrolment.cohort_id == cohort.id,
                                Enrolment.status == E.WAITING)
        .order_by(Enrolment.queued_at, Enrolment.id).limit(1))
    if first is None:
        return None
    days = current_app.config.get("OFFER_REPLY_WORKING_DAYS", 3)
    first.status = E.OFFERED
    first.offered_at = utcnow()
    first.reply_by = add_working_days(today, days)
    db.session.flush()
    _record(first, "enrolment.offered", actor, reply_by=first.reply_by.isoformat())
    return first


def _check(enrolment: Enrolment, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != enrolment.version_id:
        raise ConflictError(_("Someone else changed this enrolment while you had the page "
                              "open. Look at it again, then make your change."))


MOVES = {
    "accept": ({E.OFFERED}, E.ENROLLED),
    "decline": ({E.OFFERED}, E.DECLINED),
    "complete": ({E.ENROLLED}, E.COMPLETED),
    "drop_out": ({E.ENROLLED, E.OFFERED}, E.DROPPED_OUT),
    "withdraw": ({E.WAITING}, E.WITHDRAWN),
}


def change(enrolment: Enrolment, action: str, *, actor: User, on: date | None = None,
           reason: str = "", expected_version: int | None = None) -> Enrolment | None:
    """Apply a move; returns the enrolment the freed seat was offered to, if any."""
    cohort = _lock(enrolment.cohort_id)
    db.session.refresh(enrolment)
    _check(enrolment, expected_version)
    if action not in MOVES:
        raise DomainError(_("Choose what to do."), "action")
    allowed, to = MOVES[action]
    if enrolment.status_enum not in allowed:
        raise DomainError(_("“%(status)s” cannot change that way.",
                            status=enrolment.status_enum.label), "action")
    reason = (reason or "").strip()
    if len(reason) > 500:
        raise DomainError(_("Use at most %(max)d characters.", max=500), "reason")
    if to == E.DROPPED_OUT and not reason:
        raise DomainError(_("Give the reason for dropping out."), "reason")
    on = on or local_today()
    if to in (E.COMPLETED, E.DROPPED_OUT):
        # The end date starts the outcome follow-up: it must have happened, and after
        # the person joined the course.
        if on > local_today():
            raise DomainError(_("The date cannot be in the future."), "on")
        if enrolment.enrolled_on is not None and on < enrolment.enrolled_on:
            raise DomainError(_("The date cannot be before %(date)s, when the person was "
                                "enrolled.", date=format_date(enrolment.enrolled_on)), "on")
    before = enrolment.status_enum
    enrolment.status = to
    enrolment.reply_by = None  # only an open offer has a reply-by date
    if to == E.ENROLLED:
        enrolment.enrolled_on = on
    if to in (E.COMPLETED, E.DROPPED_OUT):
        enrolment.ended_on = on
    if to in (E.DROPPED_OUT, E.DECLINED, E.WITHDRAWN):
        enrolment.end_reason = reason
    db.session.flush()
    _record(enrolment, "enrolment.changed", actor, status=(before.value, to.value),
            **({"on": on.isoformat()} if to in (E.COMPLETED, E.DROPPED_OUT) else {}))
    if before in SEAT_HOLDING and to not in SEAT_HOLDING:
        return offer_next(cohort, actor=actor)
    return None


def expire_offers(*, today: date | None = None, cohort_id: int | None = None) -> int:
    """Offers not accepted by their reply-by date lapse; the seat goes to the next in line.
    Run by `flask portal expire-offers` (e.g. nightly) and whenever staff open a course."""
    today = today or local_today()
    query = select(Enrolment.id, Enrolment.cohort_id).where(
        Enrolment.status == E.OFFERED, Enrolment.reply_by < today)
    if cohort_id is not None:
        query = query.where(Enrolment.cohort_id == cohort_id)
    lapsed = 0
    for enrolment_id, owner in db.session.execute(query.order_by(Enrolment.id)).all():
        cohort = _lock(owner)
        enrolment = db.session.get(Enrolment, enrolment_id, populate_existing=True)
        if enrolment.status != E.OFFERED or enrolment.reply_by >= today:
            continue  # someone answered meanwhile
        enrolment.status = E.DECLINED
        enrolment.end_reason = _("No answer by %(date)s.", date=enrolment.reply_by.isoformat())
        enrolment.reply_by = None
        db.session.flush()
        _record(enrolment, "enrolment.lapsed", None)
        lapsed += 1
        offer_next(cohort, actor=None, today=today)
    return lapsed


def for_cohort(cohort: Cohort) -> dict[EnrolmentStatus, list[Enrolment]]:
    rows = db.session.scalars(
        select(Enrolment).where(Enrolment.cohort_id == cohort.id)
        .order_by(Enrolment.queued_at, Enrolment.id))
    grouped: dict[EnrolmentStatus, list[Enrolment]] = {s: [] for s in EnrolmentStatus}
    for enrolment in rows:
        grouped[enrolment.status_enum].append(enrolment)
    return grouped


def matching(cohort: Cohort, limit: int = 30) -> list[Participant]:
    """Participants who fit the course's sector and are on no open course."""
    from portal.participants import services as participants

    return participants.fitting(cohort.sector, limit)


def participant_by_reference(reference: str) -> Participant | None:
    reference = (reference or "").strip()
    if not reference or len(reference) > 40:
        return None
    return db.session.scalar(select(Participant).where(
        func.lower(Participant.case_reference) == reference.lower()))
