"""Outcomes per participant and course: at the end and at the 90-day follow-up."""

from __future__ import annotations

import re
from datetime import timedelta

from flask_babel import force_locale
from sqlalchemy import func, select

from portal.core.dates import local_today
from portal.core.models import AuditEvent
from portal.extensions import db
from portal.participants import outcomes
from portal.participants.enums import Checkpoint
from portal.participants.models import Outcome
from portal.training import enrolment
from portal.training import services as training
from tests import factories
from tests.support import hidden_inputs
from tests.training.test_enrolment import _course, _person


def _left_course(staff, *, days_ago=0, action="complete", reason=""):
    """A course with one committed employer and one person who has left it."""
    cohort = _course(staff=staff)
    org = factories.make_organisation(name="Städbolaget AB")
    training.set_commitment(cohort, org, actor=staff, interviews=True, hires=3,
                            hosts_practical=False)
    person = _person(staff=staff)
    placed = enrolment.enrol(cohort, person, actor=staff)
    placed.enrolled_on = local_today() - timedelta(days=days_ago + 98)
    enrolment.change(placed, action, actor=staff, reason=reason,
                     on=local_today() - timedelta(days=days_ago))
    db.session.commit()
    return cohort, org, person, placed


def _url(cohort, placed, checkpoint="end"):
    return f"/staff/cohorts/{cohort.id}/outcomes/{placed.id}/{checkpoint}"


def test_staff_record_employment_at_the_end_and_change_it(login_as):
    staff = factories.make_user("staff")
    cohort, org, person, placed = _left_course(staff)
    client = login_as(staff)
    url = _url(cohort, placed)
    page = client.get(url).get_data(as_text=True)
    assert "Städbolaget AB" in page  # the course's employers are offered
    data = {**hidden_inputs(page), "status": "employed", "organisation_id": str(org.id),
            "employment_form": "permanent", "weekly_hours": "30", "employer_name": "",
            "note": "", "recorded_on": ""}
    assert client.post(url, data=data).status_code == 302
    outcome = db.session.scalar(select(Outcome))
    assert (outcome.participant_id, outcome.cohort_id, outcome.checkpoint, outcome.status,
            outcome.organisation_id, outcome.employment_form, outcome.weekly_hours) == (
        person.id, cohort.id, "end", "employed", org.id, "permanent", 30)
    overview = client.get(f"/staff/cohorts/{cohort.id}/outcomes").get_data(as_text=True)
    assert "Städbolaget AB" in overview and 'id="outcome-summary"' in overview
    # Changing it replaces the one row; a non-job outcome drops the job's details.
    page = client.get(url).get_data(as_text=True)
    assert client.post(url, data={**data, **hidden_inputs(page),
                                  "status": "studies"}).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Outcome)) == 1
    outcome = db.session.scalar(select(Outcome))
    assert (outcome.status, outcome.organisation_id, outcome.weekly_hours) == (
        "studies", None, None)
    actions = list(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "participants", AuditEvent.object_id == person.id,
        AuditEvent.action.like("outcome.%")).order_by(AuditEvent.id)))
    assert actions == ["outcome.recorded", "outcome.changed"]


