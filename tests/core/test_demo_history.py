"""The demo's year of history (portal/reports/demo.py): loaded with `flask portal
demo-data`, it gives the results dashboard a plausible last 12 months, and it is made
once and the same way every time."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.accounts.services import get_by_email
from portal.core.dates import local_today
from portal.core.demo import CASE_OFFICER, load
from portal.extensions import db
from portal.participants.models import Participant
from portal.placements.models import Placement
from portal.reports import charts, figures, periods
from portal.reports.demo import PREFIX, seed
from portal.requests.models import ServiceRequest

UNITS = ["Jobbcenter", "Kommunservice"]


@pytest.fixture
def demo(app, monkeypatch) -> list[str]:
    """The whole demo, as `flask portal demo-data` loads it in development."""
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    monkeypatch.setitem(app.config, "PORTAL_UNITS", UNITS)
    return list(load())


def _history() -> list[Participant]:
    return list(db.session.scalars(select(Participant).where(
        Participant.case_reference.like(f"{PREFIX}%")).order_by(Participant.case_reference)))


def test_the_dashboard_for_the_last_12_months_is_plausible(demo, login_as):
    assert any(line.startswith("history:") for line in demo)
    today = local_today()
    period = periods.containing(periods.PeriodKind.LAST_12, today)
    d = figures.dashboard(period, figures.Filters(), figures.Settings.from_app(today))

    # People ended measures in (nearly) every month, enough to be shown (not "<5").
    shown = [r.key for r in d.by_month if r.ended >= 5]
    assert len(shown) >= 9, [(r.key, r.ended) for r in d.by_month]
    assert all(key in period.months() for key in shown)
    # About three in four in work or studies at the end, some unknown; the follow-up
    # share is there too.
    assert 60 <= d.total.at_end.percent <= 90, d.total.at_end
    assert d.total.at_end.unknown > 0
    assert 60 <= d.total.follow_up.percent <= 95, d.total.follow_up
    assert d.total.late.base > 0
    assert {t.measure_type for t in d.types} >= {"course", "event", "internship",
                                                 "subsidised_job",
                                                 "labour_market_employment"}
    assert d.conversion.hired_by_host > 0 and d.conversion.ended > d.conversion.hired_by_host
    assert len(d.by_sector) >= 6 and len(d.by_cohort) >= 4
    # Requests over the year, answered in days, not on the day they came in.
    total = d.requests_total
    assert total.received >= 100
    assert 0.5 <= total.response_median <= 6 and total.response_p90 <= 7
    assert 3 <= total.commitment_median <= 40 and total.rule_base > total.rule_met > 0
    # Employers registered and supervisors trained over the year.
    assert d.engagement.new_employers >= 3 and d.engagement.supervisors_trained >= 6

    # The page shows it: bars in the months, no error.
    page = login_as("staff_manager").get("/staff/reports/")
    assert page.status_code == 200
    months = charts.months(figures.trend_period(period).months(), d.by_month)
    ended_bars = [b for b in charts.people_chart(months).bars if b["kind"] == "ended"]
    assert len(ended_bars) >= 9


def test_the_history_is_consistent(demo):
    people = _history()
    assert 120 <= len(people) <= 200
    assert all(p.sectors for p in people)
    earliest = local_today().replace(day=1)
    assert min(p.intake_on for p in people) < earliest.replace(year=earliest.year - 1)
    # Kommunservice has those in labour-market employments and subsidised jobs.
    subsidised = {p.participant_id for p in db.session.scalars(select(Placement).where(
        Placement.placement_type.in_(["subsidised_job", "labour_market_employment"])))}
    assert {p.unit for p in people if p.id in subsidised} == {"Kommunservice"}
    assert {p.unit for p in people if p.id not in subsidised} == {"Jobbcenter"}
    # History requests were sent before today, answered after they came in.
    reqs = list(db.session.scalars(select(ServiceRequest).where(
        ServiceRequest.submitted_at.is_not(None))))
    assert len({r.reference for r in reqs}) == len(reqs)
    for r in reqs:
        if r.first_response_at is not None:
            assert r.first_response_at > r.submitted_at, r.reference
        if r.committed_at is not None:
            assert r.committed_at >= r.first_response_at, r.reference


def test_the_history_is_made_once_and_the_same_way(app, monkeypatch):
    from portal.participants.models import Outcome
    from portal.reports import demo as history

    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    monkeypatch.setitem(app.config, "PORTAL_UNITS", UNITS)
    monkeypatch.setattr(history, "seed", lambda **kwargs: [])
    list(load())  # the demo without its history
    assert not _history()
    staff, today = get_by_email(CASE_OFFICER), local_today()

    def made():
        lines = seed(staff=staff, today=today)
        people = [(p.case_reference, p.full_name, p.intake_on, p.unit, tuple(p.sectors))
                  for p in _history()]
        reqs = list(db.session.execute(select(
            ServiceRequest.reference, ServiceRequest.kind, ServiceRequest.state)
            .where(ServiceRequest.reference.is_not(None))
            .order_by(ServiceRequest.reference)))
        placements = list(db.session.execute(select(
            Participant.case_reference, Placement.placement_type, Placement.starts_on,
            Placement.ended_on, Placement.end_outcome)
            .join(Participant, Participant.id == Placement.participant_id)
            .order_by(Participant.case_reference, Placement.starts_on)))
        outcomes = list(db.session.execute(select(
            Participant.case_reference, Outcome.checkpoint, Outcome.status,
            Outcome.recorded_on)
            .join(Participant, Participant.id == Outcome.participant_id)
            .order_by(Participant.case_reference, Outcome.recorded_on, Outcome.checkpoint)))
        return lines, people, reqs, placements, outcomes

    runs = []
    for _ in range(2):  # each time on the demo as it was, like a fresh database
        nested = db.session.begin_nested()
        runs.append(made())
        nested.rollback()
    assert runs[0][1] and runs[0] == runs[1]
    assert seed(staff=staff, today=today)
    assert seed(staff=staff, today=today) == []  # once only
