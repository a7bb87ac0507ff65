"""Lists run a constant number of queries, however many rows they show."""

from __future__ import annotations

import contextlib

from sqlalchemy import event

from portal.extensions import db
from tests import factories


@contextlib.contextmanager
def count_queries():
    counter = {"n": 0}

    def _count(*args, **kwargs):
        counter["n"] += 1

    engine = db.engine
    event.listen(engine, "before_cursor_execute", _count)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", _count)


def _queries(client, url) -> int:
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    return counter["n"]


def test_members_page_queries_do_not_grow_with_members(login_as):
    org = factories.make_organisation()
    client = login_as(factories.employer_of(org))
    url = f"/organisations/{org.id}/members"
    few = _queries(client, url)
    for _ in range(30):
        factories.employer_of(org, org_role="member")
    assert _queries(client, url) == few


def test_staff_lists_queries_do_not_grow_with_rows(login_as):
    admin = login_as("admin")
    factories.make_organisation()  # one row first: eager loads run once rows exist
    few_staff = _queries(admin, "/admin/users/")
    few_home = _queries(admin, "/staff/")
    for _ in range(30):
        factories.make_user("staff")
        factories.make_organisation(sectors=["retail", "care"])
    assert _queries(admin, "/admin/users/") == few_staff
    assert _queries(admin, "/staff/") == few_home


# --- hiring needs and service requests ---------------------------------------------------------

def _former_colleague(org):
    """A new author for each row, no longer a member: each active member would get
    every request's mail, and the mail queue is not what these tests measure."""
    from portal.employers.enums import MembershipStatus

    return factories.employer_of(org, org_role="member",
                                 membership_status=MembershipStatus.REMOVED)


def _employer_rows(org, employer) -> None:
    """One of everything the employer's lists show, by new users each time (so a
    lazy load per author or creator would show as a query per row)."""
    from portal.employers import needs
    from portal.employers.enums import NeedStatus
    from portal.requests import services
    from portal.requests.enums import RequestState

    staff = factories.make_user("staff")
    colleague = _former_colleague(org)
    need = factories.make_need(org, created_by=colleague, occupation_code="5223")
    filled = factories.make_need(org, created_by=staff, registered_by_staff=True)
    needs.set_status(filled, NeedStatus.FILLED, actor=employer)
    factories.make_request(org, colleague, "tailored_course", needs=[need])  # a draft
    req = factories.make_request(org, colleague, "placement", submit=True, needs=[need])
    services.transition(req, RequestState.NEEDS_INFO, actor=staff, reason="Mer, tack.")
    services.post_message(req, author=staff, body="Hej! En fråga.")  # unread
    closed = factories.make_request(org, colleague, "mentor_training", submit=True)
    services.withdraw(closed, actor=employer)
    db.session.commit()


def test_employer_request_and_need_lists_queries_do_not_grow_with_rows(login_as):
    org = factories.make_organisation()
    employer = factories.employer_of(org)
    client = login_as(employer)
    urls = ["/organisation", "/organisation?group=all", f"/organisations/{org.id}/requests",
            f"/organisations/{org.id}/requests?group=all&kind=placement",
            f"/organisations/{org.id}/needs", f"/organisations/{org.id}/needs?status=filled"]
    _employer_rows(org, employer)
    few = {url: _queries(client, url) for url in urls}
    for _ in range(30):
        _employer_rows(org, employer)
    assert {url: _queries(client, url) for url in urls} == few


def test_staff_request_list_queries_do_not_grow_with_rows(login_as):
    client = login_as("staff")

    def one_more():
        org = factories.make_organisation()  # each from its own organisation
        factories.make_request(org, factories.employer_of(org), "recruitment_event",
                               submit=True)

    one_more()
    urls = ["/staff/requests/", "/staff/requests/?state=submitted", "/staff/"]
    few = {url: _queries(client, url) for url in urls}
    for _ in range(30):
        one_more()
    assert {url: _queries(client, url) for url in urls} == few


