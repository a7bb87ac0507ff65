"""Service levels on requests: when a first response and a placement commitment are due.

A first response is due FIRST_RESPONSE_WORKING_DAYS working days after the
first submission (public holidays of the organisation's country excluded); an
intern/placement request also needs a placement commitment (the request moving
to "in progress") within PLACEMENT_COMMITMENT_DAYS calendar days. While the
request waits for the employer (needs_info) the clocks stop: on leaving that
state, open due dates move on by the time spent waiting.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app

from portal.core.dates import local_today
from portal.core.models import utcnow
from portal.core.workdays import add_working_days, working_days_between
from portal.requests.enums import OPEN_STATES, RequestKind, RequestState

DUE_SOON_DAYS = 2


def _country(req) -> str:
    return req.organisation.country if req.organisation is not None else "SE"


def on_first_submission(req) -> None:
    today = local_today()
    req.first_response_due = add_working_days(
        today, current_app.config["FIRST_RESPONSE_WORKING_DAYS"], _country(req))
    if req.kind == RequestKind.PLACEMENT:
        req.commitment_due = today + timedelta(
            days=current_app.config["PLACEMENT_COMMITMENT_DAYS"])


def on_staff_response(req) -> None:
    if req.first_response_at is None and req.submitted_at is not None:
        req.first_response_at = utcnow()


def on_transition(req, before: RequestState, to: RequestState, *, by_staff: bool) -> None:
    if by_staff and before != RequestState.DRAFT:
        on_staff_response(req)
    if to == RequestState.IN_PROGRESS and req.committed_at is None:
        req.committed_at = utcnow()
    if to == RequestState.NEEDS_INFO:
        req.paused_at = utcnow()
    elif before == RequestState.NEEDS_INFO and req.paused_at is not None:
        _resume(req)


def _resume(req) -> None:
    from portal.core.dates import local_date

    paused_on = local_date(req.paused_at)
    today = local_today()
    if req.first_response_at is None and req.first_response_due is not None:
        req.first_response_due = add_working_days(
            req.first_response_due, working_days_between(paused_on, today, _country(req)),
            _country(req))
    if req.committed_at is None and req.commitment_due is not None:
        req.commitment_due = req.commitment_due + (today - paused_on)
    req.paused_at = None


def next_due(req) -> date | None:
    """The earliest service-level date still open, or None."""
    if req.state_enum not in OPEN_STATES or req.paused_at is not None:
        return None
    dates = []
    if req.first_response_at is None and req.first_response_due:
        dates.append(req.first_response_due)
    if req.committed_at is None and req.commitment_due:
        dates.append(req.commitment_due)
    return min(dates) if dates else None


def status(req, today: date | None = None) -> str | None:
    """"overdue", "due_soon", "on_time", "paused" or None (nothing due)."""
    if req.state_enum == RequestState.NEEDS_INFO and req.paused_at is not None:
        return "paused"
    due = next_due(req)
    if due is None:
        return None
    today = today or local_today()
    if due < today:
        return "overdue"
    if due <= today + timedelta(days=DUE_SOON_DAYS):
        return "due_soon"
    return "on_time"
