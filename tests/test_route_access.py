"""Every route has an owner.

Walks app.url_map, fails on any view without an @access mark, and checks
what anonymous visitors, employers of organisation A and B, a supervisor at
organisation A, staff, staff managers and admins get on every URL. Employer B
must get 404/403 on every URL of organisation A; the supervisor gets 403 on
every employer page and sees supervisor pages only for their own placements.
"""

from __future__ import annotations

import re

import pytest

from portal.core.mail import queue_mail
from portal.core.permissions import Access
from portal.employers.enums import MembershipStatus, OrgRole
from portal.employers.models import Membership
from portal.extensions import db
from portal.notifications.enums import NotificationKind
from portal.notifications.services import notify
from tests import factories
from tests.support import hidden_inputs

ROLES = ["anonymous", "employer_a", "employer_b", "supervisor", "staff", "staff_manager",
         "admin"]
EMPLOYERS = {"employer_a", "employer_b"}
STAFF = {"staff", "staff_manager", "admin"}


def _rules(app):
    rules = [r for r in app.url_map.iter_rules() if r.endpoint != "static"]
    # Logging out ends the client's session: do it last.
    return sorted(rules, key=lambda r: r.endpoint == "accounts.logout")


def test_every_route_is_classified(app):
    unclassified = [
        f"{rule.rule} ({rule.endpoint})"
        for rule in _rules(app)
        if not isinstance(getattr(app.view_functions[rule.endpoint], "access", None), Access)
    ]
    assert not unclassified, "routes without @access(...): " + ", ".join(unclassified)


@pytest.fixture
def world(app, login_as):
    org_a = factories.make_organisation(name="Alfa Lokalvård AB")
    org_b = factories.make_organisation(name="Beta Bygg AB")
    a_admin = factories.employer_of(org_a)
    b_admin = factories.employer_of(org_b)
    pending = factories.employer_of(org_a, org_role=OrgRole.MEMBER,
                                    membership_status=MembershipStatus.PENDING)
    pending_membership = db.session.scalar(
        db.select(Membership).where(Membership.user_id == pending.id))
    staff_target = factories.make_user("staff")
    message = queue_mail("password_changed", "x@example.se", "sv", user=a_admin)
    need = factories.make_need(org_a, created_by=a_admin)
    service_request = factories.make_request(org_a, a_admin, submit=True, needs=[need])
    notification = notify(staff_target, NotificationKind.REQUEST_ASSIGNED, about=service_request)
    analysis = _final_analysis(org_a, staff_target, need)
    cohort = _cohort(org_a, staff_target)
    from portal.participants import services as participants

    participant = participants.create(values={
        "first_name": "Amina", "last_name": "Yusuf", "case_reference": "AME-1",
        "driving_licence": "none"}, sectors=["cleaning"], actor=staff_target)
    from portal.training import enrolment

    enrolled = enrolment.enrol(cohort, participant, actor=staff_target)
    from portal.events import services as events

    event = factories.make_event(staff_target, organisations=[org_a])
    invitation = events.invite(event, participant, actor=staff_target)
    supervisor = factories.make_supervisor(org_a)
    placement = factories.make_placement(participant, org_a, supervisor, state="active")
    mentor_session = factories.make_mentor_session()
    db.session.commit()
    clients = {"anonymous": app.test_client(),
               "employer_a": login_as(a_admin), "employer_b": login_as(b_admin),
               "supervisor": login_as(supervisor.user),
               "staff": login_as("staff"), "staff_manager": login_as("staff_manager"),
               "admin": login_as("admin")}
    values = {"org_id": org_a.id, "membership_id": pending_membership.id,
              "user_id": staff_target.id, "token": "not-a-real-token", "code": "en",
              "message_id": message.id, "need_id": need.id, "request_id": service_request.id,
              "kind": "placement", "notification_id": notification.id,
              "analysis_id": analysis.id, "number": 1, "cohort_id": cohort.id,
              "participant_id": participant.id, "enrolment_id": enrolled.id,
              "checkpoint": "end", "sector": "cleaning", "event_id": event.id,
              "invitation_id": invitation.id, "supervisor_id": supervisor.id,
              "placement_id": placement.id, "session_id": mentor_session.id,
              "follow_up_kind": "check_in"}
    return {"clients": clients, "values": values, "org_a": org_a}