def test_staff_request_page_queries_do_not_grow_with_its_history(login_as):
    """Messages, notes, status changes, submissions, mails, and the organisation's
    other requests and needs: each by a new user, so lazy loads would show."""
    from portal.requests import services
    from portal.requests.enums import RequestState

    org = factories.make_organisation()
    employer = factories.employer_of(org)
    req = factories.make_request(org, employer, "placement", submit=True)
    client = login_as("staff")
    url = f"/staff/requests/{req.id}"

    def one_round(n: int):
        staff = factories.make_user("staff")
        colleague = _former_colleague(org)
        services.transition(req, RequestState.NEEDS_INFO, actor=staff, reason=f"Runda {n}",
                            field_comments={"tasks": "Mer om uppgifterna."})
        services.post_message(req, author=staff, body=f"Fråga {n}")
        services.post_message(req, author=colleague, body=f"Svar {n}")
        services.add_note(req, author=staff, body=f"Anteckning {n}")
        services.update_request(req, values={"tasks": f"Plock och pack, runda {n}"},
                                actor=colleague)
        services.submit_request(req, actor=colleague)
        factories.make_need(org, created_by=colleague)
        factories.make_request(org, colleague, "mentor_training", submit=True)
        db.session.commit()

    one_round(0)
    client.get(url)  # the first view marks the messages read
    few = _queries(client, url)
    for n in range(1, 31):
        one_round(n)
    client.get(url)
    assert _queries(client, url) == few


def test_notifications_page_queries_do_not_grow_with_notifications(login_as):
    """Each notification about a request of its own organisation, from a new colleague
    (the actor) and to a newly created employer (the message's author), so a lazy load
    of the request, its organisation or the actor would show as a query per row."""
    from portal.requests import services

    staff = factories.make_user("staff")
    client = login_as(staff)

    def one_more():
        org = factories.make_organisation()
        employer = factories.employer_of(org)
        req = factories.make_request(org, employer, "placement", submit=True)
        services.assign(req, staff, actor=factories.make_user("staff"))
        services.post_message(req, author=employer, body="Hej!")
        db.session.commit()

    one_more()
    urls = ["/staff/notifications/", "/staff/"]  # the list, and the count in the header
    few = {url: _queries(client, url) for url in urls}
    for _ in range(12):  # 26 notifications: more than a page
        one_more()
    assert {url: _queries(client, url) for url in urls} == few


def test_staff_inbox_queries_do_not_depend_on_page_size(app, login_as, monkeypatch):
    """The inbox runs as many queries for a page of 5 rows as for a page of 50, with
    filters and sorts: each request from its own organisation, of every kind, most
    handled by a colleague of their own, half of whom have since left (inactive, so
    not among the staff the page lists anyway): a lazy load per row would show."""
    from portal.requests import services
    from portal.requests.enums import RequestKind

    client = login_as("staff")
    kinds = list(RequestKind)
    for n in range(60):
        org = factories.make_organisation(sectors=["care", "cleaning"] if n % 2 else ["retail"])
        req = factories.make_request(org, factories.employer_of(org), kinds[n % 4], submit=True)
        if n % 3:
            colleague = factories.make_user("staff")
            services.assign(req, colleague, actor=client.user)
            colleague.active = n % 2 == 0
    db.session.commit()
    urls = ["/staff/requests/", "/staff/requests/?state=submitted&sort=due",
            "/staff/requests/?sector=care&sort=organisation",
            "/staff/requests/?q=testf%C3%B6retaget&sort=oldest",
            "/staff/requests/?assignee=none&kind=placement&page=1"]
    counts = {}
    for size in (5, 50):
        monkeypatch.setitem(app.config, "PAGE_SIZE", size)
        body = client.get(urls[0]).get_data(as_text=True)
        assert body.count('<tr id="row-') == size  # the pages really differ in rows
        counts[size] = {url: _queries(client, url) for url in urls}
    assert counts[5] == counts[50]


