"""On PostgreSQL the dashboard reads its figures on two connections at once
(REPORT_CONCURRENT): the figures are the same as read one after the other, and the
second connection really is used. Committed data, as that connection needs."""

from __future__ import annotations

import threading
import uuid
from datetime import date

import pytest
from sqlalchemy import delete, event

from portal.accounts.models import User
from portal.extensions import db
from portal.participants.models import Outcome, Participant
from portal.reports import figures
from portal.reports.periods import Period, PeriodKind
from portal.training.models import Cohort, Enrolment
from tests import factories
from tests.reports.test_figures import course, enrol, outcome, settings

pytestmark = pytest.mark.committed

TODAY = date(2026, 6, 30)
H1 = Period(PeriodKind.HALF, date(2026, 1, 1), date(2026, 6, 30))


def test_concurrent_figures_match_sequential_ones(app, monkeypatch):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("the second connection is used on PostgreSQL only")
        unit = f"Samtidigt-{uuid.uuid4().hex[:8]}"
        c = course(title=f"Samtidigt {unit}")
        staff = factories.make_user("staff")
        people = [factories.make_participant(f"Person{i}", actor=staff) for i in range(3)]
        for p in people:  # a unit of the test's own, not one of PORTAL_UNITS
            p.unit = unit
        for i, p in enumerate(people):
            enrol(c, p)
            outcome(p, "employed" if i < 2 else "continued_search", cohort_id=c.id)
        db.session.commit()
        ids = [p.id for p in people]
        cohort_id, staff_id = c.id, staff.id
    threads: set[int] = set()

    def seen(*_args):
        threads.add(threading.get_ident())

    try:
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", seen)
            try:
                filters = figures.Filters(unit=unit)
                monkeypatch.setitem(app.config, "REPORT_CONCURRENT", False)
                one_by_one = figures.dashboard(H1, filters, settings(TODAY))
                assert len(threads) == 1
                threads.clear()
                monkeypatch.setitem(app.config, "REPORT_CONCURRENT", True)
                at_once = figures.dashboard(H1, filters, settings(TODAY))
                assert len(threads) == 2, "the other figures were not read on their own"
            finally:
                event.remove(db.engine, "before_cursor_execute", seen)
        assert at_once == one_by_one
        assert (at_once.people.started, at_once.people.ended) == (3, 3)
        assert (at_once.total.ended, at_once.total.at_end.success) == (3, 2)
        assert [(r.key, r.ended) for r in at_once.by_cohort] == [(cohort_id, 3)]
    finally:
        with app.app_context():
            db.session.execute(delete(Outcome).where(Outcome.participant_id.in_(ids)))
            db.session.execute(delete(Enrolment).where(Enrolment.cohort_id == cohort_id))
            db.session.execute(delete(Participant).where(Participant.id.in_(ids)))
            db.session.execute(delete(Cohort).where(Cohort.id == cohort_id))
            db.session.execute(delete(User).where(User.id == staff_id))
            db.session.commit()  # (their audit events stay: the trail is append-only)
