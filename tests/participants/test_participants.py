"""The participant register: staff only, no identity numbers, every change audited."""

from __future__ import annotations

import re
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
    assert event.changes["sectors"] == {"before": ["cleaning", "care"], "after": ["cleaning"]}
    assert "999" not in str(event.changes) and "123" not in str(event.changes)


def test_saving_without_a_change_records_no_change(login_as):
    """The sector profile is compared in one order (the rows are read alphabetically, the
    form sends them in the list's order): saving as it was changes nothing."""
    client = login_as("staff")
    location = _register(client).headers["Location"]  # cleaning and care
    person = db.session.scalar(select(Participant))
    version = person.version_id
    edit = client.get(f"{location}/edit").get_data(as_text=True)
    assert client.post(f"{location}/edit", data={**hidden_inputs(edit), **VALUES}
                       ).status_code == 302
    db.session.refresh(person)
    assert person.version_id == version
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "participant.updated")) is None


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


# --- units (PORTAL_UNITS) ---------------------------------------------------------------------

UNITS = ["Jobbcenter", "Kommunservice"]


@pytest.fixture
def units(app, monkeypatch):
    monkeypatch.setitem(app.config, "PORTAL_UNITS", list(UNITS))
    return UNITS


def _unit_options(html: str) -> list[str] | None:
    found = re.search(r'<select[^>]*name="unit"[^>]*>(.*?)</select>', html, re.S)
    return re.findall(r'<option[^>]*value="([^"]*)"', found.group(1)) if found else None


def test_without_units_nothing_asks_for_or_shows_one(login_as):
    client = login_as("staff")
    assert 'name="unit"' not in client.get("/staff/participants/new").get_data(as_text=True)
    location = _register(client, unit="Jobbcenter").headers["Location"]  # ignored
    person = db.session.scalar(select(Participant))
    assert person.unit == ""
    assert 'id="participant-unit"' not in client.get(location).get_data(as_text=True)
    assert 'name="unit"' not in client.get("/staff/participants/").get_data(as_text=True)
    # One given a unit while the department had units keeps it when edited without them.
    person.unit = "Jobbcenter"
    db.session.commit()
    edit = client.get(f"{location}/edit").get_data(as_text=True)
    assert 'name="unit"' not in edit
    assert client.post(f"{location}/edit", data={**hidden_inputs(edit), **VALUES,
                                                 "languages": "Somaliska"}).status_code == 302
    db.session.refresh(person)
    assert (person.languages, person.unit) == ("Somaliska", "Jobbcenter")


def test_with_units_one_is_required_and_checked_by_its_field(login_as, units):
    client = login_as("staff")
    page = client.get("/staff/participants/new").get_data(as_text=True)
    assert _unit_options(page) == ["", *UNITS]
    for unit in ("", "Socialtjänsten"):
        response = _register(client, unit=unit)
        body = response.get_data(as_text=True)
        assert response.status_code == 422, unit
        assert 'href="#unit"' in body and 'id="unit-error"' in body
        assert 'value="Amina"' in body  # what was typed is kept
    assert db.session.scalar(select(Participant)) is None
    location = _register(client, unit="Kommunservice").headers["Location"]
    person = db.session.scalar(select(Participant))
    assert person.unit == "Kommunservice"
    detail = client.get(location).get_data(as_text=True)
    assert re.search(r'id="participant-unit">Kommunservice<', detail)
    created = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "participant.created", AuditEvent.object_id == person.id))
    assert created.changes["unit"] == "Kommunservice"


def test_a_change_of_unit_is_audited_with_both_units(login_as, units):
    client = login_as("staff")
    location = _register(client, unit="Jobbcenter").headers["Location"]
    person = db.session.scalar(select(Participant))
    edit = client.get(f"{location}/edit").get_data(as_text=True)
    assert re.search(r'<option selected value="Jobbcenter">|<option value="Jobbcenter" '
                     r'selected>', edit)
    response = client.post(f"{location}/edit", data={**hidden_inputs(edit), **VALUES,
                                                     "unit": "Kommunservice"})
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.unit == "Kommunservice"
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "participant.updated", AuditEvent.object_id == person.id))
    assert event.changes == {"unit": {"before": "Jobbcenter", "after": "Kommunservice"}}