def test_analysis_pages_and_the_demand_overview_do_not_grow_with_rows(login_as):
    """Analyses with versions, lines and answers, each organisation's own: the staff list,
    an analysis page, the employer's page and the demand overview stay constant."""
    from datetime import timedelta

    from portal.analyses import services as analyses
    from portal.analyses.enums import ResponseKind
    from portal.core.dates import local_today

    staff = factories.make_user("staff")
    today = local_today()

    def one_more():
        org = factories.make_organisation()
        employer = factories.employer_of(org)
        need = factories.make_need(org, created_by=employer)
        req = factories.make_request(org, employer, "tailored_course", submit=True,
                                     needs=[need])
        analysis = analyses.start(org, actor=factories.make_user("staff"),
                                  request_ids=[req.id], meeting_date=today)
        analyses.save_draft(analysis, values={
            "participants": "HR", "actions": ["placements"],
            "follow_up_date": today + timedelta(days=30)},
            lines=[*analyses.line_values(analysis.draft),
                   {"occupation_code": "5223", "headcount": 2, "timeframe": "now"}],
            actor=staff, expected_version=None)
        analyses.finalise(analysis, actor=staff, expected_version=None)
        analyses.revise(analysis, actor=staff, expected_version=None)
        analyses.respond(analysis, user=employer, kind=ResponseKind.COMMENTED,
                         comment="Bra.")
        factories.make_need(org, created_by=employer, occupation_code="9412")
        from portal.extensions import db as _db

        _db.session.commit()
        return org, employer, analysis

    org, employer, analysis = one_more()
    staff_client = login_as(staff)
    urls = ["/staff/analyses/", "/staff/analyses/?state=revising",
            f"/staff/analyses/{analysis.id}", "/staff/demand", "/staff/demand?training=1",
            "/staff/demand/organisations?occupation=9111", "/staff/demand.csv"]
    few = {url: _queries(staff_client, url) for url in urls}
    employer_client = login_as(employer)
    employer_urls = [f"/organisations/{org.id}/analyses",
                     f"/organisations/{org.id}/analyses/{analysis.id}", "/organisation"]
    few_employer = {url: _queries(employer_client, url) for url in employer_urls}
    for _ in range(12):
        one_more()
    # The same analysis, more answers and history.
    for n in range(5):
        analyses.respond(analysis, user=factories.employer_of(org), kind=ResponseKind.CONFIRMED,
                         comment=f"Svar {n}")
    db.session.commit()
    assert {url: _queries(staff_client, url) for url in urls} == few
    assert {url: _queries(employer_client, url) for url in employer_urls} == few_employer


def test_course_pages_do_not_grow_with_courses_and_commitments(login_as):
    """Courses, each with requests, analyses and commitments from new organisations."""
    from portal.core.dates import local_today
    from portal.training import services as training

    staff = factories.make_user("staff")
    employer_org = factories.make_organisation(sectors=["cleaning"])
    employer = factories.employer_of(employer_org)

    def one_more():
        orgs = [factories.make_organisation(sectors=["cleaning"]) for _ in range(2)]
        reqs = [factories.make_request(o, factories.employer_of(o), "tailored_course",
                                       submit=True) for o in orgs]
        cohort = training.create_cohort(values={
            "title": "Lokalvård", "sector": "cleaning", "occupation_code": "9111",
            "provider": "adult_education", "weeks": 14, "seats": 15,
            "start_date": local_today()}, actor=staff, request_ids=[r.id for r in reqs])
        training.set_commitment(cohort, employer_org, actor=staff, interviews=True,
                                hires=1, hosts_practical=False)
        db.session.commit()
        return cohort

    first = one_more()
    staff_client = login_as(staff)
    employer_client = login_as(employer)
    staff_urls = ["/staff/cohorts/", "/staff/cohorts/?state=planned",
                  f"/staff/cohorts/{first.id}",
                  "/staff/cohorts/new?sector=cleaning&occupation=9111"]
    employer_urls = ["/organisation", f"/organisations/{employer_org.id}/cohorts",
                     f"/organisations/{employer_org.id}/cohorts/{first.id}"]
    few = {url: _queries(staff_client, url) for url in staff_urls}
    few_employer = {url: _queries(employer_client, url) for url in employer_urls}
    for _ in range(8):
        one_more()
    for _ in range(4):  # more employers on the first course
        training.set_commitment(first, factories.make_organisation(), actor=staff,
                                interviews=False, hires=0, hosts_practical=True)
    db.session.commit()
    assert {url: _queries(staff_client, url) for url in staff_urls} == few
    assert {url: _queries(employer_client, url) for url in employer_urls} == few_employer


def test_the_participant_register_does_not_grow_with_rows(app, login_as, monkeypatch):
    from portal.participants import services as participants

    units = ["Jobbcenter", "Kommunservice"]
    monkeypatch.setitem(app.config, "PORTAL_UNITS", units)
    staff = factories.make_user("staff")

    def one_more(n):
        participants.create(values={"first_name": f"Namn{n}", "last_name": "Efternamn",
                                    "case_reference": f"AME-{n}", "driving_licence": "none",
                                    "unit": units[n % 2]},
                            sectors=["cleaning", "care"], actor=factories.make_user("staff"))
        db.session.commit()

    one_more(0)
    one_more(1)
    client = login_as(staff)
    urls = ["/staff/participants/", "/staff/participants/?sector=care",
            "/staff/participants/?q=namn", "/staff/participants/?unit=Kommunservice"]
    few = {url: _queries(client, url) for url in urls}
    for n in range(2, 20):
        one_more(n)
    assert {url: _queries(client, url) for url in urls} == few


