"""Mentor training: sessions with places and a waiting list, sign-ups by staff, supervisors
and employer admins, attendance marking supervisors trained, sessions answering requests."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask import render_template
from sqlalchemy import func, select

from portal.core.dates import local_today
from portal.core.errors import DomainError
from portal.core.mail import deliver
from portal.core.models import AuditEvent, OutboxMessage
from portal.extensions import db
from portal.mentor_training import services
from portal.mentor_training.enums import SeatStatus, SessionState
from portal.mentor_training.models import MentorSeat, MentorSession
from portal.requests.enums import RequestState
from tests import factories
from tests.support import hidden_inputs, submit


def _form(**over) -> dict:
    """The session form as a browser sends it."""
    values = {"title": "Mentorsutbildning vår", "session_date":
              (local_today() + timedelta(days=21)).isoformat(), "start_time": "13:00",
              "end_time": "16:00", "location": "Kommunhuset, sal 2", "online_url": "",
              "capacity": "12", "topics": ["supervising_intern"],
              "description": "Att ta emot en praktikant."}
    values.update(over)
    return values


def _seats(session) -> dict[int, MentorSeat]:
    db.session.expire_all()
    return {s.supervisor_id: s for s in db.session.scalars(
        select(MentorSeat).where(MentorSeat.session_id == session.id))}


def _held(staff, *, days_ago=1, people=(), **over):
    """A session that took place ``days_ago`` with ``people`` booked, marked held."""
    session = factories.make_mentor_session(
        session_date=local_today() - timedelta(days=days_ago), **over)
    before = session.session_date - timedelta(days=7)
    for supervisor in people:
        services.sign_up(session, supervisor, actor=staff, today=before)
    services.transition(session, SessionState.HELD, actor=staff)
    db.session.commit()
    return session


def _templates(outbox_before: int) -> list[tuple[str, str]]:
    return [(m.template, m.recipient) for m in db.session.scalars(
        select(OutboxMessage).order_by(OutboxMessage.id).offset(outbox_before))]


def _outbox() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage))


# --- places and the waiting list -------------------------------------------------------------

def test_a_full_session_puts_people_on_the_waiting_list_in_order(smtp):
    staff = factories.make_user("staff")
    session = factories.make_mentor_session(capacity=2)
    people = [factories.make_supervisor() for _ in range(4)]
    seats = [services.sign_up(session, p, actor=staff) for p in people]
    db.session.commit()
    assert [s.status for s in seats] == [SeatStatus.BOOKED, SeatStatus.BOOKED,
                                         SeatStatus.WAITLISTED, SeatStatus.WAITLISTED]
    assert [s.position for s in seats] == [1, 2, 3, 4]
    assert [services.place_in_line(s) for s in seats] == [None, None, 1, 2]
    assert services.counts([session.id])[session.id] == services.Counts(booked=2, waiting=2)
    deliver()
    assert smtp.last_to(people[0].email)["Subject"].count(session.title) == 1
    waiting_mail = smtp.last_to(people[3].email)
    assert waiting_mail["Subject"].count(session.title) == 1
    assert len(smtp.messages) == 4


def test_cancelling_a_place_moves_the_first_in_line_up_and_mails_them(login_as, smtp):
    staff = factories.make_user("staff")
    session = factories.make_mentor_session(capacity=1)
    first, second, third = (factories.make_supervisor() for _ in range(3))
    for p in (first, second, third):
        services.sign_up(session, p, actor=staff)
    db.session.commit()
    smtp.clear()
    client = login_as(staff)
    page = client.get(f"/staff/mentor-training/{session.id}").get_data(as_text=True)
    assert 'id="waiting"' in page and 'data-place="2"' in page
    response = client.post(
        f"/staff/mentor-training/{session.id}/seats/{first.id}/cancel",
        data={"csrf_token": hidden_inputs(page)["csrf_token"]})
    assert response.status_code == 302
    seats = _seats(session)
    assert seats[first.id].status == SeatStatus.CANCELLED
    assert seats[second.id].status == SeatStatus.BOOKED
    assert seats[third.id].status == SeatStatus.WAITLISTED
    assert [str(m["To"]) for m in smtp.messages] == [second.email]
    assert session.title in smtp.messages[0]["Subject"]
    # Taking someone off the waiting list frees no place: nobody moves.
    assert services.cancel_seat(session, third, actor=staff) is None
    db.session.commit()
    assert _seats(session)[third.id].status == SeatStatus.CANCELLED


def test_signing_up_twice_gives_one_seat_and_a_cancelled_seat_is_taken_up_again(login_as):
    staff = factories.make_user("staff")
    session = factories.make_mentor_session(capacity=1)
    supervisor, other = factories.make_supervisor(), factories.make_supervisor()
    services.sign_up(session, supervisor, actor=staff)
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        services.sign_up(session, supervisor, actor=staff)
    assert refused.value.field == "supervisor_id"
    db.session.rollback()
    # The staff form does not offer them again; posting them anyway changes nothing.
    client = login_as(staff)
    url = f"/staff/mentor-training/{session.id}"
    page = client.get(url).get_data(as_text=True)
    assert f'<option value="{supervisor.id}"' not in page
    assert f'<option value="{other.id}"' in page
    response = submit(client, f"{url}/seats", {"supervisor_id": str(supervisor.id)},
                      get_url=url)
    assert response.status_code == 422
    assert len(_seats(session)) == 1
    services.sign_up(session, other, actor=staff)  # waiting
    services.cancel_seat(session, supervisor, actor=staff)  # other moves up
    db.session.commit()
    seat = services.sign_up(session, supervisor, actor=staff)  # again: the end of the line
    db.session.commit()
    seats = _seats(session)
    assert len(seats) == 2 and seats[supervisor.id].id == seat.id
    assert (seat.status, seat.position) == (SeatStatus.WAITLISTED, 3)
    assert seats[other.id].status == SeatStatus.BOOKED
    assert db.session.scalar(select(func.count()).select_from(MentorSeat)) == 2


def test_who_can_be_signed_up_and_when():
    staff = factories.make_user("staff")
    org = factories.make_organisation()
    own = factories.make_mentor_session(organisation_id=org.id)
    past = factories.make_mentor_session(session_date=local_today() - timedelta(days=1))
    cancelled = factories.make_mentor_session()
    services.transition(cancelled, SessionState.CANCELLED, actor=staff, reason="Sjuk.")
    colleague, outsider = factories.make_supervisor(org), factories.make_supervisor()
    pending = factories.make_supervisor(org, status="pending")
    db.session.commit()
    for session, supervisor in ((own, outsider), (own, pending), (past, colleague),
                                (cancelled, colleague)):
        with pytest.raises(DomainError):
            services.sign_up(session, supervisor, actor=staff)
        db.session.rollback()
    assert services.sign_up(own, colleague, actor=staff).status == SeatStatus.BOOKED
    assert [s.id for s in services.supervisors_to_sign_up(own)] == []  # colleague has one
    open_ = factories.make_mentor_session()
    ids = {s.id for s in services.supervisors_to_sign_up(open_)}
    assert {colleague.id, outsider.id} <= ids and pending.id not in ids


def test_capacity_cannot_drop_below_the_booked_and_more_places_serve_the_line():
    staff = factories.make_user("staff")
    session = factories.make_mentor_session(capacity=2)
    people = [factories.make_supervisor() for _ in range(3)]
    for p in people:
        services.sign_up(session, p, actor=staff)
    db.session.commit()
    with pytest.raises(DomainError) as refused:
        services.update_session(session, values={"capacity": 1}, actor=staff,
                                expected_version=None)
    assert refused.value.field == "capacity"
    db.session.rollback()
    before = _outbox()
    services.update_session(session, values={"capacity": 3}, actor=staff,
                            expected_version=None)
    db.session.commit()
    assert _seats(session)[people[2].id].status == SeatStatus.BOOKED
    assert _templates(before) == [("mentor_moved_up", people[2].email)]


# --- the session's life cycle ---------------------------------------------------------------

def test_staff_plan_a_session_and_a_bad_form_keeps_what_was_typed(login_as):
    client = login_as("staff")
    response = submit(client, "/staff/mentor-training/new", _form(
        title="", start_time="14:00", end_time="13:00", location="", online_url="",
        capacity="0", topics=[], description="Behåll den här texten"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for field in ("title", "end_time", "location", "capacity", "topics"):
        assert f'href="#{field}"' in html
    assert "Behåll den här texten" in html
    assert db.session.scalar(select(func.count()).select_from(MentorSession)) == 0
    url = "/staff/mentor-training/new"
    page = client.get(url).get_data(as_text=True)
    data = {**hidden_inputs(page), **_form(topics=["supervising_intern", "language_support"])}
    first, second = client.post(url, data=data), client.post(url, data=data)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]  # one session
    [session] = db.session.scalars(select(MentorSession))
    assert session.organisation_id is None and session.state == SessionState.PLANNED
    assert session.topics == ["language_support", "supervising_intern"]
    assert (session.start_time.isoformat(), session.capacity) == ("13:00:00", 12)


def test_a_mentor_training_request_is_answered_by_a_session_for_its_organisation(login_as,
                                                                                 smtp):
    org = factories.make_organisation(name="Handledarföretaget AB")
    employer = factories.employer_of(org)
    req = factories.make_request(org, employer, "mentor_training", submit=True,
                                 topics=["language_support", "supervising_intern"])
    assert req.state == RequestState.SUBMITTED
    client = login_as("staff")
    url = f"/staff/mentor-training/new?request_id={req.id}"
    # The request's page leads there.
    assert f'href="{url}"' in client.get(f"/staff/requests/{req.id}").get_data(as_text=True)
    page = client.get(url).get_data(as_text=True)
    ticked = {re.search(r'value="([^"]*)"', tag).group(1)
              for tag in re.findall(r"<input[^>]*>", page)
              if 'name="topics"' in tag and re.search(r"\bchecked\b", tag)}
    assert ticked == {"language_support", "supervising_intern"}
    assert 'id="answering"' in page
    data = {**hidden_inputs(page), **_form(topics=sorted(ticked))}
    response = client.post(url, data=data)
    assert response.status_code == 302
    [session] = db.session.scalars(select(MentorSession))
    assert (session.organisation_id, session.request_id) == (org.id, req.id)
    db.session.refresh(req)
    assert req.state == RequestState.IN_PROGRESS
    assert smtp.to(employer.email)  # the request's own status mail
    # A request in progress already is answered again without another move.
    again = services.create_session(values=services_values(), actor=client.user,
                                    request=req)
    assert again.organisation_id == org.id
    db.session.refresh(req)
    assert req.state == RequestState.IN_PROGRESS
    # Another kind of request, or a closed one, is not offered.
    other = factories.make_request(org, employer, "placement", submit=True)
    assert services.mentor_request(other.id) is None
    page = client.get(f"/staff/mentor-training/new?request_id={other.id}")
    assert page.status_code == 200 and 'id="answering"' not in page.get_data(as_text=True)


def services_values(**over) -> dict:
    return factories.mentor_session_values(**over)


def test_two_staff_editing_a_session_the_second_gets_a_409_and_nothing_is_lost(login_as):
    session = factories.make_mentor_session()
    one, two = login_as("staff"), login_as("staff")
    url = f"/staff/mentor-training/{session.id}/edit"
    page_one = one.get(url).get_data(as_text=True)
    page_two = two.get(url).get_data(as_text=True)
    assert 'value="13:00"' in page_one
    first = one.post(url, data={**hidden_inputs(page_one), **_form(
        title="Ändrad av den första", capacity="20")})
    assert first.status_code == 302
    second = two.post(url, data={**hidden_inputs(page_two), **_form(
        title="Ändrad av den andra", capacity="15")})
    assert second.status_code == 409
    html = second.get_data(as_text=True)
    assert 'id="error-summary"' in html
    db.session.expire_all()
    saved = db.session.get(MentorSession, session.id)
    assert (saved.title, saved.capacity) == ("Ändrad av den första", 20)
    assert hidden_inputs(html)["version_id"] == str(saved.version_id)  # theirs, to retry


def test_cancelling_needs_a_reason_and_mails_everyone_signed_up(login_as, smtp):
    staff = factories.make_user("staff")
    session = factories.make_mentor_session(capacity=1)
    booked, waiting, gone = (factories.make_supervisor() for _ in range(3))
    waiting.user.locale = "en"
    for p in (booked, waiting, gone):
        services.sign_up(session, p, actor=staff)
    services.cancel_seat(session, gone, actor=staff)
    db.session.commit()
    client = login_as(staff)
    url = f"/staff/mentor-training/{session.id}"
    response = submit(client, f"{url}/cancel", {"reason": ""}, get_url=url)
    assert response.status_code == 422
    assert 'href="#reason"' in response.get_data(as_text=True)
    smtp.clear()
    response = submit(client, f"{url}/cancel", {"reason": "Kursledaren är sjuk."},
                      get_url=url)
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(MentorSession, session.id)
    assert (saved.state, saved.cancel_reason) == (SessionState.CANCELLED,
                                                  "Kursledaren är sjuk.")
    assert sorted(str(m["To"]) for m in smtp.messages) == sorted([booked.email,
                                                                   waiting.email])
    assert smtp.last_to(waiting.email)["Content-Language"] == "en"
    assert smtp.last_to(booked.email)["Content-Language"] == "sv"
    assert "Kursledaren är sjuk." in smtp.last_to(booked.email).get_body(
        preferencelist=("plain",)).get_content()
    # A cancelled session takes no more sign-ups, and no more cancellations.
    assert submit(client, f"{url}/cancel", {"reason": "Igen"}, get_url=url).status_code == 422


def test_a_session_is_marked_held_only_from_its_date(login_as):
    future = factories.make_mentor_session()
    today = factories.make_mentor_session(session_date=local_today())
    client = login_as("staff")
    for session, status in ((future, 422), (today, 302)):
        url = f"/staff/mentor-training/{session.id}"
        page = client.get(url).get_data(as_text=True)
        assert ('id="held-form"' in page) is (status == 302)
        response = client.post(f"{url}/held", data={
            "csrf_token": hidden_inputs(page)["csrf_token"],
            "version_id": str(session.version_id)})
        assert response.status_code == status
    db.session.expire_all()
    assert db.session.get(MentorSession, future.id).state == SessionState.PLANNED
    assert db.session.get(MentorSession, today.id).state == SessionState.HELD


# --- attendance and the trained date -----------------------------------------------------------

def test_attending_marks_the_supervisor_trained_with_the_date_and_undoing_reverts(login_as):
    staff = factories.make_user("staff")
    earlier = local_today() - timedelta(days=400)
    new, trained_before, trained_later = (
        factories.make_supervisor(), factories.make_supervisor(trained_on=earlier),
        factories.make_supervisor(trained_on=local_today()))
    session = _held(staff, days_ago=10, people=(new, trained_before, trained_later))
    day = session.session_date
    seats = _seats(session)
    client = login_as(staff)
    url = f"/staff/mentor-training/{session.id}/attendance"
    page = client.get(url).get_data(as_text=True)
    assert page.count('name="seat_id"') == 3
    ids = [str(seats[p.id].id) for p in (new, trained_before, trained_later)]
    response = client.post(url, data={"csrf_token": hidden_inputs(page)["csrf_token"],
                                      "seat_id": ids, "attended": ["yes", "yes", "yes"]})
    assert response.status_code == 302
    db.session.expire_all()
    assert [db.session.get(type(p), p.id).trained_on for p in
            (new, trained_before, trained_later)] == [day, earlier, day]
    # Undone: the date goes only where it came from this session.
    response = client.post(url, data={"csrf_token": hidden_inputs(page)["csrf_token"],
                                      "seat_id": ids, "attended": ["no", "no", ""]})
    assert response.status_code == 302
    db.session.expire_all()
    assert [db.session.get(type(p), p.id).trained_on for p in
            (new, trained_before, trained_later)] == [None, earlier, None]
    seats = _seats(session)
    assert [seats[p.id].attended for p in (new, trained_before, trained_later)] == [
        False, False, None]
    actions = {a for (a,) in db.session.execute(select(AuditEvent.action).where(
        AuditEvent.object_type == "supervisors", AuditEvent.object_id == new.id))}
    assert "supervisor.trained_on" in actions


def test_undoing_one_session_keeps_the_date_another_attended_session_gives():
    staff = factories.make_user("staff")
    supervisor = factories.make_supervisor()
    first = _held(staff, days_ago=30, people=[supervisor])
    second = _held(staff, days_ago=5, people=[supervisor])
    for session in (second, first):
        [seat] = services.booked_seats(session)
        services.save_attendance(session, {seat.id: True}, actor=staff)
    db.session.commit()
    assert supervisor.trained_on == first.session_date  # the earliest holds
    [seat] = services.booked_seats(first)
    services.save_attendance(first, {seat.id: False}, actor=staff)
    db.session.commit()
    assert supervisor.trained_on == second.session_date
    [seat] = services.booked_seats(second)
    services.save_attendance(second, {seat.id: None}, actor=staff)
    db.session.commit()
    assert supervisor.trained_on is None


def test_attendance_waits_for_the_day_and_covers_only_booked_places(login_as):
    staff = factories.make_user("staff")
    future = factories.make_mentor_session()
    waiting = factories.make_supervisor()
    services.sign_up(future, factories.make_supervisor(), actor=staff)
    client = login_as(staff)
    response = client.get(f"/staff/mentor-training/{future.id}/attendance")
    assert response.status_code == 302
    with pytest.raises(DomainError):
        services.save_attendance(future, {}, actor=staff)
    db.session.rollback()
    session = factories.make_mentor_session(capacity=1)
    booked = factories.make_supervisor()
    for p in (booked, waiting):
        services.sign_up(session, p, actor=staff)
    db.session.commit()
    session.session_date = local_today()  # the day has come; not marked held yet
    db.session.commit()
    seats = _seats(session)
    with pytest.raises(DomainError):
        services.save_attendance(session, {seats[waiting.id].id: True}, actor=staff)
    db.session.rollback()
    assert services.save_attendance(session, {seats[booked.id].id: True}, actor=staff) == 1
    db.session.commit()
    # An attended place cannot be cancelled, nor the session.
    with pytest.raises(DomainError):
        services.cancel_seat(session, booked, actor=staff)
    db.session.rollback()
    with pytest.raises(DomainError):
        services.transition(session, SessionState.CANCELLED, actor=staff, reason="Nej")
    db.session.rollback()


# --- supervisors on their own page ---------------------------------------------------------------

def test_a_supervisor_signs_up_and_cancels_only_where_they_may(login_as, smtp):
    org, other_org = factories.make_organisation(), factories.make_organisation()
    supervisor = factories.make_supervisor(org)
    open_ = factories.make_mentor_session(capacity=1)
    own = factories.make_mentor_session(organisation_id=org.id)
    theirs = factories.make_mentor_session(organisation_id=other_org.id)
    client = login_as(supervisor.user)
    token = hidden_inputs(client.get("/account").get_data(as_text=True))["csrf_token"]

    def post(session, action):
        return client.post(f"/supervisor/mentor-training/{session.id}/{action}",
                           data={"csrf_token": token})

    assert post(theirs, "sign-up").status_code == 404
    assert post(theirs, "cancel").status_code == 404
    assert client.get(f"/supervisor/mentor-training/{theirs.id}.ics").status_code == 404
    assert _seats(theirs) == {}
    for session in (open_, own):
        assert post(session, "sign-up").status_code == 302
        assert _seats(session)[supervisor.id].status == SeatStatus.BOOKED
        assert _seats(session)[supervisor.id].signed_up_by_id == supervisor.user_id
    assert smtp.last_to(supervisor.email)
    assert post(own, "sign-up").status_code == 302  # again: refused, still one seat
    assert len(_seats(own)) == 1
    assert post(own, "cancel").status_code == 302
    assert _seats(own)[supervisor.id].status == SeatStatus.CANCELLED
    response = client.get(f"/supervisor/mentor-training/{open_.id}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    # Without a token nothing happens.
    client.post(f"/supervisor/mentor-training/{own.id}/sign-up", data={})
    assert _seats(own)[supervisor.id].status == SeatStatus.CANCELLED
    # Staff, employers and anonymous visitors have no supervisor pages.
    assert login_as("staff").post(f"/supervisor/mentor-training/{open_.id}/cancel",
                                  data={}).status_code in (400, 403)


def test_the_supervisor_partial_shows_their_sessions_and_what_they_can_join(app):
    staff = factories.make_user("staff")
    org = factories.make_organisation()
    supervisor = factories.make_supervisor(org, trained_on=date(2025, 3, 4))
    full = factories.make_mentor_session(capacity=1, title="Full")
    services.sign_up(full, factories.make_supervisor(), actor=staff)
    waiting_in = factories.make_mentor_session(capacity=1, title="Kö")
    services.sign_up(waiting_in, factories.make_supervisor(), actor=staff)
    services.sign_up(waiting_in, supervisor, actor=staff)
    booked_in = factories.make_mentor_session(organisation_id=org.id, title="Egen")
    services.sign_up(booked_in, supervisor, actor=staff)
    other_org = factories.make_mentor_session(
        organisation_id=factories.make_organisation().id, title="Annans")
    past = factories.make_mentor_session(session_date=local_today() - timedelta(days=3))
    db.session.commit()
    context = services.page_context(supervisor)
    assert context["mentor_trained_on"] == date(2025, 3, 4)
    assert [(v.session.id, v.place) for v in context["mentor_seats"]] == [
        (waiting_in.id, 1), (booked_in.id, None)]
    joinable = {s.id for s in context["mentor_sessions"]}
    assert full.id in joinable
    assert not joinable & {waiting_in.id, booked_in.id, other_org.id, past.id}
    with app.test_request_context("/"):
        html = render_template("mentor_training/_for_supervisor.html", **context)
    assert 'data-date="2025-03-04"' in html
    assert f'action="/supervisor/mentor-training/{full.id}/sign-up"' in html
    assert f'action="/supervisor/mentor-training/{booked_in.id}/cancel"' in html
    assert f'action="/supervisor/mentor-training/{waiting_in.id}/cancel"' in html
    assert f"/supervisor/mentor-training/{other_org.id}/" not in html
    assert html.count('name="csrf_token"') == 3
    assert re.search(r"<section[^>]*>\s*<h2", html)


# --- employer admins -------------------------------------------------------------------------

def test_an_employer_admin_signs_up_their_own_supervisors(login_as, smtp):
    org = factories.make_organisation()
    admin = factories.employer_of(org)
    member = factories.employer_of(org, org_role="member")
    mine = factories.make_supervisor(org)
    not_mine = factories.make_supervisor()
    open_ = factories.make_mentor_session()
    own = factories.make_mentor_session(organisation_id=org.id)
    theirs = factories.make_mentor_session(organisation_id=factories.make_organisation().id)
    client = login_as(admin)
    url = f"/organisations/{org.id}/mentor-training"
    page = client.get(url).get_data(as_text=True)
    assert f'id="session-{open_.id}"' in page and f'id="session-{own.id}"' in page
    assert f'id="session-{theirs.id}"' not in page
    offered = re.search(r'<select[^>]*name="supervisor_id".*?</select>', page, re.S).group(0)
    assert f'<option value="{mine.id}"' in offered
    assert f'<option value="{not_mine.id}"' not in offered
    for session, supervisor, status in ((theirs, mine, 422), (open_, not_mine, 422),
                                        (own, mine, 302)):
        response = submit(client, url, {"session_id": str(session.id),
                                        "supervisor_id": str(supervisor.id)})
        assert response.status_code == status
    seats = _seats(own)
    assert seats[mine.id].signed_up_by_id == admin.id
    assert _seats(theirs) == {} and _seats(open_) == {}
    assert smtp.last_to(mine.email)
    page = client.get(url).get_data(as_text=True)
    assert f'data-supervisor="{mine.id}" data-status="booked"' in page
    assert login_as(member).get(url).status_code == 404  # admins only
    dashboard = client.get("/organisation").get_data(as_text=True)
    assert f'href="{url}"' in dashboard


def test_employer_b_gets_404_on_organisation_a_s_page(login_as):
    org_a, org_b = factories.make_organisation(name="Alfa AB"), factories.make_organisation()
    factories.make_supervisor(org_a)
    factories.make_mentor_session(organisation_id=org_a.id, title="Alfas egen")
    client = login_as(factories.employer_of(org_b))
    response = client.get(f"/organisations/{org_a.id}/mentor-training")
    assert response.status_code == 404
    assert "Alfa AB" not in response.get_data(as_text=True)
    assert submit(client, f"/organisations/{org_a.id}/mentor-training", {},
                  get_url=f"/organisations/{org_b.id}/mentor-training").status_code == 404
    assert login_as("staff").get(f"/organisations/{org_a.id}/mentor-training").status_code \
        == 403


# --- the staff list, calendar and change log ----------------------------------------------------

def test_the_staff_list_filters_and_counts_places(login_as):
    staff = factories.make_user("staff")
    soon = factories.make_mentor_session(capacity=1, title="Snart")
    for _ in range(3):
        services.sign_up(soon, factories.make_supervisor(), actor=staff)
    past = factories.make_mentor_session(session_date=local_today() - timedelta(days=40),
                                         title="Förr")
    held = factories.make_mentor_session(session_date=local_today() - timedelta(days=50),
                                         title="Hölls", state="held")
    cancelled = factories.make_mentor_session(title="Inställd")
    services.transition(cancelled, SessionState.CANCELLED, actor=staff, reason="Ingen lokal")
    db.session.commit()
    client = login_as(staff)

    def rows(query=""):
        html = client.get(f"/staff/mentor-training/{query}").get_data(as_text=True)
        return set(map(int, re.findall(r'<tr id="session-(\d+)"', html))), html

    found, html = rows()
    # A planned session whose day has passed stays in the default list until staff mark
    # it held (or cancel it); a held one does not.
    assert found == {soon.id, cancelled.id, past.id}
    assert 'data-booked="1" data-capacity="1"' in html and 'data-waiting="2"' in html
    assert rows("?when=past")[0] == {past.id, held.id}
    assert rows("?when=all")[0] == {soon.id, past.id, held.id, cancelled.id}
    assert rows("?when=all&state=cancelled")[0] == {cancelled.id}
    part = client.get("/staff/mentor-training/?when=past",
                      headers={"HX-Request": "true", "HX-Target": "sessions"})
    assert part.get_data(as_text=True).lstrip().startswith('<div id="sessions">')
    assert "HX-Request" in part.headers["Vary"]


def test_the_calendar_file_and_the_change_log(app, login_as):
    from icalendar import Calendar

    staff = factories.make_user("staff", full_name="Loggad Handläggare")
    session = services.create_session(values=factories.mentor_session_values(
        online_url="https://mote.example.se/m"), actor=staff)
    supervisor = factories.make_supervisor()
    services.sign_up(session, supervisor, actor=staff)
    services.update_session(session, values={"capacity": 14}, actor=staff,
                            expected_version=None)
    services.cancel_seat(session, supervisor, actor=staff)
    db.session.commit()
    client = login_as(staff)
    response = client.get(f"/staff/mentor-training/{session.id}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    [entry] = Calendar.from_ical(response.data).walk("VEVENT")
    start = entry.decoded("DTSTART")
    assert (start.date(), start.hour) == (session.session_date, 13)
    assert "https://mote.example.se/m" in str(entry["URL"])
    assert supervisor.full_name not in response.get_data(as_text=True)
    page = client.get(f"/staff/mentor-training/{session.id}").get_data(as_text=True)
    log = page[page.index('id="history-title"'):]
    for action in ("mentor_session.created", "seat.booked", "mentor_session.updated",
                   "seat.cancelled"):
        assert action in log
    assert "Loggad Handläggare" in log and "12 → 14" in log


# --- demo data -----------------------------------------------------------------------------

def test_the_demo_seed_makes_a_held_an_open_and_an_organisation_session():
    from portal.mentor_training.demo import seed

    staff = factories.make_user("staff")
    org = factories.make_organisation()
    employer = factories.employer_of(org)
    req = factories.make_request(org, employer, "mentor_training", submit=True)
    supervisors = [factories.make_supervisor(org) for _ in range(3)] + \
        [factories.make_supervisor() for _ in range(4)]
    today = local_today()
    made = seed(staff=staff, today=today, supervisors=supervisors)
    db.session.commit()
    held, upcoming, own = made
    assert held.state == SessionState.HELD and held.session_date < today - timedelta(days=50)
    attended = [s for s in services.booked_seats(held) if s.attended]
    assert attended and all(s.supervisor.trained_on == held.session_date for s in attended)
    assert upcoming.organisation_id is None and services.booked_count(upcoming) > 0
    assert (own.organisation_id, own.request_id) == (org.id, req.id)
    assert own.session_date > today and services.booked_count(own) > 0
    db.session.refresh(req)
    assert req.state == RequestState.IN_PROGRESS
    assert seed(staff=staff, today=today, supervisors=supervisors) == []
