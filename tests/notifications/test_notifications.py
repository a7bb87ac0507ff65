"""Staff notifications: made when a request is given to someone or the employer
writes or resubmits; mailed as each user chooses; listed, counted and marked read
by their owner only."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.accounts.enums import NotifyByMail
from portal.core.models import OutboxMessage
from portal.extensions import db
from portal.notifications.enums import NotificationKind
from portal.notifications.models import Notification
from portal.requests import services
from portal.requests.enums import RequestState
from tests import factories
from tests.support import hidden_inputs, mail_text, submit

S = RequestState


@pytest.fixture
def org():
    return factories.make_organisation(name="Mölnlycke Lokalvård AB")


@pytest.fixture
def employer(org):
    return factories.employer_of(org, full_name="Eva Johansson")


@pytest.fixture
def req(org, employer):
    return factories.make_request(org, employer, "placement", submit=True)


@pytest.fixture
def boss():
    return factories.make_user("staff_manager", full_name="Karin Chef", locale="en")


@pytest.fixture
def omar():
    return factories.make_user("staff", full_name="Omar Haddad", locale="en")


def notes_of(user) -> list[Notification]:
    db.session.expire_all()
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                   .order_by(Notification.id)))


def mails_to(user, template: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient == user.email, OutboxMessage.template == template)))


def unread_in_header(body: str) -> int | None:
    nav = body[body.index('class="main-nav"'):body.index("</nav>")]
    match = re.search(r'href="/staff/notifications/">Notifications(?: \((\d+))?', nav)
    assert match, "no Notifications link in the header"
    return int(match.group(1)) if match.group(1) else None


# --- made by the request services ----------------------------------------------------------

def test_assigning_notifies_in_the_portal_and_by_mail(req, boss, omar):
    services.assign(req, omar, actor=boss)
    db.session.commit()
    [note] = notes_of(omar)
    assert (note.kind, note.request_id, note.actor_id, note.read_at) == (
        NotificationKind.REQUEST_ASSIGNED, req.id, boss.id, None)
    [mail] = mails_to(omar, "request_assigned")
    assert mail.related_id == req.id


def test_in_the_portal_only_means_no_mail(req, boss, omar):
    omar.notify_by_mail = NotifyByMail.NONE
    db.session.commit()
    services.assign(req, omar, actor=boss)
    db.session.commit()
    assert [n.kind for n in notes_of(omar)] == [NotificationKind.REQUEST_ASSIGNED]
    assert mails_to(omar, "request_assigned") == []


def test_taking_a_request_yourself_notifies_no_one(req, omar):
    services.assign(req, omar, actor=omar)
    db.session.commit()
    assert notes_of(omar) == []
    assert mails_to(omar, "request_assigned") == []


def test_bulk_assignment_notifies_once_per_request(org, employer, boss, omar):
    reqs = [factories.make_request(org, employer, kind, submit=True)
            for kind in ("placement", "mentor_training")]
    action = services.parse_bulk_action(f"assign:{omar.id}", actor=boss)
    assert services.bulk_apply(reqs, action, actor=boss) == (2, 0)
    db.session.commit()
    assert sorted(n.request_id for n in notes_of(omar)) == sorted(r.id for r in reqs)
    assert len(mails_to(omar, "request_assigned")) == 2


def test_the_employer_writing_notifies_the_assignee(req, employer, boss, omar):
    services.assign(req, omar, actor=boss)
    omar.notify_by_mail = NotifyByMail.NONE
    db.session.commit()
    services.post_message(req, author=employer, body="Deltagaren Ahmed börjar på måndag.")
    db.session.commit()
    note = notes_of(omar)[-1]
    assert (note.kind, note.actor_id) == (NotificationKind.REQUEST_MESSAGE, employer.id)
    assert mails_to(omar, "request_message_staff") == []
    assert notes_of(boss) == []  # the assignee hears, not whoever assigned it


def test_resubmission_notifies_the_last_mover_when_no_one_is_assigned(req, employer, omar):
    services.transition(req, S.NEEDS_INFO, actor=omar, reason="Vilka arbetstider?")
    services.submit_request(req, actor=employer)
    db.session.commit()
    [note] = notes_of(omar)
    assert note.kind == NotificationKind.REQUEST_RESUBMITTED
    assert len(mails_to(omar, "request_resubmitted_staff")) == 1


def test_the_shared_inbox_still_gets_mail_and_makes_no_notification(app, req, employer):
    app.config["PORTAL_STAFF_INBOX"] = "enheten@kommun.se"
    try:
        services.post_message(req, author=employer, body="Hej!")
        db.session.commit()
    finally:
        app.config["PORTAL_STAFF_INBOX"] = ""
    assert db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.recipient == "enheten@kommun.se",
        OutboxMessage.template == "request_message_staff")) is not None
    assert db.session.scalar(select(Notification)) is None


def test_the_mail_is_really_sent_after_the_commit(login_as, req, boss, omar, smtp):
    client = login_as(boss)
    response = submit(client, f"/staff/requests/{req.id}/assign",
                      {"assignee": str(omar.id)}, get_url=f"/staff/requests/{req.id}")
    assert response.status_code == 302
    mail = smtp.last_to(omar.email)
    assert f"/staff/requests/{req.id}" in mail_text(mail)
    assert len(notes_of(omar)) == 1


# --- the pages ------------------------------------------------------------------------------

def test_the_list_the_header_count_and_opening_a_request(login_as, org, employer, req, boss,
                                                         omar):
    other = factories.make_request(org, employer, "mentor_training", submit=True)
    services.assign(req, omar, actor=boss)
    services.assign(other, omar, actor=boss)
    services.post_message(req, author=employer, body="Hemligt: personnummer 19850101-1234")
    db.session.commit()
    client = login_as(omar)
    body = client.get("/staff/notifications/").get_data(as_text=True)
    assert unread_in_header(body) == 3
    assert "Karin Chef gave you" in body and req.reference in body
    assert "Eva Johansson at Mölnlycke Lokalvård AB wrote about" in body
    assert "personnummer" not in body  # the notification never carries the message
    assert body.count(f'href="/staff/requests/{req.id}"') == 2
    # Newest first: the message, then the two assignments.
    assert body.index("wrote about") < body.index(f"gave you {other.reference}")
    # Opening the request marks what told me about it as read; the other stays unread.
    assert client.get(f"/staff/requests/{req.id}").status_code == 200
    assert {n.request_id: n.read_at is not None for n in notes_of(omar)} == {
        req.id: True, other.id: False}
    assert unread_in_header(client.get("/staff/").get_data(as_text=True)) == 1


def test_mark_one_and_all_as_read(login_as, org, employer, req, boss, omar):
    services.assign(req, omar, actor=boss)
    services.post_message(req, author=employer, body="Hej!")
    db.session.commit()
    first, _second = notes_of(omar)
    client = login_as(omar)
    page = client.get("/staff/notifications/").get_data(as_text=True)
    token = hidden_inputs(page)["csrf_token"]
    response = client.post(f"/staff/notifications/{first.id}/read", data={"csrf_token": token})
    assert response.status_code == 302
    assert [n.read_at is not None for n in notes_of(omar)] == [True, False]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert unread_in_header(page) == 1
    response = client.post("/staff/notifications/read", data={"csrf_token": token})
    assert response.status_code == 302
    assert all(n.read_at is not None for n in notes_of(omar))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert unread_in_header(page) is None
    assert "Mark all as read" not in page and "1 notification marked as read." in page


def test_marking_needs_the_csrf_token(login_as, req, boss, omar):
    services.assign(req, omar, actor=boss)
    db.session.commit()
    [note] = notes_of(omar)
    client = login_as(omar)
    assert client.post(f"/staff/notifications/{note.id}/read").status_code == 400
    assert client.post("/staff/notifications/read").status_code == 400
    assert notes_of(omar)[0].read_at is None


def test_someone_elses_notification_is_not_found(login_as, req, boss, omar):
    services.assign(req, omar, actor=boss)
    db.session.commit()
    [note] = notes_of(omar)
    colleague = login_as(factories.make_user("staff", locale="en"))
    page = colleague.get("/staff/notifications/").get_data(as_text=True)
    assert req.reference not in page and "No notifications yet." in page
    token = hidden_inputs(page)["csrf_token"]
    assert colleague.post(f"/staff/notifications/{note.id}/read",
                          data={"csrf_token": token}).status_code == 404
    assert colleague.post("/staff/notifications/read",
                          data={"csrf_token": token}).status_code == 302
    assert notes_of(omar)[0].read_at is None  # "mark all" is only one's own


def test_employers_cannot_reach_the_notifications(login_as, employer, req, boss, omar):
    services.assign(req, omar, actor=boss)
    db.session.commit()
    [note] = notes_of(omar)
    client = login_as(employer)
    token = hidden_inputs(client.get("/account").get_data(as_text=True))["csrf_token"]
    assert client.get("/staff/notifications/").status_code == 403
    assert client.post(f"/staff/notifications/{note.id}/read",
                       data={"csrf_token": token}).status_code == 403
    assert client.post("/staff/notifications/read", data={"csrf_token": token}).status_code \
        == 403
    assert "/staff/notifications/" not in client.get("/organisation").get_data(as_text=True)
    assert notes_of(omar)[0].read_at is None


def test_the_list_pages(app, login_as, org, employer, boss, omar):
    per_page = app.config["PAGE_SIZE"]
    reqs = [factories.make_request(org, employer, "recruitment_event", submit=True)
            for _ in range(per_page + 1)]
    for r in reqs:
        services.assign(r, omar, actor=boss)
    db.session.commit()
    client = login_as(omar)
    first = client.get("/staff/notifications/").get_data(as_text=True)
    second = client.get("/staff/notifications/?page=2").get_data(as_text=True)
    assert reqs[-1].reference in first and reqs[0].reference not in first  # newest first
    assert reqs[0].reference in second and 'href="/staff/notifications/?page=2"' in first
    assert client.get("/staff/notifications/?page=%00").status_code == 200


# --- the setting ------------------------------------------------------------------------------

def test_staff_choose_in_the_portal_only_on_my_account(login_as, omar):
    client = login_as(omar)
    page = client.get("/account").get_data(as_text=True)
    assert re.search(r'<input checked [^>]*name="notify_by_mail"[^>]*value="each"', page)
    response = submit(client, "/account", {"full_name": "Omar Haddad", "locale": "en",
                                           "notify_by_mail": "none"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(omar), omar.id).notify_by_mail == NotifyByMail.NONE
    page = client.get("/account").get_data(as_text=True)
    assert re.search(r'<input checked [^>]*name="notify_by_mail"[^>]*value="none"', page)
    response = submit(client, "/account", {"full_name": "Omar Haddad", "locale": "en",
                                           "notify_by_mail": "sometimes"})
    assert response.status_code == 422


def test_employers_neither_see_nor_need_the_setting(login_as, employer):
    client = login_as(employer)
    assert "notify_by_mail" not in client.get("/account").get_data(as_text=True)
    response = submit(client, "/account", {"full_name": "Eva Jonsson", "locale": "sv"})
    assert response.status_code == 302
    # Sent anyway (not from the page), it changes nothing.
    response = submit(client, "/account", {"full_name": "Eva Jonsson", "locale": "sv",
                                           "notify_by_mail": "none"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(employer), employer.id).notify_by_mail == NotifyByMail.EACH