def _final_analysis(org, staff, need):
    from portal.analyses import services as analyses
    from portal.core.dates import local_today

    analysis = analyses.start(org, actor=staff, need_ids=[need.id],
                              meeting_date=local_today())
    analyses.save_draft(analysis, values={"participants": "HR", "actions": ["placements"],
                                          "follow_up_date": local_today().replace(year=2099)},
                        lines=analyses.line_values(analysis.draft), actor=staff,
                        expected_version=None)
    analyses.finalise(analysis, actor=staff, expected_version=None)
    return analysis


def _cohort(org, staff):
    from portal.core.dates import local_today
    from portal.training import services as training

    cohort = training.create_cohort(values={
        "title": "Lokalvård", "sector": "cleaning", "occupation_code": "9111",
        "provider": "adult_education", "weeks": 14, "seats": 15,
        "start_date": local_today()}, actor=staff)
    training.set_commitment(cohort, org, actor=staff, interviews=True, hires=2,
                            hosts_practical=False)
    return cohort


def _url(rule, values) -> str:
    url = rule.rule
    for name in rule.arguments:
        url = re.sub(rf"<(?:[a-z]+:)?{name}>", str(values[name]), url)
    return url


def _call(client, rule, url):
    if "GET" in rule.methods:
        return client.get(url)
    # POST-only: send a valid CSRF token, so the access rule (not CSRF) decides.
    page = client.get("/password/forgot").get_data(as_text=True)
    token = hidden_inputs(page)["csrf_token"]
    return client.post(url, data={"csrf_token": token})


def _expected(level: Access, role: str, org_scoped: bool) -> set[int] | str:
    """Allowed status codes, or 'login' for a redirect to the login page."""
    ok = {200, 302, 303, 404, 409, 422}  # 404 for invalid tokens; 302 after actions
    if level == Access.DEV:
        return {404}  # the test app is not in development mode
    if level == Access.PUBLIC:
        return ok
    if role == "anonymous":
        return "login"
    if level == Access.USER:
        if org_scoped and role in {"employer_b", "supervisor"}:
            return {404}
        return ok
    if level == Access.EMPLOYER:
        if role in STAFF or role == "supervisor":
            return {403}
        if org_scoped and role == "employer_b":
            return {404}
        return ok
    if level == Access.SUPERVISOR:
        return ok if role == "supervisor" else {403}
    if level == Access.STAFF:
        return ok if role in STAFF else {403}
    if level == Access.STAFF_MANAGER:
        return ok if role in {"staff_manager", "admin"} else {403}
    if level == Access.ADMIN:
        return ok if role == "admin" else {403}
    raise AssertionError(level)


def test_each_role_gets_what_its_access_allows(app, world):
    problems = []
    checked = 0
    for rule in _rules(app):
        level = app.view_functions[rule.endpoint].access
        url = _url(rule, world["values"])
        org_scoped = "org_id" in rule.arguments
        for role in ROLES:
            response = _call(world["clients"][role], rule, url)
            expected = _expected(level, role, org_scoped)
            checked += 1
            if expected == "login":
                location = response.headers.get("Location", "")
                if response.status_code != 302 or "/login" not in location:
                    problems.append(f"{role} {url}: {response.status_code} {location}, "
                                    "expected a redirect to /login")
            elif response.status_code not in expected:
                problems.append(f"{role} {url}: {response.status_code}, expected {expected}")
    assert checked >= len(_rules(app)) * len(ROLES)
    assert not problems, "\n".join(problems)


def test_employer_b_never_sees_organisation_a(app, world):
    client_b = world["clients"]["employer_b"]
    org_a = world["org_a"]
    for rule in _rules(app):
        if "org_id" not in rule.arguments:
            continue
        url = _url(rule, world["values"])
        response = _call(client_b, rule, url)
        assert response.status_code in {403, 404}, (url, response.status_code)
        assert org_a.name not in response.get_data(as_text=True)
