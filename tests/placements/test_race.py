"""Two staff agreeing two placements for a supervisor's last place at the same moment
(PostgreSQL: real connections, real commits, real row locks)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import OperationalError

from portal.core.dates import local_today
from portal.core.errors import DomainError
from portal.core.models import OutboxMessage
from portal.extensions import db
from portal.placements import services
from portal.placements.enums import COMMITTED_STATES
from portal.placements.models import Placement
from tests import factories


def _needs_postgresql(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("needs PostgreSQL's row locks (SQLite has one writer at a time)")


def _set_up(app) -> dict:
    """A supervisor with one place, and two proposed placements for it (committed)."""
    with app.app_context():
        staff = factories.make_user("staff")
        org = factories.make_organisation()
        supervisor = factories.make_supervisor(org, capacity=1, trained_on=local_today())
        people = [factories.make_participant(actor=staff) for _ in range(2)]
        today = local_today()
        placements = [services.create(p, values={
            "organisation_id": org.id, "supervisor_id": supervisor.id,
            "placement_type": "internship", "sector": "cleaning", "starts_on": today,
            "ends_on": today + timedelta(days=30), "weekly_hours": 30,
            "tasks": "Städning"}, actor=staff) for p in people]
        db.session.commit()
        return {"staff": staff.id, "org": org.id, "supervisor": supervisor.id,
                "supervisor_user": supervisor.user_id, "people": [p.id for p in people],
                "placements": [p.id for p in placements]}


def _committed(app, ids) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Placement).where(
            Placement.supervisor_id == ids["supervisor"],
            Placement.state.in_([s.value for s in COMMITTED_STATES])))


def _clean_up(app, ids) -> None:
    from portal.accounts.models import User
    from portal.employers.models import Organisation
    from portal.participants.models import Participant
    from portal.supervisors.models import Supervisor

    with app.app_context():
        db.session.rollback()
        db.session.execute(delete(OutboxMessage).where(
            OutboxMessage.related_type == "placements",
            OutboxMessage.related_id.in_(ids["placements"])))
        db.session.execute(delete(Placement).where(Placement.id.in_(ids["placements"])))
        db.session.execute(delete(Supervisor).where(
            Supervisor.id.in_([ids["supervisor"], *ids.get("more_supervisors", [])])))
        db.session.execute(delete(Participant).where(Participant.id.in_(ids["people"])))
        db.session.execute(delete(Organisation).where(Organisation.id == ids["org"]))
        db.session.execute(delete(User).where(User.id.in_(
            [ids["staff"], ids["supervisor_user"], *ids.get("more_users", [])])))
        db.session.commit()  # (their audit events stay: the trail is append-only)


@pytest.mark.committed
def test_two_staff_agreeing_for_the_last_place_at_once_one_is_refused(app):
    """The supervisor's row lock lets one agreement through; the other, once it may
    count, finds the place taken."""
    from portal.accounts.models import User

    _needs_postgresql(app)
    ids = _set_up(app)
    results, errors = [], []
    barrier = threading.Barrier(2)

    def agree(placement_id):
        try:
            with app.app_context():
                actor = db.session.get(User, ids["staff"])
                placement = db.session.get(Placement, placement_id)
                barrier.wait(timeout=10)
                try:
                    services.agree(placement, actor=actor)
                except DomainError as exc:
                    results.append(("refused", exc.field))
                    db.session.rollback()
                else:
                    results.append(("agreed", None))
                    db.session.commit()
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=agree, args=(pid,)) for pid in ids["placements"]]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert not errors, errors
        assert sorted(results) == [("agreed", None), ("refused", "supervisor_id")]
        assert _committed(app, ids) == 1
    finally:
        _clean_up(app, ids)


@pytest.mark.committed
@pytest.mark.parametrize("locked", [True, False], ids=["with the lock", "without the lock"])
def test_the_supervisor_lock_is_what_keeps_the_capacity(app, monkeypatch, locked):
    """The same interleaving, step by step: the first agreement is made but not yet
    committed when the second one counts. With the lock the second waits (here: gives up
    after a second); without it, it counts the uncommitted first as nothing and both go
    through, one over the capacity."""
    from portal.accounts.models import User
    from portal.supervisors.models import Supervisor

    _needs_postgresql(app)
    if not locked:
        original = services._lock_row
        monkeypatch.setattr(services, "_lock_row", lambda model, row_id: None
                            if model is Supervisor else original(model, row_id))
    ids = _set_up(app)
    first, second = ids["placements"]
    try:
        with app.app_context():
            services.agree(db.session.get(Placement, first),
                           actor=db.session.get(User, ids["staff"]))  # not committed yet
            with app.app_context():  # another session, another connection
                db.session.execute(text("SET LOCAL lock_timeout = '1s'"))
                actor = db.session.get(User, ids["staff"])
                if locked:
                    with pytest.raises(OperationalError):
                        services.agree(db.session.get(Placement, second), actor=actor)
                    db.session.rollback()
                else:
                    services.agree(db.session.get(Placement, second), actor=actor)
                    db.session.commit()
            db.session.commit()
        assert _committed(app, ids) == (1 if locked else 2)
    finally:
        _clean_up(app, ids)


@pytest.mark.committed
def test_one_participant_agreed_twice_for_the_same_weeks_at_once_is_refused_once(app):
    """Two staff agree two placements of one participant, with two supervisors, for the
    same weeks: the participant's row lock lets one through; the other is refused."""
    from portal.accounts.models import User

    _needs_postgresql(app)
    with app.app_context():
        staff = factories.make_user("staff")
        org = factories.make_organisation()
        supervisors = [factories.make_supervisor(org, capacity=1, trained_on=local_today())
                       for _ in range(2)]
        person = factories.make_participant(actor=staff)
        today = local_today()
        placements = [services.create(person, values={
            "organisation_id": org.id, "supervisor_id": s.id, "placement_type": "internship",
            "sector": "cleaning", "starts_on": today, "ends_on": today + timedelta(days=30),
            "weekly_hours": 30, "tasks": "Städning"}, actor=staff) for s in supervisors]
        db.session.commit()
        ids = {"staff": staff.id, "org": org.id, "supervisor": supervisors[0].id,
               "supervisor_user": supervisors[0].user_id, "people": [person.id],
               "placements": [p.id for p in placements],
               "more_supervisors": [supervisors[1].id],
               "more_users": [supervisors[1].user_id]}
    results, errors = [], []
    barrier = threading.Barrier(2)

    def agree(placement_id):
        try:
            with app.app_context():
                actor = db.session.get(User, ids["staff"])
                placement = db.session.get(Placement, placement_id)
                barrier.wait(timeout=10)
                try:
                    services.agree(placement, actor=actor)
                except DomainError as exc:
                    results.append(("refused", exc.field))
                    db.session.rollback()
                else:
                    results.append(("agreed", None))
                    db.session.commit()
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=agree, args=(pid,)) for pid in ids["placements"]]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert not errors, errors
        assert sorted(results) == [("agreed", None), ("refused", "starts_on")]
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(Placement).where(
                Placement.participant_id == ids["people"][0],
                Placement.state.in_([s.value for s in COMMITTED_STATES]))) == 1
    finally:
        _clean_up(app, ids)
