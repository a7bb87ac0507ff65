"""Shared set-up for the placement tests: a host, a supervisor, a participant, staff."""

from __future__ import annotations

from datetime import timedelta

from portal.core.dates import local_today
from portal.extensions import db
from portal.placements import services
from tests import factories

# Nowhere else in the test data (the factories' supervisors are "… Testsson").
LAST_NAME = "Abdirahman-Lindqvist"


def world(*, capacity: int = 2, trained: bool = True, org=None, employees=None):
    staff = factories.make_user("staff")
    org = org or factories.make_organisation(ordinary_employees=employees)
    supervisor = factories.make_supervisor(
        org, capacity=capacity,
        trained_on=local_today() - timedelta(days=30) if trained else None)
    person = factories.make_participant(actor=staff, last_name=LAST_NAME)
    return staff, org, supervisor, person


def values(org, supervisor=None, **over) -> dict:
    today = local_today()
    out = {"organisation_id": org.id, "supervisor_id": supervisor.id if supervisor else None,
           "placement_type": "internship", "sector": "cleaning", "starts_on": today,
           "ends_on": today + timedelta(days=60), "weekly_hours": 30,
           "tasks": "Städning av kontor"}
    out.update(over)
    return out


def propose(person, org, supervisor, staff, **over):
    placement = services.create(person, values=values(org, supervisor, **over), actor=staff)
    db.session.commit()
    return placement


def agreed(person, org, supervisor, staff, confirmed=frozenset(), **over):
    placement = propose(person, org, supervisor, staff, **over)
    services.agree(placement, actor=staff, confirmed=confirmed)
    db.session.commit()
    return placement
