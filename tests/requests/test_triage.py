"""The staff inbox: filters, search, sorting, htmx, and assigning requests."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from urllib.parse import unquote

import pytest
from sqlalchemy import select, update

from portal.core.dates import local_today
from portal.core.models import AuditEvent
from portal.extensions import db
from portal.requests import services
from portal.requests.enums import RequestState
from portal.requests.models import ServiceRequest
from tests import factories
from tests.support import hidden_inputs, mail_link, path_of, submit

S = RequestState


@pytest.fixture
def desk(app):
    cleaning = factories.make_organisation(name="Alfa Städ AB", sectors=["cleaning"])
    haulage = factories.make_organisation(name="Beta Åkeri AB", sectors=["transport"])
    staff = factories.make_user("staff", full_name="Omar Haddad")
    a, b = factories.employer_of(cleaning), factories.employer_of(haulage)
    course = factories.make_request(cleaning, a, "tailored_course", submit=True,
                                    skill="Lokalvård med maskiner")
    event = factories.make_request(haulage, b, "recruitment_event", submit=True,
                                   roles="Lastbilschaufförer CE")
    placement = factories.make_request(haulage, b, "placement", submit=True)
    services.assign(placement, staff, actor=staff)
    # The event's first response was due last week.
    db.session.execute(update(ServiceRequest).where(ServiceRequest.id == event.id)
                       .values(first_response_due=local_today() - timedelta(days=7)))
    factories.make_request(cleaning, a)  # a draft: never in the inbox
    db.session.commit()
    return {"staff": staff, "course": course, "event": event, "placement": placement,
            "cleaning": cleaning}


def refs(client, query=""):
    body = client.get(f"/staff/requests/?{query}").get_data(as_text=True)
    return {r.reference for r in db.session.scalars(select(ServiceRequest))
            if r.reference and f">{r.reference}<" in body}


def test_filters_search_and_sorting(login_as, desk):
    client = login_as(desk["staff"])
    course, event, placement = (desk[k].reference for k in ("course", "event", "placement"))
    assert refs(client) == {course, event, placement}
    assert refs(client, "kind=tailored_course") == {course}
    assert refs(client, "sector=transport") == {event, placement}
    assert refs(client, "assignee=me") == {placement}
    assert refs(client, "assignee=none") == {course, event}
    assert refs(client, "overdue=1") == {event}
    assert refs(client, "q=alfa") == {course}
    assert refs(client, "q=maskiner") == {course}
    assert refs(client, f"q={event}") == {event}
    assert refs(client, f"q={desk['cleaning'].display_number}") == {course}
    today = local_today()
    assert refs(client, f"from={today}&to={today}") == {course, event, placement}
    assert refs(client, f"from={today + timedelta(days=1)}") == set()
    assert refs(client, "state=in_review") == set()
    # Sorted by due date, the overdue request comes first and is marked.
    body = client.get("/staff/requests/?sort=due").get_data(as_text=True)
    assert body.index(event) < body.index(course)
    assert "Försenad" in body or "Overdue" in body
    # Nonsense in the query string is ignored, not an error.
    assert client.get("/staff/requests/?kind=x&page=-1&from=2026-02-31&sort=drop"
                      ).status_code == 200


def test_htmx_gets_just_the_list(login_as, desk):
    client = login_as(desk["staff"])
    response = client.get("/staff/requests/?kind=placement",
                          headers={"HX-Request": "true", "HX-Target": "inbox"})
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<div id="inbox">') and "<html" not in body
    assert desk["placement"].reference in body and desk["course"].reference not in body
    assert "HX-Request" in response.headers["Vary"]


def test_take_a_request_from_the_list_and_give_one_to_a_colleague(login_as, desk, smtp):
    me = desk["staff"]
    colleague = factories.make_user("staff", full_name="Maja Lindqvist")
    client = login_as(me)
    course = desk["course"]
    page = client.get("/staff/requests/").get_data(as_text=True)
    token = hidden_inputs(page)["csrf_token"]
    response = client.post(f"/staff/requests/{course.id}/assign",
                           data={"csrf_token": token, "assignee": "me",
                                 "version_id": str(course.version_id),
                                 "next": "/staff/requests/?kind=tailored_course"})
    assert response.headers["Location"] == "/staff/requests/?kind=tailored_course"
    db.session.expire_all()
    assert db.session.get(ServiceRequest, course.id).assigned_to_id == me.id
    assert smtp.to(me.email) == []  # no mail to oneself
    response = submit(client, f"/staff/requests/{course.id}/assign",
                      {"assignee": str(colleague.id)}, get_url=f"/staff/requests/{course.id}")
    assert response.status_code == 302
    mail = smtp.last_to(colleague.email)
    assert course.reference in mail["Subject"]
    assert path_of(mail_link(mail, "/staff/requests/")) == f"/staff/requests/{course.id}"
    changes = db.session.scalars(select(AuditEvent.changes).where(
        AuditEvent.action == "request.assigned", AuditEvent.object_id == course.id)).all()
    assert changes[-1]["assigned_to_id"] == {"before": me.id, "after": colleague.id}


def test_a_stale_assignment_is_refused(login_as, desk):
    course = desk["course"]
    one, two = login_as(desk["staff"]), login_as(factories.make_user("staff"))
    stale = hidden_inputs(two.get(f"/staff/requests/{course.id}").get_data(as_text=True))
    submit(one, f"/staff/requests/{course.id}/assign", {"assignee": "me"},
           get_url=f"/staff/requests/{course.id}")
    two.post(f"/staff/requests/{course.id}/assign", data={**stale, "assignee": "me"})
    db.session.expire_all()
    assert db.session.get(ServiceRequest, course.id).assigned_to_id == desk["staff"].id


def test_only_active_staff_can_be_given_a_request(login_as, desk):
    employer = factories.employer_of(desk["cleaning"])
    client = login_as(desk["staff"])
    submit(client, f"/staff/requests/{desk['course'].id}/assign",
           {"assignee": str(employer.id)}, get_url=f"/staff/requests/{desk['course'].id}")
    db.session.expire_all()
    assert db.session.get(ServiceRequest, desk["course"].id).assigned_to_id is None


def test_my_day_shows_what_is_due(login_as, desk):
    staff = desk["staff"]
    services.assign(desk["event"], staff, actor=staff)  # overdue, now mine
    db.session.commit()
    body = login_as(staff).get("/staff/requests/my-day").get_data(as_text=True)
    overdue = body[body.index('id="overdue-title"'):body.index('id="soon-title"')]
    assert desk["event"].reference in overdue
    assert desk["placement"].reference not in overdue
    unassigned = body[body.index('id="unassigned-title"'):]
    assert desk["course"].reference in unassigned
    assert desk["event"].reference not in unassigned


def test_staff_read_the_change_log_of_a_request(login_as, desk):
    staff = desk["staff"]
    course = desk["course"]
    services.transition(course, S.NEEDS_INFO, actor=staff, reason="Hur många veckor?")
    services.update_request(course, values={"max_weeks": 10}, actor=course.created_by)
    services.assign(course, staff, actor=staff)
    db.session.commit()
    body = login_as(staff).get(f"/staff/requests/{course.id}").get_data(as_text=True)
    log = body[body.index('id="audit-title"'):body.index('id="mails-title"')]
    assert "Inskickad → Behöver mer information" in log
    assert "14 → 10" in log
    assert f"– → {staff.full_name}" in log
    # The employer's page has no change log.
    employer_page = login_as(course.created_by).get(
        f"/organisations/{course.organisation_id}/requests/{course.id}").get_data(as_text=True)
    assert 'id="audit-title"' not in employer_page


def test_inline_next_step_from_the_list_answers_with_the_row(login_as, desk):
    client = login_as(desk["staff"])
    course = desk["course"]
    page = client.get("/staff/requests/").get_data(as_text=True)
    token = hidden_inputs(page)["csrf_token"]
    response = client.post(f"/staff/requests/{course.id}/transition",
                           data={"csrf_token": token, "to": "in_review",
                                 "version_id": str(course.version_id),
                                 "next": "/staff/requests/"},
                           headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and body.lstrip().startswith(f'<tr id="row-{course.id}"')
    assert "Granskas" in body  # the new status, and the next step offered
    db.session.expire_all()
    assert db.session.get(ServiceRequest, course.id).state == S.IN_REVIEW
    # The same click again is stale: nothing changes and the list is reloaded.
    again = client.post(f"/staff/requests/{course.id}/transition",
                        data={"csrf_token": token, "to": "in_review",
                              "version_id": str(course.version_id), "next": "/staff/requests/"},
                        headers={"HX-Request": "true"})
    assert again.headers.get("HX-Redirect") == "/staff/requests/"
    # Without JavaScript the form redirects back to the list.
    db.session.expire_all()
    current = db.session.get(ServiceRequest, course.id).version_id
    plain = client.post(f"/staff/requests/{course.id}/transition",
                        data={"csrf_token": token, "to": "in_progress",
                              "version_id": str(current),
                              "next": "/staff/requests/?kind=tailored_course"})
    assert plain.headers["Location"] == "/staff/requests/?kind=tailored_course"


def test_bulk_assign_and_move_after_a_confirmation(login_as, desk):
    staff = desk["staff"]
    client = login_as(staff)
    ids = [str(desk[k].id) for k in ("course", "event", "placement")]
    token = hidden_inputs(client.get("/staff/requests/").get_data(as_text=True))["csrf_token"]
    chosen = client.post("/staff/requests/bulk", data={
        "csrf_token": token, "ids": ids, "bulk_action": "assign:me",
        "next": "/staff/requests/"})
    confirm = client.get(chosen.headers["Location"])
    body = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "2 förfrågningar kommer att ändras" in body
    db.session.expire_all()
    assert db.session.get(ServiceRequest, desk["course"].id).assigned_to_id is None  # not yet
    assert all(f'name="ids" value="{i}"' in body for i in ids)
    done = client.post("/staff/requests/bulk", data={**hidden_inputs(body), "ids": ids})
    assert done.headers["Location"] == "/staff/requests/"
    db.session.expire_all()
    assert {db.session.get(ServiceRequest, int(i)).assigned_to_id for i in ids} == {staff.id}
    # Moving all three to "in progress": each is allowed from "submitted".
    chosen = client.post("/staff/requests/bulk", data={
        "csrf_token": token, "ids": ids, "bulk_action": "state:in_progress",
        "next": "/staff/requests/"})
    body = client.get(chosen.headers["Location"]).get_data(as_text=True)
    client.post("/staff/requests/bulk", data={**hidden_inputs(body), "ids": ids})
    db.session.expire_all()
    assert {db.session.get(ServiceRequest, int(i)).state for i in ids} == {S.IN_PROGRESS}
    # A move that needs a reason is not offered in bulk.
    response = client.post("/staff/requests/bulk", data={
        "csrf_token": token, "ids": ids, "bulk_action": "state:declined",
        "confirm": "yes", "next": "/staff/requests/"})
    assert response.status_code == 302
    db.session.expire_all()
    assert {db.session.get(ServiceRequest, int(i)).state for i in ids} == {S.IN_PROGRESS}


def test_save_and_next_walks_the_filtered_list(login_as, desk):
    client = login_as(desk["staff"])
    # Transport requests, oldest first: the event, then the placement.
    listing = client.get("/staff/requests/?sector=transport&sort=oldest").get_data(as_text=True)
    event, placement = desk["event"], desk["placement"]
    link = re.search(rf'href="(/staff/requests/{event.id}\?list=[^"]+)"', listing)
    assert link, "the list's links carry its filters"
    page = client.get(unescape(link.group(1))).get_data(as_text=True)
    response = client.post(f"/staff/requests/{event.id}/transition",
                           data={**hidden_inputs(page), "to": "in_review", "then": "next"})
    location = response.headers["Location"]
    assert location.startswith(f"/staff/requests/{placement.id}?list=")
    assert "sector=transport" in unquote(location)
    # From the last one, "save and next" goes back to the list with a message.
    page = client.get(location).get_data(as_text=True)
    response = client.post(f"/staff/requests/{placement.id}/transition",
                           data={**hidden_inputs(page), "to": "in_review", "then": "next"})
    assert response.headers["Location"].startswith("/staff/requests/?")


def test_a_percent_sign_in_the_search_matches_itself(login_as):
    org = factories.make_organisation(name="Hundra Procent AB")
    factories.make_request(org, factories.employer_of(org), "recruitment_event", submit=True,
                           roles="Säljare 100% tjänst")
    other = factories.make_organisation(name="Annat AB")
    factories.make_request(other, factories.employer_of(other), "recruitment_event",
                           submit=True, roles="Säljare halvtid")
    html = login_as("staff").get("/staff/requests/?q=100%25").get_data(as_text=True)
    assert "Hundra Procent AB" in html and "Annat AB" not in html
    html = login_as("staff").get("/staff/requests/?q=%25").get_data(as_text=True)
    assert "Hundra Procent AB" in html and "Annat AB" not in html
