"""Intake by phone: staff register a request or a hiring need for an organisation."""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.requests.enums import RequestState
from portal.requests.models import ServiceRequest
from tests import factories
from tests.requests.test_requests import form_data
from tests.support import hidden_inputs, mail_text, submit


def test_staff_register_a_request_by_phone_and_the_organisation_is_told(login_as, smtp):
    org = factories.make_organisation(name="Gamma Kök AB")
    contact = factories.employer_of(org)
    staff = factories.make_user("staff")
    client = login_as(staff)
    assert "Gamma Kök AB" in client.get(f"/staff/requests/organisations/{org.id}/new").get_data(
        as_text=True)
    url = f"/staff/requests/organisations/{org.id}/new/mentor_training"
    page = client.get(url).get_data(as_text=True)
    data = {**hidden_inputs(page), **form_data("mentor_training")}
    first = client.post(url, data=data)
    second = client.post(url, data=data)  # a double click
    assert first.status_code == second.status_code == 302
    reqs = list(db.session.scalars(select(ServiceRequest).where(
        ServiceRequest.organisation_id == org.id)))
    assert len(reqs) == 1
    req = reqs[0]
    assert req.registered_by_staff and req.state == RequestState.SUBMITTED
    assert req.assigned_to_id == staff.id and req.reference
    assert first.headers["Location"] == f"/staff/requests/{req.id}"
    receipt = smtp.last_to(contact.email)
    assert req.reference in receipt["Subject"]
    assert "telefon" in mail_text(receipt)  # "registered ... by phone", in Swedish


def test_a_phone_intake_with_gaps_is_not_saved(login_as):
    org = factories.make_organisation()
    client = login_as("staff")
    response = submit(client, f"/staff/requests/organisations/{org.id}/new/placement",
                      {**form_data("placement"), "tasks": ""})
    assert response.status_code == 422 and 'href="#tasks"' in response.get_data(as_text=True)
    assert db.session.scalar(select(ServiceRequest).where(
        ServiceRequest.organisation_id == org.id)) is None


def test_employers_cannot_use_the_phone_intake(login_as):
    org = factories.make_organisation()
    client = login_as(factories.employer_of(org))
    assert client.get(f"/staff/requests/organisations/{org.id}/new/placement"
                      ).status_code == 403


def test_a_need_recorded_by_staff_is_mailed_to_the_organisation(login_as, smtp):
    org = factories.make_organisation()
    contact = factories.employer_of(org)
    client = login_as("staff")
    response = submit(client, f"/organisations/{org.id}/needs/new", {
        "occupation_code": "9111", "headcount": "4", "timeframe": "now",
        "employment_form": "permanent", "swedish_level": "basic",
        "driving_licence": "none", "physical_demands": "moderate"})
    assert response.status_code == 302
    mail = smtp.last_to(contact.email)
    assert f"/organisations/{org.id}/needs" in mail_text(mail)
