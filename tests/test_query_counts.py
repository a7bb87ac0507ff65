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
