"""Enrolment: seats, the waiting list, offers with a reply-by date that lapse."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.core.dates import local_today
from portal.core.errors import DomainError
from portal.core.workdays import add_working_days
from portal.extensions import db
from portal.participants import services as participants
from portal.training import enrolment
from portal.training import services as training
from portal.training.enums import EnrolmentStatus as E
from portal.training.models import Enrolment
from tests import factories
from tests.support import submit


def _course(seats=15, staff=None):
    staff = staff or factories.make_user("staff")
    cohort = training.create_cohort(values={
        "title": "Lokalvård", "sector": "cleaning", "occupation_code": "9111",
        "provider": "adult_education", "weeks": 14, "seats": seats,
        "start_date": local_today() + timedelta(days=30)}, actor=staff)
    db.session.commit()
    return cohort


_n = iter(range(1, 10_000))


def _person(first="Deltagare", sectors=("cleaning",), staff=None):
    n = next(_n)
    person = participants.create(values={
        "first_name": f"{first}{n}", "last_name": "Testsson", "case_reference": f"T-{n:05d}",
        "driving_licence": "none"}, sectors=list(sectors),
        actor=staff or factories.make_user("staff"))
    db.session.commit()
    return person


def test_sixteen_for_fifteen_seats_and_a_dropout_moves_the_first_waiting_up():
    staff = factories.make_user("staff")
    cohort = _course(staff=staff)
    people = [_person(staff=staff) for _ in range(16)]
    placed = [enrolment.enrol(cohort, p, actor=staff) for p in people]
    assert [e.status for e in placed].count(E.ENROLLED) == 15
    assert placed[-1].status == E.WAITING
    with pytest.raises(DomainError) as refused:
        enrolment.change(placed[0], "drop_out", actor=staff)
    assert refused.value.field == "reason"
    offered = enrolment.change(placed[0], "drop_out", actor=staff, reason="Fick jobb.")
    assert offered.id == placed[-1].id and offered.status == E.OFFERED
    assert offered.reply_by == add_working_days(local_today(), 3)
    assert enrolment.seats_taken(cohort) == 15  # the offer holds the seat
    enrolment.change(offered, "accept", actor=staff)
    assert offered.status == E.ENROLLED and enrolment.seats_taken(cohort) == 15


def test_an_offer_not_answered_in_time_passes_to_the_next(login_as):
    staff = factories.make_user("staff")
    cohort = _course(seats=1, staff=staff)
    first, second, third = (_person(staff=staff) for _ in range(3))
    seat = enrolment.enrol(cohort, first, actor=staff)
    waiting = [enrolment.enrol(cohort, p, actor=staff) for p in (second, third)]
    offered = enrolment.change(seat, "drop_out", actor=staff, reason="Flyttade.")
    assert offered.participant_id == second.id
    assert enrolment.expire_offers(today=offered.reply_by) == 0  # still in time
    db.session.commit()
    # Staff open the course after the reply-by date: the offer lapses, the next is asked.
    late = offered.reply_by + timedelta(days=1)
    from unittest import mock

    with mock.patch("portal.training.enrolment.local_today", return_value=late):
        assert login_as(staff).get(f"/staff/cohorts/{cohort.id}").status_code == 200
    db.session.expire_all()
    assert offered.status == E.DECLINED and "late" not in offered.end_reason
    assert waiting[1].status == E.OFFERED


def test_declining_offers_the_seat_on_and_the_cli_lets_offers_lapse(app):
    staff = factories.make_user("staff")
    cohort = _course(seats=1, staff=staff)
    people = [_person(staff=staff) for _ in range(3)]
    placed = [enrolment.enrol(cohort, p, actor=staff) for p in people]
    offered = enrolment.change(placed[0], "drop_out", actor=staff, reason="Sjuk.")
    nxt = enrolment.change(offered, "decline", actor=staff, reason="Har fått jobb.")
    assert nxt.id == placed[2].id
    nxt.reply_by = local_today() - timedelta(days=1)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["portal", "expire-offers"])
    assert "1 offer(s) lapsed" in result.output
    db.session.expire_all()
    assert nxt.status == E.DECLINED
    assert db.session.scalar(select(func.count()).select_from(Enrolment).where(
        Enrolment.status == E.OFFERED)) == 0  # no one left to ask


def test_no_one_is_enrolled_twice_or_in_a_cancelled_course():
    staff = factories.make_user("staff")
    cohort = _course(staff=staff)
    person = _person(staff=staff)
    enrolment.enrol(cohort, person, actor=staff)
    with pytest.raises(DomainError) as refused:
        enrolment.enrol(cohort, person, actor=staff)
    assert refused.value.field == "participant"
    from portal.training.enums import CohortState

    training.transition(cohort, CohortState.CANCELLED, actor=staff, reason="Inställd.")
    newcomer = _person(staff=staff)
    with pytest.raises(DomainError):
        enrolment.enrol(cohort, newcomer, actor=staff)
    assert db.session.scalar(select(func.count()).select_from(Enrolment).where(
        Enrolment.participant_id == newcomer.id)) == 0


def test_staff_enrol_by_case_reference_and_see_who_fits(login_as):
    staff = factories.make_user("staff")
    cohort = _course(staff=staff)
    fits = _person("Passar", staff=staff)
    other_sector = _person("Annan", sectors=("transport",), staff=staff)
    busy = _person("Upptagen", staff=staff)
    enrolment.enrol(_course(staff=staff), busy, actor=staff)
    db.session.commit()
    client = login_as(staff)
    view = f"/staff/cohorts/{cohort.id}"
    page = client.get(view).get_data(as_text=True)
    matching = page[page.index("participants-title"):]
    assert fits.case_reference in matching
    assert other_sector.case_reference not in matching and busy.case_reference not in matching
    response = submit(client, f"{view}/enrolments", {"case_reference": "T-99999"},
                      get_url=view)
    assert response.status_code == 422 and 'href="#case_reference"' in response.get_data(
        as_text=True)
    response = submit(client, f"{view}/enrolments",
                      {"case_reference": fits.case_reference.lower()}, get_url=view)
    assert response.status_code == 302
    placed = db.session.scalar(select(Enrolment).where(Enrolment.participant_id == fits.id))
    assert placed.status == E.ENROLLED
    response = submit(client, f"{view}/enrolments/{placed.id}",
                      {"action": "drop_out", "reason": "", "version_id": str(placed.version_id)},
                      get_url=view)
    assert response.status_code == 302
    assert "flash-error" in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert placed.status == E.ENROLLED


def test_no_participant_data_reaches_employers(login_as, smtp):
    staff = factories.make_user("staff")
    cohort = _course(staff=staff)
    org = factories.make_organisation(sectors=["cleaning"])
    employer = factories.employer_of(org)
    training.set_commitment(cohort, org, actor=staff, interviews=True, hires=2,
                            hosts_practical=True)
    person = _person("Hemlig", staff=staff)
    enrolment.enrol(cohort, person, actor=staff)
    from portal.training.enums import CohortState

    training.transition(cohort, CohortState.CANCELLED, actor=staff, reason="För få anmälda.")
    db.session.commit()
    client = login_as(employer)
    pages = ["/organisation", f"/organisations/{org.id}/cohorts",
             f"/organisations/{org.id}/cohorts/{cohort.id}",
             f"/organisations/{org.id}/cohorts/{cohort.id}.ics"]
    for url in pages:
        body = client.get(url).get_data(as_text=True)
        assert person.first_name not in body and person.case_reference not in body, url
    from portal.core.mail import deliver

    deliver()  # the cancellation mail to the employer really goes out
    assert smtp.to(employer.email), "the employer was not mailed"
    for message in smtp.messages:
        assert person.first_name not in str(message)
        assert person.case_reference not in str(message)


@pytest.mark.committed
def test_two_staff_taking_the_last_seat_at_once_one_waits(app):
    """Two connections enrol two people into the last seat at the same moment: the row
    lock lets one in; the other, once it may count, goes on the waiting list."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("needs PostgreSQL's row locks (SQLite has one writer at a time)")
    from portal.accounts.models import User
    from portal.participants.models import Participant
    from portal.training.models import Cohort

    with app.app_context():
        staff = factories.make_user("staff")
        cohort = _course(seats=1, staff=staff)
        people = [_person(staff=staff) for _ in range(2)]
        ids = (cohort.id, [p.id for p in people], staff.id)
        db.session.commit()
    results, errors = [], []
    barrier = threading.Barrier(2)

    def take(person_id):
        try:
            with app.app_context():
                actor = db.session.get(User, ids[2])
                course = db.session.get(Cohort, ids[0])
                person = db.session.get(Participant, person_id)
                barrier.wait(timeout=10)
                placed = enrolment.enrol(course, person, actor=actor)
                results.append(placed.status)
                db.session.commit()
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=take, args=(pid,)) for pid in ids[1]]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert not errors, errors
        assert sorted(results) == [E.ENROLLED, E.WAITING]
    finally:
        with app.app_context():
            db.session.execute(db.delete(Cohort).where(Cohort.id == ids[0]))
            db.session.execute(db.delete(Participant).where(Participant.id.in_(ids[1])))
            db.session.execute(db.delete(User).where(User.id == ids[2]))
            db.session.commit()  # (their audit events stay: the trail is append-only)


def test_an_end_date_in_the_future_or_before_enrolling_is_refused():
    staff = factories.make_user("staff")
    cohort = _course(staff=staff)
    placed = enrolment.enrol(cohort, _person(staff=staff), actor=staff)
    placed.enrolled_on = local_today() - timedelta(days=10)
    db.session.commit()
    for when in (local_today() + timedelta(days=1), local_today() - timedelta(days=11)):
        with pytest.raises(DomainError) as refused:
            enrolment.change(placed, "complete", actor=staff, on=when)
        assert refused.value.field == "on"
        db.session.rollback()
    enrolment.change(placed, "complete", actor=staff, on=local_today() - timedelta(days=10))
    assert placed.status == E.COMPLETED
