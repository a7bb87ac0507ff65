"""The demo data (`flask portal demo-data`): every kind and state of request, a
history that follows the life cycle, and a second load that adds nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.analyses import demand
from portal.analyses.enums import AnalysisState
from portal.analyses.models import AnalysisResponse, AnalysisVersion, NeedsAnalysis
from portal.core.dates import local_date, local_today
from portal.core.demo import CASE_OFFICER, ORGANISATIONS, load
from portal.core.models import AuditEvent, OutboxMessage
from portal.employers.enums import NeedStatus
from portal.employers.models import HiringNeed, Organisation
from portal.events.models import EventInvitation, EventOrganisation, RecruitmentEvent
from portal.extensions import db
from portal.mentor_training.models import MentorSeat, MentorSession
from portal.participants.enums import WORK_OR_STUDIES
from portal.participants.models import Outcome, Participant
from portal.placements.models import Placement, PlacementFollowUp
from portal.requests import services
from portal.requests.enums import RequestKind, RequestState
from portal.requests.models import (
    InternalNote,
    RequestMessage,
    RequestStatusChange,
    RequestSubmission,
    ServiceRequest,
)
from portal.supervisors.models import Supervisor
from portal.training.models import Attendance, Cohort, CohortCommitment, Enrolment

S = RequestState


@pytest.fixture
def demo(app, monkeypatch) -> list[str]:
    """Load the demo with mail held in the outbox, as in development."""
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    return list(load())


def _demo_requests() -> list[ServiceRequest]:
    names = [o[0] for o in ORGANISATIONS]
    return list(db.session.scalars(
        select(ServiceRequest).join(Organisation, Organisation.id == ServiceRequest.organisation_id)
        .where(Organisation.name.in_(names)).order_by(ServiceRequest.id)))


def _history(req: ServiceRequest) -> list[RequestStatusChange]:
    return list(db.session.scalars(select(RequestStatusChange).where(
        RequestStatusChange.request_id == req.id).order_by(RequestStatusChange.id)))


def test_demo_has_every_kind_and_state(demo):
    reqs = _demo_requests()
    assert {r.kind_enum for r in reqs} == set(RequestKind)
    assert {r.state_enum for r in reqs} == set(RequestState)
    assert any(line.startswith("request REQ-") for line in demo)

    # needs_info with comments beside the fields; declined and withdrawn with reasons.
    waiting = [r for r in reqs if r.state_enum == S.NEEDS_INFO]
    assert all(services.open_comments(r)[0] for r in waiting)
    assert all(r.decline_reason for r in reqs if r.state_enum == S.DECLINED)
    assert all(r.withdraw_reason for r in reqs if r.state_enum == S.WITHDRAWN)
    # One request went back to the employer and came in again with changes.
    assert any(services.changes_since_last_submission(r) for r in reqs)
    # Some are about hiring needs; the needs include filled and archived ones.
    assert any(r.needs for r in reqs)
    assert {n.status for n in db.session.scalars(select(HiringNeed))} == set(NeedStatus)
    # A conversation on both sides, from the demo case officer, and an internal note.
    thread = list(db.session.scalars(select(RequestMessage)))
    officer = db.session.scalar(select(User).where(User.email == CASE_OFFICER))
    assert {m.author_id for m in thread if m.from_staff} == {officer.id}
    assert any(not m.from_staff for m in thread)
    assert db.session.scalar(select(func.count()).select_from(InternalNote)) >= 1
    # Dates count from the day of loading (the history's from the day each request came
    # in), so every submitted request was valid when it was submitted.
    today = local_today()
    for r in reqs:
        sent = local_date(r.submitted_at) if r.submitted_at else today
        for day in (r.period_start, r.period_end, r.preferred_start):
            assert day is None or day >= sent, (r.id, day)


def test_demo_histories_follow_the_transitions_table(demo):
    reqs = _demo_requests()
    assert reqs
    for req in reqs:
        here = S.DRAFT
        submissions = 0
        for change in _history(req):
            move = (S(change.from_state), S(change.to_state))
            assert S(change.from_state) == here, (req.id, move)
            assert move in services.TRANSITIONS, (req.id, move)
            side = services.STAFF if change.actor.is_staff else services.EMPLOYER
            assert side in services.TRANSITIONS[move], (req.id, move, side)
            if move[1] == S.DECLINED:
                assert change.reason == req.decline_reason
            if move[1] == S.NEEDS_INFO:
                assert change.reason or change.field_comments
            submissions += move[1] == S.SUBMITTED
            here = move[1]
        assert here == req.state_enum, req.id
        assert (req.reference is not None) == (submissions > 0), req.id
        assert submissions == db.session.scalar(
            select(func.count()).select_from(RequestSubmission)
            .where(RequestSubmission.request_id == req.id)), req.id


COUNTED = (User, Organisation, HiringNeed, ServiceRequest, RequestStatusChange,
           RequestSubmission, RequestMessage, InternalNote, OutboxMessage, AuditEvent,
           NeedsAnalysis, AnalysisVersion, AnalysisResponse, Cohort, CohortCommitment,
           Participant, Enrolment, Outcome, Attendance, RecruitmentEvent,
           EventOrganisation, EventInvitation, Supervisor, MentorSession, MentorSeat,
           Placement, PlacementFollowUp)


def _counts() -> dict[str, int]:
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m))
            for m in COUNTED}


def test_loading_the_demo_twice_adds_nothing(demo):
    before = _counts()
    assert before["ServiceRequest"] and before["HiringNeed"]
    assert list(load()) == []
    assert _counts() == before


def test_demo_has_analyses_in_every_state_and_a_plausible_demand(demo):
    analyses = list(db.session.scalars(select(NeedsAnalysis)))
    assert {a.state for a in analyses} == {AnalysisState.FINAL, AnalysisState.DRAFT}
    revised = [a for a in analyses if a.final_number == 2]
    assert revised and revised[0].version(1).is_final  # the old version stays
    assert db.session.scalar(select(func.count()).select_from(AnalysisResponse)) >= 3
    rows = demand.overview(demand.Filters())
    sectors = {r.sector for r in rows}
    assert {"cleaning", "warehouse"} <= sectors and sum(r.training for r in rows) > 0


def test_demo_has_the_cleaning_course_and_a_planned_one(demo):
    cohorts = {c.sector: c for c in db.session.scalars(select(Cohort).where(
        Cohort.state.in_(["planned", "recruiting"])))}
    cleaning = cohorts["cleaning"]
    assert (cleaning.weeks, cleaning.seats, cleaning.state) == (14, 15, "recruiting")
    assert cleaning.commitments and cleaning.requests
    assert cohorts["kitchen"].state == "planned"


def test_demo_participants_have_sector_profiles_and_case_references(demo):
    from portal.participants.models import Participant

    people = list(db.session.scalars(select(Participant)))
    assert len(people) >= 10 and all(p.sectors for p in people)
    assert all(p.case_reference.startswith("AME-") for p in people)
    from portal.training.models import Enrolment

    assert db.session.scalar(select(func.count()).select_from(Enrolment)) >= 4


def test_demo_has_a_completed_course_with_outcomes_and_a_running_one(demo):
    done = db.session.scalar(select(Cohort).where(Cohort.state == "completed")
                             .order_by(Cohort.id).limit(1))  # the history's come after
    assert done.end_date < local_today()
    at_end = list(db.session.scalars(select(Outcome).where(
        Outcome.cohort_id == done.id, Outcome.checkpoint == "end")))
    assert len(at_end) == 10
    assert sum(o.status_enum in WORK_OR_STUDIES for o in at_end) == 8  # "8 of 10"
    assert db.session.scalar(select(func.count()).select_from(Outcome).where(
        Outcome.cohort_id == done.id, Outcome.checkpoint == "follow_up")) >= 8
    running = db.session.scalar(select(Cohort).where(Cohort.state == "running"))
    assert running.start_date < local_today()
    assert db.session.scalar(select(func.count()).select_from(Attendance)) > 0


def test_demo_has_a_past_event_with_hires_and_an_upcoming_one(demo):
    from portal.events.models import RecruitmentEvent

    events = list(db.session.scalars(select(RecruitmentEvent)))
    held = [e for e in events if e.state == "held"]
    assert held and held[0].event_date < local_today()
    assert any(e.state == "planned" and e.event_date > local_today() for e in events)
    assert db.session.scalar(select(func.count()).select_from(Outcome).where(
        Outcome.event_id == held[0].id, Outcome.status == "employed")) >= 1


def test_demo_has_supervisors_mentor_training_and_placements(demo):
    from portal.core.demo import DEMO_PASSWORD

    supervisors = list(db.session.scalars(select(Supervisor)))
    assert {s.status for s in supervisors} >= {"approved", "pending", "unconfirmed",
                                                "declined"}
    approved = [s for s in supervisors if s.status == "approved"]
    assert all(s.user is not None and s.user.supervisor is s for s in approved)
    assert any(s.trained_on for s in approved) and not all(s.trained_on for s in approved)
    from portal.accounts.passwords import verify_password

    assert verify_password(approved[0].user.password_hash, DEMO_PASSWORD)

    today = local_today()
    sessions = list(db.session.scalars(select(MentorSession)))
    assert any(m.state == "held" and m.session_date < today for m in sessions)
    assert any(m.state == "planned" and m.session_date > today for m in sessions)
    attended = list(db.session.scalars(select(MentorSeat).where(MentorSeat.attended.is_(True))))
    assert attended and all(seat.supervisor.trained_on for seat in attended)

    placements = list(db.session.scalars(select(Placement)))
    assert {"active", "ended"} <= {p.state for p in placements}
    hired = [p for p in placements if p.end_outcome == "hired_by_host"]
    assert hired
    # Conversion: a placement ended as hired is the participant's "employed" outcome there.
    outcome = db.session.scalar(select(Outcome).where(Outcome.placement_id == hired[0].id,
                                                      Outcome.checkpoint == "end"))
    assert outcome is not None and outcome.status == "employed"
    assert outcome.organisation_id == hired[0].organisation_id
    # Every supervisor taking a placement has room for it.
    for supervisor in approved:
        taken = [p for p in placements if p.supervisor_id == supervisor.id
                 and p.state in ("agreed", "active")]
        assert len(taken) <= supervisor.capacity
    missed = db.session.scalar(select(func.count()).select_from(PlacementFollowUp).where(
        PlacementFollowUp.done_on.is_(None), PlacementFollowUp.due_on < today))
    assert missed >= 1
    assert placements and all(p.sector for p in placements)  # for the reports by sector


def test_demo_participants_have_no_unit_without_units(demo):
    assert {p.unit for p in db.session.scalars(select(Participant))} == {""}


def test_demo_participants_are_spread_over_the_configured_units(app, monkeypatch):
    """As in development: Jobbcenter, and Kommunservice for those in a labour-market
    employment or subsidised job (moved there, audited like any change of unit)."""
    from portal.placements.checks import SUBSIDISED_TYPES

    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    monkeypatch.setitem(app.config, "PORTAL_UNITS", ["Jobbcenter", "Kommunservice"])
    list(load())
    people = list(db.session.scalars(select(Participant)))
    employed = {p.participant_id for p in db.session.scalars(select(Placement).where(
        Placement.placement_type.in_([t.value for t in SUBSIDISED_TYPES])))}
    assert employed
    assert {p.unit for p in people if p.id in employed} == {"Kommunservice"}
    assert {p.unit for p in people if p.id not in employed} == {"Jobbcenter"}
    moved = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "participant.updated",
        AuditEvent.object_id.in_(employed))).all()
    assert {tuple(e.changes["unit"].values()) for e in moved} == {("Jobbcenter",
                                                                   "Kommunservice")}


def test_demo_with_other_units_takes_them_in_turn(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    monkeypatch.setitem(app.config, "PORTAL_UNITS", ["Norr", "Söder"])
    list(load())
    units = [p.unit for p in db.session.scalars(select(Participant).order_by(Participant.id))]
    assert set(units) == {"Norr", "Söder"}
    assert abs(units.count("Norr") - units.count("Söder")) <= 1
