"""Service levels: first response and placement commitment due dates, paused while
the request waits for the employer."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

from portal.core.dates import local_today
from portal.core.workdays import add_working_days
from portal.extensions import db
from portal.requests import services, sla
from portal.requests.enums import RequestState
from tests import factories

S = RequestState


def test_due_dates_are_set_on_submission(app):
    org = factories.make_organisation()
    employer = factories.employer_of(org)
    today = local_today()
    placement = factories.make_request(org, employer, "placement", submit=True)
    assert placement.first_response_due == add_working_days(today, 3)
    assert placement.commitment_due == today + timedelta(days=28)
    event = factories.make_request(org, employer, "recruitment_event", submit=True)
    assert event.commitment_due is None
    assert event.next_due == event.first_response_due
    assert factories.make_request(org, employer).first_response_due is None  # a draft


def test_a_staff_reply_is_the_first_response_and_in_progress_the_commitment(app):
    org = factories.make_organisation()
    employer, staff = factories.employer_of(org), factories.make_user("staff")
    req = factories.make_request(org, employer, "placement", submit=True)
    services.post_message(req, author=employer, body="Fråga")
    assert req.first_response_at is None  # the employer's own message is no answer
    services.post_message(req, author=staff, body="Svar")
    assert req.first_response_at is not None
    assert req.next_due == req.commitment_due
    services.transition(req, S.IN_PROGRESS, actor=staff)
    assert req.committed_at is not None and req.next_due is None


def test_the_clock_stops_while_waiting_for_the_employer(app):
    org = factories.make_organisation()
    employer, staff = factories.employer_of(org), factories.make_user("staff")
    req = factories.make_request(org, employer, "placement", submit=True)
    due = req.commitment_due
    services.transition(req, S.NEEDS_INFO, actor=staff, reason="Vilka arbetstider?")
    db.session.commit()
    assert req.sla_status == "paused" and req.next_due is None
    # The employer answers ten days later: the commitment moves ten days on.
    later = local_today() + timedelta(days=10)
    with mock.patch("portal.requests.sla.local_today", return_value=later):
        services.submit_request(req, actor=employer)
    assert req.commitment_due == due + timedelta(days=10)
    assert req.paused_at is None


def test_overdue_and_due_soon(app):
    org = factories.make_organisation()
    employer = factories.employer_of(org)
    req = factories.make_request(org, employer, "recruitment_event", submit=True)
    due = req.first_response_due
    assert sla.status(req, today=due - timedelta(days=5)) == "on_time"
    assert sla.status(req, today=due - timedelta(days=1)) == "due_soon"
    assert sla.status(req, today=due + timedelta(days=1)) == "overdue"
