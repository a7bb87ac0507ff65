"""Placements: the life cycle, the checks before agreeing, follow-ups, check-ins, outcomes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.core.dates import local_today
from portal.core.errors import ConflictError, DomainError
from portal.core.models import AuditEvent, OutboxMessage
from portal.extensions import db
from portal.participants.enums import Checkpoint, OutcomeStatus
from portal.participants.models import Outcome
from portal.placements import checks, services
from portal.placements.checks import CheckKind
from portal.placements.enums import EndOutcome, FollowUpKind, PlacementState
from portal.placements.models import PlacementCheckIn
from portal.requests.enums import RequestState
from tests import factories
from tests.placements.helpers import agreed, propose, values, world

P = PlacementState


def _kinds(findings):
    return {(f.kind, f.blocking) for f in findings}


# --- the life cycle ---------------------------------------------------------------------------

def test_a_placement_goes_from_proposed_to_ended_with_the_outcome_recorded():
    staff, org, supervisor, person = world()
    placement = propose(person, org, supervisor, staff)
    assert placement.state == P.PROPOSED and placement.created_by_id == staff.id
    services.agree(placement, actor=staff)
    assert placement.state == P.AGREED and placement.agreed_by_id == staff.id
    assert placement.agreed_at is not None
    services.activate(placement, actor=staff)
    assert placement.state == P.ACTIVE
    services.end(placement, actor=staff, ending=services.Ending(
        local_today(), EndOutcome.HIRED_BY_HOST))
    db.session.commit()
    assert placement.state == P.ENDED and placement.ended_on == local_today()
    # The conversion: hired by the host is the participant's outcome, employed there.
    outcome = db.session.scalar(select(Outcome).where(Outcome.placement_id == placement.id))
    assert outcome.checkpoint == Checkpoint.END
    assert outcome.status == OutcomeStatus.EMPLOYED
    assert outcome.organisation_id == org.id and outcome.participant_id == person.id
    actions = [event.action for event, _name in services.history(placement)]
    assert actions.count("placement.transition") == 3
    assert "placement.created" in actions


def test_ending_again_changes_the_one_outcome_row():
    staff, org, supervisor, person = world()
    placement = agreed(person, org, supervisor, staff)
    services.activate(placement, actor=staff)
    services.end(placement, actor=staff, ending=services.Ending(
        local_today(), EndOutcome.HIRED_BY_HOST))
    services.end(placement, actor=staff, ending=services.Ending(
        local_today(), EndOutcome.STUDIES))
    db.session.commit()
    rows = list(db.session.scalars(select(Outcome).where(Outcome.placement_id == placement.id)))
    assert [(r.checkpoint, r.status, r.organisation_id) for r in rows] == [
        (Checkpoint.END, OutcomeStatus.STUDIES, None)]
    assert placement.end_outcome == EndOutcome.STUDIES


@pytest.mark.parametrize(("outcome", "status"), [
    (EndOutcome.OTHER_JOB, OutcomeStatus.EMPLOYED),
    (EndOutcome.CONTINUED_SEARCH, OutcomeStatus.CONTINUED_SEARCH),
    (EndOutcome.INTERRUPTED, OutcomeStatus.OTHER)])
def test_each_end_outcome_maps_to_an_outcome(outcome, status):
    staff, org, supervisor, person = world()
    placement = agreed(person, org, supervisor, staff)
    services.activate(placement, actor=staff)
    services.end(placement, actor=staff, ending=services.Ending(
        local_today(), outcome, reason="Flyttade", employer_name="Hotell Kusten"))
    found = db.session.scalar(select(Outcome).where(Outcome.placement_id == placement.id))
    assert found.status == status
    if outcome == EndOutcome.OTHER_JOB:
        assert found.organisation_id is None and found.employer_name == "Hotell Kusten"
    if outcome == EndOutcome.INTERRUPTED:
        assert found.note == "Flyttade" and placement.end_reason == "Flyttade"


def test_moves_outside_the_life_cycle_and_missing_reasons_are_refused():
    staff, org, supervisor, person = world()
    placement = propose(person, org, supervisor, staff)
    with pytest.raises(DomainError):
        services.activate(placement, actor=staff)
    with pytest.raises(DomainError) as refused:
        services.cancel(placement, actor=staff, reason="  ")
    assert refused.value.field == "reason"
    services.agree(placement, actor=staff)
    services.activate(placement, actor=staff)
    with pytest.raises(DomainError) as refused:
        services.end(placement, actor=staff, ending=services.Ending(
            local_today(), EndOutcome.INTERRUPTED))
    assert refused.value.field == "reason"
    with pytest.raises(DomainError) as refused:
        services.end(placement, actor=staff, ending=services.Ending(
            local_today() + timedelta(days=1), EndOutcome.STUDIES))
    assert refused.value.field == "ended_on"
    with pytest.raises(DomainError):
        services.cancel(placement, actor=staff, reason="För sent")  # active: end it
    with pytest.raises(DomainError):
        services.agree(placement, actor=staff)


def test_an_agreed_placement_starts_on_its_first_day_not_before():
    staff, org, supervisor, person = world()
    placement = agreed(person, org, supervisor, staff,
                       starts_on=local_today() + timedelta(days=3))
    with pytest.raises(DomainError):
        services.activate(placement, actor=staff)
    services.activate(placement, actor=staff, today=local_today() + timedelta(days=3))
    assert placement.state == P.ACTIVE


def test_cancelling_an_agreed_placement_tells_the_supervisor_and_frees_the_place():
    staff, org, supervisor, person = world(capacity=1)
    placement = agreed(person, org, supervisor, staff)
    services.cancel(placement, actor=staff, reason="Deltagaren flyttade")
    db.session.commit()
    assert placement.state == P.CANCELLED and placement.cancel_reason
    assert checks.committed_for_supervisor(supervisor.id, placement.starts_on,
                                           placement.ends_on) == 0
    mails = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient == supervisor.email)).all()
    assert [m.template for m in mails] == ["placement_agreed_supervisor",
                                           "placement_cancelled_supervisor"]
    # The supervisor's mail names the participant by first name only.
    for m in mails:
        assert person.first_name in m.body_text
        assert person.last_name not in m.body_text and person.case_reference not in m.body_text


def test_only_staff_arrange_and_a_stale_version_is_refused():
    staff, org, supervisor, person = world()
    with pytest.raises(DomainError):
        services.create(person, values=values(org, supervisor), actor=supervisor.user)
    placement = propose(person, org, supervisor, staff)
    old = placement.version_id
    services.update(placement, values={"weekly_hours": 20}, actor=staff,
                    expected_version=old)
    db.session.commit()
    with pytest.raises(ConflictError):
        services.update(placement, values={"weekly_hours": 25}, actor=staff,
                        expected_version=old)
    db.session.rollback()
    with pytest.raises(ConflictError):
        services.agree(placement, actor=staff, expected_version=old)


def test_a_placement_from_a_request_moves_the_request_on():
    staff = factories.make_user("staff")
    org = factories.make_organisation()
    req = factories.make_request(org, factories.employer_of(org), "placement", submit=True)
    supervisor = factories.make_supervisor(org, trained_on=local_today())
    person = factories.make_participant(actor=staff)
    defaults = services.request_defaults(req)
    assert defaults["organisation_id"] == org.id and defaults["tasks"] == req.tasks
    assert defaults["starts_on"] == req.period_start and defaults["weekly_hours"] == 30
    placement = services.create(person, values={**defaults, "supervisor_id": supervisor.id},
                                actor=staff, request_id=req.id)
    assert placement.request_id == req.id
    assert req.state == RequestState.IN_PROGRESS
    other = factories.make_organisation()
    with pytest.raises(DomainError) as refused:
        services.create(person, values={**defaults, "organisation_id": other.id},
                        actor=staff, request_id=req.id)
    assert refused.value.field == "organisation_id"


def test_a_new_placement_states_a_known_sector_and_a_stated_one_stays_stated():
    staff, org, supervisor, person = world()
    for sector in (None, "", "Cleaning", "cleaning "):
        with pytest.raises(DomainError) as refused:
            services.create(person, values=values(org, supervisor, sector=sector),
                            actor=staff)
        assert refused.value.field == "sector", sector
    placement = propose(person, org, supervisor, staff, sector="care")
    assert placement.sector == "care"
    with pytest.raises(DomainError) as refused:
        services.update(placement, values={"sector": None}, actor=staff,
                        expected_version=None)
    assert refused.value.field == "sector"
    db.session.rollback()
    changed = services.update(placement, values={"sector": "kitchen"}, actor=staff,
                              expected_version=None)
    assert changed == {"sector": ("care", "kitchen")}


def test_the_likely_sector_is_the_requests_or_the_hosts_only_one():
    one = factories.make_organisation(sectors=["retail"])
    two = factories.make_organisation(sectors=["kitchen", "cleaning"])
    assert services.likely_sector(one) == "retail"
    assert services.likely_sector(two) is None and services.likely_sector(None) is None
    req = factories.make_request(two, factories.employer_of(two), "placement", submit=True)
    assert services.likely_sector(two, req) is None
    assert services.request_defaults(req)["sector"] is None
    need = factories.make_need(two, occupation_code="9412")  # kitchen help
    req = factories.make_request(two, factories.employer_of(two), "placement", submit=True,
                                 needs=[need])
    assert services.likely_sector(two, req) == "kitchen"
    assert services.request_defaults(req)["sector"] == "kitchen"


# --- the checks ------------------------------------------------------------------------------

def test_capacity_exceeded_blocks_the_agreement():
    staff, org, supervisor, person = world(capacity=1)
    agreed(factories.make_participant(actor=staff), org, supervisor, staff)
    placement = propose(person, org, supervisor, staff)
    found = checks.evaluate(placement)
    capacity = next(f for f in found if f.kind == CheckKind.CAPACITY)
    assert capacity.blocking and capacity.figures["capacity"] == 1
    assert capacity.figures["taken"] == 1
    with pytest.raises(DomainError):
        services.agree(placement, actor=staff, confirmed={k.value for k in CheckKind})
    assert placement.state == P.PROPOSED
    # Another period is free.
    later = propose(person, org, supervisor, staff,
                    starts_on=local_today() + timedelta(days=70),
                    ends_on=local_today() + timedelta(days=90))
    services.agree(later, actor=staff)
    assert later.state == P.AGREED


def test_a_participant_has_one_committed_placement_at_a_time():
    staff, org, supervisor, person = world()
    agreed(person, org, supervisor, staff)
    other_org = factories.make_organisation()
    other_supervisor = factories.make_supervisor(other_org, trained_on=local_today())
    second = propose(person, other_org, other_supervisor, staff,
                     starts_on=local_today() + timedelta(days=30))
    assert (CheckKind.DOUBLE_BOOKED, True) in _kinds(checks.evaluate(second))
    with pytest.raises(DomainError):
        services.agree(second, actor=staff)


def test_no_supervisor_blocks_and_an_untrained_one_warns():
    staff, org, supervisor, person = world(trained=False)
    bare = propose(person, org, None, staff)
    assert (CheckKind.NO_SUPERVISOR, True) in _kinds(checks.evaluate(bare))
    placement = propose(factories.make_participant(actor=staff), org, supervisor, staff)
    found = checks.evaluate(placement)
    assert _kinds(found) == {(CheckKind.NOT_TRAINED, False)}
    with pytest.raises(DomainError) as refused:
        services.agree(placement, actor=staff)
    assert refused.value.field == "confirm"
    services.agree(placement, actor=staff, confirmed={"not_trained"})
    assert placement.state == P.AGREED
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "placements", AuditEvent.object_id == placement.id,
        AuditEvent.action == "placement.transition")).one()
    assert event.changes["warnings"] == ["not_trained"]


def test_a_late_first_commitment_warns_with_the_days():
    staff, org, supervisor, person = world()
    person.intake_on = local_today() - timedelta(days=40)  # registered today, met earlier
    db.session.commit()
    placement = propose(person, org, supervisor, staff)
    late = next(f for f in checks.evaluate(placement) if f.kind == CheckKind.LATE_COMMITMENT)
    assert not late.blocking and late.figures["days"] == 40 and late.figures["limit"] == 28


def test_a_gap_of_more_than_four_weeks_between_measures_warns():
    staff, org, supervisor, person = world()
    start = local_today() + timedelta(days=10)
    factories.make_placement(person, org, supervisor, state="ended",
                             starts_on=local_today() - timedelta(days=90),
                             ends_on=local_today() - timedelta(days=30),
                             ended_on=local_today() - timedelta(days=30))
    placement = propose(person, org, supervisor, staff, starts_on=start,
                        ends_on=start + timedelta(days=30))
    gap = next(f for f in checks.evaluate(placement) if f.kind == CheckKind.GAP)
    assert gap.figures["days"] == 40 and gap.figures["last_end"] == local_today() - timedelta(
        days=30)
    # Starting right after the last measure: no gap.
    soon = propose(person, org, supervisor, staff, starts_on=local_today() - timedelta(days=20),
                   ends_on=local_today())
    assert CheckKind.GAP not in {f.kind for f in checks.evaluate(soon)}


def test_the_ratio_rule_warns_with_the_figures():
    staff, org, supervisor, person = world(capacity=5, employees=4)
    agreed(factories.make_participant(actor=staff), org, supervisor, staff,
           placement_type="subsidised_job")
    placement = propose(person, org, supervisor, staff,
                        placement_type="labour_market_employment")
    ratio = next(f for f in checks.evaluate(placement) if f.kind == CheckKind.RATIO)
    assert not ratio.blocking
    assert ratio.figures == {"people": 2, "employees": 4, "per": 5, "allowed": 1,
                             "organisation": org.name}
    assert "2" in ratio.message and "4" in ratio.message and "5" in ratio.message
    # Internships do not count toward the ratio.
    intern = propose(factories.make_participant(actor=staff), org, supervisor, staff)
    assert CheckKind.RATIO not in {f.kind for f in checks.evaluate(intern)}
    with pytest.raises(DomainError):
        services.agree(placement, actor=staff)
    services.agree(placement, actor=staff, confirmed={"ratio"})
    assert placement.state == P.AGREED


@pytest.mark.parametrize(("employees", "allowed"), [(0, 1), (4, 1), (5, 1), (10, 2),
                                                     (14, 2), (15, 3)])
def test_the_ratio_allows_one_per_five_and_at_least_one(app, employees, allowed):
    assert checks.allowed_subsidised(employees) == allowed


def test_an_unknown_number_of_employees_is_asked_for_and_stored():
    staff, org, supervisor, person = world()
    placement = propose(person, org, supervisor, staff, placement_type="subsidised_job")
    assert (CheckKind.EMPLOYEES_UNKNOWN, True) in _kinds(checks.evaluate(placement))
    with pytest.raises(DomainError):
        services.agree(placement, actor=staff)
    services.agree(placement, actor=staff, ordinary_employees=12)
    db.session.commit()
    assert org.ordinary_employees == 12 and placement.state == P.AGREED
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "organisations", AuditEvent.object_id == org.id,
        AuditEvent.action == "organisation.ordinary_employees")).one()
    assert event.changes["ordinary_employees"] == {"before": None, "after": 12}


# --- follow-ups --------------------------------------------------------------------------------

def test_agreeing_schedules_three_follow_ups_that_move_with_the_period():
    staff, org, supervisor, person = world()
    start = date(2031, 1, 31)
    placement = agreed(person, org, supervisor, staff, starts_on=start,
                       ends_on=date(2031, 3, 31))
    due = {f.kind: f.due_on for f in placement.follow_ups}
    assert due == {FollowUpKind.CHECK_IN: date(2031, 2, 14),
                   FollowUpKind.MIDWAY: date(2031, 3, 1),
                   FollowUpKind.OUTCOME: date(2031, 6, 30)}
    services.update(placement, values={"ends_on": date(2031, 5, 31)}, actor=staff,
                    expected_version=placement.version_id)
    db.session.commit()
    due = {f.kind: f.due_on for f in placement.follow_ups}
    assert due[FollowUpKind.MIDWAY] == date(2031, 4, 1)
    assert due[FollowUpKind.OUTCOME] == date(2031, 8, 31)
    assert services.add_months(date(2031, 11, 30), 3) == date(2032, 2, 29)


def test_a_follow_up_past_its_day_is_missed_until_done():
    staff, org, supervisor, person = world()
    placement = agreed(person, org, supervisor, staff,
                       starts_on=local_today() - timedelta(days=20))
    check_in = next(f for f in placement.follow_ups if f.kind == FollowUpKind.CHECK_IN)
    assert services.is_missed(check_in)
    rows = services.my_day(staff)
    assert [(r.follow_up.kind, r.missed) for r in rows] == [(FollowUpKind.CHECK_IN, True)]
    assert services.my_day(factories.make_user("staff")) == []  # someone else's
    services.complete_follow_up(check_in, actor=staff, note="Det går bra.")
    db.session.commit()
    assert check_in.done_on == local_today() and not services.is_missed(check_in)
    assert services.my_day(staff) == []
    page = services.staff_list(services.Filters(missed=True), 25)
    assert placement.id not in [p.id for p in page.items]


def test_the_outcome_follow_up_records_the_follow_up_outcome():
    from portal.participants import outcomes

    staff, org, supervisor, person = world()
    start = local_today() - timedelta(days=200)
    placement = factories.make_placement(person, org, supervisor, state="active",
                                         starts_on=start, ends_on=start + timedelta(days=60))
    services.end(placement, actor=staff, ending=services.Ending(
        start + timedelta(days=60), EndOutcome.CONTINUED_SEARCH))
    db.session.commit()
    outcome_check = next(f for f in placement.follow_ups if f.kind == FollowUpKind.OUTCOME)
    assert outcome_check.due_on == services.add_months(start + timedelta(days=60), 3)
    services.complete_follow_up(outcome_check, actor=staff, note="Anställd i butik",
                                outcome_values=outcomes.Values(status="employed",
                                                               employer_name="ICA Nära"))
    db.session.commit()
    found = outcomes.find(person, Checkpoint.FOLLOW_UP.value, placement_id=placement.id)
    assert found.status == OutcomeStatus.EMPLOYED and found.employer_name == "ICA Nära"
    assert outcome_check.done_on == local_today()


def test_ending_early_drops_the_follow_ups_that_can_no_longer_happen():
    staff, org, supervisor, person = world()
    placement = agreed(person, org, supervisor, staff,
                       starts_on=local_today() - timedelta(days=3))
    services.activate(placement, actor=staff)
    services.end(placement, actor=staff, ending=services.Ending(
        local_today(), EndOutcome.INTERRUPTED, reason="Sjukdom i familjen"))
    db.session.commit()
    assert [f.kind for f in placement.follow_ups] == [FollowUpKind.OUTCOME]
    assert placement.follow_ups[0].due_on == services.add_months(local_today(), 3)


# --- the supervisor's check-ins and page ----------------------------------------------------------

def test_a_check_in_per_week_a_second_replaces_it():
    _staff, org, supervisor, person = world()
    placement = factories.make_placement(person, org, supervisor, state="active")
    for rating, hours in (("good", 30), ("mixed", 25)):
        services.save_check_in(placement, supervisor, user=supervisor.user, rating=rating,
                               hours=hours, concerns="")
        db.session.commit()
    rows = services.check_ins(placement)
    assert [(r.rating, r.hours, r.week_start) for r in rows] == [
        ("mixed", 25, services.monday(local_today()))]
    other = factories.make_supervisor(factories.make_organisation())
    with pytest.raises(DomainError):
        services.save_check_in(placement, other, user=other.user, rating="good", hours=1)
    assert db.session.scalar(select(func.count()).select_from(PlacementCheckIn)) == 1


def test_the_supervisor_page_holds_only_the_first_name():
    staff, org, supervisor, person = world()
    mine = factories.make_placement(person, org, supervisor, state="active")
    factories.make_placement(factories.make_participant(first_name="Annan", actor=staff),
                             org, factories.make_supervisor(org), state="active")
    context = services.page_context(supervisor)
    assert [p.id for p in context["placements_current"]] == [mine.id]
    item = context["placements_current"][0]
    assert item.first_name == person.first_name and item.host == org.name
    assert not hasattr(item, "last_name") and not hasattr(item, "case_reference")
