"""Places under concurrent sign-ups, on PostgreSQL: two connections at once.

Each sign-up counts the places booked after taking the session's row lock. To make the
race certain rather than likely, the count waits (up to a moment) for the other thread
to have counted too: with the lock, the second is still waiting for the lock, so the
first goes on alone; without the lock, both count the same free place.
"""

from __future__ import annotations

import contextlib
import threading

import pytest
from sqlalchemy import select

from portal.accounts.models import User
from portal.core.errors import DomainError
from portal.core.models import OutboxMessage
from portal.employers.models import Organisation
from portal.extensions import db
from portal.mentor_training import services
from portal.mentor_training.enums import SeatStatus
from portal.mentor_training.models import MentorSeat, MentorSession
from portal.supervisors.models import Supervisor
from tests import factories


def _needs_postgresql(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("needs PostgreSQL's row locks (SQLite has one writer at a time)")


def _unlocked(session_id: int) -> MentorSession:
    """What ``_lock`` would be without FOR UPDATE: a plain read."""
    return db.session.scalar(select(MentorSession).where(MentorSession.id == session_id)
                             .execution_options(populate_existing=True))


def _race(app, monkeypatch, *, same_supervisor: bool, lock: bool = True):
    """Two sign-ups for a session with one place left; returns (outcomes, seats)."""
    with app.app_context():
        staff = factories.make_user("staff")
        session = factories.make_mentor_session(capacity=2)
        first = factories.make_supervisor()
        services.sign_up(session, first, actor=staff)  # one of two places taken
        racers = [factories.make_supervisor()] if same_supervisor else \
            [factories.make_supervisor(), factories.make_supervisor()]
        db.session.commit()
        ids = {"session": session.id, "staff": staff.id, "org_ids": [
            s.organisation_id for s in (first, *racers)],
            "supervisors": [s.id for s in (first, *racers)],
            "users": [staff.id, *(s.user_id for s in (first, *racers))]}
    racing = ids["supervisors"][1:] * (2 if same_supervisor else 1)

    counted = threading.Barrier(2)
    real_count = services.booked_count

    def count_then_wait(session):
        found = real_count(session)
        # Broken: the other is waiting for the lock (or has finished): go on alone.
        with contextlib.suppress(threading.BrokenBarrierError):
            counted.wait(timeout=2)
        return found

    monkeypatch.setattr(services, "booked_count", count_then_wait)
    if not lock:
        monkeypatch.setattr(services, "_lock", _unlocked)
    outcomes, errors = [], []
    start = threading.Barrier(2)

    def take(supervisor_id):
        try:
            with app.app_context():
                actor = db.session.get(User, ids["staff"])
                session = db.session.get(MentorSession, ids["session"])
                supervisor = db.session.get(Supervisor, supervisor_id)
                start.wait(timeout=10)
                try:
                    seat = services.sign_up(session, supervisor, actor=actor)
                except DomainError as exc:
                    db.session.rollback()
                    outcomes.append(("refused", exc.field))
                else:
                    outcomes.append((str(seat.status), None))
                    db.session.commit()
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=take, args=(sid,)) for sid in racing]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        with app.app_context():
            seats = [(s.supervisor_id, str(s.status)) for s in db.session.scalars(
                select(MentorSeat).where(MentorSeat.session_id == ids["session"])
                .order_by(MentorSeat.position))]
        return outcomes, errors, seats, ids
    finally:
        with app.app_context():
            db.session.execute(db.delete(OutboxMessage).where(
                OutboxMessage.related_type == "mentor_sessions",
                OutboxMessage.related_id == ids["session"]))
            db.session.execute(db.delete(MentorSession).where(
                MentorSession.id == ids["session"]))
            db.session.execute(db.delete(Supervisor).where(
                Supervisor.id.in_(ids["supervisors"])))
            db.session.execute(db.delete(User).where(User.id.in_(ids["users"])))
            db.session.execute(db.delete(Organisation).where(
                Organisation.id.in_(ids["org_ids"])))
            db.session.commit()  # (their audit events stay: the trail is append-only)


@pytest.mark.committed
def test_two_supervisors_taking_the_last_place_at_once_one_waits_in_line(app, monkeypatch):
    _needs_postgresql(app)
    outcomes, errors, seats, _ids = _race(app, monkeypatch, same_supervisor=False)
    assert not errors, errors
    assert sorted(outcomes) == [("booked", None), ("waitlisted", None)]
    statuses = [status for _sid, status in seats]
    assert statuses == ["booked", "booked", "waitlisted"]


@pytest.mark.committed
def test_the_same_supervisor_signing_up_twice_at_once_gets_one_seat(app, monkeypatch):
    _needs_postgresql(app)
    outcomes, errors, seats, ids = _race(app, monkeypatch, same_supervisor=True)
    assert not errors, errors
    assert sorted(outcomes) == [("booked", None), ("refused", "supervisor_id")]
    assert [sid for sid, _status in seats] == ids["supervisors"]  # one seat each


@pytest.mark.committed
def test_without_the_row_lock_both_would_take_the_last_place(app, monkeypatch):
    """The check above is real: with the lock taken out, the same race overbooks."""
    _needs_postgresql(app)
    outcomes, errors, seats, _ids = _race(app, monkeypatch, same_supervisor=False,
                                          lock=False)
    assert not errors, errors
    assert sorted(outcomes) == [("booked", None), ("booked", None)]
    assert [status for _sid, status in seats].count(SeatStatus.BOOKED.value) == 3


@pytest.mark.committed
def test_without_the_row_lock_the_unique_constraint_still_gives_one_seat(app, monkeypatch):
    """The same supervisor twice, unlocked: the database refuses the second row, and the
    service turns that into the same refusal."""
    _needs_postgresql(app)
    outcomes, errors, seats, ids = _race(app, monkeypatch, same_supervisor=True,
                                         lock=False)
    assert not errors, errors
    assert sorted(outcomes) == [("booked", None), ("refused", "supervisor_id")]
    assert [sid for sid, _status in seats] == ids["supervisors"]