def test_a_course_page_does_not_grow_with_its_participants(login_as):
    from portal.core.dates import local_today
    from portal.participants import services as participants
    from portal.training import enrolment
    from portal.training import services as training

    staff = factories.make_user("staff")
    cohort = training.create_cohort(values={
        "title": "Lokalvård", "sector": "cleaning", "occupation_code": "9111",
        "provider": "adult_education", "weeks": 14, "seats": 4,
        "start_date": local_today()}, actor=staff)

    def one_more(n):
        person = participants.create(values={
            "first_name": f"Namn{n}", "last_name": "Efternamn", "case_reference": f"Q-{n}",
            "driving_licence": "none"}, sectors=["cleaning"], actor=factories.make_user("staff"))
        placed = enrolment.enrol(cohort, person, actor=factories.make_user("staff"))
        if n % 3 == 0 and placed.status == "enrolled":
            enrolment.change(placed, "drop_out", actor=staff, reason="Fick jobb.")
        db.session.commit()

    for n in range(3):
        one_more(n)
    client = login_as(staff)
    url = f"/staff/cohorts/{cohort.id}"
    few = _queries(client, url)
    for n in range(3, 20):
        one_more(n)
    assert _queries(client, url) == few


def test_the_attendance_sheet_does_not_grow_with_participants(login_as):
    from portal.training import attendance, enrolment
    from tests.training.test_attendance import _running_course_with
    from tests.training.test_enrolment import _person

    staff = factories.make_user("staff")
    cohort, placed = _running_course_with(2, staff)
    week = attendance.monday(cohort.start_date)
    attendance.save(cohort, week, {e.id: (30, 0) for e in placed}, actor=staff)
    db.session.commit()
    client = login_as(staff)
    url = f"/staff/cohorts/{cohort.id}/attendance?week={week.isoformat()}"
    few = _queries(client, url)
    more = [enrolment.enrol(cohort, _person(staff=factories.make_user("staff")), actor=staff)
            for _ in range(6)]
    for e in more:
        e.enrolled_on = cohort.start_date
    attendance.save(cohort, week, {e.id: (20, 10) for e in more}, actor=staff)
    db.session.commit()
    assert _queries(client, url) == few


def test_outcome_pages_do_not_grow_with_people_or_outcomes(login_as):
    from portal.participants import outcomes
    from portal.training import enrolment
    from tests.training.test_enrolment import _course, _person

    staff = factories.make_user("staff")
    cohort = _course(seats=30, staff=staff)
    org = factories.make_organisation()

    def leave(n):
        person = _person(staff=staff)
        placed = enrolment.enrol(cohort, person, actor=staff)
        enrolment.change(placed, "complete", actor=staff)
        # At the end, at follow-up and at the later follow-up.
        for checkpoint in ("end", "follow_up", "late"):
            outcomes.record(person, outcomes.Values(
                status="employed" if n % 2 else "studies",
                organisation=org if n % 2 else None),
                checkpoint=checkpoint, actor=staff, cohort_id=cohort.id)
        db.session.commit()
        return person

    first = leave(0)
    leave(1)
    client = login_as(staff)
    urls = [f"/staff/cohorts/{cohort.id}/outcomes", f"/staff/participants/{first.id}",
            "/staff/requests/my-day"]
    few = [_queries(client, url) for url in urls]
    for n in range(2, 12):
        leave(n)
    assert [_queries(client, url) for url in urls] == few