def test_a_job_without_an_employer_or_with_bad_hours_is_refused_by_its_field(login_as):
    staff = factories.make_user("staff")
    cohort, _org, _p, placed = _left_course(staff)
    client = login_as(staff)
    url = _url(cohort, placed)
    data = {**hidden_inputs(client.get(url).get_data(as_text=True)), "status": "employed",
            "organisation_id": "", "employer_name": "", "employment_form": "hourly",
            "weekly_hours": "99", "note": "Börjar måndag", "recorded_on": ""}
    response = client.post(url, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="weekly_hours-error"' in page
    assert 'value="Börjar måndag"' in page  # what was typed is kept
    data["weekly_hours"] = "20"
    response = client.post(url, data=data)
    assert response.status_code == 422
    assert 'id="organisation_id-error"' in response.get_data(as_text=True)
    # An employer not in the portal, by name, is enough.
    data["employer_name"] = "Hotell Kusten"
    assert client.post(url, data=data).status_code == 302
    assert db.session.scalar(select(Outcome.employer_name)) == "Hotell Kusten"


def test_the_follow_up_waits_for_its_due_date(login_as):
    staff = factories.make_user("staff")
    cohort, _org, _p, early = _left_course(staff, days_ago=10)
    client = login_as(staff)
    url = _url(cohort, early, "follow_up")
    data = {**hidden_inputs(client.get(url).get_data(as_text=True)),
            "status": "continued_search", "recorded_on": ""}
    response = client.post(url, data=data)
    assert response.status_code == 422
    assert 'id="recorded_on-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Outcome)) == 0

    cohort2, _o, _p2, late = _left_course(staff, days_ago=95, action="drop_out",
                                         reason="Flyttade")
    url = _url(cohort2, late, "follow_up")
    overview = client.get(f"/staff/cohorts/{cohort2.id}/outcomes").get_data(as_text=True)
    assert url in overview  # due, so it can be recorded
    data = {**hidden_inputs(client.get(url).get_data(as_text=True)),
            "status": "continued_search", "recorded_on": ""}
    assert client.post(url, data=data).status_code == 302
    assert db.session.scalar(select(Outcome.checkpoint)) == "follow_up"


def _cell(overview: str, checkpoint: str) -> str:
    return re.search(rf'<td data-checkpoint="{checkpoint}">(.*?)</td>', overview, re.S).group(1)


def test_the_later_follow_up_has_its_own_column_and_waits_for_its_day(login_as):
    staff = factories.make_user("staff")
    cohort, _org, _person, placed = _left_course(staff, days_ago=100)
    client = login_as(staff)
    overview_url = f"/staff/cohorts/{cohort.id}/outcomes"
    overview = client.get(overview_url).get_data(as_text=True)
    late_url = _url(cohort, placed, "late")
    # The follow-up is due; the later one, 180 days after leaving, is not yet.
    assert _url(cohort, placed, "follow_up") in _cell(overview, "follow_up")
    due = outcomes.late_follow_up_date(placed.ended_on)
    assert due == placed.ended_on + timedelta(days=180)
    assert late_url not in _cell(overview, "late") and "<a" not in _cell(overview, "late")
    page = client.get(late_url)
    assert page.status_code == 200
    data = {**hidden_inputs(page.get_data(as_text=True)), "status": "employed",
            "employer_name": "Hotell Kusten", "recorded_on": ""}
    response = client.post(late_url, data=data)
    assert response.status_code == 422
    assert 'id="recorded_on-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Outcome)) == 0

    cohort2, _o, person2, gone = _left_course(staff, days_ago=181)
    late_url = _url(cohort2, gone, "late")
    overview = client.get(f"/staff/cohorts/{cohort2.id}/outcomes").get_data(as_text=True)
    assert late_url in _cell(overview, "late")  # due, so it can be recorded
    data = {**hidden_inputs(client.get(late_url).get_data(as_text=True)),
            "status": "employed", "employer_name": "Hotell Kusten", "recorded_on": ""}
    assert client.post(late_url, data=data).status_code == 302
    outcome = db.session.scalar(select(Outcome))
    assert (outcome.participant_id, outcome.checkpoint, outcome.status) == (
        person2.id, "late", "employed")
    overview = client.get(f"/staff/cohorts/{cohort2.id}/outcomes").get_data(as_text=True)
    assert "Hotell Kusten" in _cell(overview, "late")
    assert "Hotell Kusten" not in _cell(overview, "follow_up")
    # The participant's page lists it under its own checkpoint.
    with force_locale("sv"):
        label = Checkpoint.LATE.label
    body = client.get(f"/staff/participants/{person2.id}").get_data(as_text=True)
    row = re.search(r'<section aria-labelledby="outcomes-title">.*?</section>', body,
                    re.S).group(0)
    assert f"<td>{label}</td>" in row and "Hotell Kusten" in row


def test_the_later_follow_up_counts_its_own_configured_days(app, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "OUTCOME_LATE_FOLLOW_UP_DAYS", 365)
    staff = factories.make_user("staff")
    cohort, _org, _person, placed = _left_course(staff, days_ago=200)
    client = login_as(staff)
    overview = client.get(f"/staff/cohorts/{cohort.id}/outcomes").get_data(as_text=True)
    assert _url(cohort, placed, "late") not in _cell(overview, "late")
    assert "365" in overview


def test_no_outcome_before_leaving_and_only_for_this_course(login_as):
    staff = factories.make_user("staff")
    cohort, _org, _p, placed = _left_course(staff)
    other = _course(staff=staff)
    still_in = enrolment.enrol(other, _person(staff=staff), actor=staff)
    db.session.commit()
    client = login_as(staff)
    response = client.get(_url(other, still_in))
    assert response.status_code == 302 and response.location.endswith(
        f"/staff/cohorts/{other.id}/outcomes")
    assert client.get(_url(other, placed)).status_code == 404  # not this course's
    assert client.get(_url(cohort, placed, "someday")).status_code == 404


def test_two_staff_record_the_same_new_outcome_the_second_is_told(login_as):
    staff = factories.make_user("staff")
    cohort, _org, _p, placed = _left_course(staff)
    client = login_as(staff)
    url = _url(cohort, placed)
    both = hidden_inputs(client.get(url).get_data(as_text=True))
    assert both["version_id"] == "0"
    assert client.post(url, data={**both, "status": "studies"}).status_code == 302
    assert client.post(url, data={**both, "status": "unknown"}).status_code == 409
    assert db.session.scalar(select(Outcome.status)) == "studies"


def test_two_staff_change_the_same_outcome_the_second_is_told(login_as):
    staff = factories.make_user("staff")
    cohort, org, _p, placed = _left_course(staff)
    client = login_as(staff)
    url = _url(cohort, placed)
    first = {**hidden_inputs(client.get(url).get_data(as_text=True)), "status": "unknown"}
    assert client.post(url, data=first).status_code == 302
    page_a = hidden_inputs(client.get(url).get_data(as_text=True))
    page_b = dict(page_a)
    assert client.post(url, data={**page_a, "status": "studies"}).status_code == 302
    response = client.post(url, data={**page_b, "status": "employed",
                                      "organisation_id": str(org.id)})
    assert response.status_code == 409
    chosen = re.search(r'<input[^>]*value="employed"[^>]*>', response.get_data(as_text=True))
    assert "checked" in chosen.group(0)  # what they chose is kept
    db.session.expire_all()
    assert db.session.scalar(select(Outcome.status)) == "studies"


def test_my_day_lists_courses_whose_follow_ups_are_due_until_recorded(login_as):
    staff = factories.make_user("staff")
    soon, _o, _p, _e = _left_course(staff, days_ago=30)
    cohort, _org, _p2, placed = _left_course(staff, days_ago=91)
    client = login_as(staff)
    page = client.get("/staff/requests/my-day").get_data(as_text=True)
    assert f"/staff/cohorts/{cohort.id}/outcomes" in page
    assert f"/staff/cohorts/{soon.id}/outcomes" not in page  # not due for two months
    url = _url(cohort, placed, "follow_up")
    data = {**hidden_inputs(client.get(url).get_data(as_text=True)), "status": "unknown"}
    assert client.post(url, data=data).status_code == 302
    page = client.get("/staff/requests/my-day").get_data(as_text=True)
    assert f"/staff/cohorts/{cohort.id}/outcomes" not in page
