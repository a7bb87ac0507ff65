"""The participant register: staff only, no identity numbers, every change audited."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.core.models import AuditEvent
from portal.extensions import db
from portal.participants.models import Participant
from portal.participants.services import looks_like_identity_number
from tests import factories
from tests.support import hidden_inputs, submit

VALUES = {"first_name": "Amina", "last_name": "Yusuf", "case_reference": "AME-2026-0113",
          "email": "amina@example.se", "phone": "070-123 45 67",
          "languages": "Somaliska, svenska (grund)", "driving_licence": "none",
          "sectors": ["cleaning", "care"], "profile_note": "Kan arbeta kvällar.",
          "intake_on": (date.today() - timedelta(days=3)).isoformat()}


def _register(client, **over):
    return submit(client, "/staff/participants/new", {**VALUES, **over})


@pytest.mark.parametrize("number", ["19811218-9876", "811218-9876", "198112189876",
                                    "211062-5629"])
def test_identity_numbers_are_recognised_however_written(number):
    assert looks_like_identity_number(number)


def test_case_references_are_not_identity_numbers():
    assert not looks_like_identity_number("AME-2026-0113")
    assert not looks_like_identity_number("2026/113")


def test_staff_register_a_participant_once_however_often_clicked(login_as):
    client = login_as("staff")
    page = client.get("/staff/participants/new").get_data(as_text=True)
    data = {**hidden_inputs(page), **VALUES}
    first = client.post("/staff/participants/new", data=data)
    second = client.post("/staff/participants/new", data=data)
    assert first.status_code == second.status_code == 302
    people = list(db.session.scalars(select(Participant)))
    assert len(people) == 1
    assert {s.value for s in people[0].sectors} == {"cleaning", "care"}
    assert people[0].phone == "070-123 45 67"  # a phone number is not taken for an ID
    html = client.get(first.headers["Location"]).get_data(as_text=True)
    assert "AME-2026-0113" in html and "Kan arbeta kvällar." in html


def test_a_personal_identity_number_is_refused_and_nothing_is_lost(login_as):
    client = login_as("staff")
    response = _register(client, case_reference="19811218-9876")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'href="#case_reference"' in html
    assert 'value="Amina"' in html and "Kan arbeta kvällar." in html
    response = _register(client, profile_note="Pnr 811218-9876, ring henne.")
    assert response.status_code == 422 and 'href="#profile_note"' in response.get_data(
        as_text=True)
    assert db.session.scalar(select(Participant)) is None


def test_a_case_reference_is_used_once(login_as):
    client = login_as("staff")
    assert _register(client).status_code == 302
    response = _register(client, case_reference="ame-2026-0113", first_name="Annan")
    assert response.status_code == 422
    assert 'href="#case_reference"' in response.get_data(as_text=True)


def test_changes_are_audited_without_copying_the_personal_data(login_as):
    client = login_as("staff")
    location = _register(client).headers["Location"]
    participant = db.session.scalar(select(Participant))
    edit = f"{location}/edit"
    response = submit(client, edit, {**VALUES, "phone": "070-999 99 99",
                                     "sectors": ["cleaning"]})
    assert response.status_code == 302
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "participant.updated", AuditEvent.object_id == participant.id))
    assert event.changes["sectors"] == {"before": ["care", "cleaning"], "after": ["cleaning"]}
    assert "999" not in str(event.changes) and "123" not in str(event.changes)


def test_two_staff_editing_the_same_participant_the_second_is_told(login_as):
    client = login_as("staff")
    location = _register(client).headers["Location"]
    edit = f"{location}/edit"
    page = client.get(edit).get_data(as_text=True)
    first = {**hidden_inputs(page), **VALUES, "sectors": ["retail"]}
    second = {**hidden_inputs(page), **VALUES, "languages": "Somaliska"}
    assert client.post(edit, data=first).status_code == 302
    response = client.post(edit, data=second)
    assert response.status_code == 409 and 'value="Somaliska"' in response.get_data(
        as_text=True)


def test_search_by_name_reference_and_sector(login_as):
    client = login_as("staff")
    _register(client)
    _register(client, first_name="Bilal", last_name="Haddad", case_reference="AME-2026-0200",
              email="", sectors=["transport"])
    html = client.get("/staff/participants/?q=haddad").get_data(as_text=True)
    assert "Bilal" in html and "Amina" not in html
    html = client.get("/staff/participants/?sector=care").get_data(as_text=True)
    assert "Amina" in html and "Bilal" not in html
    html = client.get("/staff/participants/?q=0200").get_data(as_text=True)
    assert "Bilal" in html


def test_employers_never_reach_the_register(login_as):
    client = login_as("staff")
    location = _register(client).headers["Location"]
    org = factories.make_organisation()
    employer = login_as(factories.employer_of(org))
    for url in ("/staff/participants/", "/staff/participants/new", location,
                f"{location}/edit"):
        assert employer.get(url).status_code == 403
    assert "Amina" not in employer.get("/organisation").get_data(as_text=True)


def test_htmx_gets_just_the_register_with_its_page_links(app, login_as):
    client = login_as("staff")
    for n in range(3):
        _register(client, case_reference=f"AME-2026-09{n}", first_name=f"Person{n}")
    app.config["PAGE_SIZE"], size = 2, app.config["PAGE_SIZE"]
    try:
        response = client.get("/staff/participants/?sector=care",
                              headers={"HX-Request": "true", "HX-Target": "participants"})
    finally:
        app.config["PAGE_SIZE"] = size
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<div id="participants"')
    assert "sector=care&amp;page=2" in body or "page=2&amp;sector=care" in body


def test_the_intake_date_is_kept_and_may_not_be_in_the_future(login_as):
    from portal.core.dates import local_today

    client = login_as("staff")
    page = client.get("/staff/participants/new").get_data(as_text=True)
    # A new participant's intake is today unless staff say otherwise.
    assert f'value="{local_today().isoformat()}"' in page
    ahead = (local_today() + timedelta(days=1)).isoformat()
    refused = _register(client, intake_on=ahead)
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert 'href="#intake_on"' in body and f'value="{ahead}"' in body
    assert db.session.scalar(select(Participant)) is None
    met = local_today() - timedelta(days=40)
    location = _register(client, intake_on=met.isoformat()).headers["Location"]
    assert db.session.scalar(select(Participant)).intake_on == met
    edit = client.get(f"{location}/edit").get_data(as_text=True)
    assert f'value="{met.isoformat()}"' in edit