def test_event_pages_do_not_grow_with_events_organisations_and_people(login_as):
    """Events, each with requests from new organisations, organisations of their own and
    job seekers invited: the staff list, an event's page and the employer's pages stay
    constant."""
    from portal.core.dates import local_today
    from portal.events import services as events
    from portal.events.enums import Response

    staff = factories.make_user("staff")
    employer_org = factories.make_organisation(sectors=["cleaning"])
    employer = factories.employer_of(employer_org)

    def one_more():
        orgs = [factories.make_organisation(sectors=["cleaning"]) for _ in range(2)]
        reqs = [factories.make_request(o, factories.employer_of(o), "recruitment_event",
                                       submit=True) for o in orgs]
        event = factories.make_event(staff, request_ids=[r.id for r in reqs],
                                     organisations=[employer_org])
        events.respond(event, orgs[0], Response.CONFIRMED,
                       actor=factories.employer_of(orgs[0]))
        events.invite(event, factories.make_participant(actor=factories.make_user("staff")),
                      actor=factories.make_user("staff"))
        db.session.commit()
        return event

    first = one_more()
    factories.make_participant()  # one for the matching list first: eager loads run once
    staff_client = login_as(staff)
    employer_client = login_as(employer)
    staff_urls = ["/staff/events/", "/staff/events/?state=planned&when=upcoming",
                  f"/staff/events/{first.id}",
                  "/staff/events/new?sector=cleaning&occupation=9111"]
    employer_urls = ["/organisation", f"/organisations/{employer_org.id}/events",
                     f"/organisations/{employer_org.id}/events/{first.id}"]
    few = {url: _queries(staff_client, url) for url in staff_urls}
    few_employer = {url: _queries(employer_client, url) for url in employer_urls}
    for _ in range(8):
        one_more()
    for _ in range(4):  # more organisations and people on the first event
        events.set_organisation(first, factories.make_organisation(), actor=staff,
                                role="partner", vacancies=0)
        events.invite(first, factories.make_participant(actor=factories.make_user("staff")),
                      actor=factories.make_user("staff"))
        events.update_event(first, values={"capacity": first.capacity + 1},
                            actor=factories.make_user("staff"), expected_version=None)
    db.session.commit()
    assert local_today() <= first.event_date
    assert {url: _queries(staff_client, url) for url in staff_urls} == few
    assert {url: _queries(employer_client, url) for url in employer_urls} == few_employer


def test_mentor_training_pages_do_not_grow_with_sessions_and_seats(login_as):
    """Sessions open and for an organisation, each with places and a waiting list taken
    by new supervisors of new organisations: the staff list, a session's page and the
    employer's page stay constant."""
    from portal.mentor_training import services as mentor

    staff = factories.make_user("staff")
    org = factories.make_organisation()
    employer = factories.employer_of(org)

    def one_more(n):
        session = factories.make_mentor_session(
            capacity=1, organisation_id=org.id if n % 2 else None)
        for _ in range(2):
            mentor.sign_up(session, factories.make_supervisor(org if n % 2 else None),
                           actor=factories.make_user("staff"))
        db.session.commit()
        return session

    first = one_more(0)
    one_more(1)
    staff_client = login_as(staff)
    employer_client = login_as(employer)
    staff_urls = ["/staff/mentor-training/", "/staff/mentor-training/?when=all&state=planned",
                  f"/staff/mentor-training/{first.id}"]
    employer_urls = [f"/organisations/{org.id}/mentor-training"]
    few = {url: _queries(staff_client, url) for url in staff_urls}
    few_employer = {url: _queries(employer_client, url) for url in employer_urls}
    for n in range(2, 14):
        one_more(n)
    for _ in range(5):  # more places and more waiting on the first session
        mentor.sign_up(first, factories.make_supervisor(), actor=factories.make_user("staff"))
    db.session.commit()
    assert {url: _queries(staff_client, url) for url in staff_urls} == few
    assert {url: _queries(employer_client, url) for url in employer_urls} == few_employer


