"""The results dashboard's figures, aggregated in SQL.

The unit of counting is the person. A *measure* is a course place (an enrolment that
began), a placement that began, or a recruitment event the person attended; see
``measures()``. A person who ended several measures in the period counts once, by the
measure that ended last (their latest result); per sector and per course, by the last
one in that sector or course.

Outcomes belong to a measure and a checkpoint (at the end, at the follow-up after
OUTCOME_FOLLOW_UP_DAYS, at the later follow-up after OUTCOME_LATE_FOLLOW_UP_DAYS), and
count whenever they were recorded: an outcome recorded after the period still counts
for the measure that ended in it. An outcome that is missing or recorded as unknown is
counted in the denominator and not as success (the figures never look better for not
knowing), and the number unknown is shown beside each share. A follow-up counts only
once it is due: people whose follow-up day is still ahead are left out of that share.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import (
    Integer,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    tuple_,
    union,
    union_all,
)
from sqlalchemy.orm import aliased

from portal.core.sql import days_between, on_postgresql, year_month
from portal.extensions import db
from portal.participants.enums import WORK_OR_STUDIES, Checkpoint, OutcomeStatus
from portal.participants.models import Outcome, Participant
from portal.reports.periods import Period

COURSE = "course"
EVENT = "event"
SUCCESS = tuple(s.value for s in WORK_OR_STUDIES)


@dataclass(frozen=True)
class Filters:
    sector: str | None = None
    measure_type: str | None = None
    cohort_id: int | None = None
    unit: str | None = None

    @property
    def narrowed(self) -> bool:
        return any(v is not None for v in (self.sector, self.measure_type, self.cohort_id,
                                            self.unit))


@dataclass(frozen=True)
class Settings:
    today: date
    follow_up_days: int
    late_follow_up_days: int
    goal_end: int
    goal_follow_up: int
    forecast_per_year: int
    cost_per_household: int
    commitment_days: int

    @classmethod
    def from_app(cls, today: date) -> Settings:
        c = current_app.config
        return cls(today=today, follow_up_days=int(c.get("OUTCOME_FOLLOW_UP_DAYS", 90)),
                   late_follow_up_days=int(c.get("OUTCOME_LATE_FOLLOW_UP_DAYS", 180)),
                   goal_end=int(c["REPORT_GOAL_END_PERCENT"]),
                   goal_follow_up=int(c["REPORT_GOAL_FOLLOW_UP_PERCENT"]),
                   forecast_per_year=int(c["REPORT_FORECAST_PER_YEAR"]),
                   cost_per_household=int(c["REPORT_COST_PER_HOUSEHOLD"]),
                   commitment_days=int(c.get("PLACEMENT_COMMITMENT_DAYS", 28)))


# --- the measures every participant figure reads ---------------------------------------------

@functools.lru_cache(maxsize=64)
def measures(filters: Filters, statuses: bool = False):
    """One row per measure a person began: participant, type, sector, course/event/placement
    id, the day it began, the day it ended (None while it runs), whether it was broken
    off, and for placements how it ended. A UNION ALL of three indexed selects.

    With ``statuses``, each row also has its outcome's status at the end, the
    follow-up and the later follow-up (None when none was recorded), and recruitment
    events only count when an outcome was recorded for them: staff record one only when
    someone was hired there, and attending one is not a measure the person "ended" with
    a result.

    Building the statement costs more than running it on small data, and it holds no
    dates or session, only the filters: it is built once per set of filters."""
    from portal.events.enums import Attendance, EventState
    from portal.events.models import EventInvitation, RecruitmentEvent
    from portal.placements.enums import EndOutcome, PlacementState
    from portal.placements.models import Placement
    from portal.training.enums import CohortState, EnrolmentStatus
    from portal.training.models import Cohort, Enrolment

    no_id = cast(null(), Integer)
    enrolled_on = func.coalesce(Enrolment.enrolled_on, Cohort.start_date)
    courses = (
        select(Enrolment.participant_id.label("participant_id"),
               cast(literal(COURSE), String).label("measure_type"),
               Cohort.sector.label("sector"),
               Enrolment.cohort_id.label("cohort_id"), no_id.label("event_id"),
               no_id.label("placement_id"),
               # A place taken after the start begins when taken.
               case((enrolled_on > Cohort.start_date, enrolled_on),
                    else_=Cohort.start_date).label("started_on"),
               Enrolment.ended_on.label("ended_on"),
               case((Enrolment.status == EnrolmentStatus.DROPPED_OUT.value, 1),
                    else_=0).label("interrupted"),
               cast(null(), String).label("placement_outcome"))
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(Enrolment.status.in_([EnrolmentStatus.ENROLLED.value,
                                     EnrolmentStatus.COMPLETED.value,
                                     EnrolmentStatus.DROPPED_OUT.value]),
               Cohort.state != CohortState.CANCELLED.value))
    placements = (
        select(Placement.participant_id.label("participant_id"),
               Placement.placement_type.label("measure_type"),
               Placement.sector.label("sector"), no_id.label("cohort_id"),
               no_id.label("event_id"), Placement.id.label("placement_id"),
               Placement.starts_on.label("started_on"), Placement.ended_on.label("ended_on"),
               case((Placement.end_outcome == EndOutcome.INTERRUPTED.value, 1),
                    else_=0).label("interrupted"),
               Placement.end_outcome.label("placement_outcome"))
        .where(Placement.state.in_([PlacementState.ACTIVE.value, PlacementState.ENDED.value])))
    events = (
        select(EventInvitation.participant_id.label("participant_id"),
               cast(literal(EVENT), String).label("measure_type"),
               RecruitmentEvent.sector.label("sector"), no_id.label("cohort_id"),
               EventInvitation.event_id.label("event_id"), no_id.label("placement_id"),
               RecruitmentEvent.event_date.label("started_on"),
               RecruitmentEvent.event_date.label("ended_on"), literal(0).label("interrupted"),
               cast(null(), String).label("placement_outcome"))
        .join(RecruitmentEvent, RecruitmentEvent.id == EventInvitation.event_id)
        .where(EventInvitation.attendance == Attendance.ATTENDED.value,
               RecruitmentEvent.state == EventState.HELD.value))
    if statuses:
        # Joined per kind of measure on its own key: PostgreSQL hashes plain columns,
        # in parallel workers, where "cohort or event or placement matches" after the
        # union made it loop over the rows.
        def joined(part, on):
            aliases = [aliased(Outcome) for _ in Checkpoint]
            for alias, checkpoint in zip(aliases, Checkpoint, strict=True):
                part = part.outerjoin(alias, and_(on(alias), alias.checkpoint == checkpoint.value))
            return part.add_columns(*(a.status.label(f"{c.value}_status")
                                      for a, c in zip(aliases, Checkpoint, strict=True)))

        courses = joined(courses, lambda o: and_(o.participant_id == Enrolment.participant_id,
                                                 o.cohort_id == Enrolment.cohort_id))
        placements = joined(placements, lambda o: o.placement_id == Placement.id)
        events = joined(events.where(tuple_(EventInvitation.participant_id,
                                            EventInvitation.event_id).in_(
            select(Outcome.participant_id, Outcome.event_id)
            .where(Outcome.event_id.is_not(None)))),
            lambda o: and_(o.participant_id == EventInvitation.participant_id,
                           o.event_id == EventInvitation.event_id))
    if filters.sector:
        courses = courses.where(Cohort.sector == filters.sector)
        placements = placements.where(Placement.sector == filters.sector)
        events = events.where(RecruitmentEvent.sector == filters.sector)
    if filters.cohort_id is not None:
        courses = courses.where(Enrolment.cohort_id == filters.cohort_id)
    parts = []
    if filters.measure_type in (None, COURSE):
        parts.append(courses)
    if filters.cohort_id is None:
        if filters.measure_type is None or filters.measure_type not in (COURSE, EVENT):
            if filters.measure_type is not None:
                placements = placements.where(Placement.placement_type == filters.measure_type)
            parts.append(placements)
        if filters.measure_type in (None, EVENT):
            parts.append(events)
    if not parts:  # e.g. a course filter with the event type: nothing can match
        parts.append(courses.where(literal(False)))
    rows = union_all(*parts).subquery("measures")
    if filters.unit is not None:
        rows = (select(rows).join(Participant, Participant.id == rows.c.participant_id)
                .where(Participant.unit == filters.unit).subquery("measures_in_unit"))
    return rows


def ended_between(filters: Filters, first: date, last: date):
    """The measures that ended between ``first`` and ``last``, with their outcomes'
    statuses (see ``measures(statuses=True)``)."""
    m = measures(filters, statuses=True)
    return select(m).where(m.c.ended_on >= first, m.c.ended_on <= last)


def _latest_first(m) -> list:
    """The order that makes a person's latest result come first."""
    return [m.c.ended_on.desc(), m.c.measure_type, m.c.cohort_id, m.c.event_id,
            m.c.placement_id]


