"""The dashboard's figures are right: known data in, every figure checked, edge cases
included (two measures in the period, outcomes recorded late, unknown outcomes,
drop-outs, follow-ups not yet due, a period with no data)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from portal.extensions import db
from portal.participants.models import Outcome
from portal.reports import figures
from portal.reports.periods import Period, PeriodKind
from portal.training.models import Cohort, Enrolment
from tests import factories

TODAY = date(2026, 6, 30)
H1 = Period(PeriodKind.HALF, date(2026, 1, 1), date(2026, 6, 30))
Q1 = Period(PeriodKind.QUARTER, date(2026, 1, 1), date(2026, 3, 31))


def settings(today: date = TODAY) -> figures.Settings:
    return figures.Settings(today=today, follow_up_days=90, late_follow_up_days=180,
                            goal_end=70, goal_follow_up=80, forecast_per_year=20,
                            cost_per_household=96996, commitment_days=28)


def person(name: str = "Anna", unit: str = "", sectors=("cleaning",)):
    p = factories.make_participant(first_name=name, sectors=sectors)
    p.unit = unit
    db.session.flush()
    return p


def course(sector: str = "cleaning", start=date(2026, 1, 5), end=date(2026, 4, 10),
           state: str = "completed", title: str = "Lokalvård") -> Cohort:
    c = Cohort(title=title, sector=sector, occupation_code="9111",
               provider="adult_education", weeks=14, start_date=start, end_date=end,
               seats=15, state=state,
               cancel_reason="För få anmälda" if state == "cancelled" else "")
    db.session.add(c)
    db.session.flush()
    return c


def enrol(c: Cohort, p, *, status: str = "completed", enrolled_on=None, ended_on=None):
    e = Enrolment(cohort_id=c.id, participant_id=p.id, status=status,
                  enrolled_on=enrolled_on or c.start_date,
                  ended_on=ended_on if ended_on is not None else (
                      c.end_date if status in ("completed", "dropped_out") else None))
    db.session.add(e)
    db.session.flush()
    return e


def outcome(p, status: str, *, checkpoint: str = "end", recorded_on=date(2026, 5, 1),
            **measure):
    o = Outcome(participant_id=p.id, checkpoint=checkpoint, status=status,
                recorded_on=recorded_on, employer_name="Firma AB"
                if status in ("employed", "subsidised") else "", **measure)
    db.session.add(o)
    db.session.flush()
    return o


def placement(p, org, *, ended_on=None, outcome_=None, type_="internship",
              sector="cleaning", starts_on=date(2026, 2, 1), state=None):
    state = state or ("ended" if ended_on else "active")
    extra = {"ended_on": ended_on, "end_outcome": outcome_,
             "end_reason": "Sjuk" if outcome_ == "interrupted" else ""} if ended_on else {}
    return factories.make_placement(p, org, factories.make_supervisor(org), state=state,
                                    placement_type=type_, sector=sector, starts_on=starts_on,
                                    ends_on=date(2026, 12, 31), **extra)


def dash(period=H1, today=TODAY, **filters) -> figures.Dashboard:
    return figures.dashboard(period, figures.Filters(**filters), settings(today))


def test_a_person_with_two_measures_counts_once_by_the_latest(app):
    org = factories.make_organisation()
    anna = person("Anna")
    c = course(end=date(2026, 3, 10))
    enrol(c, anna)
    outcome(anna, "continued_search", cohort_id=c.id)
    p = placement(anna, org, starts_on=date(2026, 3, 20), ended_on=date(2026, 5, 20),
                  outcome_="hired_by_host")
    outcome(anna, "employed", placement_id=p.id, recorded_on=date(2026, 5, 20))

    d = dash()
    assert (d.people.started, d.people.ended) == (1, 1)
    by_type = {r.measure_type: (r.started, r.ended) for r in d.types}
    assert by_type == {"course": (1, 1), "internship": (1, 1)}
    # Her latest result (employed), not the course's (still looking).
    assert (d.total.ended, d.total.at_end.success, d.total.employed) == (1, 1, 1)
    assert d.total.at_end.unknown == 0
    assert d.conversion.ended == 1 and d.conversion.hired_by_host == 1
    assert d.savings == 96996
    # Per sector and per course, the last one there.
    assert [(r.key, r.ended) for r in d.by_sector] == [("cleaning", 1)]
    # The internship is no course: by course, only the course is a row.
    assert [(r.key, r.at_end.success) for r in d.by_cohort] == [(c.id, 0)]


def test_unknown_and_missing_outcomes_count_against_the_share_and_are_shown(app):
    c = course()
    people = [person(f"P{i}") for i in range(6)]
    for p in people:
        enrol(c, p)
    outcome(people[0], "employed", cohort_id=c.id)
    outcome(people[1], "studies", cohort_id=c.id)
    outcome(people[2], "subsidised", cohort_id=c.id)
    outcome(people[3], "unknown", cohort_id=c.id)
    outcome(people[4], "continued_search", cohort_id=c.id)
    # people[5]: nothing recorded

    t = dash().total
    assert t.ended == 6
    assert (t.at_end.base, t.at_end.success, t.at_end.unknown) == (6, 3, 2)
    assert t.at_end.percent == pytest.approx(50.0)
    assert (t.employed, t.subsidised, t.studies) == (1, 1, 1)


def test_an_outcome_recorded_after_the_period_counts_for_the_measure_in_it(app):
    c = course(end=date(2026, 3, 15))
    p = person()
    enrol(c, p)
    outcome(p, "employed", cohort_id=c.id, recorded_on=date(2026, 6, 20))

    t = dash(Q1).total
    assert (t.ended, t.at_end.success) == (1, 1)


def test_drop_outs_have_ended_and_broke_it_off(app):
    c = course()
    stays, leaves = person("Stays"), person("Leaves")
    enrol(c, stays)
    enrol(c, leaves, status="dropped_out", ended_on=date(2026, 2, 20))

    d = dash()
    assert (d.people.ended, d.people.interrupted) == (2, 1)
    assert d.total.interrupted == 1
    assert d.total.at_end.success == 0 and d.total.at_end.unknown == 2


def test_follow_ups_count_only_once_due(app):
    c1 = course(end=date(2026, 2, 1), title="Tidig")
    c2 = course(start=date(2026, 2, 2), end=date(2026, 5, 1), title="Sen")
    early, late = person("Early"), person("Late")
    enrol(c1, early)
    enrol(c2, late)
    outcome(early, "studies", cohort_id=c1.id, checkpoint="follow_up",
            recorded_on=date(2026, 5, 5))
    # Recorded against a follow-up not due until 30 July: left out until then.
    outcome(late, "employed", cohort_id=c2.id, checkpoint="follow_up",
            recorded_on=date(2026, 5, 2))

    t = dash().total
    assert (t.follow_up.base, t.follow_up.success, t.follow_up.unknown) == (1, 1, 0)
    assert t.late.base == 0  # 180 days have not passed for anyone
    later = dash(today=date(2026, 12, 31)).total
    assert (later.follow_up.base, later.follow_up.success) == (2, 2)
    assert (later.late.base, later.late.success, later.late.unknown) == (2, 0, 2)


def test_a_period_with_no_data(app):
    d = dash(Period(PeriodKind.MONTH, date(2021, 3, 1), date(2021, 3, 31)))
    assert d.types == [] and d.people.ended == 0 and d.people.started == 0
    assert d.total.at_end.base == 0 and d.total.at_end.percent is None
    assert d.by_sector == [] and d.by_cohort == [] and d.by_month == []
    assert d.conversion.ended == 0 and d.conversion.percent is None
    assert d.requests_total.received == 0 and d.requests_total.response_median is None
    assert d.engagement.supervisors_trained == 0 and d.savings == 0


def test_began_counts_course_starts_and_late_joiners_not_future_courses(app):
    running = course(start=date(2026, 3, 2), end=date(2026, 6, 5), state="running")
    future = course(start=date(2026, 8, 3), end=date(2026, 11, 6), state="recruiting")
    cancelled = course(start=date(2026, 2, 2), end=date(2026, 5, 1), state="cancelled")
    on_time, joined_late, waiting = person("OnTime"), person("Late"), person("Future")
    enrol(running, on_time, status="enrolled", enrolled_on=date(2026, 2, 1))
    enrol(running, joined_late, status="enrolled", enrolled_on=date(2026, 7, 1))
    enrol(future, waiting, status="enrolled", enrolled_on=date(2026, 5, 1))
    enrol(cancelled, person("Cancelled"), status="enrolled")

    assert dash().people.started == 1  # joined_late begins in July, waiting in August
    assert dash(Period(PeriodKind.YEAR, date(2026, 1, 1), date(2026, 12, 31)),
                today=date(2026, 9, 1)).people.started == 3


def test_filters_narrow_by_sector_type_course_and_unit(app):
    org = factories.make_organisation()
    cleaning = course(sector="cleaning", end=date(2026, 3, 1))
    care = course(sector="care", end=date(2026, 3, 1), title="Omsorg")
    a, b, c, e = (person("A", unit="Jobbcenter"), person("B", unit="Kommunservice"),
                  person("C", unit="Jobbcenter"), person("E", unit="Jobbcenter"))
    enrol(cleaning, a)
    enrol(care, b)
    placement(c, org, ended_on=date(2026, 4, 1), outcome_="other_job",
              type_="subsidised_job", sector="care")
    event = factories.make_event(event_date=date(2026, 4, 20), sector="kitchen")
    from portal.events.models import EventInvitation

    event.state = "held"
    db.session.add(EventInvitation(event_id=event.id, participant_id=e.id,
                                   attendance="attended"))
    db.session.flush()

    assert dash().people.ended == 4
    assert dash(sector="care").people.ended == 2
    assert dash(measure_type="course").people.ended == 2
    assert dash(measure_type="subsidised_job").people.ended == 1
    assert dash(measure_type="event").people.ended == 1
    assert dash(cohort_id=care.id).people.ended == 1
    assert dash(cohort_id=care.id, measure_type="event").people.ended == 0
    assert dash(unit="Jobbcenter").people.ended == 3
    assert dash(unit="Jobbcenter", sector="care").people.ended == 1


def test_trend_groups_by_the_month_the_measure_ended(app):
    feb, apr = course(end=date(2026, 2, 20)), course(end=date(2026, 4, 3), title="B")
    for i in range(3):
        enrol(feb, person(f"F{i}"))
    p = person("April")
    enrol(apr, p)
    outcome(p, "employed", cohort_id=apr.id)
    months = {r.key: (r.ended, r.at_end.success) for r in dash().by_month}
    assert months == {"2026-02": (3, 0), "2026-04": (1, 1)}


def _request(org, user, *, submitted, responded_after=None, committed_after=None,
             state=None, kind="placement"):
    req = factories.make_request(org, user, kind, submit=True)
    req.submitted_at = submitted
    req.first_response_at = submitted + timedelta(days=responded_after) \
        if responded_after is not None else None
    req.committed_at = submitted + timedelta(days=committed_after) \
        if committed_after is not None else None
    if state:
        req.state = state
        if state == "declined":
            req.decline_reason = "Inte aktuellt"
    db.session.flush()
    return req


def test_request_times_percentiles_and_the_four_week_rule(app):
    org = factories.make_organisation()
    user = factories.employer_of(org)
    at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    _request(org, user, submitted=at, responded_after=1, committed_after=5)
    _request(org, user, submitted=at, responded_after=2, committed_after=40)
    _request(org, user, submitted=at, responded_after=10)  # no commitment, weeks passed
    _request(org, user, submitted=at, responded_after=3, state="declined")  # left out
    _request(org, user, submitted=datetime(2026, 6, 25, 9, 0, tzinfo=UTC))  # too recent
    _request(org, user, submitted=at, responded_after=4, kind="tailored_course")
    _request(org, user, submitted=datetime(2025, 12, 31, 9, 0, tzinfo=UTC),
             responded_after=1)  # before the period

    rows, total = figures.requests(H1, settings())
    placement = next(r for r in rows if r.kind == "placement")
    assert (placement.received, placement.responded, placement.committed) == (5, 4, 2)
    # Nearest rank over 1, 2, 3, 10 days: the median is 2, the 90th percentile 10.
    assert (placement.response_median, placement.response_p90) == (2.0, 10.0)
    assert (placement.commitment_median, placement.commitment_p90) == (5.0, 40.0)
    assert (placement.rule_base, placement.rule_met) == (3, 1)
    course_row = next(r for r in rows if r.kind == "tailored_course")
    assert (course_row.received, course_row.response_median) == (1, 4.0)
    assert total.received == 6
    assert (total.response_median, total.response_p90) == (3.0, 10.0)  # 1, 2, 3, 4, 10


def test_employers_and_supervisors_engaged(app):
    old = factories.make_organisation(name="Gammal AB")
    old.created_at = datetime(2025, 5, 1, tzinfo=UTC)
    new = factories.make_organisation(name="Ny AB")
    new.created_at = datetime(2026, 2, 1, tzinfo=UTC)
    idle = factories.make_organisation(name="Stilla AB")
    idle.created_at = datetime(2025, 1, 1, tzinfo=UTC)
    _request(old, factories.employer_of(old), submitted=datetime(2026, 3, 1, tzinfo=UTC))
    factories.make_supervisor(idle, trained_on=date(2026, 4, 1))
    factories.make_supervisor(idle, trained_on=date(2025, 4, 1))
    factories.make_supervisor(idle)
    db.session.flush()

    e = figures.engagement(H1, TODAY)
    assert e.new_employers == 1  # Ny AB
    assert e.active_employers == 1  # Gammal AB sent a request
    assert e.supervisors_trained == 1


def test_the_forecast_is_pro_rated_to_the_period(app):
    assert dash().forecast == round(20 * 181 / 365)
    assert dash(Period(PeriodKind.YEAR, date(2026, 1, 1), date(2026, 12, 31))).forecast == 20


def test_attending_an_event_counts_for_outcomes_only_with_an_outcome_recorded(app):
    from portal.events.models import EventInvitation

    event = factories.make_event(event_date=date(2026, 4, 20))
    event.state = "held"
    hired, came = person("Hired"), person("Came")
    for p in (hired, came):
        db.session.add(EventInvitation(event_id=event.id, participant_id=p.id,
                                       attendance="attended"))
    db.session.flush()
    outcome(hired, "employed", event_id=event.id, recorded_on=date(2026, 4, 21))

    d = dash()
    assert d.people.ended == 2  # both took part
    assert (d.total.ended, d.total.at_end.success, d.total.employed) == (1, 1, 1)
