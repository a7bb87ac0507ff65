"""The demo placements: made through the services, the mix the demo promises."""

from __future__ import annotations

from collections import Counter

from portal.core.dates import local_today
from portal.extensions import db
from portal.placements import services
from portal.placements.demo import seed
from portal.placements.enums import EndOutcome, PlacementState
from tests import factories


def test_the_demo_seeds_active_ended_and_proposed_placements_once():
    staff = factories.make_user("staff")
    today = local_today()
    supervisors = [factories.make_supervisor(factories.make_organisation(), capacity=2,
                                             trained_on=today) for _ in range(3)]
    people = [factories.make_participant(actor=staff) for _ in range(8)]
    made = seed(staff=staff, today=today, supervisors=supervisors, participants=people)
    db.session.commit()
    states = Counter(p.state for p in made)
    assert states == {PlacementState.ACTIVE: 3, PlacementState.ENDED: 3,
                      PlacementState.PROPOSED: 1}
    ended = Counter(p.end_outcome for p in made if p.state == PlacementState.ENDED)
    assert ended == {EndOutcome.HIRED_BY_HOST: 2, EndOutcome.INTERRUPTED: 1}
    missed = [p for p in made if any(services.is_missed(f, today) for f in p.follow_ups)
              and p.state == PlacementState.ACTIVE]
    assert len(missed) == 1
    assert any(services.check_ins(p) for p in made if p.state == PlacementState.ACTIVE)
    assert {p.sector for p in made} == {"cleaning"}  # the hosts' and supervisors' sector
    assert seed(staff=staff, today=today, supervisors=supervisors, participants=people) == []
