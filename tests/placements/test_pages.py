"""The placement pages: staff's list, form, checks, moves, at-risk list, matching, my day;
the supervisor's check-in and page. Assertions read ids, values and data attributes, not
the (translated) wording."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import render_template
from sqlalchemy import func, select

from portal.core.dates import local_today
from portal.core.models import AuditEvent, utcnow
from portal.extensions import db
from portal.participants.enums import Checkpoint, OutcomeStatus
from portal.participants.models import Outcome
from portal.placements import services
from portal.placements.enums import FollowUpKind, PlacementState
from portal.placements.models import Placement, PlacementCheckIn
from portal.requests.enums import RequestState
from tests import factories
from tests.placements.helpers import LAST_NAME, agreed, propose, world
from tests.support import hidden_inputs, submit

P = PlacementState


def _input_value(html: str, name: str) -> str | None:
    for tag in re.findall(r"<(?:input|textarea)[^>]*>", html):
        if f'name="{name}"' in tag:
            found = re.search(r'value="([^"]*)"', tag)
            return found.group(1) if found else ""
    return None


def _selected(html: str, name: str) -> str | None:
    select_html = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    if not select_html:
        return None
    for tag in re.findall(r"<option[^>]*>", select_html.group(1)):
        if " selected" in tag:
            return re.search(r'value="([^"]*)"', tag).group(1)
    return None


# --- the list -------------------------------------------------------------------------------------

def test_the_list_filters_by_state_type_host_and_missed_follow_ups(login_as):
    staff, org, supervisor, person = world()
    late = agreed(person, org, supervisor, staff, starts_on=local_today() - timedelta(days=20))
    other_org = factories.make_organisation(name="Kustens Hotell AB")
    fresh = propose(factories.make_participant(actor=staff), other_org,
                    factories.make_supervisor(other_org), staff,
                    placement_type="subsidised_job")
    client = login_as(staff)

    def ids(query=""):
        body = client.get(f"/staff/placements/{query}").get_data(as_text=True)
        return {int(i) for i in re.findall(r'<tr id="placement-(\d+)"', body)}

    assert {late.id, fresh.id} <= ids()
    assert late.id in ids("?state=agreed") and fresh.id not in ids("?state=agreed")
    assert ids("?type=subsidised_job") & {late.id, fresh.id} == {fresh.id}
    assert ids("?q=kustens") == {fresh.id}
    assert late.id in ids("?missed=1") and fresh.id not in ids("?missed=1")
    partial = client.get("/staff/placements/?q=kustens",
                         headers={"HX-Request": "true", "HX-Target": "placements"})
    assert partial.get_data(as_text=True).lstrip().startswith('<div id="placements">')


# --- new, from a request ----------------------------------------------------------------------

def test_a_new_placement_from_a_request_is_prefilled_and_moves_the_request(login_as):
    staff = factories.make_user("staff")
    org = factories.make_organisation()
    req = factories.make_request(org, factories.employer_of(org), "placement", submit=True)
    supervisor = factories.make_supervisor(org, trained_on=local_today())
    person = factories.make_participant(actor=staff)
    client = login_as(staff)
    url = (f"/staff/placements/new?request_id={req.id}&participant_id={person.id}"
           f"&supervisor_id={supervisor.id}")
    page = client.get(url).get_data(as_text=True)
    assert _selected(page, "organisation_id") == str(org.id)
    assert _selected(page, "placement_type") == req.placement_type
    assert _selected(page, "supervisor_id") == str(supervisor.id)
    assert _selected(page, "sector") == "cleaning"  # the requesting host's one sector
    assert _input_value(page, "starts_on") == req.period_start.isoformat()
    assert _input_value(page, "ends_on") == req.period_end.isoformat()
    assert _input_value(page, "weekly_hours") == str(req.hours_per_week)
    assert _input_value(page, "case_reference") == person.case_reference
    assert req.tasks in page
    fields = hidden_inputs(page)
    fields.update(organisation_id=str(org.id), placement_type=req.placement_type,
                  sector="cleaning", supervisor_id=str(supervisor.id),
                  starts_on=req.period_start.isoformat(),
                  ends_on=req.period_end.isoformat(), weekly_hours="30", tasks=req.tasks,
                  case_reference=person.case_reference)
    response = client.post(url, data=fields)
    assert response.status_code == 302
    again = client.post(url, data=fields)  # a double click: the same placement
    assert again.headers["Location"] == response.headers["Location"]
    placement = db.session.scalars(select(Placement).where(Placement.request_id == req.id)).one()
    assert placement.state == P.PROPOSED and placement.participant_id == person.id
    db.session.refresh(req)
    assert req.state == RequestState.IN_PROGRESS


def test_an_unknown_case_reference_is_refused(login_as):
    staff, org, _supervisor, _person = world()
    client = login_as(staff)
    response = submit(client, "/staff/placements/new", {
        "case_reference": "NO-SUCH", "organisation_id": str(org.id),
        "placement_type": "internship", "sector": "cleaning",
        "starts_on": local_today().isoformat(),
        "ends_on": (local_today() + timedelta(days=30)).isoformat(), "weekly_hours": "30",
        "tasks": "Städning"})
    assert response.status_code == 422
    assert 'href="#case_reference"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Placement)) == 0


def _new_placement_form(org, supervisor, person, **over) -> dict:
    return {"case_reference": person.case_reference, "organisation_id": str(org.id),
            "supervisor_id": str(supervisor.id), "placement_type": "internship",
            "starts_on": local_today().isoformat(),
            "ends_on": (local_today() + timedelta(days=30)).isoformat(),
            "weekly_hours": "30", "tasks": "Städning", **over}


def test_a_new_placement_needs_its_sector_which_is_shown_and_audited(login_as):
    staff, org, supervisor, person = world()
    client = login_as(staff)
    page = client.get("/staff/placements/new").get_data(as_text=True)
    assert _selected(page, "sector") is None  # nothing chosen for the staff member
    response = submit(client, "/staff/placements/new",
                      _new_placement_form(org, supervisor, person))
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'href="#sector"' in body and 'id="sector-error"' in body
    assert db.session.scalar(select(func.count()).select_from(Placement)) == 0
    response = submit(client, "/staff/placements/new",
                      _new_placement_form(org, supervisor, person, sector="nonsense"))
    assert response.status_code == 422 and 'href="#sector"' in response.get_data(as_text=True)
    response = submit(client, "/staff/placements/new",
                      _new_placement_form(org, supervisor, person, sector="kitchen"))
    assert response.status_code == 302
    placement = db.session.scalars(select(Placement)).one()
    assert placement.sector == "kitchen"
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'id="placement-sector" data-sector="kitchen"' in detail
    created = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "placement.created", AuditEvent.object_id == placement.id))
    assert created.changes["sector"] == "kitchen"
    # Changed like the other fields, and audited before → after.
    url = f"/staff/placements/{placement.id}/edit"
    edit = client.get(url).get_data(as_text=True)
    assert _selected(edit, "sector") == "kitchen"
    fields = {**hidden_inputs(edit), **_new_placement_form(org, supervisor, person)}
    del fields["case_reference"]
    assert client.post(url, data={**fields, "sector": ""}).status_code == 422
    assert client.post(url, data={**fields, "sector": "cleaning"}).status_code == 302
    db.session.refresh(placement)
    assert placement.sector == "cleaning"
    updated = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "placement.updated", AuditEvent.object_id == placement.id))
    assert updated.changes["sector"] == {"before": "kitchen", "after": "cleaning"}


def test_the_sector_is_preselected_from_the_request_the_host_or_the_matching(login_as):
    staff = factories.make_user("staff")
    one = factories.make_organisation(sectors=["care"])
    two = factories.make_organisation(sectors=["kitchen", "cleaning"])
    client = login_as(staff)

    def preselected(url):
        return _selected(client.get(url).get_data(as_text=True), "sector")

    # A request from a host with one sector; with two, the request's hiring need decides.
    req_one = factories.make_request(one, factories.employer_of(one), "placement", submit=True)
    assert preselected(f"/staff/placements/new?request_id={req_one.id}") == "care"
    req_two = factories.make_request(two, factories.employer_of(two), "placement",
                                     submit=True)
    assert preselected(f"/staff/placements/new?request_id={req_two.id}") is None
    need = factories.make_need(two, occupation_code="9111")  # a cleaner
    req_need = factories.make_request(two, factories.employer_of(two), "placement",
                                      submit=True, needs=[need])
    assert preselected(f"/staff/placements/new?request_id={req_need.id}") == "cleaning"
    # The sector chosen on the request's matching page travels with its links.
    supervisor = factories.make_supervisor(two, sectors=("kitchen",))
    matching = client.get(f"/staff/placements/for-request/{req_two.id}?sector=kitchen")
    links = re.findall(r'href="(/staff/placements/new\?[^"]*)"', matching.get_data(
        as_text=True))
    assert links and all("sector=kitchen" in link for link in links)
    assert preselected(links[0].replace("&amp;", "&")) == "kitchen"
    assert preselected(f"/staff/placements/new?supervisor_id={supervisor.id}"
                       "&sector=nonsense") is None


def test_an_older_placement_without_a_sector_may_stay_so_or_take_the_hosts(login_as):
    staff, org, supervisor, person = world()  # the host has one sector: cleaning
    placement = factories.make_placement(person, org, supervisor, sector=None)
    client = login_as(staff)
    url = f"/staff/placements/{placement.id}/edit"
    detail = client.get(f"/staff/placements/{placement.id}").get_data(as_text=True)
    assert 'id="placement-sector" data-sector=""' in detail
    edit = client.get(url).get_data(as_text=True)
    assert _selected(edit, "sector") == "cleaning"  # offered, for staff to confirm
    fields = {"organisation_id": str(org.id),
              "supervisor_id": str(supervisor.id), "placement_type": "internship",
              "starts_on": placement.starts_on.isoformat(),
              "ends_on": placement.ends_on.isoformat(), "weekly_hours": "25",
              "tasks": placement.tasks}
    assert client.post(url, data={**hidden_inputs(edit), **fields,
                                  "sector": ""}).status_code == 302
    db.session.refresh(placement)
    assert (placement.weekly_hours, placement.sector) == (25, None)
    edit = client.get(url).get_data(as_text=True)
    assert client.post(url, data={**hidden_inputs(edit), **fields,
                                  "sector": "cleaning"}).status_code == 302
    db.session.refresh(placement)
    assert placement.sector == "cleaning"


# --- agreeing ---------------------------------------------------------------------------------

def test_the_agree_page_blocks_when_capacity_is_full(login_as):
    staff, org, supervisor, person = world(capacity=1)
    agreed(factories.make_participant(actor=staff), org, supervisor, staff)
    placement = propose(person, org, supervisor, staff)
    client = login_as(staff)
    body = client.get(f"/staff/placements/{placement.id}/agree").get_data(as_text=True)
    assert 'data-check="capacity" data-blocking="yes"' in body
    assert 'id="agree-form"' not in body and 'id="agree-blocked"' in body
    response = submit(client, f"/staff/placements/{placement.id}/agree", {
        "confirm": "y", "warnings": "", "version_id": str(placement.version_id)})
    assert response.status_code == 422
    db.session.refresh(placement)
    assert placement.state == P.PROPOSED


def test_warnings_are_confirmed_with_the_box(login_as):
    staff, org, supervisor, person = world(trained=False)
    placement = propose(person, org, supervisor, staff)
    client = login_as(staff)
    url = f"/staff/placements/{placement.id}/agree"
    body = client.get(url).get_data(as_text=True)
    assert 'data-check="not_trained" data-blocking="no"' in body
    assert hidden_inputs(body)["warnings"] == "not_trained"
    assert submit(client, url, {}).status_code == 422  # not ticked
    db.session.refresh(placement)
    assert placement.state == P.PROPOSED
    response = submit(client, url, {"confirm": "y"})
    assert response.status_code == 302
    db.session.refresh(placement)
    assert placement.state == P.AGREED
    assert {f.kind for f in placement.follow_ups} == set(FollowUpKind)


def test_the_ratio_figures_are_shown_and_the_employees_asked_for(login_as):
    staff, org, supervisor, person = world(capacity=5)
    placement = propose(person, org, supervisor, staff, placement_type="subsidised_job")
    factories.make_placement(factories.make_participant(actor=staff), org, supervisor,
                             state="active", placement_type="labour_market_employment")
    client = login_as(staff)
    url = f"/staff/placements/{placement.id}/agree"
    body = client.get(url).get_data(as_text=True)
    assert 'name="ordinary_employees"' in body
    response = submit(client, url, {"ordinary_employees": "6"})
    assert response.status_code == 422  # the ratio warning appears with the figure typed
    body = response.get_data(as_text=True)
    assert 'data-check="ratio" data-blocking="no"' in body
    ratio = re.search(r'data-check="ratio"[^>]*>(.*?)</li>', body, re.S).group(1)
    assert all(n in ratio for n in ("2", "6", "5"))
    db.session.refresh(org)
    assert org.ordinary_employees is None  # nothing saved from a refused form
    # The page shown after the refusal carries the warning: confirmed from there.
    assert hidden_inputs(body)["warnings"] == "ratio"
    response = client.post(url, data={**hidden_inputs(body), "ordinary_employees": "6",
                                      "confirm": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.refresh(org)
    db.session.refresh(placement)
    assert org.ordinary_employees == 6 and placement.state == P.AGREED


# --- changing, stale versions ---------------------------------------------------------------

def test_a_stale_edit_gets_409_and_overwrites_nothing(login_as):
    staff, org, supervisor, person = world()
    placement = propose(person, org, supervisor, staff)
    url = f"/staff/placements/{placement.id}/edit"
    first, second = login_as(staff), login_as(factories.make_user("staff"))
    form_a = hidden_inputs(first.get(url).get_data(as_text=True))
    form_b = hidden_inputs(second.get(url).get_data(as_text=True))
    common = {"organisation_id": str(org.id), "supervisor_id": str(supervisor.id),
              "placement_type": "internship", "sector": "cleaning",
              "starts_on": placement.starts_on.isoformat(),
              "ends_on": placement.ends_on.isoformat(), "tasks": "Städning"}
    assert first.post(url, data={**form_a, **common, "weekly_hours": "20"}).status_code == 302
    stale = second.post(url, data={**form_b, **common, "weekly_hours": "35"})
    assert stale.status_code == 409
    assert 'id="error-summary"' in stale.get_data(as_text=True)
    db.session.refresh(placement)
    assert placement.weekly_hours == 20


# --- ending: the conversion -------------------------------------------------------------------

def test_ending_hired_by_host_records_the_outcome_shown_on_the_participant(login_as):
    staff, org, supervisor, person = world()
    placement = factories.make_placement(person, org, supervisor, state="active")
    client = login_as(staff)
    response = submit(client, f"/staff/placements/{placement.id}/end", {
        "ended_on": local_today().isoformat(), "outcome": "hired_by_host"})
    assert response.status_code == 302
    outcome = db.session.scalars(select(Outcome).where(
        Outcome.placement_id == placement.id)).one()
    assert (outcome.checkpoint, outcome.status, outcome.organisation_id) == (
        Checkpoint.END, OutcomeStatus.EMPLOYED, org.id)
    page = client.get(f"/staff/participants/{person.id}").get_data(as_text=True)
    assert f'href="/staff/placements/{placement.id}"' in page
    assert 'id="participant-placements"' in page
    detail = client.get(f"/staff/placements/{placement.id}").get_data(as_text=True)
    assert 'data-outcome="hired_by_host"' in detail


def test_follow_ups_are_marked_done_and_missed_ones_flagged(login_as):
    staff, org, supervisor, person = world()
    placement = agreed(person, org, supervisor, staff,
                       starts_on=local_today() - timedelta(days=20))
    client = login_as(staff)
    detail = client.get(f"/staff/placements/{placement.id}").get_data(as_text=True)
    assert re.search(r'id="follow-up-check_in" data-done="no" data-missed="yes"', detail)
    assert re.search(r'id="follow-up-midway" data-done="no" data-missed="no"', detail)
    my_day = client.get("/staff/requests/my-day").get_data(as_text=True)
    assert 'data-follow-up="check_in" data-missed="yes"' in my_day
    response = submit(client, f"/staff/placements/{placement.id}/follow-ups/check_in",
                      {"note": "Bra start."})
    assert response.status_code == 302
    detail = client.get(f"/staff/placements/{placement.id}").get_data(as_text=True)
    assert re.search(r'id="follow-up-check_in" data-done="yes" data-missed="no"', detail)
    assert 'data-follow-up="check_in"' not in client.get("/staff/requests/my-day").get_data(
        as_text=True)
    assert client.get(f"/staff/placements/{placement.id}/follow-ups/nonsense").status_code \
        == 404


# --- participants at risk ---------------------------------------------------------------------

def test_the_at_risk_list_finds_late_commitments_and_gaps_in_sql(login_as):
    staff, org, supervisor, _person = world()
    old = utcnow() - timedelta(days=60)
    no_commitment = factories.make_participant(actor=staff)
    gap = factories.make_participant(actor=staff)
    committed = factories.make_participant(actor=staff)
    fresh = factories.make_participant(actor=staff)  # intake today: not yet at risk
    in_time = factories.make_participant(actor=staff)
    # All are registered today; the rules count from the intake (the first meeting).
    for p in (no_commitment, gap, committed, in_time):
        p.intake_on = local_today() - timedelta(days=60)
    db.session.commit()
    # Gap: a placement agreed in time, ended 40 days ago, nothing since.
    factories.make_placement(gap, org, supervisor, state="ended",
                             agreed_at=old + timedelta(days=5),
                             starts_on=local_today() - timedelta(days=55),
                             ends_on=local_today() - timedelta(days=40),
                             ended_on=local_today() - timedelta(days=40))
    factories.make_placement(committed, org, supervisor, state="active")
    # Agreed within 28 days of intake, ended a week ago: neither rule.
    factories.make_placement(in_time, org, supervisor, state="ended",
                             agreed_at=old + timedelta(days=20),
                             starts_on=local_today() - timedelta(days=30),
                             ends_on=local_today() - timedelta(days=7),
                             ended_on=local_today() - timedelta(days=7))
    client = login_as(staff)
    body = client.get("/staff/placements/at-risk").get_data(as_text=True)
    rows = dict(re.findall(r'<tr id="risk-(\d+)" (data-no-commitment="[a-z]+" '
                           r'data-gap-days="\d*")', body))
    assert rows.get(str(no_commitment.id)) == 'data-no-commitment="yes" data-gap-days=""'
    assert rows.get(str(gap.id)) == 'data-no-commitment="no" data-gap-days="40"'
    for person in (committed, fresh, in_time):
        assert str(person.id) not in rows


# --- matching for a request -------------------------------------------------------------------

def test_matching_ranks_supervisors_and_lists_fitting_participants(login_as):
    staff = factories.make_user("staff")
    org = factories.make_organisation(municipality="Härryda", sectors=["cleaning"])
    req = factories.make_request(org, factories.employer_of(org), "placement", submit=True)
    trained = local_today() - timedelta(days=10)
    # At the organisation, in the sector, free, available, trained: first.
    best = factories.make_supervisor(org, trained_on=trained, full_name="Best Ahlberg")
    # At the organisation but full in the period.
    full = factories.make_supervisor(org, trained_on=trained, capacity=1,
                                     full_name="Full Ahlberg")
    factories.make_placement(factories.make_participant(actor=staff), org, full,
                             state="agreed", starts_on=req.period_start,
                             ends_on=req.period_end)
    # At the organisation, another sector.
    other_sector = factories.make_supervisor(org, trained_on=trained, sectors=("retail",),
                                             full_name="Annan Ahlberg")
    # Elsewhere in the municipality, in the sector, untrained.
    near = factories.make_supervisor(factories.make_organisation(municipality="Härryda"),
                                     full_name="Nära Ahlberg")
    # In another municipality: not listed.
    far = factories.make_supervisor(factories.make_organisation(municipality="Osby"))
    fits = factories.make_participant(actor=staff, sectors=("cleaning",))
    busy = factories.make_participant(actor=staff, sectors=("cleaning",))
    factories.make_placement(busy, org, best, state="agreed", starts_on=req.period_start,
                             ends_on=req.period_end)
    client = login_as(staff)
    body = client.get(f"/staff/placements/for-request/{req.id}").get_data(as_text=True)
    order = [int(i) for i in re.findall(r'data-supervisor-id="(\d+)"', body)]
    assert order == [best.id, full.id, other_sector.id, near.id]
    assert far.id not in order
    assert f"/staff/participants/{fits.id}" in body
    assert f"/staff/participants/{busy.id}" not in body
    link = f"/staff/placements/new?request_id={req.id}&amp;supervisor_id={best.id}"
    assert link in body
    chosen = client.get(f"/staff/placements/for-request/{req.id}?participant_id={fits.id}")
    assert f"participant_id={fits.id}" in chosen.get_data(as_text=True).split(
        'id="supervisors-title"')[1]
    event_req = factories.make_request(org, factories.employer_of(org), "recruitment_event",
                                       submit=True)
    assert client.get(f"/staff/placements/for-request/{event_req.id}").status_code == 404
    request_page = client.get(f"/staff/requests/{req.id}").get_data(as_text=True)
    assert f"/staff/placements/for-request/{req.id}" in request_page


# --- the supervisor ----------------------------------------------------------------------------

def test_a_supervisor_checks_in_on_their_own_active_placement_only(login_as):
    staff, org, supervisor, person = world()
    placement = factories.make_placement(person, org, supervisor, state="active")
    other = factories.make_supervisor(org)
    url = f"/supervisor/placements/{placement.id}/check-in"
    mine = login_as(supervisor.user)
    page = mine.get(url)
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert person.first_name in body
    assert LAST_NAME not in body and person.case_reference not in body
    theirs = login_as(other.user)
    assert theirs.get(url).status_code == 404
    assert submit(theirs, url, {"rating": "good", "hours": "30"},
                  get_url="/password/forgot").status_code == 404
    fields = {**hidden_inputs(body), "rating": "good", "hours": "30", "concerns": ""}
    first = mine.post(url, data=fields)
    second = mine.post(url, data={**fields, "rating": "mixed"})  # a double click, changed
    assert first.status_code == second.status_code == 302
    rows = db.session.scalars(select(PlacementCheckIn).where(
        PlacementCheckIn.placement_id == placement.id)).all()
    assert [(r.rating, r.hours) for r in rows] == [("mixed", 30)]
    staff_page = login_as(staff).get(f"/staff/placements/{placement.id}").get_data(
        as_text=True)
    assert staff_page.count('class="check-in"') == 1
    # An ended placement takes no more check-ins.
    services.end(placement, actor=staff, ending=services.Ending(local_today(), "studies"))
    db.session.commit()
    assert mine.get(url).status_code == 404


def test_the_supervisor_page_shows_only_the_minimum(app, login_as):
    staff, org, supervisor, person = world()
    person.email, person.phone = "amal@example.se", "070-999 88 77"
    db.session.commit()
    placement = agreed(person, org, supervisor, staff,
                       starts_on=local_today() - timedelta(days=20))
    services.activate(placement, actor=staff)
    other = factories.make_participant(first_name="Annanperson", actor=staff,
                                       last_name="Okänd-Efternamn")
    factories.make_placement(other, org, factories.make_supervisor(org), state="active")
    db.session.commit()
    context = services.page_context(supervisor)
    with app.test_request_context():
        partial = render_template("placements/_for_supervisor.html", **context)
    pages = [partial]
    client = login_as(supervisor.user)
    if "supervisors.home" in app.view_functions:
        home = client.get("/supervisor/")
        assert home.status_code == 200
        pages.append(home.get_data(as_text=True))
    for body in pages:
        assert person.first_name in body and org.name in body
        assert f"/supervisor/placements/{placement.id}/check-in" in body
        for secret in (LAST_NAME, person.case_reference, person.email, person.phone,
                       other.first_name, other.last_name):
            assert secret not in body, secret
        assert "/staff/" not in body.split('id="my-placements"')[1].split("</section>")[0]


def test_the_list_says_how_ended_placements_ended(login_as):
    staff, org, supervisor, _person = world(capacity=5)
    ended = {"hired_by_host": 2, "other_job": 1, "studies": 1, "continued_search": 1}
    for outcome, count in ended.items():
        for _ in range(count):
            factories.make_placement(factories.make_participant(actor=staff), org,
                                     supervisor, state="ended", end_outcome=outcome)
    factories.make_placement(factories.make_participant(actor=staff), org, supervisor,
                             state="ended", end_outcome="interrupted", end_reason="Flytt")
    factories.make_placement(factories.make_participant(actor=staff), org, supervisor,
                             state="active")  # not ended: not counted
    factories.make_placement(factories.make_participant(actor=staff), org, supervisor,
                             state="ended", end_outcome="hired_by_host",
                             placement_type="subsidised_job")
    client = login_as(staff)
    body = client.get("/staff/placements/").get_data(as_text=True)
    assert 'id="conversion" data-ended="7" data-hired="3" data-work-or-studies="5"' in body
    # The type filter narrows the figures too.
    body = client.get("/staff/placements/?type=internship").get_data(as_text=True)
    assert 'id="conversion" data-ended="6" data-hired="2" data-work-or-studies="4"' in body
    assert services.conversion("internship").hired_share == 33