def test_the_supervisor_register_and_an_organisations_supervisors_do_not_grow(login_as):
    """Each supervisor at an organisation of its own (the register) or the same one (its
    admin's page), with sectors, availability and placements holding places: a lazy load
    per row, or a count of placements per row, would show."""
    from portal.supervisors import services as supervisors

    org = factories.make_organisation()
    admin = factories.employer_of(org)
    participant = factories.make_participant()

    def one_more(n):
        home = factories.make_organisation(sectors=["care", "retail"])
        there = factories.make_supervisor(home, sectors=["care", "cleaning"], capacity=3,
                                          status="approved" if n % 2 else "pending",
                                          with_account=False)
        factories.make_placement(participant, home, there, state="active")
        factories.make_supervisor(org, status="unconfirmed", with_account=False,
                                  registered_by_id=admin.id)
        staff = factories.make_user("staff")
        if n % 2:  # a change log that grows too
            supervisors.transition(there, supervisors.ST.DEACTIVATED, actor=staff,
                                   reason=f"Runda {n}")
        db.session.commit()
        return there

    first = one_more(1)
    staff_client = login_as("staff")
    admin_client = login_as(admin)
    staff_urls = ["/staff/supervisors/", "/staff/supervisors/?free=yes&trained=no",
                  "/staff/supervisors/?sector=care&municipality=H%C3%A4rryda&language=sv",
                  f"/staff/supervisors/{first.id}"]
    admin_urls = [f"/organisations/{org.id}/supervisors"]
    few = {url: _queries(staff_client, url) for url in staff_urls}
    few_admin = {url: _queries(admin_client, url) for url in admin_urls}
    for n in range(2, 31):
        one_more(n)
    for n in range(5):  # the first one's change log grows
        supervisors.transition(first, supervisors.ST.APPROVED, actor=factories.make_user(
            "staff"))
        supervisors.transition(first, supervisors.ST.DEACTIVATED, actor=factories.make_user(
            "staff"), reason=f"Igen {n}")
    db.session.commit()
    assert {url: _queries(staff_client, url) for url in staff_urls} == few
    assert {url: _queries(admin_client, url) for url in admin_urls} == few_admin


def test_placement_pages_do_not_grow_with_placements_and_people(login_as):
    """Placements, each with its own organisation, supervisor, participant and staff
    member; people at risk; check-ins on one placement: the staff list (filtered too),
    the at-risk list, my day, a placement's page and the matching for a request stay
    constant."""
    from datetime import timedelta

    from portal.core.dates import local_today
    from portal.core.models import utcnow
    from portal.placements import services as placements
    from portal.placements.models import PlacementCheckIn

    staff = factories.make_user("staff")
    request_org = factories.make_organisation(sectors=["cleaning"])
    req = factories.make_request(request_org, factories.employer_of(request_org), "placement",
                                 submit=True)
    start = local_today() - timedelta(days=20)

    def one_more():
        org = factories.make_organisation(sectors=["cleaning"])
        supervisor = factories.make_supervisor(org, trained_on=local_today())
        person = factories.make_participant(actor=factories.make_user("staff"))
        placement = placements.create(person, values={
            "organisation_id": org.id, "supervisor_id": supervisor.id,
            "placement_type": "subsidised_job", "sector": "cleaning", "starts_on": start,
            "ends_on": start + timedelta(days=60), "weekly_hours": 30,
            "tasks": "Städning"}, actor=staff)
        placements.agree(placement, actor=staff, ordinary_employees=10)
        # Someone registered long ago with no placement; someone whose last one ended.
        waiting = factories.make_participant(actor=factories.make_user("staff"))
        waiting.created_at = utcnow() - timedelta(days=40)
        factories.make_placement(factories.make_participant(actor=staff), org, supervisor,
                                 state="ended", starts_on=start - timedelta(days=90),
                                 ends_on=start - timedelta(days=40),
                                 ended_on=start - timedelta(days=40))
        db.session.commit()
        return placement

    first = one_more()
    client = login_as(staff)
    shown = {"/staff/placements/?missed=1": '<tr id="placement-',
             "/staff/placements/at-risk": '<tr id="risk-',
             "/staff/requests/my-day": 'data-follow-up="check_in"',
             f"/staff/placements/for-request/{req.id}": 'class="supervisor-match"'}
    for url, marker in shown.items():  # the pages really list rows
        assert marker in client.get(url).get_data(as_text=True), url
    urls = ["/staff/placements/", "/staff/placements/?missed=1",
            "/staff/placements/?state=agreed&q=testf%C3%B6retaget&type=subsidised_job",
            "/staff/placements/at-risk", "/staff/requests/my-day",
            f"/staff/placements/{first.id}", f"/staff/placements/for-request/{req.id}"]
    few = {url: _queries(client, url) for url in urls}
    for _ in range(8):
        one_more()
    for weeks in range(1, 4):
        db.session.add(PlacementCheckIn(placement_id=first.id, rating="good", hours=30,
                                        week_start=placements.monday(local_today())
                                        - timedelta(weeks=weeks)))
    db.session.commit()
    assert {url: _queries(client, url) for url in urls} == few
