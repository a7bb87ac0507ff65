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
    exists,
    func,
    literal,
    null,
    or_,
    select,
    union,
    union_all,
)
from sqlalchemy.orm import aliased

from portal.core.sql import days_between, year_month
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
def measures(filters: Filters):
    """One row per measure a person began: participant, type, sector, course/event/placement
    id, the day it began, the day it ended (None while it runs), whether it was broken
    off, and for placements how it ended. A UNION ALL of three indexed selects.

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


def _outcome_join(alias, m, checkpoint: Checkpoint):
    return and_(alias.participant_id == m.c.participant_id,
                alias.checkpoint == checkpoint.value,
                or_(alias.cohort_id == m.c.cohort_id, alias.event_id == m.c.event_id,
                    alias.placement_id == m.c.placement_id))


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
    per_type = db.session.execute(
        select(m.c.measure_type, *columns).where(or_(began, ended))
        .group_by(m.c.measure_type).order_by(m.c.measure_type)).all()
    total = db.session.execute(select(*columns).where(or_(began, ended))).one()
    return ([TypeRow(t, s or 0, e or 0, i or 0) for t, s, e, i in per_type],
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


def _latest_ended(period: Period, filters: Filters, today: date, partition: list):
    m = measures(filters)
    last = min(period.end, today)
    rank = func.row_number().over(
        partition_by=[m.c.participant_id, *[p(m) for p in partition]],
        order_by=[m.c.ended_on.desc(), m.c.measure_type, m.c.cohort_id, m.c.event_id,
                  m.c.placement_id]).label("rank")
    # Staff record an outcome for a recruitment event only when someone was hired there;
    # attending one is not a measure the person "ended" with a result, so an event counts
    # here only when an outcome was recorded for it.
    event_with_outcome = exists().where(Outcome.participant_id == m.c.participant_id,
                                        Outcome.event_id == m.c.event_id)
    ranked = (select(m, rank)
              .where(m.c.ended_on >= period.start, m.c.ended_on <= last,
                     or_(m.c.event_id.is_(None), event_with_outcome))
              .subquery("ranked"))
    return select(ranked).where(ranked.c.rank == 1).subquery("latest")


def outcomes(period: Period, filters: Filters, settings: Settings,
             group=None) -> list[OutcomeRow]:
    """Outcome shares of the people who ended a measure in the period, in all (group None)
    or per "sector", "cohort" or "month" (of the end)."""
    partition = {None: [], "sector": [lambda m: m.c.sector],
                 "cohort": [lambda m: m.c.cohort_id],
                 "month": [lambda m: year_month(m.c.ended_on)]}[group]
    latest = _latest_ended(period, filters, settings.today, partition)
    end, fu, late = aliased(Outcome), aliased(Outcome), aliased(Outcome)
    fu_due = latest.c.ended_on <= settings.today - timedelta(days=settings.follow_up_days)
    late_due = latest.c.ended_on <= settings.today - timedelta(
        days=settings.late_follow_up_days)

    def count_if(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    def known(alias):
        return and_(alias.id.is_not(None), alias.status != OutcomeStatus.UNKNOWN.value)

    key = {None: literal(None), "sector": latest.c.sector, "cohort": latest.c.cohort_id,
           "month": year_month(latest.c.ended_on)}[group]
    query = (
        select(key.label("key"), func.count(),
               count_if(latest.c.interrupted == 1),
               count_if(end.status == OutcomeStatus.EMPLOYED.value),
               count_if(end.status == OutcomeStatus.SUBSIDISED.value),
               count_if(end.status == OutcomeStatus.STUDIES.value),
               count_if(end.status.in_(SUCCESS)), count_if(~known(end)),
               count_if(fu_due), count_if(and_(fu_due, fu.status.in_(SUCCESS))),
               count_if(and_(fu_due, ~known(fu))),
               count_if(late_due), count_if(and_(late_due, late.status.in_(SUCCESS))),
               count_if(and_(late_due, ~known(late))))
        .select_from(latest)
        .outerjoin(end, _outcome_join(end, latest, Checkpoint.END))
        .outerjoin(fu, _outcome_join(fu, latest, Checkpoint.FOLLOW_UP))
        .outerjoin(late, _outcome_join(late, latest, Checkpoint.LATE)))
    if group is not None:
        # NULL (no sector, not a course) last on both databases.
        query = query.group_by(key).order_by(key.is_(None), key)
    rows = []
    for r in db.session.execute(query).all():
        if group is not None and r[1] == 0:
            continue
        rows.append(OutcomeRow(
            key=r[0], ended=int(r[1]), interrupted=int(r[2]), employed=int(r[3]),
            subsidised=int(r[4]), studies=int(r[5]),
            at_end=Share(int(r[1]), int(r[6]), int(r[7])),
            follow_up=Share(int(r[8]), int(r[9]), int(r[10])),
            late=Share(int(r[11]), int(r[12]), int(r[13]))))
    if group is None and not rows:
        rows.append(OutcomeRow(key=None))
    return rows


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

    timed = select(
        R.kind.label("kind"), response.label("response"), commitment.label("commitment"),
        func.cume_dist().over(partition_by=[R.kind, R.first_response_at.is_(None)],
                              order_by=response).label("response_rank"),
        func.cume_dist().over(partition_by=[R.kind, R.committed_at.is_(None)],
                              order_by=commitment).label("commitment_rank"),
        case((rule_base, 1), else_=0).label("rule_base"),
        case((rule_met, 1), else_=0).label("rule_met"),
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
    types, people = flows(period, filters, today)
    request_rows, request_total = requests(period, settings)
    return Dashboard(
        period=period, filters=filters, settings=settings, types=types, people=people,
        total=outcomes(period, filters, settings)[0],
        by_month=outcomes(trend_period(period), filters, settings, "month"),
        by_sector=outcomes(period, filters, settings, "sector"),
        by_cohort=outcomes(period, filters, settings, "cohort"),
        conversion=conversion(period, filters, today),
        requests=request_rows, requests_total=request_total,
        engagement=engagement(period, today))
