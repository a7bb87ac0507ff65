"""Participants at risk under Helsingør's rules, found in SQL.

(a) No commitment within 4 weeks of intake: the intake (the first meeting,
    ``intake_on``) more than 28 days ago, no placement ever agreed within 28 days of
    the intake, and no placement committed (agreed or active) now.
(b) A gap of more than 4 weeks: the latest measure (a placement's ``ended_on``, or a
    course enrolment's ``ended_on``) ended more than 28 days ago, and no measure is open
    now (no committed placement, no course the person is enrolled on).

Someone who has gone on to work or studies is not waiting for a measure: a participant
with an outcome of work or studies is left out of (a), and out of (b) when that outcome
was noted on or after the latest measure's end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, case, exists, func, literal, or_, select

from portal.core.dates import local_today
from portal.core.sql import days_between
from portal.extensions import db
from portal.participants.enums import WORK_OR_STUDIES
from portal.participants.models import Outcome, Participant
from portal.placements.checks import COMMITTED, RULE_DAYS
from portal.placements.enums import PlacementState
from portal.placements.models import Placement


def _conditions(today: date):
    from portal.training.enums import EnrolmentStatus
    from portal.training.models import Enrolment

    committed_now = exists().where(Placement.participant_id == Participant.id,
                                   Placement.state.in_(COMMITTED))
    agreed_in_time = exists().where(
        Placement.participant_id == Participant.id, Placement.agreed_at.is_not(None),
        days_between(Placement.agreed_at, Participant.intake_on) <= RULE_DAYS)
    work_or_studies = [s.value for s in WORK_OR_STUDIES]
    moved_on = exists().where(Outcome.participant_id == Participant.id,
                              Outcome.status.in_(work_or_studies))
    no_commitment = and_(Participant.intake_on < today - timedelta(days=RULE_DAYS),
                         ~agreed_in_time, ~committed_now, ~moved_on)

    placement_end = (select(func.max(Placement.ended_on))
                     .where(Placement.participant_id == Participant.id,
                            Placement.state == PlacementState.ENDED)
                     .correlate(Participant).scalar_subquery())
    course_end = (select(func.max(Enrolment.ended_on))
                  .where(Enrolment.participant_id == Participant.id,
                         Enrolment.status.in_([EnrolmentStatus.COMPLETED.value,
                                               EnrolmentStatus.DROPPED_OUT.value]))
                  .correlate(Participant).scalar_subquery())
    latest_end = case((placement_end.is_(None), course_end),
                      (course_end.is_(None), placement_end),
                      (placement_end >= course_end, placement_end), else_=course_end)
    on_course = exists().where(Enrolment.participant_id == Participant.id,
                               Enrolment.status == EnrolmentStatus.ENROLLED)
    moved_on_since = exists().where(Outcome.participant_id == Participant.id,
                                    Outcome.status.in_(work_or_studies),
                                    Outcome.recorded_on >= latest_end)
    gap = and_(latest_end < today - timedelta(days=RULE_DAYS), ~committed_now, ~on_course,
               ~moved_on_since)
    return no_commitment, gap, latest_end


@dataclass
class Risk:
    participant: Participant
    intake: date
    no_commitment: bool
    days_since_intake: int
    latest_end: date | None
    days_since_end: int | None


def at_risk(page: int, per_page: int, today: date | None = None):
    """A page of participants at risk (longest since intake first) and, for those on it,
    why: (page, [Risk]). Three queries whatever the number of participants."""
    today = today or local_today()
    no_commitment, gap, latest_end = _conditions(today)
    found = db.paginate(select(Participant).where(or_(no_commitment, gap))
                        .order_by(Participant.intake_on, Participant.id),
                        page=page, per_page=per_page, error_out=False)
    ids = [p.id for p in found.items]
    why = {}
    if ids:
        for pid, late, gapped, end in db.session.execute(
                select(Participant.id, case((no_commitment, literal(1)), else_=literal(0)),
                       case((gap, literal(1)), else_=literal(0)), latest_end)
                .where(Participant.id.in_(ids))):
            if end is not None and not isinstance(end, date):
                end = date.fromisoformat(str(end)[:10])
            why[pid] = (bool(late), end if gapped else None)
    rows = []
    for person in found.items:
        late, end = why.get(person.id, (False, None))
        intake = person.intake_on
        rows.append(Risk(person, intake, late, (today - intake).days, end,
                         (today - end).days if end is not None else None))
    return found, rows
