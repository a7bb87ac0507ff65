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
