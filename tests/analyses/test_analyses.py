"""Needs analyses: started from requests and needs, written, made final, revised, answered."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.analyses import services
from portal.analyses.models import NeedsAnalysis
from portal.core.dates import local_today
from portal.extensions import db
from tests import factories
from tests.support import hidden_inputs, mail_text, submit


def _analysis_for(org) -> NeedsAnalysis:
    return db.session.scalar(select(NeedsAnalysis).where(NeedsAnalysis.organisation_id == org.id))


def _edit_data(page: str, **overrides) -> dict:
    today = local_today()
    data = hidden_inputs(page)
    data.update({
        "meeting_date": (today - timedelta(days=2)).isoformat(),
        "participants": "Anna Berg (HR), Lena Ek (kommunen)",
        "skills_gaps": "Hygienrutiner och svenska för yrket.",
        "actions": ["tailored_course", "recruitment_event"],
        "actions_note": "Lokalvårdskurs på 14 veckor.",
        "follow_up_date": (today + timedelta(days=90)).isoformat(),
        "line-0-occupation_code": "9111", "line-0-headcount": "6",
        "line-0-timeframe": "within_3_months", "line-0-requirements": "B-körkort",
        "line-0-training_needed": "y",
        # The blank line the page offers, sent as a browser sends it.
        "line-1-occupation_code": "", "line-1-headcount": "", "line-1-timeframe": "",
        "line-1-occupation_other": "", "line-1-requirements": "",
    })
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _start(client, org, **params):
    url = f"/staff/organisations/{org.id}/analyses/new"
    return url, client.get(url, query_string=params).get_data(as_text=True)


def _final_analysis(client, org) -> NeedsAnalysis:
    url, page = _start(client, org)
    assert client.post(url, data=hidden_inputs(page)).status_code == 302
    analysis = _analysis_for(org)
    edit = f"/staff/analyses/{analysis.id}/edit"
    data = _edit_data(client.get(edit).get_data(as_text=True), finalise="1")
    assert client.post(edit, data=data).status_code == 302
    db.session.expire_all()
    return analysis


def test_started_from_a_request_its_needs_become_lines_once_however_often_clicked(login_as):
    org = factories.make_organisation(name="Städ & Co AB")
    employer = factories.employer_of(org)
    cleaners = factories.make_need(org, employer, headcount=6, timeframe="within_3_months",
                                   other_requirements="B-körkort")
    drivers = factories.make_need(org, employer, occupation_code="8332", headcount=2)
    course = factories.make_request(org, employer, "tailored_course", submit=True,
                                    needs=[cleaners])
    client = login_as("staff")
    url, page = _start(client, org, request=str(course.id))
    assert course.reference in page and 'checked' in page
    data = {**hidden_inputs(page), "request_ids": [str(course.id)],
            "need_ids": [str(drivers.id)]}
    first, second = client.post(url, data=data), client.post(url, data=data)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    analyses = list(db.session.scalars(select(NeedsAnalysis).where(
        NeedsAnalysis.organisation_id == org.id)))
    assert len(analyses) == 1
    draft = analyses[0].draft
    lines = {(line.occupation_code, line.headcount, line.training_needed)
             for line in draft.lines}
    # The course request's need needs training; the need chosen on its own does not.
    assert lines == {("9111", 6, True), ("8332", 2, False)}
    assert draft.lines[0].requirements == "B-körkort"
    assert [a.value for a in draft.action_list] == ["tailored_course"]
    assert analyses[0].requests == [course]


def test_another_organisations_request_or_need_is_refused(login_as):
    org, other = factories.make_organisation(), factories.make_organisation()
    foreign = factories.make_need(other)
    client = login_as("staff")
    url, page = _start(client, org)
    response = client.post(url, data={**hidden_inputs(page), "need_ids": [str(foreign.id)]})
    assert response.status_code == 422
    assert _analysis_for(org) is None


def test_a_half_filled_line_is_shown_with_its_error_and_what_was_typed(login_as):
    org = factories.make_organisation()
    client = login_as("staff")
    url, page = _start(client, org)
    client.post(url, data=hidden_inputs(page))
    analysis = _analysis_for(org)
    edit = f"/staff/analyses/{analysis.id}/edit"
    data = _edit_data(client.get(edit).get_data(as_text=True),
                      **{"line-1-occupation_code": "other", "line-1-occupation_other": "",
                         "line-1-headcount": "tre", "line-1-requirements": "Truckkort A"})
    response = client.post(edit, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'href="#line-1-headcount"' in html and 'href="#line-1-occupation_other"' in html
    assert 'href="#line-1-timeframe"' in html
    assert 'value="Truckkort A"' in html and "Hygienrutiner" in html
    db.session.expire_all()
    assert analysis.draft.lines == []  # nothing saved


def test_adding_a_line_without_javascript_keeps_what_was_typed(login_as):
    org = factories.make_organisation()
    client = login_as("staff")
    url, page = _start(client, org)
    client.post(url, data=hidden_inputs(page))
    analysis = _analysis_for(org)
    edit = f"/staff/analyses/{analysis.id}/edit"
    html = client.get(edit).get_data(as_text=True)
    assert 'name="line-1-occupation_code"' in html and 'line-2-' not in html
    data = _edit_data(html, add_line="1")
    response = client.post(edit, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="line-2-occupation_code"' in html and "Hygienrutiner" in html
    db.session.expire_all()
    assert analysis.draft.participants == ""  # adding a line saves nothing


def test_final_needs_the_meeting_and_mails_the_organisation(login_as, smtp):
    org = factories.make_organisation(name="Glans Städ AB")
    contact = factories.employer_of(org)
    client = login_as("staff")
    url, page = _start(client, org)
    client.post(url, data=hidden_inputs(page))
    analysis = _analysis_for(org)
    edit = f"/staff/analyses/{analysis.id}/edit"
    future = (local_today() + timedelta(days=3)).isoformat()
    data = _edit_data(client.get(edit).get_data(as_text=True), finalise="1",
                      meeting_date=future, participants="")
    response = client.post(edit, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'href="#meeting_date"' in html and 'href="#participants"' in html
    db.session.expire_all()
    assert analysis.final_number is None
    assert analysis.draft.skills_gaps.startswith("Hygienrutiner")  # the draft was saved
    data = _edit_data(client.get(edit).get_data(as_text=True), finalise="1")
    assert client.post(edit, data=data).status_code == 302
    db.session.expire_all()
    assert analysis.final_number == 1 and analysis.draft_number is None
    mail = smtp.last_to(contact.email)
    assert "Glans Städ AB" in mail["Subject"]
    assert f"/organisations/{org.id}/analyses/{analysis.id}" in mail_text(mail)


def test_a_new_version_leaves_the_final_one_as_the_employer_saw_it(login_as):
    org = factories.make_organisation()
    employer = factories.employer_of(org)
    staff_client = login_as("staff")
    analysis = _final_analysis(staff_client, org)
    detail = staff_client.get(f"/staff/analyses/{analysis.id}").get_data(as_text=True)
    response = staff_client.post(f"/staff/analyses/{analysis.id}/revise",
                                 data=hidden_inputs(detail))
    assert response.headers["Location"] == f"/staff/analyses/{analysis.id}/edit"
    edit = f"/staff/analyses/{analysis.id}/edit"
    data = _edit_data(staff_client.get(edit).get_data(as_text=True),
                      **{"line-0-headcount": "9"})
    assert staff_client.post(edit, data=data).status_code == 302

    employer_client = login_as(employer)
    url = f"/organisations/{org.id}/analyses/{analysis.id}"
    html = employer_client.get(url).get_data(as_text=True)
    assert ">6<" in html and ">9<" not in html  # still version 1

    staff_client = login_as("staff")
    detail = staff_client.get(f"/staff/analyses/{analysis.id}").get_data(as_text=True)
    assert staff_client.post(f"/staff/analyses/{analysis.id}/finalise",
                             data=hidden_inputs(detail)).status_code == 302
    employer_client = login_as(employer)
    html = employer_client.get(url).get_data(as_text=True)
    assert ">9<" in html
    old = employer_client.get(url, query_string={"version": "1"}).get_data(as_text=True)
    assert ">6<" in old and ">9<" not in old
    staff_client = login_as("staff")
    history = staff_client.get(f"/staff/analyses/{analysis.id}").get_data(as_text=True)
    assert "6 (" in history and "9 (" in history  # the line change, before → after


def test_the_employer_confirms_or_comments_and_the_author_hears_of_it(login_as, smtp):
    org = factories.make_organisation(name="Ren Miljö AB")
    employer = factories.employer_of(org)
    author = factories.make_user("staff")
    analysis = _final_analysis(login_as(author), org)
    client = login_as(employer)
    url = f"/organisations/{org.id}/analyses/{analysis.id}"
    assert "Ren Miljö AB" in client.get(f"/organisations/{org.id}/analyses").get_data(
        as_text=True)
    response = submit(client, url, {"kind": "commented", "comment": ""})
    assert response.status_code == 422
    assert 'href="#comment"' in response.get_data(as_text=True)
    response = submit(client, url, {"kind": "commented",
                                    "comment": "Vi behöver också två kockar."})
    assert response.status_code == 302
    assert "Ren Miljö AB" in smtp.last_to(author.email)["Subject"]
    assert submit(client, url, {"kind": "confirmed"}).status_code == 302
    assert services.confirmed_by(analysis, 1) is not None
    staff_page = login_as(author).get(f"/staff/analyses/{analysis.id}").get_data(as_text=True)
    assert "Vi behöver också två kockar." in staff_page


def test_employers_see_only_their_own_final_analyses(login_as):
    org, other = factories.make_organisation(), factories.make_organisation()
    staff_client = login_as("staff")
    final = _final_analysis(staff_client, org)
    url, page = _start(staff_client, org)
    staff_client.post(url, data=hidden_inputs(page))
    draft = db.session.scalar(select(NeedsAnalysis).where(
        NeedsAnalysis.organisation_id == org.id, NeedsAnalysis.final_number.is_(None)))
    client = login_as(factories.employer_of(org))
    assert client.get(f"/organisations/{org.id}/analyses/{final.id}").status_code == 200
    assert client.get(f"/organisations/{org.id}/analyses/{draft.id}").status_code == 404
    assert client.get(f"/organisations/{org.id}/analyses/{final.id}?version=2"
                      ).status_code == 404
    outsider = login_as(factories.employer_of(other))
    assert outsider.get(f"/organisations/{org.id}/analyses/{final.id}").status_code == 404
    assert outsider.get(f"/organisations/{other.id}/analyses/{final.id}").status_code == 404
    assert outsider.get(f"/staff/analyses/{final.id}").status_code == 403


def test_two_staff_editing_the_same_draft_the_second_is_told(login_as):
    org = factories.make_organisation()
    client = login_as("staff")
    url, page = _start(client, org)
    client.post(url, data=hidden_inputs(page))
    analysis = _analysis_for(org)
    edit = f"/staff/analyses/{analysis.id}/edit"
    page = client.get(edit).get_data(as_text=True)
    first = _edit_data(page, participants="Först")
    second = _edit_data(page, participants="Sedan")
    assert client.post(edit, data=first).status_code == 302
    response = client.post(edit, data=second)
    assert response.status_code == 409
    assert 'value="Sedan"' in response.get_data(as_text=True)  # what was typed is kept
    db.session.expire_all()
    assert analysis.draft.participants == "Först"


def test_discarding_a_first_draft_removes_it(login_as):
    org = factories.make_organisation()
    client = login_as("staff")
    url, page = _start(client, org)
    client.post(url, data=hidden_inputs(page))
    analysis_id = _analysis_for(org).id
    detail = client.get(f"/staff/analyses/{analysis_id}").get_data(as_text=True)
    response = client.post(f"/staff/analyses/{analysis_id}/discard", data=hidden_inputs(detail))
    assert response.headers["Location"] == "/staff/analyses/"
    db.session.expire_all()
    assert _analysis_for(org) is None


def test_the_staff_list_filters_by_state_and_organisation(login_as):
    alpha = factories.make_organisation(name="Alfa Lokalvård AB")
    beta = factories.make_organisation(name="Beta Kök AB")
    client = login_as("staff")
    _final_analysis(client, alpha)
    url, page = _start(client, beta)
    client.post(url, data=hidden_inputs(page))
    html = client.get("/staff/analyses/?state=draft").get_data(as_text=True)
    assert "Beta Kök AB" in html and "Alfa Lokalvård AB" not in html
    html = client.get("/staff/analyses/?q=alfa").get_data(as_text=True)
    assert "Alfa Lokalvård AB" in html and "Beta Kök AB" not in html


def test_my_day_lists_the_follow_ups_that_are_due(login_as):
    from portal.analyses import services as analyses

    org = factories.make_organisation(name="Uppföljning AB")
    staff = factories.make_user("staff")
    analysis = _final_analysis(login_as(staff), org)
    client = login_as(staff)
    assert "Uppföljning AB" not in client.get("/staff/requests/my-day").get_data(as_text=True)
    analysis.final.follow_up_date = local_today() - timedelta(days=1)
    db.session.commit()
    html = client.get("/staff/requests/my-day").get_data(as_text=True)
    assert "Uppföljning AB" in html
    assert analyses.follow_ups_due(factories.make_user("staff"), local_today()) == []


def test_a_line_with_only_training_ticked_is_not_silently_dropped(login_as):
    org = factories.make_organisation()
    client = login_as("staff")
    url, page = _start(client, org)
    client.post(url, data=hidden_inputs(page))
    analysis = _analysis_for(org)
    edit = f"/staff/analyses/{analysis.id}/edit"
    data = _edit_data(client.get(edit).get_data(as_text=True),
                      **{"line-1-training_needed": "y"})
    response = client.post(edit, data=data)
    assert response.status_code == 422
    assert 'href="#line-1-occupation_code"' in response.get_data(as_text=True)
