"""Recruitment events: planned from demand and requests, answered by organisations, held,
attendance and results recorded; invited job seekers never reach an employer."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.core.dates import local_today
from portal.core.errors import DomainError
from portal.core.mail import deliver
from portal.core.models import AuditEvent, OutboxMessage
from portal.events import services
from portal.events.enums import Attendance, EventState, Response
from portal.events.models import EventInvitation, RecruitmentEvent
from portal.extensions import db
from portal.participants import outcomes
from portal.requests.enums import RequestState
from tests import factories
from tests.support import hidden_inputs, mail_link, mail_text, path_of, submit


def _form(**over) -> dict:
    """The event form as a browser sends it."""
    values = {"title": "Rekryteringsträff lokalvård", "sector": "cleaning",
              "occupation_code": "9111", "occupation_other": "",
              "event_date": (local_today() + timedelta(days=28)).isoformat(),
              "start_time": "09:00", "end_time": "12:00",
              "location": "Medborgarhuset, Mölnlycke", "online_url": "", "capacity": "20",
              "description": "Träffa arbetsgivare inom lokalvård."}
    values.update(over)
    return values


def _firm(name: str, *, code: str = "9111", headcount: int = 4, sectors=("cleaning",)):
    org = factories.make_organisation(name=name, sectors=list(sectors))
    employer = factories.employer_of(org)
    need = factories.make_need(org, employer, occupation_code=code, headcount=3)
    req = factories.make_request(org, employer, "recruitment_event", submit=True,
                                 needs=[need], headcount=headcount)
    return org, employer, req


def _ticked(page: str) -> set[str]:
    """The values of the ticked check boxes."""
    return {re.search(r'value="([^"]*)"', tag).group(1)
            for tag in re.findall(r"<input[^>]*>", page)
            if 'type="checkbox"' in tag and re.search(r"\bchecked\b", tag)}


def _held_event(staff, *, organisations=(), people=0, capacity=20):
    """An event held yesterday, with ``people`` job seekers invited."""
    event = factories.make_event(staff, organisations=organisations, capacity=capacity,
                                 event_date=local_today() - timedelta(days=1))
    invited = [services.invite(event, factories.make_participant(actor=staff), actor=staff)
               for _ in range(people)]
    services.transition(event, EventState.HELD, actor=staff)
    db.session.commit()
    return event, invited


# --- planning ------------------------------------------------------------------------------

def test_requests_from_a_demand_row_become_one_event_and_their_firms_are_invited(login_as,
                                                                                  smtp):
    firms = [_firm(f"Städfirma {n} AB", headcount=n + 2) for n in range(3)]
    _kitchen, _cook, other = _firm("Köket AB", code="9412", sectors=("kitchen",))
    client = login_as("staff")
    url = "/staff/events/new?sector=cleaning&occupation=9111"
    page = client.get(url).get_data(as_text=True)
    assert _ticked(page) == {str(r.id) for _o, _e, r in firms}
    assert other.reference in page  # offered, but not ticked: another occupation
    assert 'value="9111" selected' in page or 'selected value="9111"' in page
    data = {**hidden_inputs(page), **_form(),
            "request_ids": [str(r.id) for _o, _e, r in firms]}
    first, second = client.post(url, data=data), client.post(url, data=data)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    [event] = db.session.scalars(select(RecruitmentEvent))
    assert (event.start_time.isoformat(), event.end_time.isoformat()) == ("09:00:00",
                                                                          "12:00:00")
    by_name = {p.organisation.name: p for p in event.organisations}
    assert set(by_name) == {f"Städfirma {n} AB" for n in range(3)}
    assert [by_name[f"Städfirma {n} AB"].vacancies for n in range(3)] == [2, 3, 4]
    assert {p.role for p in event.organisations} == {"recruiter"}
    assert {p.response for p in event.organisations} == {Response.INVITED}
    for org, employer, req in firms:
        db.session.refresh(req)
        assert req.state == RequestState.IN_PROGRESS
        mail = smtp.last_to(employer.email)
        assert "Rekryteringsträff lokalvård" in mail["Subject"]
        link = path_of(mail_link(mail, f"/organisations/{org.id}/events/{event.id}"))
        assert login_as(employer).get(link).status_code == 200


def test_plan_from_one_request_ticks_just_that_one(login_as):
    _org, _employer, wanted = _firm("Vald AB")
    _org2, _employer2, other = _firm("Annan AB")
    page = login_as("staff").get(f"/staff/events/new?request={wanted.id}").get_data(
        as_text=True)
    assert f'value="{wanted.id}"' in page and f'value="{other.id}"' in page
    assert _ticked(page) == {str(wanted.id)}
    assert 'value="20"' in page  # places for job seekers by default


def test_a_bad_event_form_keeps_what_was_typed(login_as):
    client = login_as("staff")
    response = submit(client, "/staff/events/new", _form(
        title="", start_time="14:00", end_time="13:00", location="", online_url="",
        capacity="0", description="Behåll den här texten"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for field in ("title", "end_time", "location", "capacity"):
        assert f'href="#{field}"' in html
        assert f'id="{field}"' in html
    assert 'aria-invalid="true"' in html
    assert "Behåll den här texten" in html
    response = submit(client, "/staff/events/new", _form(
        location="", online_url="ftp://example.se/möte", start_time="25:00"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'href="#online_url"' in html and 'href="#start_time"' in html
    assert 'href="#location"' not in html  # a link was given, though a wrong one
    assert db.session.scalar(select(func.count()).select_from(RecruitmentEvent)) == 0
    # Online only is fine.
    response = submit(client, "/staff/events/new", _form(
        location="", online_url="https://mote.example.se/traff", occupation_code=""))
    assert response.status_code == 302


def test_two_staff_editing_an_event_the_second_is_told(login_as):
    event = factories.make_event()
    client = login_as("staff")
    url = f"/staff/events/{event.id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert 'value="09:00"' in page
    first = {**hidden_inputs(page), **_form(capacity="25")}
    second = {**hidden_inputs(page), **_form(capacity="12", location="Landvetter")}
    assert client.post(url, data=first).status_code == 302
    response = client.post(url, data=second)
    assert response.status_code == 409
    assert 'value="Landvetter"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert (event.capacity, event.location) == (25, "Medborgarhuset, Mölnlycke")


def test_capacity_cannot_go_below_those_invited():
    staff = factories.make_user("staff")
    event = factories.make_event(staff, capacity=3)
    for _ in range(2):
        services.invite(event, factories.make_participant(actor=staff), actor=staff)
    with pytest.raises(DomainError) as refused:
        services.update_event(event, values={"capacity": 1}, actor=staff,
                              expected_version=None)
    assert refused.value.field == "capacity"


# --- life cycle ------------------------------------------------------------------------------

def test_held_only_from_the_day_and_a_cancellation_told_to_those_coming(login_as, smtp):
    staff = factories.make_user("staff")
    coming, _e1, _r1 = _firm("Kommer AB")
    unsure, unsure_admin, _r2 = _firm("Osäker AB")
    away, away_admin, _r3 = _firm("Kan inte AB")
    event = factories.make_event(staff, organisations=[coming, unsure, away])
    services.respond(event, away, Response.DECLINED, actor=away_admin)
    db.session.commit()
    client = login_as(staff)
    view = f"/staff/events/{event.id}"
    response = submit(client, f"{view}/transition", {"to": "held"}, get_url=view)
    assert response.status_code == 422 and 'href="#to"' in response.get_data(as_text=True)
    response = submit(client, f"{view}/transition", {"to": "cancelled", "reason": ""},
                      get_url=view)
    assert response.status_code == 422 and 'href="#reason"' in response.get_data(as_text=True)
    smtp.clear()
    response = submit(client, f"{view}/transition",
                      {"to": "cancelled", "reason": "Lokalen är inte tillgänglig."},
                      get_url=view)
    assert response.status_code == 302
    db.session.expire_all()
    assert event.state == EventState.CANCELLED
    mail = smtp.last_to(unsure_admin.email)
    assert "Lokalen är inte tillgänglig." in mail_text(mail)
    assert not smtp.to(away_admin.email)  # said it could not come: not told again
    assert services.allowed_moves(event) == []
    # Nothing moves a cancelled event, nor an event that is held, back.
    with pytest.raises(DomainError):
        services.transition(event, EventState.HELD, actor=staff)
    past = factories.make_event(staff, event_date=local_today())
    services.transition(past, EventState.HELD, actor=staff)  # on the day itself
    with pytest.raises(DomainError):
        services.transition(past, EventState.CANCELLED, actor=staff, reason="Sent.")


# --- organisations -----------------------------------------------------------------------------

def test_staff_add_change_and_remove_organisations(login_as, smtp):
    event = factories.make_event()
    org = factories.make_organisation(name="Tillagd AB", sectors=["cleaning"])
    employer = factories.employer_of(org)
    client = login_as("staff")
    view = f"/staff/events/{event.id}"
    response = submit(client, f"{view}/organisations",
                      {"organisation_id": str(org.id), "role": "host", "vacancies": "3"},
                      get_url=view)
    assert response.status_code == 302
    assert "Rekryteringsträff lokalvård" in smtp.last_to(employer.email)["Subject"]
    smtp.clear()
    response = submit(client, f"{view}/organisations",
                      {"organisation_id": str(org.id), "role": "recruiter",
                       "vacancies": "-1"}, get_url=view)
    assert response.status_code == 422 and 'href="#vacancies"' in response.get_data(
        as_text=True)
    # Changing starts from what is recorded, and sends no second invitation.
    page = client.get(f"{view}?org={org.id}").get_data(as_text=True)
    form = page[page.index('id="organisation-form"'):]
    assert 'value="3"' in form
    response = submit(client, f"{view}/organisations",
                      {"organisation_id": str(org.id), "role": "recruiter",
                       "vacancies": "5"}, get_url=view)
    assert response.status_code == 302 and not smtp.to(employer.email)
    db.session.expire_all()
    [participation] = event.organisations
    assert (participation.role, participation.vacancies) == ("recruiter", 5)
    response = submit(client, f"{view}/organisations/remove",
                      {"organisation_id": str(org.id)}, get_url=view)
    assert response.status_code == 302
    db.session.expire_all()
    assert event.organisations == []
    assert login_as(employer).get(
        f"/organisations/{org.id}/events/{event.id}").status_code == 404


# --- employers ---------------------------------------------------------------------------------

def test_employers_confirm_or_decline_and_the_planner_is_told(login_as, smtp):
    planner = factories.make_user("staff")
    org, employer, req = _firm("Svarar AB")
    event = factories.make_event(planner, request_ids=[req.id])
    services.invite(event, factories.make_participant(actor=planner), actor=planner)
    db.session.commit()
    client = login_as(employer)
    dashboard = client.get("/organisation").get_data(as_text=True)
    assert f"/organisations/{org.id}/events/{event.id}" in dashboard
    index = client.get(f"/organisations/{org.id}/events").get_data(as_text=True)
    assert "Rekryteringsträff lokalvård" in index
    url = f"/organisations/{org.id}/events/{event.id}"
    page = client.get(url).get_data(as_text=True)
    assert "09:00" in page and "Medborgarhuset" in page
    assert 'value="confirmed"' in page and 'value="declined"' in page
    response = submit(client, url, {"answer": "confirmed"})
    assert response.status_code == 302
    db.session.expire_all()
    participation = services.participation_for(event, org)
    assert participation.response == Response.CONFIRMED
    assert participation.responded_by_id == employer.id
    assert "Svarar AB" in smtp.last_to(planner.email)["Subject"]
    response = submit(client, url, {"answer": "maybe"})
    assert response.status_code == 422
    response = submit(client, url, {"answer": "declined"})
    assert response.status_code == 302
    db.session.expire_all()
    assert services.participation_for(event, org).response == Response.DECLINED
    assert len(smtp.to(planner.email)) == 2
    # Staff see the employer's page, but answer nothing for it.
    staff_client = login_as("staff")
    assert staff_client.get(url).status_code == 200
    assert submit(staff_client, url, {"answer": "confirmed"}).status_code == 403
    # Another organisation's people see nothing of it.
    outsider_org = factories.make_organisation(sectors=["cleaning"])
    outsider = login_as(factories.employer_of(outsider_org))
    assert outsider.get(url).status_code == 404
    assert outsider.get(f"/organisations/{outsider_org.id}/events/{event.id}").status_code \
        == 404
    assert outsider.get(f"/organisations/{outsider_org.id}/events/{event.id}.ics"
                        ).status_code == 404
    assert outsider.get(f"/staff/events/{event.id}").status_code == 403


def test_the_staff_pages_count_answers(login_as):
    staff = factories.make_user("staff")
    orgs = [factories.make_organisation(sectors=["cleaning"]) for _ in range(3)]
    event = factories.make_event(staff, organisations=orgs)
    services.respond(event, orgs[0], Response.CONFIRMED, actor=factories.employer_of(orgs[0]))
    db.session.commit()
    assert services.counts([event.id])[event.id] == services.Counts(
        confirmed=1, unanswered=2, declined=0, invited=0)
    page = login_as(staff).get("/staff/events/").get_data(as_text=True)
    row = page[page.index(f"/staff/events/{event.id}"):]
    row = row[:row.index("</tr>")]
    assert '<td class="numeric">1</td><td class="numeric">2</td>' in row


# --- job seekers invited -------------------------------------------------------------------------

def test_invite_by_case_reference_or_from_the_matching_list_within_the_places(login_as):
    staff = factories.make_user("staff")
    event = factories.make_event(staff, capacity=2)
    fits = factories.make_participant("Passar", actor=staff)
    also = factories.make_participant("Ocksa", actor=staff)
    other_sector = factories.make_participant("Annan", sectors=("transport",), actor=staff)
    late = factories.make_participant("Sen", actor=staff)
    client = login_as(staff)
    view = f"/staff/events/{event.id}"
    page = client.get(view).get_data(as_text=True)
    matching = page[page.index('id="matching-title"'):]
    assert fits.case_reference in matching and also.case_reference in matching
    assert other_sector.case_reference not in matching
    response = submit(client, f"{view}/invitations", {"case_reference": "F-99999"},
                      get_url=view)
    assert response.status_code == 422 and 'href="#case_reference"' in response.get_data(
        as_text=True)
    response = submit(client, f"{view}/invitations",
                      {"case_reference": fits.case_reference.lower()}, get_url=view)
    assert response.status_code == 302
    page = client.get(view).get_data(as_text=True)
    assert fits.case_reference not in page[page.index('id="matching-title"'):]
    # Twice is refused, by the field.
    response = submit(client, f"{view}/invitations",
                      {"case_reference": fits.case_reference}, get_url=view)
    assert response.status_code == 422
    assert submit(client, f"{view}/invitations", {"case_reference": also.case_reference},
                  get_url=view).status_code == 302
    response = submit(client, f"{view}/invitations", {"case_reference": late.case_reference},
                      get_url=view)  # full
    assert response.status_code == 422 and 'href="#case_reference"' in response.get_data(
        as_text=True)
    assert services.invited_count(event) == 2
    first = db.session.scalar(select(EventInvitation).where(
        EventInvitation.participant_id == fits.id))
    response = submit(client, f"{view}/invitations/{first.id}/remove", {}, get_url=view)
    assert response.status_code == 302
    assert services.invited_count(event) == 1
    assert submit(client, f"{view}/invitations", {"case_reference": late.case_reference},
                  get_url=view).status_code == 302
    # Another event's invitation is not this event's to remove.
    other = factories.make_event(staff)
    theirs = services.invite(other, fits, actor=staff)
    db.session.commit()
    assert submit(client, f"{view}/invitations/{theirs.id}/remove", {},
                  get_url=view).status_code == 404


def test_attendance_once_held_on_one_plain_form(login_as):
    staff = factories.make_user("staff")
    planned = factories.make_event(staff)
    client = login_as(staff)
    response = client.get(f"/staff/events/{planned.id}/attendance")
    assert response.status_code == 302  # not before it is held
    event, invited = _held_event(staff, people=3)
    url = f"/staff/events/{event.id}/attendance"
    page = client.get(url).get_data(as_text=True)
    ids = [str(i.id) for i in invited]
    data = {**hidden_inputs(page), "invitation_id": ids,
            "attendance": ["attended", "absent", "maybe"]}
    response = client.post(url, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'href="#attendance-{ids[2]}"' in html and 'aria-invalid="true"' in html
    assert {i.attendance for i in services.invitations(event)} == {Attendance.INVITED}
    data["attendance"] = ["attended", "absent", "attended"]
    assert client.post(url, data=data).status_code == 302
    db.session.expire_all()
    assert [i.attendance for i in invited] == ["attended", "absent", "attended"]
    data["invitation_id"] = [ids[0], ids[0], ids[1]]  # not from the page
    assert client.post(url, data=data).status_code == 422


def test_results_with_named_hires_become_outcomes(login_as):
    staff = factories.make_user("staff")
    org = factories.make_organisation(name="Anställer AB", sectors=["cleaning"])
    rival = factories.make_organisation(name="Konkurrent AB", sectors=["cleaning"])
    event, invited = _held_event(staff, organisations=[org, rival], people=4)
    services.save_attendance(event, {invited[0].id: Attendance.ATTENDED,
                                     invited[1].id: Attendance.ATTENDED,
                                     invited[2].id: Attendance.ATTENDED,
                                     invited[3].id: Attendance.ABSENT}, actor=staff)
    db.session.commit()
    client = login_as(staff)
    url = f"/staff/events/{event.id}/results?org={org.id}"
    page = client.get(url).get_data(as_text=True)
    # Only those who came can be ticked.
    assert invited[3].participant.case_reference not in page
    assert invited[0].participant.case_reference in page
    came = [str(i.participant_id) for i in invited[:3]]
    # More named than hired: refused by the field.
    response = submit(client, url, {"interviews": "3", "offers": "2", "hires": "1",
                                    "hired": came[:2]})
    assert response.status_code == 422 and 'href="#hired"' in response.get_data(as_text=True)
    response = submit(client, url, {"interviews": "x", "offers": "-1", "hires": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert all(f'href="#{f}"' in html for f in ("interviews", "offers", "hires"))
    # More offers than interviews is allowed (offers without an interview happen).
    response = submit(client, url, {"interviews": "1", "offers": "3", "hires": "2",
                                    "hired": came[:2]})
    assert response.status_code == 302
    db.session.expire_all()
    participation = services.participation_for(event, org)
    assert (participation.interviews, participation.offers, participation.hires) == (1, 3, 2)
    for invitation in invited[:2]:
        found = outcomes.find(invitation.participant, "end", event_id=event.id)
        assert (found.status, found.organisation_id) == ("employed", org.id)
    # The rival cannot name someone already hired by Anställer AB.
    with pytest.raises(DomainError) as refused:
        services.save_results(event, rival, actor=staff, interviews=1, offers=1, hires=1,
                              hired_ids=[invited[0].participant_id])
    assert refused.value.field == "hired"
    services.save_results(event, rival, actor=staff, interviews=1, offers=1, hires=1,
                          hired_ids=[invited[2].participant_id])
    db.session.commit()
    # Un-ticking removes that event outcome, but only the one naming this organisation.
    page = client.get(url).get_data(as_text=True)
    response = client.post(url, data={**hidden_inputs(page), "interviews": "1",
                                      "offers": "3", "hires": "2", "hired": [came[1]]})
    assert response.status_code == 302
    db.session.expire_all()
    assert outcomes.find(invited[0].participant, "end", event_id=event.id) is None
    assert outcomes.find(invited[1].participant, "end", event_id=event.id) is not None
    kept = outcomes.find(invited[2].participant, "end", event_id=event.id)
    assert kept.organisation_id == rival.id
    # Someone recorded as hired cannot then be marked as not having come.
    with pytest.raises(DomainError):
        services.save_attendance(event, {invited[1].id: Attendance.ABSENT}, actor=staff)
    # The employer sees its own figures, no names.
    employer_page = login_as(factories.employer_of(org)).get(
        f"/organisations/{org.id}/events/{event.id}").get_data(as_text=True)
    assert 'id="results-title"' in employer_page
    for invitation in invited:
        assert invitation.participant.case_reference not in employer_page


def test_results_edited_by_two_staff_the_second_is_told(login_as):
    staff = factories.make_user("staff")
    org = factories.make_organisation(sectors=["cleaning"])
    event, _invited = _held_event(staff, organisations=[org])
    client = login_as(staff)
    url = f"/staff/events/{event.id}/results?org={org.id}"
    page = client.get(url).get_data(as_text=True)
    first = {**hidden_inputs(page), "interviews": "4", "offers": "2", "hires": "1"}
    second = {**hidden_inputs(page), "interviews": "9", "offers": "9", "hires": "9"}
    assert client.post(url, data=first).status_code == 302
    assert client.post(url, data=second).status_code == 409
    db.session.expire_all()
    assert services.participation_for(event, org).interviews == 4


# --- no participant data for employers --------------------------------------------------------

SECRETS = {"first_name": "Zebulonia", "last_name": "Quarterovska",
           "case_reference": "ZQX-77123", "email": "zebulonia.q@hemlig.example",
           "phone": "070-999 88 77"}


def test_no_participant_data_reaches_any_employer_page_file_or_mail(login_as, smtp):
    staff = factories.make_user("staff")
    org, employer, req = _firm("Diskret AB")
    event = factories.make_event(staff, request_ids=[req.id],
                                 event_date=local_today() - timedelta(days=2))
    person = factories.make_participant(actor=staff, **SECRETS)
    plain = factories.make_participant("Vanlig", actor=staff)
    for p in (person, plain):
        services.invite(event, p, actor=staff)
    services.respond(event, org, Response.CONFIRMED, actor=employer)
    # A second event, cancelled, in which the person is also invited.
    other = factories.make_event(staff, organisations=[org])
    services.invite(other, person, actor=staff)
    services.transition(other, EventState.CANCELLED, actor=staff, reason="Inställd.")
    services.transition(event, EventState.HELD, actor=staff)
    invitations = {i.participant_id: i for i in services.invitations(event)}
    services.save_attendance(event, {i.id: Attendance.ATTENDED
                                     for i in invitations.values()}, actor=staff)
    services.save_results(event, org, actor=staff, interviews=2, offers=1, hires=1,
                          hired_ids=[person.id])
    db.session.commit()
    client = login_as(employer)
    base = f"/organisations/{org.id}"
    pages = ["/organisation", f"{base}/events", f"{base}/events/{event.id}",
             f"{base}/events/{event.id}.ics", f"{base}/events/{other.id}",
             f"{base}/events/{other.id}.ics", f"{base}/requests/{req.id}",
             f"{base}/requests"]
    secrets = [*SECRETS.values(), person.full_name, plain.first_name, plain.case_reference]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.get_data(as_text=True)
        for secret in secrets:
            assert secret not in body, (url, secret)
    # Only the count of those invited is shown.
    assert ">2</dd>" in client.get(f"{base}/events/{event.id}").get_data(as_text=True)
    # The staff calendar file holds no one either.
    staff_ics = login_as(staff).get(f"/staff/events/{event.id}.ics").get_data(as_text=True)
    assert not any(secret in staff_ics for secret in secrets)
    deliver()
    queued = list(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.related_type == "recruitment_events")))
    assert {m.template for m in queued} >= {"event_invitation", "event_cancelled",
                                            "event_response_staff"}
    for message in queued:
        for secret in secrets:
            assert secret not in message.subject + message.body_text + message.body_html
    assert smtp.to(employer.email)
    for message in smtp.messages:
        for secret in secrets:
            assert secret not in message.as_string(), secret


# --- lists and files ---------------------------------------------------------------------------

def test_the_staff_list_filters_as_a_plain_form_and_with_htmx(app, login_as):
    staff = factories.make_user("staff")
    soon = factories.make_event(staff, title="Snart AB-träff")
    past = factories.make_event(staff, title="Förra träffen",
                                event_date=local_today() - timedelta(days=10))
    kitchen = factories.make_event(staff, title="Köksträffen", sector="kitchen",
                                   occupation_code="9412")
    services.transition(past, EventState.HELD, actor=staff)
    db.session.commit()
    client = login_as(staff)

    def shown(query):
        body = client.get(f"/staff/events/{query}").get_data(as_text=True)
        return {e.title for e in (soon, past, kitchen) if e.title in body}

    assert shown("") == {soon.title, past.title, kitchen.title}
    assert shown("?when=upcoming") == {soon.title, kitchen.title}
    assert shown("?when=past") == {past.title}
    assert shown("?state=held") == {past.title}
    assert shown("?sector=kitchen") == {kitchen.title}
    assert shown("?state=%00&sector=x&when=y&page=abc") == {soon.title, past.title,
                                                              kitchen.title}
    app.config["PAGE_SIZE"], size = 2, app.config["PAGE_SIZE"]
    try:
        response = client.get("/staff/events/?when=upcoming",
                              headers={"HX-Request": "true", "HX-Target": "events"})
        full = client.get("/staff/events/?page=2")
    finally:
        app.config["PAGE_SIZE"] = size
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<div id="events"')
    assert "HX-Request" in response.headers.get("Vary", "")
    assert "<html" in full.get_data(as_text=True) and "page=1" in full.get_data(
        as_text=True)


def test_calendar_files_in_the_portal_time_zone(app, login_as):
    from icalendar import Calendar

    org = factories.make_organisation(sectors=["cleaning"])
    event = factories.make_event(organisations=[org], online_url="https://mote.example.se/t")
    for client, url in ((login_as("staff"), f"/staff/events/{event.id}.ics"),
                        (login_as(factories.employer_of(org)),
                         f"/organisations/{org.id}/events/{event.id}.ics")):
        response = client.get(url)
        assert response.mimetype == "text/calendar"
        [entry] = Calendar.from_ical(response.get_data()).walk("VEVENT")
        start, end = entry.decoded("DTSTART"), entry.decoded("DTEND")
        assert (start.date(), start.hour, start.minute) == (event.event_date, 9, 0)
        assert end.hour == 12
        assert start.tzinfo is not None
        assert str(start.tzinfo) == app.config["BABEL_DEFAULT_TIMEZONE"] or \
            entry["DTSTART"].params.get("TZID") == app.config["BABEL_DEFAULT_TIMEZONE"]
        assert "Medborgarhuset" in str(entry["LOCATION"])
        assert "https://mote.example.se/t" in str(entry["URL"])
        assert "https://mote.example.se/t" in str(entry["DESCRIPTION"])


def test_every_change_is_in_the_change_log(login_as):
    staff = factories.make_user("staff", full_name="Loggad Handläggare")
    org = factories.make_organisation(sectors=["cleaning"])
    event = factories.make_event(staff, organisations=[org])
    services.update_event(event, values={"capacity": 30}, actor=staff, expected_version=None)
    services.invite(event, factories.make_participant(actor=staff), actor=staff)
    services.transition(event, EventState.CANCELLED, actor=staff, reason="Ingen lokal.")
    db.session.commit()
    actions = [a for (a,) in db.session.execute(select(AuditEvent.action).where(
        AuditEvent.object_type == "recruitment_events", AuditEvent.object_id == event.id)
        .order_by(AuditEvent.id))]
    assert actions == ["event.created", "event.organisation_added", "event.updated",
                       "invitation.added", "event.transition"]
    page = login_as(staff).get(f"/staff/events/{event.id}").get_data(as_text=True)
    log = page[page.index('id="history-title"'):]
    assert all(a in log for a in actions) and "Loggad Handläggare" in log
    assert "20 → 30" in log


# --- demo data -----------------------------------------------------------------------------

def test_the_demo_seed_makes_a_held_and_a_planned_event_once(app, monkeypatch):
    from portal.core.demo import CASE_OFFICER, load
    from portal.events.demo import seed

    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    list(load())
    from portal.accounts.services import get_by_email

    staff = get_by_email(CASE_OFFICER)
    already = db.session.scalar(select(func.count()).select_from(RecruitmentEvent))
    if already:  # the portal's demo calls the seed itself
        assert seed(staff=staff, today=local_today()) == []
    else:
        assert seed(staff=staff, today=local_today())
        db.session.commit()
        assert seed(staff=staff, today=local_today()) == []
    events = {e.state: e for e in db.session.scalars(select(RecruitmentEvent))}
    assert set(events) == {EventState.HELD, EventState.PLANNED}
    held, planned = events[EventState.HELD], events[EventState.PLANNED]
    assert held.event_date < local_today() <= planned.event_date
    assert any(p.hires for p in held.organisations)
    assert services.hired_by(held)
    assert {i.attendance for i in services.invitations(held)} <= {Attendance.ATTENDED,
                                                                  Attendance.ABSENT}
    assert Response.CONFIRMED in {p.response for p in planned.organisations}
    assert len(planned.organisations) >= 2 and services.invited_count(planned) > 0


# --- two staff taking the last place at once ---------------------------------------------------

@pytest.mark.committed
def test_two_staff_inviting_into_the_last_place_at_once_one_is_refused(app):
    """Two connections invite two people into the last place at the same moment: the row
    lock lets one in; the other, once it may count, finds the event full."""
    import threading

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("needs PostgreSQL's row locks (SQLite has one writer at a time)")
    from portal.accounts.models import User
    from portal.participants.models import Participant

    with app.app_context():
        staff = factories.make_user("staff")
        event = factories.make_event(staff, capacity=1)
        people = [factories.make_participant(actor=staff) for _ in range(2)]
        ids = (event.id, [p.id for p in people], staff.id)
        db.session.commit()
    results, errors = [], []
    barrier = threading.Barrier(2)

    def take(person_id):
        try:
            with app.app_context():
                actor = db.session.get(User, ids[2])
                found = db.session.get(RecruitmentEvent, ids[0])
                person = db.session.get(Participant, person_id)
                barrier.wait(timeout=10)
                try:
                    services.invite(found, person, actor=actor)
                except DomainError as exc:
                    results.append(("refused", exc.field))
                    db.session.rollback()
                else:
                    results.append(("invited", None))
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
        assert sorted(results) == [("invited", None), ("refused", "case_reference")]
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(EventInvitation).where(
                EventInvitation.event_id == ids[0])) == 1
    finally:
        with app.app_context():
            db.session.execute(db.delete(RecruitmentEvent).where(
                RecruitmentEvent.id == ids[0]))
            db.session.execute(db.delete(Participant).where(Participant.id.in_(ids[1])))
            db.session.execute(db.delete(User).where(User.id == ids[2]))
            db.session.commit()  # (their audit events stay: the trail is append-only)
