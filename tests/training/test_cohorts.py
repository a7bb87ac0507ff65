"""Cohort trainings: planned from demand and requests, committed to, run, cancelled."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from portal.core.dates import local_today
from portal.extensions import db
from portal.requests.enums import RequestState
from portal.training import services
from portal.training.enums import CohortState, CommitmentStatus
from portal.training.models import Cohort
from tests import factories
from tests.support import hidden_inputs, mail_text, submit


def _monday(weeks_ahead: int = 6) -> date:
    today = local_today()
    return today + timedelta(days=7 * weeks_ahead - today.weekday())


def _values(**over) -> dict:
    values = {"title": "Lokalvård", "sector": "cleaning", "occupation_code": "9111",
              "provider": "adult_education", "provider_name": "Komvux Härryda",
              "weeks": "14", "start_date": _monday().isoformat(), "weekly_hours": "30",
              "location": "Mölnlycke", "seats": "15", "language_support": "Svenska för yrket",
              "description": "Lokalvård med praktik hos arbetsgivare."}
    values.update(over)
    return values


def _cleaning_org(name: str):
    org = factories.make_organisation(name=name, sectors=["cleaning"])
    employer = factories.employer_of(org)
    need = factories.make_need(org, employer, headcount=3)
    req = factories.make_request(org, employer, "tailored_course", submit=True, needs=[need])
    return org, employer, req


def _cohort(staff=None, **over) -> Cohort:
    staff = staff or factories.make_user("staff")
    values = {**_values(), "weeks": 14, "seats": 15, "weekly_hours": 30,
              "start_date": _monday(), **over}
    cohort = services.create_cohort(values=values, actor=staff)
    db.session.commit()
    return cohort


def test_five_firms_requests_become_one_course_from_the_demand_row(login_as, smtp):
    firms = [_cleaning_org(f"Städfirma {n} AB") for n in range(5)]
    kitchen = factories.make_organisation(name="Köket AB")
    other = factories.make_request(kitchen, factories.employer_of(kitchen), "tailored_course",
                                   submit=True, needs=[factories.make_need(
                                       kitchen, occupation_code="9412")])
    client = login_as("staff")
    url = "/staff/cohorts/new?sector=cleaning&occupation=9111"
    page = client.get(url).get_data(as_text=True)
    assert 'value="Städare (9111)"' in page or "9111" in page
    for _org, _employer, req in firms:
        assert f'value="{req.id}" checked' in page or f'checked value="{req.id}"' in page \
            or req.reference in page
    assert other.reference not in page  # another occupation's request is not offered
    data = {**hidden_inputs(page), **_values(),
            "request_ids": [str(r.id) for _o, _e, r in firms]}
    first, second = client.post(url, data=data), client.post(url, data=data)
    assert first.status_code == second.status_code == 302
    cohorts = list(db.session.scalars(select(Cohort)))
    assert len(cohorts) == 1
    cohort = cohorts[0]
    assert cohort.end_date == _monday() + timedelta(weeks=14) - timedelta(days=1)
    assert {c.organisation.name for c in cohort.commitments} == {
        f"Städfirma {n} AB" for n in range(5)}
    assert all(c.interviews and c.hires == 8 and c.hosts_practical
               for c in cohort.commitments)
    for _org, _employer, req in firms:
        db.session.refresh(req)
        assert req.state == RequestState.IN_PROGRESS
    mail = smtp.last_to(firms[0][1].email)
    assert "Lokalvård" in mail_text(mail)


def test_a_bad_course_form_keeps_what_was_typed(login_as):
    client = login_as("staff")
    response = submit(client, "/staff/cohorts/new", _values(
        title="", seats="0", weeks="fjorton", start_date="2026-02-30",
        description="Behåll den här texten"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for field in ("title", "seats", "weeks", "start_date"):
        assert f'href="#{field}"' in html
    assert "Behåll den här texten" in html
    assert db.session.scalar(select(Cohort)) is None


def test_the_life_cycle_and_a_cancellation_the_employers_hear_of(login_as, smtp):
    _org, employer, req = _cleaning_org("Glans AB")
    staff = factories.make_user("staff")
    cohort = services.create_cohort(values={**_values(), "weeks": 14, "seats": 15,
                                            "weekly_hours": 30, "start_date": _monday()},
                                    actor=staff, request_ids=[req.id])
    db.session.commit()
    client = login_as(staff)
    view = f"/staff/cohorts/{cohort.id}"
    assert submit(client, f"{view}/transition", {"to": "recruiting"},
                  get_url=view).status_code == 302
    # Completed is not a move from recruiting: refused with the reason on the page.
    response = submit(client, f"{view}/transition", {"to": "completed"}, get_url=view)
    assert response.status_code == 422 and 'id="error-summary"' in response.get_data(
        as_text=True)
    response = submit(client, f"{view}/transition", {"to": "cancelled", "reason": ""},
                      get_url=view)
    assert response.status_code == 422 and 'href="#reason"' in response.get_data(as_text=True)
    response = submit(client, f"{view}/transition",
                      {"to": "cancelled", "reason": "För få deltagare."}, get_url=view)
    assert response.status_code == 302
    db.session.expire_all()
    assert cohort.state == CohortState.CANCELLED
    mail = smtp.last_to(employer.email)
    assert "Lokalvård" in mail["Subject"] and "För få deltagare." in mail_text(mail)


def test_employers_see_their_courses_and_say_they_are_interested(login_as, smtp):
    author = factories.make_user("staff")
    cohort = _cohort(author)
    org, employer, _req = _cleaning_org("Intresserad Städ AB")
    kitchen = factories.make_organisation(name="Köket AB", sectors=["kitchen"])
    client = login_as(employer)
    dashboard = client.get("/organisation").get_data(as_text=True)
    assert "Lokalvård" in dashboard  # planned in its sector
    url = f"/organisations/{org.id}/cohorts/{cohort.id}"
    assert submit(client, url, {"note": "Vi kan ta två på praktik."}).status_code == 302
    db.session.expire_all()
    commitment = services.commitment_for(cohort, org)
    assert commitment.status == CommitmentStatus.INTERESTED
    assert "Intresserad Städ AB" in smtp.last_to(author.email)["Subject"]
    assert submit(client, url, {"note": "Igen"}).status_code == 302  # once is enough
    db.session.expire_all()
    assert len(cohort.commitments) == 1
    outsider = login_as(factories.employer_of(kitchen))
    assert outsider.get(f"/organisations/{kitchen.id}/cohorts/{cohort.id}").status_code == 404
    assert outsider.get(url).status_code == 404
    assert outsider.get(f"/staff/cohorts/{cohort.id}").status_code == 403


def test_staff_record_what_an_employer_commits_to(login_as):
    cohort = _cohort()
    org = factories.make_organisation(name="Åtagande AB", sectors=["cleaning"])
    client = login_as("staff")
    view = f"/staff/cohorts/{cohort.id}"
    response = submit(client, f"{view}/commitments",
                      {"organisation_id": str(org.id), "interviews": "y", "hires": "3",
                       "hosts_practical": "y"}, get_url=view)
    assert response.status_code == 302
    response = submit(client, f"{view}/commitments",
                      {"organisation_id": str(org.id), "hires": "-1"}, get_url=view)
    assert response.status_code == 422 and 'href="#hires"' in response.get_data(as_text=True)
    db.session.expire_all()
    commitment = services.commitment_for(cohort, org)
    assert (commitment.hires, commitment.status) == (3, CommitmentStatus.COMMITTED)
    employer_page = login_as(factories.employer_of(org)).get(
        f"/organisations/{org.id}/cohorts").get_data(as_text=True)
    assert "Lokalvård" in employer_page


def test_the_course_as_a_calendar_file(login_as):
    cohort = _cohort()
    response = login_as("staff").get(f"/staff/cohorts/{cohort.id}.ics")
    assert response.mimetype == "text/calendar"
    text = response.get_data(as_text=True)
    from icalendar import Calendar

    [event] = Calendar.from_ical(text).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Lokalvård"
    assert event.decoded("DTSTART") == cohort.start_date
    assert event.decoded("DTEND") == cohort.end_date + timedelta(days=1)


def test_two_staff_editing_a_course_the_second_is_told(login_as):
    cohort = _cohort()
    client = login_as("staff")
    url = f"/staff/cohorts/{cohort.id}/edit"
    page = client.get(url).get_data(as_text=True)
    first = {**hidden_inputs(page), **_values(seats="16")}
    second = {**hidden_inputs(page), **_values(seats="12", location="Landvetter")}
    assert client.post(url, data=first).status_code == 302
    response = client.post(url, data=second)
    assert response.status_code == 409 and 'value="Landvetter"' in response.get_data(
        as_text=True)
    db.session.expire_all()
    assert cohort.seats == 16


def test_changing_a_commitment_starts_from_what_is_recorded(login_as):
    org, _employer, req = _cleaning_org("Förifylld AB")
    cohort = services.create_cohort(values={**_values(), "weeks": 14, "seats": 15,
                                            "weekly_hours": 30, "start_date": _monday()},
                                    actor=factories.make_user("staff"), request_ids=[req.id])
    db.session.commit()
    html = login_as("staff").get(f"/staff/cohorts/{cohort.id}?org={org.id}").get_data(
        as_text=True)
    form = html[html.index('id="commitment-form"'):]
    assert f'<option selected value="{org.id}">' in form or \
        f'value="{org.id}" selected' in form
    assert 'id="hires"' in form and 'value="8"' in form


def test_a_free_text_occupation_row_offers_only_its_own_requests(login_as):
    def other_request(text):
        org = factories.make_organisation()
        employer = factories.employer_of(org)
        need = factories.make_need(org, employer, occupation_code="other",
                                   occupation_other=text)
        return factories.make_request(org, employer, "tailored_course", submit=True,
                                      needs=[need])

    glazier, cook = other_request("Glasmästare"), other_request("Sushikock")
    page = login_as("staff").get(
        "/staff/cohorts/new?sector=other&occupation=other&other=glasmästare").get_data(
        as_text=True)
    assert glazier.reference in page and cook.reference not in page


def test_htmx_gets_just_the_course_list_with_its_page_links(app, login_as):
    for _ in range(3):
        _cohort()
    client = login_as("staff")
    app.config["PAGE_SIZE"], size = 2, app.config["PAGE_SIZE"]
    try:
        response = client.get("/staff/cohorts/?state=planned",
                              headers={"HX-Request": "true", "HX-Target": "cohorts"})
    finally:
        app.config["PAGE_SIZE"] = size
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith('<div id="cohorts"')
    assert "state=planned&amp;page=2" in body or "page=2&amp;state=planned" in body