# --- participants started and ended, per measure type ----------------------------------------

@dataclass
class TypeRow:
    measure_type: str
    started: int
    ended: int
    interrupted: int


def flows(period: Period, filters: Filters, today: date) -> tuple[list[TypeRow], TypeRow]:
    """People who began and ended a measure in the period, per type and in all (a person
    counts once per type, and once in all)."""
    m = measures(filters)
    last = min(period.end, today)
    began = and_(m.c.started_on >= period.start, m.c.started_on <= last)
    ended = and_(m.c.ended_on >= period.start, m.c.ended_on <= last)
    pid = m.c.participant_id
    columns = (func.count(func.distinct(case((began, pid)))),
               func.count(func.distinct(case((ended, pid)))),
               func.count(func.distinct(case((and_(ended, m.c.interrupted == 1), pid)))))
    per_type = select(m.c.measure_type, *columns).where(or_(began, ended))
    if on_postgresql():
        # The types and, by ROLLUP, all of them (the NULL type) in one pass.
        rows = db.session.execute(per_type.group_by(func.rollup(m.c.measure_type))).all()
        total = next((r[1:] for r in rows if r[0] is None), (0, 0, 0))
        rows = sorted((r for r in rows if r[0] is not None), key=lambda r: r[0])
    else:
        rows = db.session.execute(per_type.group_by(m.c.measure_type)
                                  .order_by(m.c.measure_type)).all()
        total = db.session.execute(select(*columns).where(or_(began, ended))).one()
    return ([TypeRow(t, s or 0, e or 0, i or 0) for t, s, e, i in rows],
            TypeRow("", *(v or 0 for v in total)))


