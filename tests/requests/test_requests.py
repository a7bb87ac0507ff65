"""Service requests as the employer and staff meet them: forms, life cycle, mail,
the conversation, and what never leaks to the employer."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from portal.core.dates import local_today
from portal.core.errors import DomainError
from portal.core.models import AuditEvent, OutboxMessage, OutboxStatus
from portal.extensions import db
from portal.requests import services
from portal.requests.enums import RequestKind, RequestState
from portal.requests.models import RequestSubmission, ServiceRequest
from tests import factories
from tests.support import hidden_inputs, mail_link, mail_text, path_of, submit

S = RequestState


def form_data(kind: str, **overrides) -> dict:
    """A request form as the browser posts it."""
    data = {}
    for key, value in {**factories.request_values(kind), **overrides}.items():
        if isinstance(value, bool):
            if value:
                data[key] = "y"
        elif value is None:
            data[key] = ""
        else:
            data[key] = value if isinstance(value, list) else str(value)
    return data


@pytest.fixture
def org():
    return factories.make_organisation(name="Mölnlycke Lokalvård AB")


@pytest.fixture
def employer(org):
    return factories.employer_of(org, full_name="Eva Johansson")


@pytest.fixture
def staff():
    return factories.make_user("staff", full_name="Omar Haddad")


def new_url(org, kind):
    return f"/organisations/{org.id}/requests/new/{kind}"


def requests_of(org):
    db.session.expire_all()
    return list(db.session.scalars(select(ServiceRequest).where(
        ServiceRequest.organisation_id == org.id).order_by(ServiceRequest.id)))


# --- submitting ------------------------------------------------------------------------

@pytest.mark.parametrize("kind", [k.value for k in RequestKind])
def test_each_kind_submits_with_a_reference_receipt_page_and_mail(login_as, org, employer,
                                                                  smtp, kind):
    colleague = factories.employer_of(org, locale="da", full_name="Mette Hansen")
    client = login_as(employer)
    response = submit(client, new_url(org, kind), {**form_data(kind), "action": "submit"})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    (req,) = requests_of(org)
    year = local_today().year
    assert re.fullmatch(rf"REQ-{year}-\d{{5}}", req.reference)
    assert req.state == S.SUBMITTED and req.submitted_at is not None
    page = client.get(response.headers["Location"])
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and req.reference in body
    # Every contact gets a receipt, in their own language, with a link to the request.
    swedish = smtp.last_to(employer.email)
    danish = smtp.last_to(colleague.email)
    assert req.reference in swedish["Subject"] and "Vi har tagit emot" in swedish["Subject"]
    assert req.reference in danish["Subject"] and "modtaget" in danish["Subject"]
    link = mail_link(swedish, f"/requests/{req.id}")
    assert client.get(path_of(link)).status_code == 200


def test_references_count_up_per_year(app, org, employer):
    first = factories.make_request(org, employer, submit=True)
    second = factories.make_request(org, employer, "mentor_training", submit=True)
    n1 = int(first.reference.rsplit("-", 1)[1])
    n2 = int(second.reference.rsplit("-", 1)[1])
    assert n2 == n1 + 1
    assert services.next_reference(year=1999) == "REQ-1999-00001"
    assert services.next_reference(year=1999) == "REQ-1999-00002"


def test_a_double_clicked_submit_creates_one_request(login_as, org, employer, smtp):
    client = login_as(employer)
    page = client.get(new_url(org, "tailored_course"))
    fields = {**hidden_inputs(page.get_data(as_text=True)), **form_data("tailored_course"),
              "action": "submit"}
    first = client.post(new_url(org, "tailored_course"), data=fields)
    second = client.post(new_url(org, "tailored_course"), data=fields)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert len(requests_of(org)) == 1
    assert len(smtp.to(employer.email)) == 1


def test_submit_succeeds_when_mail_is_down_and_the_mail_waits(login_as, org, employer,
                                                              smtp):
    client = login_as(employer)
    smtp.stop()
    try:
        response = submit(client, new_url(org, "placement"),
                          {**form_data("placement"), "action": "submit"})
    finally:
        smtp.start()
    assert response.status_code == 302
    (req,) = requests_of(org)
    kept = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.related_id == req.id, OutboxMessage.template == "request_receipt"))
    kept = list(kept)
    assert kept and all(m.status == OutboxStatus.PENDING and m.last_error for m in kept)


def test_a_draft_saves_half_done_but_cannot_be_submitted_so(login_as, org, employer):
    client = login_as(employer)
    response = submit(client, new_url(org, "recruitment_event"),
                      {"roles": "Lagerpersonal", "action": "draft"})
    assert response.status_code == 302
    (req,) = requests_of(org)
    assert req.state == S.DRAFT and req.reference is None and req.headcount is None
    # Submitting from the request page sends the employer back to complete it.
    page = client.get(f"/organisations/{org.id}/requests/{req.id}")
    token = hidden_inputs(page.get_data(as_text=True))["csrf_token"]
    response = client.post(f"/organisations/{org.id}/requests/{req.id}/submit",
                           data={"csrf_token": token})
    assert "/edit" in response.headers["Location"]
    assert requests_of(org)[0].state == S.DRAFT


def test_submit_with_gaps_shows_each_error_by_its_field_and_keeps_the_input(login_as, org,
                                                                           employer):
    client = login_as(employer)
    past = (local_today() - timedelta(days=1)).isoformat()
    response = submit(client, new_url(org, "placement"), {
        **form_data("placement", tasks="", period_start=past, supervisor_name=""),
        "roles": "Lagerarbetare <b>nattskift</b>", "action": "submit"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="error-summary"' in body
    assert 'href="#period_start"' in body and 'href="#tasks"' in body
    assert 'href="#supervisor_name"' in body  # a trained supervisor needs a name
    assert "Lagerarbetare &lt;b&gt;nattskift&lt;/b&gt;" in body  # kept, escaped
    assert requests_of(org) == []


@pytest.mark.parametrize(("kind", "overrides", "field"), [
    ("recruitment_event", {"headcount": "0"}, "headcount"),
    ("recruitment_event", {"headcount": "501"}, "headcount"),
    ("recruitment_event", {"headcount": "tolv"}, "headcount"),
    ("placement", {"period_end": "PAST_START"}, "period_end"),
    ("placement", {"hours_per_week": "80"}, "hours_per_week"),
    ("tailored_course", {"hires": "20", "headcount": "15"}, "hires"),
    ("tailored_course", {"guaranteed_interviews": None, "hires": "",
                         "hosts_practical": None}, "guaranteed_interviews"),
    ("tailored_course", {"max_weeks": "60"}, "max_weeks"),
    ("tailored_course", {"preferred_start": "2027-02-30"}, "preferred_start"),
    ("mentor_training", {"topics": []}, "topics"),
    ("mentor_training", {"topics": ["astrology"]}, "topics"),
    ("mentor_training", {"venue": "moon"}, "venue"),
])
def test_kind_specific_rules(login_as, org, employer, kind, overrides, field):
    client = login_as(employer)
    data = form_data(kind)
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        elif value == "PAST_START":
            data[key] = (local_today() + timedelta(days=2)).isoformat()
            data["period_start"] = (local_today() + timedelta(days=20)).isoformat()
        else:
            data[key] = value
    response = submit(client, new_url(org, kind), {**data, "action": "submit"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422, body[:2000]
    assert f'href="#{field}"' in body
    assert requests_of(org) == []


def test_another_organisations_need_cannot_be_linked(login_as, org, employer):
    other = factories.make_organisation()
    foreign = factories.make_need(other)
    client = login_as(employer)
    factories.make_need(org, created_by=employer)
    response = submit(client, new_url(org, "placement"),
                      {**form_data("placement"), "needs": [str(foreign.id)],
                       "action": "submit"})
    assert response.status_code == 422
    assert requests_of(org) == []


# --- the life cycle ------------------------------------------------------------------------

def test_the_transition_table_decides_who_moves_what(org, employer, staff):
    req = factories.make_request(org, employer, submit=True)
    with pytest.raises(DomainError):
        services.transition(req, S.IN_REVIEW, actor=employer)  # staff's move
    with pytest.raises(DomainError):
        services.transition(req, S.COMPLETED, actor=staff)  # not from submitted
    with pytest.raises(DomainError):
        services.transition(req, S.DECLINED, actor=staff)  # no reason
    services.transition(req, S.IN_REVIEW, actor=staff)
    services.transition(req, S.IN_PROGRESS, actor=staff)
    services.transition(req, S.COMPLETED, actor=staff)
    with pytest.raises(DomainError):
        services.withdraw(req, actor=employer)  # closed
    assert [c.to_state for c in services.timeline(req)] == [
        S.SUBMITTED, S.IN_REVIEW, S.IN_PROGRESS, S.COMPLETED]
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "service_requests", AuditEvent.object_id == req.id,
        AuditEvent.action == "request.transition")).all()
    assert [e.changes["state"] for e in events][-1] == {"before": "in_progress",
                                                        "after": "completed"}
    assert {e.actor_id for e in events} == {employer.id, staff.id}


def test_the_database_refuses_a_decline_without_reason(org, employer):
    req = factories.make_request(org, employer, submit=True)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(update(ServiceRequest).where(ServiceRequest.id == req.id)
                           .values(state="declined", decline_reason=None))


def test_decline_shows_the_reason_to_the_employer_and_mails_them(login_as, org, employer,
                                                                staff, smtp):
    req = factories.make_request(org, employer, submit=True)
    staff_client = login_as(staff)
    page = staff_client.get(f"/staff/requests/{req.id}")
    response = submit(staff_client, f"/staff/requests/{req.id}/transition",
                      {"to": "declined", "reason": ""},
                      get_url=f"/staff/requests/{req.id}")
    assert response.status_code == 422 and "error-summary" in response.get_data(as_text=True)
    assert page.status_code == 200
    response = submit(staff_client, f"/staff/requests/{req.id}/transition",
                      {"to": "declined", "reason": "Vi har inga deltagare med truckkort nu."},
                      get_url=f"/staff/requests/{req.id}")
    assert response.status_code == 302
    mail = smtp.last_to(employer.email)
    assert "Nekad" in mail["Subject"]
    assert "truckkort" not in mail_text(mail)  # the reason is read in the portal
    body = login_as(employer).get(f"/organisations/{org.id}/requests/{req.id}").get_data(
        as_text=True)
    assert "Vi har inga deltagare med truckkort nu." in body


def test_needs_more_information_round_trip(login_as, org, employer, staff, smtp):
    req = factories.make_request(org, employer, "recruitment_event", submit=True)
    staff_client = login_as(staff)
    response = submit(staff_client, f"/staff/requests/{req.id}/transition",
                      {"to": "needs_info", "reason": "",
                       "comment-employer_contribution": "Kan ni intervjua på plats?"},
                      get_url=f"/staff/requests/{req.id}")
    assert response.status_code == 302
    assert "Behöver mer information" in smtp.last_to(employer.email)["Subject"]
    client = login_as(employer)
    edit = client.get(f"/organisations/{org.id}/requests/{req.id}/edit").get_data(
        as_text=True)
    # The comment sits beside its field, tied to it for screen readers.
    assert "Kan ni intervjua på plats?" in edit
    assert 'id="employer_contribution-comment"' in edit
    assert re.search(r'aria-describedby="employer_contribution-comment', edit)
    smtp.clear()
    response = submit(client, f"/organisations/{org.id}/requests/{req.id}/edit",
                      {**form_data("recruitment_event",
                                   employer_contribution="Vi intervjuar på plats."),
                       "action": "submit"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    req = db.session.get(ServiceRequest, req.id)
    assert req.state == S.SUBMITTED
    assert db.session.scalar(select(func.count()).select_from(RequestSubmission).where(
        RequestSubmission.request_id == req.id)) == 2
    # The staff member who asked hears about it, and sees what changed.
    assert smtp.to(staff.email)
    detail = staff_client.get(f"/staff/requests/{req.id}").get_data(as_text=True)
    assert "Ändrat sedan förra inskickningen" in detail or "changed" in detail.lower()
    assert "Vi intervjuar på plats." in detail
    changes = services.changes_since_last_submission(req)
    assert [c.name for c in changes] == ["employer_contribution"]


def test_withdraw_an_open_request_with_a_reason(login_as, org, employer, smtp):
    req = factories.make_request(org, employer, submit=True)
    client = login_as(employer)
    url = f"/organisations/{org.id}/requests/{req.id}/withdraw"
    response = submit(client, url, {"reason": "Vi har redan anställt."})
    assert response.status_code == 302
    db.session.expire_all()
    req = db.session.get(ServiceRequest, req.id)
    assert req.state == S.WITHDRAWN and req.withdraw_reason == "Vi har redan anställt."
    page = client.get(f"/organisations/{org.id}/requests/{req.id}").get_data(as_text=True)
    assert "Återkallad" in page
    assert "Återkalla förfrågan" not in page  # no second withdrawal offered
    # Withdrawing again only says it is already withdrawn.
    assert client.get(url).status_code == 302


def test_a_stale_staff_form_gets_a_conflict_and_changes_nothing(login_as, org, employer,
                                                                staff):
    req = factories.make_request(org, employer, submit=True)
    one, two = login_as(staff), login_as(factories.make_user("staff"))
    page_two = two.get(f"/staff/requests/{req.id}").get_data(as_text=True)
    stale = hidden_inputs(page_two)
    assert submit(one, f"/staff/requests/{req.id}/transition", {"to": "in_review"},
                  get_url=f"/staff/requests/{req.id}").status_code == 302
    response = two.post(f"/staff/requests/{req.id}/transition",
                        data={**stale, "to": "declined", "reason": "Dubblett"})
    assert response.status_code == 409
    assert "error-summary" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ServiceRequest, req.id).state == S.IN_REVIEW


# --- conversation, notes and the mail list -------------------------------------------------

def test_messages_mail_a_link_not_the_text(login_as, org, employer, staff, smtp):
    req = factories.make_request(org, employer, submit=True)
    services.transition(req, S.IN_REVIEW, actor=staff)
    db.session.commit()
    smtp.clear()
    staff_client = login_as(staff)
    secret = "Deltagaren Ahmed har truckkort A och B."
    response = submit(staff_client, f"/staff/requests/{req.id}/messages", {"body": secret},
                      get_url=f"/staff/requests/{req.id}")
    assert response.status_code == 302
    mail = smtp.last_to(employer.email)
    assert secret not in mail_text(mail) and f"/requests/{req.id}" in mail_text(mail)
    # The employer sees it as unread on the dashboard until they open it.
    client = login_as(employer)
    assert f"/requests/{req.id}#conversation" in client.get("/organisation").get_data(
        as_text=True)
    assert secret in client.get(f"/organisations/{org.id}/requests/{req.id}").get_data(
        as_text=True)
    assert "Ingen oläst" in client.get("/organisation").get_data(as_text=True) or \
        f"/requests/{req.id}#conversation" not in client.get("/organisation").get_data(
            as_text=True)
    # The employer answers; the staff member who handled it hears, again without text.
    smtp.clear()
    submit(client, f"/organisations/{org.id}/requests/{req.id}/messages",
           {"body": "Tack, skicka gärna hans kontaktuppgifter."},
           get_url=f"/organisations/{org.id}/requests/{req.id}")
    staff_mail = smtp.last_to(staff.email)
    assert "kontaktuppgifter" not in mail_text(staff_mail)


def test_mark_read_from_the_dashboard_with_htmx(login_as, org, employer, staff):
    req = factories.make_request(org, employer, submit=True)
    services.post_message(req, author=staff, body="Hej!")
    db.session.commit()
    client = login_as(employer)
    page = client.get("/organisation").get_data(as_text=True)
    token = hidden_inputs(page)["csrf_token"]
    response = client.post(f"/organisations/{org.id}/messages/read",
                           data={"csrf_token": token, "request_id": str(req.id)},
                           headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and body.lstrip().startswith('<div id="unread-messages"')
    assert "<html" not in body
    assert services.unread_for_organisation(employer, org) == []


def test_internal_notes_never_reach_the_employer(login_as, org, employer, staff, smtp):
    req = factories.make_request(org, employer, submit=True)
    staff_client = login_as(staff)
    note = "INTERNT: arbetsgivaren har tidigare haft arbetsmiljöbrister."
    response = submit(staff_client, f"/staff/requests/{req.id}/notes", {"body": note},
                      get_url=f"/staff/requests/{req.id}")
    assert response.status_code == 302
    assert note in staff_client.get(f"/staff/requests/{req.id}").get_data(as_text=True)
    services.post_message(req, author=staff, body="Vi hör av oss.")
    services.transition(req, S.NEEDS_INFO, actor=staff, reason="Fyll i mer.")
    db.session.commit()
    client = login_as(employer)
    base = f"/organisations/{org.id}/requests"
    for url in ("/organisation", "/organisation?group=all", base, f"{base}?group=all",
                f"{base}/{req.id}", f"{base}/{req.id}/edit", f"{base}/{req.id}/withdraw",
                f"/organisations/{org.id}/needs"):
        for headers in ({}, {"HX-Request": "true", "HX-Target": "request-list"}):
            body = client.get(url, headers=headers).get_data(as_text=True)
            assert "INTERNT" not in body, url
    assert all("INTERNT" not in m.body_text + m.body_html + m.subject
               for m in db.session.scalars(select(OutboxMessage)))
    assert all("INTERNT" not in mail_text(m) for m in smtp.messages)
    # And the employer cannot post one.
    token = hidden_inputs(client.get(f"{base}/{req.id}").get_data(as_text=True))["csrf_token"]
    assert client.post(f"/staff/requests/{req.id}/notes",
                       data={"csrf_token": token, "body": "x"}).status_code == 403


def test_the_request_page_lists_the_mail_sent_about_it(login_as, org, employer, staff):
    req = factories.make_request(org, employer, submit=True)
    services.transition(req, S.IN_REVIEW, actor=staff)
    services.post_message(req, author=employer, body="Fråga")  # mails the staff member
    db.session.commit()
    employer_page = login_as(employer).get(
        f"/organisations/{org.id}/requests/{req.id}").get_data(as_text=True)
    assert employer_page.count(employer.email) >= 2  # receipt and status mail
    assert staff.email not in employer_page  # staff's own mail is listed for staff only
    staff_page = login_as(staff).get(f"/staff/requests/{req.id}").get_data(as_text=True)
    assert staff.email in staff_page and employer.email in staff_page


def test_drafts_are_the_employers_own(login_as, org, employer):
    draft = factories.make_request(org, employer)
    assert login_as("staff").get(f"/staff/requests/{draft.id}").status_code == 404
    other = factories.employer_of(factories.make_organisation())
    response = login_as(other).get(f"/organisations/{org.id}/requests/{draft.id}")
    assert response.status_code == 404


def test_a_double_clicked_resubmit_lands_on_the_receipt(login_as, org, employer, staff):
    req = factories.make_request(org, employer, submit=True)
    services.transition(req, S.NEEDS_INFO, actor=staff, reason="Fler detaljer, tack.")
    db.session.commit()
    client = login_as(employer)
    url = f"/organisations/{org.id}/requests/{req.id}/edit"
    fields = {**hidden_inputs(client.get(url).get_data(as_text=True)),
              **form_data("placement", details="Skyddsskor finns."), "action": "submit"}
    first, second = client.post(url, data=fields), client.post(url, data=fields)
    assert first.headers["Location"].endswith(f"/requests/{req.id}/receipt")
    assert second.headers["Location"] == first.headers["Location"]
    assert [c.to_state for c in services.timeline(req)].count(S.SUBMITTED) == 2


def test_asking_for_help_with_a_need_prelinks_it(login_as, org, employer):
    need = factories.make_need(org, created_by=employer)
    other = factories.make_need(factories.make_organisation())
    client = login_as(employer)
    body = client.get(f"{new_url(org, 'recruitment_event')}?need={need.id}").get_data(
        as_text=True)
    assert re.search(rf'<input[^>]*checked[^>]*value="{need.id}"|<input[^>]*value="{need.id}"'
                     r'[^>]*checked', body)
    # Another organisation's need id is ignored, not shown.
    body = client.get(f"{new_url(org, 'recruitment_event')}?need={other.id}").get_data(
        as_text=True)
    assert "checked" not in body