def test_a_unit_no_longer_configured_is_kept_but_not_given_anew(app, login_as, monkeypatch):
    client = login_as("staff")
    monkeypatch.setitem(app.config, "PORTAL_UNITS", ["Arbetsmarknadsenheten", *UNITS])
    location = _register(client, unit="Arbetsmarknadsenheten").headers["Location"]
    _register(client, unit="Jobbcenter", case_reference="AME-2026-0114", first_name="Bilal")
    monkeypatch.setitem(app.config, "PORTAL_UNITS", list(UNITS))
    edit = client.get(f"{location}/edit").get_data(as_text=True)
    assert _unit_options(edit) == ["", *UNITS, "Arbetsmarknadsenheten"]
    kept = client.post(f"{location}/edit", data={**hidden_inputs(edit), **VALUES,
                                                 "unit": "Arbetsmarknadsenheten",
                                                 "phone": "070-111 11 11"})
    assert kept.status_code == 302
    person = db.session.scalar(select(Participant).where(
        Participant.case_reference == VALUES["case_reference"]))
    assert (person.unit, person.phone) == ("Arbetsmarknadsenheten", "070-111 11 11")
    # Someone else cannot be moved to it.
    other = db.session.scalar(select(Participant).where(
        Participant.case_reference == "AME-2026-0114"))
    other_edit = f"/staff/participants/{other.id}/edit"
    page = client.get(other_edit).get_data(as_text=True)
    assert "Arbetsmarknadsenheten" not in page
    refused = client.post(other_edit, data={
        **hidden_inputs(page), **VALUES, "case_reference": "AME-2026-0114",
        "first_name": "Bilal", "unit": "Arbetsmarknadsenheten"})
    assert refused.status_code == 422 and 'href="#unit"' in refused.get_data(as_text=True)


def test_the_services_check_the_unit_too(app, monkeypatch):
    from portal.core.errors import DomainError
    from portal.participants import services

    staff = factories.make_user("staff")
    values = {"first_name": "Amina", "last_name": "Yusuf", "case_reference": "AME-9",
              "driving_licence": "none"}
    with pytest.raises(DomainError) as refused:  # none configured: none to give
        services.create(values={**values, "unit": "Jobbcenter"}, sectors=[], actor=staff)
    assert refused.value.field == "unit"
    monkeypatch.setitem(app.config, "PORTAL_UNITS", list(UNITS))
    for unit in (None, "", "jobbcenter", "Jobbcenter " * 10):
        with pytest.raises(DomainError) as refused:
            services.create(values={**values, "unit": unit}, sectors=[], actor=staff)
        assert refused.value.field == "unit", unit
    person = services.create(values={**values, "unit": " Jobbcenter "}, sectors=[],
                             actor=staff)
    assert person.unit == "Jobbcenter"


def test_the_register_filters_by_unit_when_there_are_units(app, login_as, units):
    client = login_as("staff")
    _register(client, unit="Jobbcenter")
    _register(client, first_name="Bilal", last_name="Haddad", case_reference="AME-2026-0200",
              email="", unit="Kommunservice")
    page = client.get("/staff/participants/").get_data(as_text=True)
    assert _unit_options(page) == ["", *UNITS]
    assert "Amina" in page and "Bilal" in page
    html = client.get("/staff/participants/?unit=Kommunservice").get_data(as_text=True)
    assert "Bilal" in html and "Amina" not in html
    assert re.search(r'<option value="Kommunservice" selected>', html)
    # An unknown unit filters nothing; the partial keeps the unit in its page links.
    html = client.get("/staff/participants/?unit=Ingen").get_data(as_text=True)
    assert "Bilal" in html and "Amina" in html
    app.config["PAGE_SIZE"], size = 1, app.config["PAGE_SIZE"]
    try:
        partial = client.get("/staff/participants/?unit=Jobbcenter&sector=care",
                             headers={"HX-Request": "true", "HX-Target": "participants"})
    finally:
        app.config["PAGE_SIZE"] = size
    body = partial.get_data(as_text=True)
    assert body.lstrip().startswith('<div id="participants"') and "Amina" in body
    assert "Bilal" not in body