# --- outcomes of those who ended ------------------------------------------------------------

@dataclass
class Share:
    """Of ``base`` people, ``success`` in work or studies and ``unknown`` not known."""

    base: int = 0
    success: int = 0
    unknown: int = 0

    @property
    def percent(self) -> float | None:
        return 100.0 * self.success / self.base if self.base else None


@dataclass
class OutcomeRow:
    key: str | int | None
    ended: int = 0
    interrupted: int = 0
    employed: int = 0
    subsidised: int = 0
    studies: int = 0
    at_end: Share = field(default_factory=Share)
    follow_up: Share = field(default_factory=Share)
    late: Share = field(default_factory=Share)


def _latest_ended(period: Period, filters: Filters, today: date):
    """Each person's latest result among the measures they ended in the period, with
    its outcome statuses: the rows behind the outcome shares."""
    ended = ended_between(filters, period.start, min(period.end, today)).subquery("ended")
    rank = func.row_number().over(partition_by=ended.c.participant_id,
                                  order_by=_latest_first(ended)).label("rank")
    ranked = select(ended, rank).subquery("ranked")
    return select(ranked).where(ranked.c.rank == 1).subquery("latest")


OUTCOME_GROUPS = (None, "month", "sector", "cohort")


def outcomes(period: Period, trend: Period, filters: Filters,
             settings: Settings) -> dict[str | None, list[OutcomeRow]]:
    """Outcome shares of the people who ended a measure: in all and per sector and
    course for the period, per month (of the end) for the trend's months. One statement:
    the measures are read, joined to their outcomes and ranked once, then counted four
    ways (keyed None, "month", "sector" and "cohort" in the answer)."""
    today = settings.today
    last, trend_last = min(period.end, today), min(trend.end, today)
    between = ended_between(filters, min(period.start, trend.start),
                            max(last, trend_last)).subquery("between")

    def flag(condition):
        return case((condition, 1), else_=0)

    b = between.c
    # Only the columns counted: the rows are sorted twice.
    e = select(b.participant_id, b.measure_type, b.sector, b.cohort_id, b.event_id,
               b.placement_id, b.ended_on, b.interrupted, b.end_status, b.follow_up_status,
               b.late_status, flag(b.ended_on.between(period.start, last)).label("in_period"),
               flag(b.ended_on.between(trend.start, trend_last)).label("in_trend"),
               year_month(b.ended_on).label("month")).subquery("ended")
    # A person's rows newest first. The period and the trend's months are runs of days,
    # so in that order a person's rows in the period, and in each month, follow one
    # another: the first of a run is the latest, found by looking at the row before.
    # Only the sectors need an order of their own.
    newest_first = {"partition_by": e.c.participant_id, "order_by": _latest_first(e)}
    first_in_period = and_(e.c.in_period == 1,
                           func.coalesce(func.lag(e.c.in_period).over(**newest_first), 0) == 0)
    first_in_month = and_(e.c.in_trend == 1, or_(
        func.coalesce(func.lag(e.c.in_trend).over(**newest_first), 0) == 0,
        func.coalesce(func.lag(e.c.month).over(**newest_first), "") != e.c.month))
    first_in_sector = and_(e.c.in_period == 1, func.row_number().over(
        partition_by=[e.c.participant_id, e.c.in_period, e.c.sector],
        order_by=_latest_first(e)) == 1)
    ranked = select(e, flag(first_in_period).label("latest_all"),
                    flag(first_in_month).label("latest_month"),
                    flag(first_in_sector).label("latest_sector")
                    ).subquery("ranked")
    # The rows counted somewhere. A person has one place on a course: by course, there
    # is nothing to rank.
    counted = select(ranked).where(or_(ranked.c.latest_all == 1, ranked.c.latest_month == 1,
                                       ranked.c.latest_sector == 1,
                                       and_(ranked.c.in_period == 1,
                                            ranked.c.cohort_id.is_not(None)))
                                   ).subquery("counted")
    grouping_sets = on_postgresql()
    r = (counted if grouping_sets else select(counted).cte("results")).c
    fu_due = r.ended_on <= today - timedelta(days=settings.follow_up_days)
    late_due = r.ended_on <= today - timedelta(days=settings.late_follow_up_days)

    def count_if(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    def unknown(status):
        return or_(status.is_(None), status == OutcomeStatus.UNKNOWN.value)

    counts = (func.count(), count_if(r.interrupted == 1),
              count_if(r.end_status == OutcomeStatus.EMPLOYED.value),
              count_if(r.end_status == OutcomeStatus.SUBSIDISED.value),
              count_if(r.end_status == OutcomeStatus.STUDIES.value),
              count_if(r.end_status.in_(SUCCESS)), count_if(unknown(r.end_status)),
              count_if(fu_due), count_if(and_(fu_due, r.follow_up_status.in_(SUCCESS))),
              count_if(and_(fu_due, unknown(r.follow_up_status))),
              count_if(late_due), count_if(and_(late_due, r.late_status.in_(SUCCESS))),
              count_if(and_(late_due, unknown(r.late_status))))
    if grouping_sets:
        # One pass over the rows, counted four ways; a grouping set's flag column says
        # which rows count in it (the rows where it is 0 make groups that are dropped).
        statement = select(r.latest_all, r.latest_month, r.month, r.latest_sector, r.sector,
                           r.in_period, r.cohort_id, *counts).group_by(func.grouping_sets(
                               tuple_(r.latest_all), tuple_(r.latest_month, r.month),
                               tuple_(r.latest_sector, r.sector),
                               tuple_(r.in_period, r.cohort_id)))
        answer = []
        for all_, month_, month, sector_, sector, in_period, cohort_id, *c in (
                db.session.execute(statement).all()):
            if all_ is not None:
                answer.append(("all", None, None, *c) if all_ == 1 else None)
            elif month_ is not None:
                answer.append(("month", month, None, *c) if month_ == 1 else None)
            elif sector_ is not None:
                answer.append(("sector", sector, None, *c) if sector_ == 1 else None)
            elif in_period == 1 and cohort_id is not None:
                answer.append(("cohort", None, cohort_id, *c))
        answer = [a for a in answer if a is not None]
    else:
        # SQLite has no GROUPING SETS: the rows once, counted four times.
        no_text, no_int = cast(null(), String), cast(null(), Integer)

        def group(name, text_key, int_key, *where, by=None):
            q = select(cast(literal(name), String), text_key, int_key, *counts).where(*where)
            return q if by is None else q.group_by(by)

        answer = db.session.execute(union_all(
            group("all", no_text, no_int, r.latest_all == 1),
            group("month", r.month, no_int, r.latest_month == 1, by=r.month),
            group("sector", r.sector, no_int, r.latest_sector == 1, by=r.sector),
            # People who ended no course are not a row of their own.
            group("cohort", no_text, r.cohort_id, r.in_period == 1, r.cohort_id.is_not(None),
                  by=r.cohort_id))).all()
    found: dict[str | None, list[OutcomeRow]] = {g: [] for g in OUTCOME_GROUPS}
    for name, text_key, int_key, *c in answer:
        c = [int(v) for v in c]
        if name != "all" and c[0] == 0:
            continue
        found[None if name == "all" else name].append(OutcomeRow(
            key=int_key if name == "cohort" else text_key, ended=c[0], interrupted=c[1],
            employed=c[2], subsidised=c[3], studies=c[4],
            at_end=Share(c[0], c[5], c[6]), follow_up=Share(c[7], c[8], c[9]),
            late=Share(c[10], c[11], c[12])))
    for rows in found.values():
        # No sector, not a course: last.
        rows.sort(key=lambda row: (row.key is None, row.key if row.key is not None else 0))
    if not found[None]:
        found[None].append(OutcomeRow(key=None))
    return found


# --- internships turned into employment ------------------------------------------------------

@dataclass
class Conversion:
    ended: int = 0
    hired_by_host: int = 0

    @property
    def percent(self) -> float | None:
        return 100.0 * self.hired_by_host / self.ended if self.ended else None


def conversion(period: Period, filters: Filters, today: date) -> Conversion:
    """Internships that ended in the period, and how many ended with the host hiring."""
    from portal.placements.enums import EndOutcome
    from portal.requests.enums import PlacementType

    m = measures(filters)
    last = min(period.end, today)
    hired = func.coalesce(func.sum(case(
        (m.c.placement_outcome == EndOutcome.HIRED_BY_HOST.value, 1), else_=0)), 0)
    ended, hired_count = db.session.execute(
        select(func.count(), hired)
        .where(m.c.measure_type == PlacementType.INTERNSHIP.value,
               m.c.ended_on >= period.start, m.c.ended_on <= last)).one()
    return Conversion(int(ended), int(hired_count))


# --- requests: how many, how fast -----------------------------------------------------------

@dataclass
class RequestRow:
    kind: str
    received: int = 0
    responded: int = 0
    response_median: float | None = None
    response_p90: float | None = None
    committed: int = 0
    commitment_median: float | None = None
    commitment_p90: float | None = None
    rule_base: int = 0  # placement requests whose four weeks have passed or that got one
    rule_met: int = 0

    @property
    def rule_percent(self) -> float | None:
        return 100.0 * self.rule_met / self.rule_base if self.rule_base else None


def _bounds(period: Period, today: date):
    """The period as UTC-aware moments [start, end) for timestamp columns. Days are the
    portal's local days, so a request sent at 00:30 on the 1st counts in that month."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    last = min(period.end, today)
    start = datetime(period.start.year, period.start.month, period.start.day, tzinfo=zone)
    after = last + timedelta(days=1)
    end = datetime(after.year, after.month, after.day, tzinfo=zone)
    return start, end


def requests(period: Period, settings: Settings) -> tuple[list[RequestRow], RequestRow]:
    """Requests first submitted in the period, per kind and in all. Response and
    commitment times are calendar days from the first submission (time spent waiting
    for the employer included); percentiles by the nearest-rank method."""

    from portal.requests.enums import RequestKind, RequestState
    from portal.requests.models import ServiceRequest as R

    start, end = _bounds(period, settings.today)
    # "Now" is the end of the report's today, so a report is the same all day (and tests
    # can set the day).
    now = _bounds(Period(period.kind, settings.today, settings.today), settings.today)[1]
    response = days_between(R.first_response_at, R.submitted_at)
    commitment = days_between(R.committed_at, R.submitted_at)
    rule_days = settings.commitment_days
    in_period = and_(R.submitted_at.is_not(None), R.submitted_at >= start, R.submitted_at < end)
    placement = R.kind == RequestKind.PLACEMENT.value
    closed_without = and_(R.committed_at.is_(None),
                          R.state.in_([RequestState.DECLINED.value,
                                       RequestState.WITHDRAWN.value]))
    # In the four-week share: placement requests that got a commitment, or whose four
    # weeks are over without one; declined and withdrawn ones without one are left out.
    rule_base = and_(placement, ~closed_without,
                     or_(R.committed_at.is_not(None),
                         R.submitted_at <= now - timedelta(days=rule_days)))
    rule_met = and_(placement, R.committed_at.is_not(None), commitment <= rule_days)

    flags = (case((rule_base, 1), else_=0).label("rule_base"),
             case((rule_met, 1), else_=0).label("rule_met"))
    if on_postgresql():
        # One pass: the kinds and, by ROLLUP, all requests (the percentiles in all are
        # over all requests, not a mean of the kinds'). percentile_disc is the nearest
        # rank and leaves out requests not yet answered.
        t = select(R.kind.label("kind"), response.label("response"),
                   commitment.label("commitment"), *flags).where(in_period).subquery("timed")

        def pick(value, p):
            return func.percentile_disc(p).within_group(value)

        found = {}
        for r in db.session.execute(
                select(t.c.kind, func.count(), func.count(t.c.response),
                       pick(t.c.response, 0.5), pick(t.c.response, 0.9),
                       func.count(t.c.commitment), pick(t.c.commitment, 0.5),
                       pick(t.c.commitment, 0.9), func.coalesce(func.sum(t.c.rule_base), 0),
                       func.coalesce(func.sum(t.c.rule_met), 0))
                .group_by(func.rollup(t.c.kind))).all():
            found[r[0]] = RequestRow(r[0] or "", *_clean(r[1:]))
        return ([found.get(k.value, RequestRow(k.value)) for k in RequestKind],
                found.get(None, RequestRow("")))

    # SQLite has no percentile_disc: the nearest rank by cume_dist.
    timed = select(
        R.kind.label("kind"), response.label("response"), commitment.label("commitment"),
        func.cume_dist().over(partition_by=[R.kind, R.first_response_at.is_(None)],
                              order_by=response).label("response_rank"),
        func.cume_dist().over(partition_by=[R.kind, R.committed_at.is_(None)],
                              order_by=commitment).label("commitment_rank"),
        *flags,
    ).where(in_period).subquery("timed")

    def nearest_rank(value, rank, p):
        return func.min(case((and_(value.is_not(None), rank >= p), value)))

    def aggregates(t):
        return (func.count(), func.count(t.c.response),
                nearest_rank(t.c.response, t.c.response_rank, 0.5),
                nearest_rank(t.c.response, t.c.response_rank, 0.9),
                func.count(t.c.commitment),
                nearest_rank(t.c.commitment, t.c.commitment_rank, 0.5),
                nearest_rank(t.c.commitment, t.c.commitment_rank, 0.9),
                func.coalesce(func.sum(t.c.rule_base), 0),
                func.coalesce(func.sum(t.c.rule_met), 0))

    found = {r[0]: RequestRow(r[0], *_clean(r[1:])) for r in db.session.execute(
        select(timed.c.kind, *aggregates(timed)).group_by(timed.c.kind)).all()}
    rows = [found.get(k.value, RequestRow(k.value)) for k in RequestKind]
    # The percentiles in all are over all requests, not a mean of the kinds' percentiles.
    overall = select(
        timed.c.response, timed.c.commitment, timed.c.rule_base, timed.c.rule_met,
        func.cume_dist().over(partition_by=timed.c.response.is_(None),
                              order_by=timed.c.response).label("response_rank"),
        func.cume_dist().over(partition_by=timed.c.commitment.is_(None),
                              order_by=timed.c.commitment).label("commitment_rank"),
    ).subquery("overall")
    total = db.session.execute(select(*aggregates(overall))).one()
    return rows, RequestRow("", *_clean(total))


_DAYS = {2, 3, 5, 6}  # the positions of the day figures among the aggregates


def _clean(values) -> list:
    """Counts as int; days (float, or Decimal on PostgreSQL) to one decimal, or None."""
    return [(None if v is None else round(float(v), 1)) if i in _DAYS else int(v or 0)
            for i, v in enumerate(values)]


# --- employers and supervisors ---------------------------------------------------------------

@dataclass
class Engagement:
    new_employers: int = 0
    active_employers: int = 0
    supervisors_trained: int = 0


def active_employers_query(period: Period, today: date):
    """Organisations that did something with the unit in the period: sent a request,
    hosted a placement that ran in it, took part in a recruitment event held in it, or
    committed to a course that ran in it."""
    from portal.events.enums import EventState, Response
    from portal.events.models import EventOrganisation, RecruitmentEvent
    from portal.placements.enums import PlacementState
    from portal.placements.models import Placement
    from portal.requests.models import ServiceRequest as R
    from portal.training.enums import CohortState, CommitmentStatus
    from portal.training.models import Cohort, CohortCommitment

    start, end = _bounds(period, today)
    last = min(period.end, today)
    return union(
        select(R.organisation_id.label("organisation_id"))
        .where(R.submitted_at >= start, R.submitted_at < end),
        select(Placement.organisation_id)
        .where(Placement.state.in_([PlacementState.ACTIVE.value, PlacementState.ENDED.value]),
               Placement.starts_on <= last,
               func.coalesce(Placement.ended_on, last) >= period.start),
        select(EventOrganisation.organisation_id)
        .join(RecruitmentEvent, RecruitmentEvent.id == EventOrganisation.event_id)
        .where(EventOrganisation.response == Response.CONFIRMED.value,
               RecruitmentEvent.state == EventState.HELD.value,
               RecruitmentEvent.event_date >= period.start, RecruitmentEvent.event_date <= last),
        select(CohortCommitment.organisation_id)
        .join(Cohort, Cohort.id == CohortCommitment.cohort_id)
        .where(CohortCommitment.status == CommitmentStatus.COMMITTED.value,
               Cohort.state != CohortState.CANCELLED.value,
               Cohort.start_date <= last, Cohort.end_date >= period.start),
    ).subquery("active")


def engagement(period: Period, today: date) -> Engagement:
    from portal.employers.models import Organisation
    from portal.supervisors.models import Supervisor

    start, end = _bounds(period, today)
    last = min(period.end, today)
    active = active_employers_query(period, today)
    new, active_count, trained = db.session.execute(select(
        select(func.count()).select_from(Organisation)
        .where(Organisation.created_at >= start, Organisation.created_at < end)
        .scalar_subquery(),
        select(func.count()).select_from(active).scalar_subquery(),
        select(func.count()).select_from(Supervisor)
        .where(Supervisor.trained_on >= period.start, Supervisor.trained_on <= last)
        .scalar_subquery())).one()
    return Engagement(int(new), int(active_count), int(trained))


# --- the whole dashboard --------------------------------------------------------------------

@dataclass
class Dashboard:
    period: Period
    filters: Filters
    settings: Settings
    types: list[TypeRow]
    people: TypeRow
    total: OutcomeRow
    by_month: list[OutcomeRow]
    by_sector: list[OutcomeRow]
    by_cohort: list[OutcomeRow]
    conversion: Conversion
    requests: list[RequestRow]
    requests_total: RequestRow
    engagement: Engagement

    @property
    def forecast(self) -> int:
        """The yearly forecast of people into employment, pro-rated to the period."""
        return round(self.settings.forecast_per_year * self.period.days / 365)

    @property
    def savings(self) -> int:
        """People in work or studies at the end × what a household on assistance costs a
        year: an estimate, as the page says."""
        return self.total.at_end.success * self.settings.cost_per_household


def trend_period(period: Period) -> Period:
    """The months the trend chart shows: the period's own, or the 12 months up to its
    end when the period is shorter than three months; at most the last 24."""
    from portal.reports.periods import PeriodKind, add_months, month_end

    months = period.months()
    if len(months) < 3 or len(months) > 24:
        y, m = add_months(period.end.year, period.end.month, -11 if len(months) < 3 else -23)
        start = date(y, m, 1)
        return Period(PeriodKind.CUSTOM, start, month_end(period.end.year, period.end.month))
    return period


def dashboard(period: Period, filters: Filters, settings: Settings) -> Dashboard:
    today = settings.today

    def the_rest():
        return (flows(period, filters, today), requests(period, settings),
                conversion(period, filters, today), engagement(period, today))

    if current_app.config.get("REPORT_CONCURRENT") and on_postgresql():
        from concurrent.futures import ThreadPoolExecutor

        app = current_app._get_current_object()

        def on_its_own_connection():
            with app.app_context():
                try:
                    return the_rest()
                finally:
                    db.session.remove()

        with ThreadPoolExecutor(max_workers=1) as pool:
            future = pool.submit(on_its_own_connection)
            shares = outcomes(period, trend_period(period), filters, settings)
            (types, people), (request_rows, request_total), converted, engaged = future.result()
    else:
        shares = outcomes(period, trend_period(period), filters, settings)
        (types, people), (request_rows, request_total), converted, engaged = the_rest()
    return Dashboard(
        period=period, filters=filters, settings=settings, types=types, people=people,
        total=shares[None][0], by_month=shares["month"], by_sector=shares["sector"],
        by_cohort=shares["cohort"], conversion=converted,
        requests=request_rows, requests_total=request_total, engagement=engaged)
